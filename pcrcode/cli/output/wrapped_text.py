"""Printing long runs of wrapped text fast, byte for byte as Rich prints them.

``console.print(Text(...))`` and ``console.print(Padding(Text(...), (0, 0, 0, n), expand=False))``
are slow in Rich (segments, measurements, a flush per call): they were most of `pcrcode retrieve` on
a large project (bench/NOTES.md). For text whose every character takes one cell (French, English:
the common case), the same lines are laid out here with string operations, following Rich's own
steps (``Text.wrap``, ``rich._wrap.divide_line``, ``Padding``), and written in batches. Anything
else (wide or zero-width characters, tabs, an unusual console) is handed to Rich itself, so the
output never differs; ``tests/test_wrapped_text.py`` compares the two on generated text, widths and
colour settings.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

_WORD = re.compile(r"\s*\S+\s*")  # rich._wrap.re_word
_TRAILING_SPACE = re.compile(r"\s+$")  # rich.text._re_whitespace
_BATCH = 8192  # characters per write: Rich writes at most 32 KiB (8,192 characters) at once
# Characters that cell_len counts as one cell, each on its own (no joiner, no variation
# selector, no line break for str.splitlines), seeded with printable ASCII; and the newline,
# where Text.wrap splits paragraphs.
_NARROW: set[str] = {"\n", *map(chr, range(0x20, 0x7F))}
_OTHER: set[str] = set()
_NOT_NARROW = frozenset("\u200d\ufe0f\u2028\u2029")


def narrow(text: str) -> bool:
    """True when every character of ``text`` but newlines takes exactly one cell: the cells of
    a line are its length."""
    if _NARROW.issuperset(text):
        return True
    from rich.cells import get_character_cell_size

    for char in set(text).difference(_NARROW):
        if char in _OTHER:
            return False
        if char in _NOT_NARROW or get_character_cell_size(char) != 1:
            _OTHER.add(char)
            return False
        _NARROW.add(char)
    return True


def _divide(line: str, width: int) -> list[int]:
    """``rich._wrap.divide_line(line, width, fold=True)`` for narrow text."""
    breaks: list[int] = []
    offset = 0
    for match in _WORD.finditer(line):
        start = match.start()
        word = match.group()
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
        elif length > width:  # longer than a line: folded
            from rich.cells import chop_cells

            pieces = chop_cells(word, width)
            for piece in pieces[:-1]:
                if start:
                    breaks.append(start)
                start += len(piece)
            if start:
                breaks.append(start)
            offset = len(pieces[-1])
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    return breaks


def wrap(text: str, width: int) -> list[str]:
    """The lines of ``Text(text).wrap(console, width)`` (justify and overflow by default) for
    narrow text (see :func:`narrow`) and ``width >= 1``."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if len(paragraph) <= width:
            lines.append(paragraph)
            continue
        breaks = _divide(paragraph, width)
        for start, end in zip([0, *breaks], [*breaks, len(paragraph)], strict=True):
            line = paragraph[start:end]
            if len(line) > width:  # Text.rstrip_end, then Text.truncate
                space = _TRAILING_SPACE.search(line)
                if space is not None:
                    line = line[: len(line) - min(len(space.group()), len(line) - width)]
                line = line[:width]
            lines.append(line)
    return lines


class TextWriter:
    """Prints like ``console.print`` the few kinds of text a report is made of.

    Output is kept in batches; call :meth:`flush` at the end (and before writing to the same
    stream otherwise).
    """

    def __init__(self, console: Console) -> None:
        self.console = console
        self.width = console.width
        # Where Rich does more than write text (Windows' legacy console API, a notebook, a
        # recording, a quiet console), or with no room to lay text out: Rich prints.
        self.fast = not (
            console.legacy_windows
            or console.is_jupyter
            or console.record
            or console.quiet
            or self.width < 3
        )
        self._styles: dict[str, tuple[str, str] | None] = {}
        self._out: list[str] = []
        self._size = 0

    def _codes(self, style: str) -> tuple[str, str] | None:
        """The escape codes Rich writes before and after text in ``style`` on this console
        (none without colours, e.g. into a pipe), or None if it writes anything else."""
        if getattr(self.console, "plain", False):  # rows.PlainConsole: none, by construction
            return ("", "")
        if style not in self._styles:
            from rich.text import Text

            with self.console.capture() as capture:
                self.console.print(Text("x", style=style), end="")
            before, x, after = capture.get().partition("x")
            self._styles[style] = (before, after) if x and "x" not in after else None
        return self._styles[style]

    def plain(self) -> bool:
        """Whether this console writes text as it is: no escape code for any style (a pipe,
        a file, NO_COLOR... no: NO_COLOR keeps bold), and nothing else in the way."""
        return self.fast and self._codes("bold") == ("", "") and self._codes("dim") == ("", "")

    def raw(self, text: str) -> None:
        """Text already laid out, written as it is."""
        self._write(text)

    def _styled(self, line: str, codes: tuple[str, str]) -> str:
        return f"{codes[0]}{line}{codes[1]}" if line else ""

    def _write(self, text: str) -> None:
        self._out.append(text)
        self._size += len(text)
        if self._size >= _BATCH:
            self.flush()

    def flush(self) -> None:
        if not self._out:
            return
        text = "".join(self._out)
        self._out.clear()
        self._size = 0
        try:
            self.console.file.write(text)
            self.console.file.flush()
        except BrokenPipeError:
            self.console.on_broken_pipe()

    def blank(self) -> None:
        """``console.print()``"""
        if self.fast:
            self._write("\n")
        else:
            self.console.print()

    def text(self, text: str, style: str = "") -> None:
        """``console.print(Text(text, style=style))``"""
        codes = self._codes(style) if self.fast else None
        if codes is None or not narrow(text):
            from rich.text import Text

            self.flush()
            self.console.print(Text(text, style=style))
            return
        self._write("".join(f"{self._styled(line, codes)}\n" for line in wrap(text, self.width)))

    def indented(self, text: str, style: str = "", indent: int = 2) -> None:
        """``console.print(Padding(Text(text, style=style), (0, 0, 0, indent), expand=False))``:
        the text wrapped to the room left, and every line padded to the longest one's width
        when the text wraps."""
        codes = self._codes(style) if self.fast else None
        # Measurement of the Text (its longest line, at most the console's width), less the
        # indent; an empty text or no room left: Rich's corner cases.
        room = min(max(map(len, text.split("\n"))), self.width)
        room = min(room + indent, self.width) - indent
        if codes is None or room < 1 or not narrow(text):
            from rich.padding import Padding
            from rich.text import Text

            self.flush()
            self.console.print(Padding(Text(text, style=style), (0, 0, 0, indent), expand=False))
            return
        left = " " * indent
        self._write(
            "".join(
                f"{left}{self._styled(line, codes)}{' ' * (room - len(line))}\n"
                for line in wrap(text, room)
            )
        )
