"""A graph drawn as inline SVG, laid out at build time: a deterministic force-directed layout
(Fruchterman-Reingold from positions on a circle, a fixed number of cooling steps), so the same
data always gives the same picture. Nodes are coloured by a group (an attribute's value), edges by
a kind (e.g. the form of the relation), both with a legend; every node and edge carries a
``<title>``, and the ``<desc>`` lists the edges as text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from pcrcode.html_report.svg import PALETTE

GRAVITY = 1.5
_EDGE_COLOURS = ("#333333", "#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
_DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "4 4", "10 2")  # kinds told apart in grey too


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    group: str = ""


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str = ""


def layout(
    nodes: Sequence[str], edges: Sequence[tuple[str, str]], steps: int = 80
) -> dict[str, tuple[float, float]]:
    """Positions in the unit square (0..1), the same for the same input."""
    n = len(nodes)
    if n == 0:
        return {}
    index = {v: i for i, v in enumerate(nodes)}
    xs = [0.5 + 0.45 * math.cos(2 * math.pi * i / n) for i in range(n)]
    ys = [0.5 + 0.45 * math.sin(2 * math.pi * i / n) for i in range(n)]
    k2 = 1.0 / n  # k², k the ideal distance between nodes
    k = math.sqrt(k2)
    links = [(index[a], index[b]) for a, b in edges if a in index and b in index and a != b]
    temperature = 0.1
    for _ in range(steps):
        mx, my = [0.0] * n, [0.0] * n
        for i in range(n):
            ax, ay = xs[i], ys[i]
            for j in range(i + 1, n):
                dx, dy = ax - xs[j], ay - ys[j]
                f = k2 / (dx * dx + dy * dy or 1e-9)  # repulsion k²/d along dx/d
                mx[i] += dx * f
                my[i] += dy * f
                mx[j] -= dx * f
                my[j] -= dy * f
        for a, b in links:
            dx, dy = xs[a] - xs[b], ys[a] - ys[b]
            f = math.sqrt(dx * dx + dy * dy) / k  # attraction d²/k along dx/d
            mx[a] -= dx * f
            my[a] -= dy * f
            mx[b] += dx * f
            my[b] += dy * f
        for i in range(n):
            # Gravity toward the centre keeps unlinked nodes from drifting to the edges.
            mx[i] += (0.5 - xs[i]) * GRAVITY
            my[i] += (0.5 - ys[i]) * GRAVITY
            d = math.sqrt(mx[i] * mx[i] + my[i] * my[i]) or 1e-9
            step = min(d, temperature) / d
            xs[i] += mx[i] * step
            ys[i] += my[i] * step
        temperature = max(temperature * 0.95, 0.002)
    x0, y0 = min(xs), min(ys)
    sx, sy = (max(xs) - x0) or 1.0, (max(ys) - y0) or 1.0
    return {v: ((xs[i] - x0) / sx, (ys[i] - y0) / sy) for v, i in index.items()}


def network(
    nodes: Sequence[Node], edges: Sequence[Edge], title: str, width: int = 760, height: int = 560
) -> Markup:
    """The graph with its legends (groups: node colours; kinds: edge colours and dashes)."""
    groups = list(dict.fromkeys(n.group for n in nodes))
    kinds = list(dict.fromkeys(e.kind for e in edges))
    place = layout([n.id for n in nodes], [(e.source, e.target) for e in edges])
    margin, legend = 40, 18 * (len(groups) + len(kinds)) + 20
    inner_w, inner_h = width - 3 * margin - 120, height - 2 * margin  # room for the labels
    total_h = height + legend

    def xy(v: str) -> tuple[float, float]:
        x, y = place[v]
        return margin + x * inner_w, margin + y * inner_h

    labels = {n.id: n.label for n in nodes}
    desc = "; ".join(
        f"{labels.get(e.source, e.source)} – {labels.get(e.target, e.target)}"
        + (f" ({e.kind})" if e.kind else "")
        for e in edges
    )
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {total_h}" '
        f'width="{width}" height="{total_h}" role="img" class="chart network">'
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>"
    ]
    for e in edges:
        if e.source not in place or e.target not in place:
            continue
        (x1, y1), (x2, y2) = xy(e.source), xy(e.target)
        i = kinds.index(e.kind)
        dash = _DASHES[i % len(_DASHES)]
        out.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="{_EDGE_COLOURS[i % len(_EDGE_COLOURS)]}" stroke-width="2"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + f"><title>{escape(labels.get(e.source, e.source))} – "
            f"{escape(labels.get(e.target, e.target))} {escape(e.kind)}</title></line>"
        )
    for n in nodes:
        x, y = xy(n.id)
        colour = PALETTE[groups.index(n.group) % len(PALETTE)]
        out.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="{colour}" stroke="#fff" '
            f'stroke-width="1.5"><title>{escape(n.label)} ({escape(n.group)})</title></circle>'
        )
        out.append(
            f'<text x="{x + 9:.1f}" y="{y + 4:.1f}" class="lbl">{escape(n.label[:28])}</text>'
        )
    y = height + 10
    for i, g in enumerate(groups):
        colour = PALETTE[i % len(PALETTE)]
        out.append(f'<circle cx="{margin + 6}" cy="{y}" r="6" fill="{colour}"/>')
        out.append(f'<text x="{margin + 18}" y="{y + 4}" class="lbl">{escape(g)}</text>')
        y += 18
    for i, kind in enumerate(kinds):
        dash = _DASHES[i % len(_DASHES)]
        out.append(
            f'<line x1="{margin}" y1="{y}" x2="{margin + 14}" y2="{y}" stroke-width="2" '
            f'stroke="{_EDGE_COLOURS[i % len(_EDGE_COLOURS)]}"'
            + (f' stroke-dasharray="{dash}"' if dash else "")
            + "/>"
        )
        out.append(f'<text x="{margin + 18}" y="{y + 4}" class="lbl">{escape(kind)}</text>')
        y += 18
    out.append("</svg>")
    return Markup("".join(out))
