"""Drawing the transcript: each turn's header, its text wrapped with a margin of coding stripes,
its codes.

Wrapping is done here rather than by Textual so that each line knows which characters of the turn
it holds: a span coding stripes only the lines it covers, and the selection is highlighted in place.
The transcript is one scrolling widget that draws only the lines on screen (Textual's line API):
a widget per turn made a long interview slow to open (bench/NOTES.md).
"""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.events import Click, Resize
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from pcrcode.coding.workbench_state import Workbench
from pcrcode.model import Coding

PALETTE = ("cyan", "magenta", "green", "yellow", "blue", "red", "bright_cyan", "bright_magenta")
MARGIN = 5  # stripe columns before the text: four codes, then "+"


def family_colours(bench: Workbench) -> dict[str, str]:
    """A colour per family: the codebook's ``color`` when declared, else one of the palette's."""
    out = {}
    for i, (fid, fam) in enumerate(bench.codebook.families.items()):
        out[fid] = fam.color or PALETTE[i % len(PALETTE)]
    return out


def code_colour(bench: Workbench, colours: dict[str, str], code_id: str) -> str:
    code = bench.codebook.codes.get(code_id)
    if code is not None and code.color:
        return code.color
    family = code.family if code is not None else code_id.split("/")[0]
    return colours.get(family, "white")


def wrap_offsets(text: str, width: int) -> list[tuple[int, int]]:
    """(start, end) of each line of ``text`` wrapped greedily at ``width``; a blank line between
    paragraphs is (p, p)."""
    width = max(10, width)
    lines: list[tuple[int, int]] = []
    pos = 0
    for k, para in enumerate(text.split("\n\n")):
        if k:
            lines.append((pos - 1, pos - 1))
        start = end = None
        i = 0
        while i < len(para):
            while i < len(para) and para[i].isspace():
                i += 1
            j = i
            while j < len(para) and not para[j].isspace():
                j += 1
            if i >= len(para):
                break
            if start is None:
                start, end = i, j
            elif j - start <= width:
                end = j
            else:
                lines.append((pos + start, pos + end))  # type: ignore[operator]
                start, end = i, j
            while end - start > width:
                lines.append((pos + start, pos + start + width))
                start += width
            i = j
        if start is not None:
            lines.append((pos + start, pos + end))  # type: ignore[operator]
        pos += len(para) + 2
    return lines or [(0, 0)]


class TurnLines:
    """The lines of one turn at one width, from the workbench's state."""

    def __init__(self, bench: Workbench, colours: dict[str, str]) -> None:
        self.bench = bench
        self.colours = colours

    def stripes(self, codings: list[Coding], a: int, b: int) -> Text:
        out = Text()
        seen: list[str] = []
        for c in codings:
            if c.code in seen:
                continue
            if c.start is not None and c.end is not None and (c.end <= a or c.start >= b):
                continue
            seen.append(c.code)
        for code in seen[: MARGIN - 1]:
            out.append("▌", style=code_colour(self.bench, self.colours, code))
        if len(seen) > MARGIN - 1:
            out.append("+")
        out.pad_right(MARGIN - out.cell_len)
        return out

    def lines(self, number: int, width: int) -> list[Text]:
        bench = self.bench
        turn = bench.interview.turns[number - 1]
        current = number == bench.number
        mine = bench.applied(number)
        theirs = bench.applied(number, bench.compare) if bench.compare else []
        head = Text(f"{' ' * (MARGIN - 2)}{number:>3} · {turn.speaker}", style="bold")
        if current:
            head.stylize("reverse")
        skipped = bench.skipping and turn.speaker in bench.skipped_speakers
        out = [head]
        body_width = width - MARGIN - (MARGIN + 2 if theirs else 0)
        for a, b in wrap_offsets(turn.text, body_width):
            line = self.stripes(mine, a, b)
            piece = Text(turn.text[a:b], style="dim" if skipped else "")
            for c in mine:
                if c.start is not None and c.end is not None and c.start < b and c.end > a:
                    colour = code_colour(bench, self.colours, c.code)
                    piece.stylize(f"underline {colour}", max(0, c.start - a), min(b, c.end) - a)
            if current and bench.selection is not None:
                s, e = bench.selection
                if s < b and e > a:
                    piece.stylize("reverse", max(0, s - a), min(b, e) - a)
            line.append_text(piece)
            if theirs:
                line.pad_right(max(0, width - MARGIN - 1 - line.cell_len))
                line.append("│")
                line.append_text(self.stripes(theirs, a, b))
            out.append(line)
        out.extend(self.code_lines(mine, bench.coder, width))
        if bench.compare:
            out.extend(self.code_lines(theirs, bench.compare, width))
        out.append(Text(""))
        return out

    def code_lines(self, codings: list[Coding], who: str, width: int) -> list[Text]:
        if not codings:
            if who == self.bench.coder:
                return []
            return [Text(f"{' ' * MARGIN}{who}: —", style="dim")]
        lines = [Text(" " * MARGIN)]
        lines[0].append(f"{who}: ", style="dim")
        for k, c in enumerate(codings):
            piece = Text(", " if k else "", style="dim")
            piece.append(c.code, style=code_colour(self.bench, self.colours, c.code))
            if c.quote:
                quote = " ".join(c.quote.split())
                short = quote[:30] + "…" if len(quote) > 31 else quote
                piece.append(f" «{short}»", style="dim")
            if lines[-1].cell_len + piece.cell_len > width and k:
                lines.append(Text(" " * (MARGIN + 2)))
                piece = piece[2:]  # the ", " ends the line before
            lines[-1].append_text(piece)
        for line in lines:
            line.truncate(width, overflow="ellipsis")
        return lines


