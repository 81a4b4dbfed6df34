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

import os
import re
import unicodedata
from pathlib import Path
from typing import Any

from pcrcode.errors import FileFormatError


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


def decode(data: bytes, path: Path | str) -> str:
    """Decode a project file: UTF-8 (a BOM is tolerated), line endings normalised to LF, and
    accents composed (NFC), so that text typed decomposed (macOS) matches what pcrcode wrote."""
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
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


# A transcript of three hours is about 200 kB; a file fifty times that size is a mistake (a
# recording or an export in the wrong folder), refused before it is read into memory.
MAX_FILE_BYTES = 10 * 1024 * 1024


def read_text(path: Path) -> str:
    """Read a project file as text (see :func:`decode`); files over 10 MB are refused."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FileFormatError(
                f"too large for a pcrcode file ({size / 1024 / 1024:.1f} MB, the limit is "
                f"{MAX_FILE_BYTES // 1024 // 1024} MB): split it, or move it out of the project",
                path,
                1,
            )
        data = path.read_bytes()
    except IsADirectoryError:
        raise FileFormatError("is a folder, expected a file", path) from None
    except FileNotFoundError:
        if not path.is_symlink():
            raise
        raise FileFormatError(
            f"a symbolic link that leads nowhere (to '{os.readlink(path)}'): restore what it "
            "leads to, or remove the link",
            path,
        ) from None
    except OSError as exc:
        raise FileFormatError(f"cannot read: {exc.strerror}", path) from None
    return decode(data, path)


def loads(text: str, path: Path | str, first_line: int = 1) -> Any:
    """Parse one YAML document; errors become :class:`FileFormatError` with the line.

    ``first_line`` is the line of the file where ``text`` starts (front matter). PyYAML is
    imported here, not with this module: a command served from the cache never needs it.
    """
    from pcrcode.files.yaml_loaders import parse

    return parse(text, path, first_line)


_CONFLICT = re.compile(r"^(<{7}|={7}|>{7}|\|{7})(?: |$)", re.MULTILINE)
_CONFLICT_MD = re.compile(r"^(<{7}|>{7}|\|{7})(?: |$)", re.MULTILINE)


def refuse_conflict(text: str, path: Path | str, markdown: bool = False) -> None:
    """Git's conflict markers left in a file: named as such, at the marker's line (a YAML
    parser would report some syntax error one line later). In Markdown, a line of ``=`` is a
    heading's underline: only ``<<<<<<<`` and ``>>>>>>>`` count there."""
    found = (_CONFLICT_MD if markdown else _CONFLICT).search(text)
    if found is not None:
        line = text.count("\n", 0, found.start()) + 1
        raise FileFormatError(
            f"unresolved merge conflict (a '{found.group(1)}' line): keep the lines you want, "
            "delete the marker lines <<<<<<<, ======= and >>>>>>>, then run `pcrcode check`",
            path,
            line,
        )


OUTSIDE_PROJECT = (
    "leads outside the project (a symbolic link): pcrcode reads and writes only "
    "inside the project folder; replace the link by a copy"
)


def is_inside(root: Path, path: Path) -> bool:
    """Whether ``path``, symbolic links followed, stays inside the project folder ``root``."""
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a link that loops leads nowhere pcrcode may read
        return False


def load_file(path: Path) -> Any:
    return loads(read_text(path), path)
