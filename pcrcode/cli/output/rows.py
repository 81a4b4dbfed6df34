"""Writing rows in the formats every listing and report offers: table, csv, json, markdown
(the last three through ``csv_writer``, ``json_stream`` and ``markdown``), and the consoles that
tables are printed on.

The core computes rows once; this module only lays them out. CSV and JSON never pass through Rich
(which wraps piped output at 80 columns); the terminal table shows the same rows. User text
(transcripts, labels, memos, paths) is always handed to Rich as ``Text``, never as markup, and
terminal control characters are made visible so a transcript cannot drive the terminal.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pcrcode.cli.output.pipes import reader_left
from pcrcode.errors import whole_number

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    justify: str = "left"  # left | right | center
    no_wrap: bool = False
    max_width: int | None = None
    ratio: int | None = None


# Output into a pipe (`pcrcode interviews show X | less`) is laid out for the 80 columns of a
# standard terminal, unless COLUMNS says otherwise.
PIPE_WIDTH = 80


def visible(text: str) -> str:
    """Show control characters (ESC sequences...) as ``\\x1b`` instead of sending them raw."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            reader_left(sys.stderr if stderr else sys.stdout)
            raise SystemExit(0)

    width = None
    if "COLUMNS" not in os.environ and not (sys.stderr if stderr else sys.stdout).isatty():
        width = PIPE_WIDTH
    width, height = _size(width)
    return _Console(
        stderr=stderr,
        highlight=False,
        markup=False,
        emoji=False,
        width=width,
        height=height,
        no_color="NO_COLOR" in os.environ or None,
    )


def _size(width: int | None) -> tuple[int | None, int | None]:
    """Rich reads COLUMNS and LINES with int() when they are digits, which raises on '²' or on
    5,000 digits (Python's int conversion limit): such values count as unset. Rich reads
    neither once it is given both sizes."""
    unusable = [
        name
        for name in ("COLUMNS", "LINES")
        if os.environ.get(name, "").isdigit() and whole_number(os.environ[name]) is None
    ]
    if not unusable:
        return width, None
    import shutil

    size = shutil.get_terminal_size()  # which ignores them
    columns = None if "COLUMNS" in unusable else whole_number(os.environ.get("COLUMNS", ""))
    lines = None if "LINES" in unusable else whole_number(os.environ.get("LINES", ""))
    return width or columns or size.columns, lines or size.lines


class PlainConsole:
    """Stands for :func:`console` where Rich would write text without any style, without importing
    Rich (a noticeable part of every report, bench/NOTES.md): standard output a pipe or a file,
    neither FORCE_COLOR nor TTY_COMPATIBLE set, not Windows. ``wrapped_text`` and
    ``report_tables.print_grid`` lay out plain text themselves (exactly as Rich would: their tests
    compare both); anything else is handed to the Rich console, made on first use."""

    plain = True
    is_terminal = legacy_windows = is_jupyter = record = quiet = False

    def __init__(self, width: int) -> None:
        self.width = width
        self.file = sys.stdout
        self._rich: Console | None = None

    def rich(self) -> Console:
        if self._rich is None:
            self._rich = console()
        return self._rich

    def print(self, *objects: Any, **options: Any) -> None:
        if objects or options:
            self.rich().print(*objects, **options)
        else:
            self.file.write("\n")  # console.print(): an empty line

    def on_broken_pipe(self) -> None:
        reader_left(sys.stdout)
        raise SystemExit(0)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.rich(), name)


def output_console() -> Console | PlainConsole:
    """The console for report output: a :class:`PlainConsole` where nothing would be styled,
    else :func:`console`."""
    env = os.environ
    if (
        sys.platform == "win32"
        or "FORCE_COLOR" in env
        or "TTY_COMPATIBLE" in env
        or "ipykernel" in sys.modules
    ):
        return console()
    try:
        if sys.stdout.isatty():
            return console()
    except (AttributeError, ValueError):
        return console()
    columns = env.get("COLUMNS")
    if columns is None:
        return PlainConsole(PIPE_WIDTH)
    width = whole_number(columns)
    if width is not None and width >= 3:
        return PlainConsole(width)
    return console()


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.0f}"
    if isinstance(value, list | tuple):
        return ", ".join(cell_text(v) for v in value)
    return str(value)


def rich_table(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[Column],
    title: str | None = None,
    caption: str | None = None,
) -> Table:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=Text(visible(title)) if title else None,
        caption=Text(visible(caption)) if caption else None,
        box=box.SIMPLE_HEAD,
        show_lines=False,
        show_edge=False,
        expand=False,
        pad_edge=False,
    )
    for c in columns:
        table.add_column(
            Text(c.header),
            justify=c.justify,  # type: ignore[arg-type]
            no_wrap=c.no_wrap,
            max_width=c.max_width,
            ratio=c.ratio,
            overflow="fold",
        )
    for row in rows:
        table.add_row(*(Text(visible(cell_text(row.get(c.key)))) for c in columns))
    return table


def emit(
    fmt: str,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[Column],
    title: str | None = None,
    json_data: Any = None,
    caption: str | None = None,
) -> None:
    """Write ``rows`` in ``fmt``. ``json_data`` replaces the plain list of rows in JSON."""
    if fmt == "csv":
        from pcrcode.cli.output.csv_writer import write_csv

        write_csv(rows, [c.key for c in columns])
    elif fmt == "json":
        from pcrcode.cli.output.json_stream import write_json

        write_json(json_data if json_data is not None else list(rows))
    elif fmt == "markdown":
        from pcrcode.cli.output import markdown

        heading = f"## {visible(title)}\n\n" if title else ""
        sys.stdout.write(heading + markdown.table(rows, columns))
    else:
        console().print(rich_table(rows, columns, title=title, caption=caption))