class Transcript(ScrollView, can_focus=True):
    """Every turn, one below the other; only the lines on screen are rendered."""

    def __init__(self, bench: Workbench) -> None:
        super().__init__(id="transcript")
        self.bench = bench
        self.maker = TurnLines(bench, family_colours(bench))
        self.cache: dict[int, list[Text]] = {}
        self.lines: list[Text] = []
        self.tops: list[int] = []  # tops[n - 1]: the first line of turn n
        self.drawn_width = 0

    def width_for_text(self) -> int:
        return max(20, self.scrollable_content_region.width)

    def rebuild(self, numbers: set[int] | None = None) -> None:
        """Lay the turns out again: ``numbers`` only, or all (a new width, a new view)."""
        width = self.width_for_text()
        if numbers is None or width != self.drawn_width:
            self.cache.clear()
            self.drawn_width = width
        else:
            for n in numbers:
                self.cache.pop(n, None)
        self.lines = []
        self.tops = []
        for n in range(1, self.bench.count + 1):
            if n not in self.cache:
                self.cache[n] = self.maker.lines(n, width)
            self.tops.append(len(self.lines))
            self.lines.extend(self.cache[n])
        self.virtual_size = Size(width, len(self.lines))
        self.refresh()

    def on_resize(self, event: Resize) -> None:
        self.rebuild()

    def render_line(self, y: int) -> Strip:
        index = y + self.scroll_offset.y
        width = self.size.width
        if not self.lines:
            self.rebuild()
        if index >= len(self.lines):
            return Strip.blank(width, self.rich_style)
        segments = list(self.lines[index].render(self.app.console))
        base = self.rich_style
        segments = [Segment(t, base + st if st else base, c) for t, st, c in segments]
        return Strip(segments).adjust_cell_length(width, base)

    def turn_at(self, y: int) -> int:
        """The turn drawn on line ``y`` of the view."""
        index = y + self.scroll_offset.y
        number = 1
        for n, top in enumerate(self.tops, 1):
            if top <= index:
                number = n
        return number

    def show_turn(self, number: int) -> None:
        if not self.tops:
            self.rebuild()
        self.scroll_to(y=self.tops[number - 1], animate=False)

    def on_click(self, event: Click) -> None:
        self.post_message(TurnClicked(self.turn_at(event.y)))


class TurnClicked(Message):
    def __init__(self, number: int) -> None:
        super().__init__()
        self.number = number
