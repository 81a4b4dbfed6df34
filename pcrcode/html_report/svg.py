"""Charts as inline SVG, written from the numbers: horizontal bars, heatmaps with the counts in
their cells, and a codeline (the code families through an interview, turn by turn).

Pure functions returning markup (:class:`markupsafe.Markup`): every label passes through
``escape``, so a code label or a case name is text, never markup. Each chart carries a
``<title>`` and ``<desc>`` for screen readers and writes its numbers as text, so it reads in
black and white and on paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# Okabe-Ito: told apart by readers with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
_BAR = "#0072B2"
_BAR_LIGHT = "#A6CBE3"
_CHAR = 6.6  # average width of a 12px sans-serif character, to size label columns


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    part: int | None = None  # a part of the value drawn darker (e.g. cases interviewed)
    text: str = ""  # the number written after the bar; default: the value


def _head(width: float, height: float, title: str, desc: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" class="chart">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"
    )


def _label_width(labels: Sequence[str], most: int = 40) -> float:
    return min(max((len(s) for s in labels), default=1), most) * _CHAR + 12


def _cut(text: str, most: int = 40) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def bars(items: Sequence[Bar], title: str, width: int = 640) -> Markup:
    """Horizontal bars, one per item, the number written after each bar."""
    row, top = 22, 6
    left = _label_width([b.label for b in items])
    most = max((b.value for b in items), default=0) or 1
    span = max(width - left - 60, 80)
    height = top * 2 + row * max(len(items), 1)
    desc = "; ".join(f"{b.label}: {b.text or b.value}" for b in items)
    out = [_head(width, height, title, desc)]
    for i, b in enumerate(items):
        y = top + i * row
        w = span * b.value / most
        out.append(
            f'<text x="{left - 6:.0f}" y="{y + 15}" text-anchor="end" class="lbl">'
            f"{escape(_cut(b.label))}</text>"
        )
        fill = _BAR_LIGHT if b.part is not None else _BAR
        out.append(f'<rect x="{left:.0f}" y="{y + 3}" width="{w:.1f}" height="16" fill="{fill}"/>')
        if b.part is not None:
            pw = span * b.part / most
            out.append(
                f'<rect x="{left:.0f}" y="{y + 3}" width="{pw:.1f}" height="16" fill="{_BAR}"/>'
            )
        number = escape(b.text or b.value)
        out.append(f'<text x="{left + w + 4:.1f}" y="{y + 15}" class="num">{number}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _cell_colour(value: int, most: int) -> tuple[str, str]:
    """A fill from white to dark blue and a text colour that keeps contrast on it."""
    t = value / most if most else 0.0
    r, g, b = (round(255 + (c - 255) * t) for c in (0x08, 0x30, 0x6B))
    return f"#{r:02x}{g:02x}{b:02x}", "#ffffff" if t > 0.5 else "#000000"


def heatmap(
    rows: Sequence[str],
    cols: Sequence[str],
    counts: Sequence[Sequence[int | None]],
    title: str,
) -> Markup:
    """A grid of counts: darker for more, the count written in each cell (None: left blank,
    e.g. the margins, drawn without colour)."""
    cell_w, cell_h = 64, 26
    left = _label_width(rows, 32)
    top = _label_width(cols, 24)  # column labels written at 45 degrees
    inner = [v for line in counts for v in line if v is not None]
    most = max(inner, default=0)
    width = left + cell_w * len(cols) + top * 0.75  # the last label leans right
    height = top + cell_h * len(rows) + 6
    desc = "; ".join(
        f"{r} × {c}: {v}"
        for r, line in zip(rows, counts, strict=True)
        for c, v in zip(cols, line, strict=True)
        if v is not None
    )
    out = [_head(width, height, title, desc)]
    for j, c in enumerate(cols):
        x = left + j * cell_w + cell_w / 2
        out.append(
            f'<text transform="translate({x:.0f},{top - 6:.0f}) rotate(-45)" class="lbl">'
            f"{escape(_cut(c, 24))}</text>"
        )
    for i, (r, line) in enumerate(zip(rows, counts, strict=True)):
        y = top + i * cell_h
        out.append(
            f'<text x="{left - 6:.0f}" y="{y + 17}" text-anchor="end" class="lbl">'
            f"{escape(_cut(r, 32))}</text>"
        )
        for j, v in enumerate(line):
            x = left + j * cell_w
            fill, ink = _cell_colour(v or 0, most)
            out.append(
                f'<rect x="{x}" y="{y}" width="{cell_w}" height="{cell_h}" fill="{fill}" '
                f'stroke="#888" stroke-width="0.5"/>'
            )
            out.append(
                f'<text x="{x + cell_w / 2:.0f}" y="{y + 17}" text-anchor="middle" '
                f'fill="{ink}" class="num">{"" if v is None else v}</text>'
            )
    out.append("</svg>")
    return Markup("".join(out))


def codeline(
    turns: int,
    families: Sequence[tuple[str, str]],
    coded: Sequence[tuple[int, str]],
    title: str,
) -> Markup:
    """One row per family (id, label), one column per turn: a mark where a turn carries a code
    of the family. ``coded``: (turn number, family id) pairs."""
    per_family = {fid: 0 for fid, _ in families}
    for _, fid in coded:
        if fid in per_family:
            per_family[fid] += 1
    # Each label is followed by its count: "Family (12)".
    left = _label_width([f"{label[:28]} ({per_family[fid]})" for fid, label in families], 36)
    step = max(2.0, min(20.0, 720 / max(turns, 1)))
    row = 18
    width = left + step * turns + 10
    height = row * len(families) + 22
    index = {fid: i for i, (fid, _) in enumerate(families)}
    desc = "; ".join(f"{label}: {per_family[fid]}" for fid, label in families)
    out = [_head(width, height, title, desc)]
    for fid, label in families:
        i = index[fid]
        y = i * row
        out.append(
            f'<text x="{left - 6:.0f}" y="{y + 13}" text-anchor="end" class="lbl">'
            f"{escape(_cut(label, 28))} ({per_family[fid]})</text>"
        )
        out.append(
            f'<rect x="{left:.0f}" y="{y + 2}" width="{step * turns:.1f}" height="{row - 4}" '
            f'fill="#f2f2f2"/>'
        )
    for number, fid in sorted(set(coded)):
        if fid not in index:
            continue
        x = left + (number - 1) * step
        colour = PALETTE[index[fid] % len(PALETTE)]
        out.append(
            f'<rect x="{x:.1f}" y="{index[fid] * row + 2}" width="{max(step - 1, 1.5):.1f}" '
            f'height="{row - 4}" fill="{colour}"><title>{number}</title></rect>'
        )
    axis_y = row * len(families) + 14
    out.append(f'<text x="{left:.0f}" y="{axis_y}" class="lbl">1</text>')
    out.append(
        f'<text x="{left + step * turns:.0f}" y="{axis_y}" text-anchor="end" class="lbl">'
        f"{turns}</text>"
    )
    out.append("</svg>")
    return Markup("".join(out))
