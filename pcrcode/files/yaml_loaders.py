"""The YAML loaders behind :func:`pcrcode.files.yaml_reading.loads` (see there): safe, line-aware,
without anchors, aliases or duplicate keys. A module apart so that PyYAML is imported only by
commands that parse a file (a command served from the cache does not)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from pcrcode.errors import FileFormatError
from pcrcode.files.yaml_reading import LDict, LList, refuse_conflict

try:  # PyYAML's libyaml binding is several times faster; fall back to pure Python without it.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


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
        return yaml.constructor.BaseConstructor.construct_object(self, node, deep=deep)


class _PyLoader(yaml.SafeLoader):
    """The pure-Python twin of ``_Loader``, for text that may nest very deeply: libyaml's composer
    recurses in C and overflows the stack (a crash) near 20,000 levels, where Python raises
    RecursionError, reported as "nested too deeply"."""

    construct_object = _Loader.construct_object


# No pcrcode file nests more than a few levels; a text that may nest deeper is parsed in Python.
_DEEP = 1000
_LEADING = re.compile(r"^[ ?:-]*", re.MULTILINE)


def _may_nest_deeply(text: str) -> bool:
    """Whether an upper bound of the nesting depth exceeds ``_DEEP`` (quotes are not parsed: a
    bracket inside a string counts too, which only makes the bound higher)."""
    # A block level takes at least one column of indentation, or a '- ', '? ' of a compact one.
    block = 2 * max((len(m) for m in _LEADING.findall(text)), default=0)
    if block + text.count("[") + text.count("{") <= _DEEP:
        return False
    depth = peak = 0
    for char in re.sub(r"[^][{}]", "", text):
        depth = depth + 1 if char in "[{" else max(depth - 1, 0)
        peak = max(peak, depth)
    return block + peak > _DEEP


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


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    # `date: 2026-02-30` looks like a date to YAML, and its constructor raises a bare
    # ValueError: a finding with the line, not a traceback.
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as exc:
        raise yaml.MarkedYAMLError(
            None,
            None,
            f"'{node.value}' is not a real date ({exc}): correct it, or quote it "
            "to keep it as text",
            node.start_mark,
        ) from None


def _construct_int(loader: _Loader, node: yaml.ScalarNode) -> Any:
    # Past Python's int conversion limit (4,300 digits), int() raises a bare ValueError.
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)
    except ValueError:
        raise yaml.MarkedYAMLError(
            None,
            None,
            f"a number of {len(node.value)} digits is too large: write a smaller one, or "
            "quote it to keep it as text",
            node.start_mark,
        ) from None


def _construct_float(loader: _Loader, node: yaml.ScalarNode) -> Any:
    # .nan and .inf have no place in a pcrcode file, and would reach JSON output as NaN.
    value = yaml.constructor.SafeConstructor.construct_yaml_float(loader, node)
    if value != value or value in (float("inf"), float("-inf")):
        raise yaml.MarkedYAMLError(
            None,
            None,
            f"'{node.value}' is not a number pcrcode can count with (not a number or "
            "infinite): write a number, or quote it to keep it as text",
            node.start_mark,
        )
    return value


_STANDARD = "tag:yaml.org,2002:"


def _refuse_tags(source: str, loader: type[_Loader] | type[_PyLoader]) -> None:
    """Refuse every tag (``!!binary``, ``!x``, a bare ``!``) and directive (``%TAG``,
    ``%YAML``): a pcrcode file never needs one, and a loader only sees the tag it resolved.
    Read from the parser's events, only for a text that could hold one."""
    if "!" not in source and "%" not in source:
        return
    for event in yaml.parse(source, Loader=loader):
        mark: Any = event.start_mark  # libyaml's Mark or PyYAML's: the same attributes
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown = "!!" + tag[len(_STANDARD) :] if tag.startswith(_STANDARD) else tag
            raise yaml.MarkedYAMLError(
                None,
                None,
                f"tags such as {shown} are not allowed in pcrcode files: remove the tag",
                mark,
            )
        if isinstance(event, yaml.DocumentStartEvent) and (event.tags or event.version):
            raise yaml.MarkedYAMLError(
                None,
                None,
                "directives (%TAG, %YAML) are not allowed in pcrcode files: remove the line",
                mark,
            )


for _cls in (_Loader, _PyLoader):
    _cls.add_constructor("tag:yaml.org,2002:int", _construct_int)
    _cls.add_constructor("tag:yaml.org,2002:float", _construct_float)
    _cls.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
    _cls.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
    _cls.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


# PyYAML's wording for the usual slips, with what to do about them.
_INDENT = (
    ": check the indentation of this line and the one above (the keys of one mapping, the "
    "items of one list, start in the same column)"
)
_COLON = (
    ": a ':' and a space inside a value? quote the value (name: \"a: b\"); or is this "
    "line indented deeper than the keys beside it? align it with them"
)
_HINTS = {
    "mapping values are not allowed here": _COLON,
    "mapping values are not allowed in this context": _COLON,
    "could not find expected ':'": _INDENT,
    "did not find expected key": _INDENT,
    "did not find expected '-' indicator": _INDENT,
    "expected <block end>, but found '<block mapping start>'": _INDENT,
    "expected <block end>, but found '-'": _INDENT,
    "expected <block end>, but found '<block sequence start>'": _INDENT,
}


def _char_at(text: str, line: int, column: int) -> str:
    lines = text.split("\n")
    return lines[line][column : column + 1] if 0 <= line < len(lines) else ""


def parse(text: str, path: Path | str, first_line: int = 1) -> Any:
    """:func:`pcrcode.files.yaml_reading.loads`."""
    source = "\n" * (first_line - 1) + text if first_line > 1 else text
    refuse_conflict(source, path)
    try:
        _refuse_tags(source, _PyLoader if _may_nest_deeply(source) else _Loader)
        return yaml.load(source, Loader=_PyLoader if _may_nest_deeply(source) else _Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if isinstance(exc, yaml.constructor.ConstructorError) and "constructor" in problem:
            problem = "tags such as !!python/object are not allowed in pcrcode files"
        line = mark.line + 1 if mark is not None else None
        col = mark.column + 1 if mark is not None else None
        if mark is not None and _char_at(source, mark.line, mark.column) == "\t":
            problem = "a tab: YAML indents with spaces only, replace the tab by spaces"
        else:
            problem += _HINTS.get(problem, "")
        raise FileFormatError(f"invalid YAML: {problem}", path, line, col) from None
    except yaml.reader.ReaderError as exc:  # a character YAML refuses: no mark, a position
        before = source[: exc.position]
        char = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise FileFormatError(
            f"invalid YAML: unprintable character U+{char:04X} is not allowed; remove it",
            path,
            before.count("\n") + 1,
            len(before) - before.rfind("\n"),
        ) from None
    except yaml.YAMLError as exc:
        raise FileFormatError(f"invalid YAML: {exc}", path, 1) from None
    except RecursionError:
        raise FileFormatError("invalid YAML: nested too deeply", path, 1) from None
