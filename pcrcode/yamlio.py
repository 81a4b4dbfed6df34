"""Safe, line-aware YAML reading.

Every project file goes through here, so that:

- YAML is only ever loaded safely (no ``!!python/object``), anchors and aliases are refused (they
  have no use in a pcrcode file and are the vector of "billion laughs" alias bombs), and duplicate
  keys are an error instead of silently keeping the last one;
- mappings and sequences remember the line and column of each key and item, so that the linter can
  say ``codebook.yaml:42:5`` instead of "somewhere in the codebook";
- the C loader is used when PyYAML was built with it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pcrcode.errors import FileFormatError

try:  # PyYAML's libyaml binding is several times faster; fall back to pure Python without it.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class LDict(dict[Any, Any]):
    """A mapping that knows where it and each of its keys stand in the file (1-based)."""

    line: int = 0
    col: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.key_pos: dict[Any, tuple[int, int]] = {}

    def pos(self, key: Any) -> tuple[int, int]:
        return self.key_pos.get(key, (self.line, self.col))


class LList(list[Any]):
    """A sequence that knows where it and each of its items stand in the file (1-based)."""

    line: int = 0
    col: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.item_pos: list[tuple[int, int]] = []

    def pos(self, index: int) -> tuple[int, int]:
        if 0 <= index < len(self.item_pos):
            return self.item_pos[index]
        return (self.line, self.col)


class _DuplicateKey(yaml.MarkedYAMLError):
    pass


class _AliasRefused(yaml.MarkedYAMLError):
    pass


class _Loader(_BaseLoader):
    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        # An alias is the same node met a second time: refuse it rather than expand it.
        if node in self.constructed_objects or node in self.recursive_objects:
            raise _AliasRefused(
                None, None, "anchors and aliases (&name, *name) are not allowed", node.start_mark
            )
        return super().construct_object(node, deep=deep)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LDict:
    result = LDict()
    result.line = node.start_mark.line + 1
    result.col = node.start_mark.column + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from None
        if key in result:
            line = result.key_pos[key][0]
            raise _DuplicateKey(
                None, None, f"duplicate key {key!r} (first at line {line})", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_pos[key] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LList:
    result = LList()
    result.line = node.start_mark.line + 1
    result.col = node.start_mark.column + 1
    for child in node.value:
        result.append(loader.construct_object(child, deep=True))
        result.item_pos.append((child.start_mark.line + 1, child.start_mark.column + 1))
    return result


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def decode(data: bytes, path: Path | str) -> str:
    """Decode a project file: UTF-8 (a BOM is tolerated), line endings normalised to LF."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileFormatError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8", path, line
        ) from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def read_text(path: Path) -> str:
    """Read a project file as text (see :func:`decode`)."""
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise FileFormatError("is a folder, expected a file", path) from None
    except OSError as exc:
        raise FileFormatError(f"cannot read: {exc.strerror}", path) from None
    return decode(data, path)


def loads(text: str, path: Path | str, first_line: int = 1) -> Any:
    """Parse one YAML document; errors become :class:`FileFormatError` with the line.

    ``first_line`` is the line of the file where ``text`` starts (front matter).
    """
    source = "\n" * (first_line - 1) + text if first_line > 1 else text
    try:
        return yaml.load(source, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if isinstance(exc, yaml.constructor.ConstructorError) and "constructor" in problem:
            problem = "tags such as !!python/object are not allowed in pcrcode files"
        line = mark.line + 1 if mark is not None else None
        col = mark.column + 1 if mark is not None else None
        raise FileFormatError(f"invalid YAML: {problem}", path, line, col) from None
    except yaml.YAMLError as exc:
        raise FileFormatError(f"invalid YAML: {exc}", path) from None
    except RecursionError:
        raise FileFormatError("invalid YAML: nested too deeply", path) from None


def load_file(path: Path) -> Any:
    return loads(read_text(path), path)
