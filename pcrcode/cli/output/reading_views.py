"""Reading views: one structure's profile, and the segments ``retrieve`` found, for the terminal
and Markdown. User text (quotes, names, memos) is printed as Rich ``Text``, never as markup."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pcrcode.cli.output.rows import visible

if TYPE_CHECKING:
    from pcrcode.reports.corpus import Corpus
    from pcrcode.reports.profile import Profile
    from pcrcode.reports.retrieve import Hit


def _tail(code: str) -> str:
    return code.split("/", 1)[-1]


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{_tail(c)} {n}" for c, n in counts.items()) or "—"


def facts(corpus: Corpus, p: Profile) -> list[tuple[str, list[str]]]:
    """(label, values) lines of a profile, shared by the terminal and Markdown."""
    s = p.structure
    record = p.record()
    ident = [f"statut {s.statut}", f"domaine {s.domaine}"]
    if p.categorie:
        ident.append(f"categorie {p.categorie}")
    ident.append("interviewed" if s.interviewed else "not interviewed")
    attributes = [" · ".join(ident)]
    if s.extra:
        attributes.append(" · ".join(f"{k} {v}" for k, v in s.extra.items()))
    forme = p.highest_forme
    logic = "—"
    if p.dominant_logic:
        logic = f"{_tail(p.dominant_logic)} (segments: {_counts(record['logiques'])})"
    codes = [f"{family}: {_counts(counts)}" for family, counts in record["codes"].items()]
    return [
        ("attributes", attributes),
        ("interviews", [f"{', '.join(p.interviews) or '—'} ({p.coded_segments} coded segments)"]),
        ("forme max", [f"{_tail(forme.id)} ({forme.degree})" if forme else "—"]),
        ("logique", [logic]),
        ("pooled", [", ".join(_tail(c) for c in p.pooled) or "—"]),
        ("not pooled", [", ".join(_tail(c) for c in p.not_pooled) or "—"]),
        ("portée", [_counts(record["portee"])]),
        ("codes", codes or ["—"]),
    ]


def show(fmt: str, corpus: Corpus, found: Sequence[Profile]) -> None:
    if fmt == "markdown":
        sys.stdout.write("".join(_markdown(corpus, p) for p in found))
        return
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    from pcrcode.cli.output.rows import console

    out = console()
    for i, p in enumerate(found):
        if i:
            out.print()
        out.print(Text(visible(f"{p.structure.id} · {p.structure.name}"), style="bold"))
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(overflow="fold")
        for label, values in facts(corpus, p):
            for i, value in enumerate(values):
                grid.add_row(Text(label if i == 0 else ""), Text(visible(value)))
        out.print(grid)
        if p.quotes:
            out.print(Text("key quotes", style="dim"))
        for q in p.quotes:
            out.print(
                Padding(
                    Text(
                        visible(f"{q.interview} {q.segment} · {q.speaker} · {', '.join(q.codes)}"),
                        style="green",
                    ),
                    (0, 0, 0, 2),
                    expand=False,
                )
            )
            out.print(
                Padding(Text(visible(f"« {q.text} »"), style="italic"), (0, 0, 0, 4), expand=False)
            )
        if p.memos:
            out.print(Text("memos", style="dim"))
        for m in p.memos:
            where = m.target if m.segment is None else f"{m.target} {m.segment}"
            out.print(
                Padding(
                    Text(visible(f"{m.date} · {m.author} · {m.kind} {where}"), style="green"),
                    (0, 0, 0, 2),
                    expand=False,
                )
            )
            out.print(Padding(Text(visible(m.text)), (0, 0, 0, 4), expand=False))


def _markdown(corpus: Corpus, p: Profile) -> str:
    out = f"## {_md(p.structure.name)} (`{p.structure.id}`)\n\n"
    for label, values in facts(corpus, p):
        if len(values) == 1:
            out += f"- **{label}**: {_md(values[0])}\n"
        else:
            out += f"- **{label}**:\n" + "".join(f"  - {_md(v)}\n" for v in values)
    if p.quotes:
        out += "\n**Key quotes**\n\n"
    for q in p.quotes:
        out += (
            f"{_blockquote(q.text)}\n>\n> — {_md(q.speaker)}, {q.interview} segment "
            f"{q.segment} ({', '.join(q.codes)})\n\n"
        )
    if p.memos:
        out += "\n**Memos**\n\n"
    for m in p.memos:
        where = m.target if m.segment is None else f"{m.target} {m.segment}"
        out += f"- {m.date}, {_md(m.author)} ({m.kind} {where}): {_md(m.text)}\n"
    return out + "\n"


def _blockquote(text: str) -> str:
    """A Markdown blockquote keeping the turn's paragraphs."""
    paragraphs = [_md(p) for p in text.split("\n\n") if p.strip()]
    return "\n>\n".join(f"> {p}" for p in paragraphs) or ">"


def _md(text: str) -> str:
    from pcrcode.cli.output.markdown import escape

    return escape(text)


def hits_markdown(hits: Sequence[Hit]) -> str:
    """The hits of ``retrieve`` as Markdown (the terminal's layout is report_formats'
    ``_print_hits``)."""
    return "".join(_hit_markdown(h) for h in hits)


def _hit_markdown(h: Hit) -> str:
    out = f"### {h.interview}, segment {h.segment} · {_md(h.speaker)}\n\n"
    for t in h.before:
        out += f"*{t.segment} {_md(t.speaker)}:* {_md(t.text)}\n\n"
    out += f"{_blockquote(h.quote)}\n\n"
    for t in h.after:
        out += f"*{t.segment} {_md(t.speaker)}:* {_md(t.text)}\n\n"
    out += f"Codes: {', '.join(h.codes)}; coder: {', '.join(h.coders)}"
    for memo in h.memos:
        out += f"; memo: {_md(memo)}"
    return out + "\n\n"
