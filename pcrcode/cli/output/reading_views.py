"""Reading views: one structure's profile, and the segments ``retrieve`` found, for the terminal
and Markdown. User text (quotes, names, memos) is printed as Rich ``Text``, never as markup."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pcrcode.cli.output.rows import visible

if TYPE_CHECKING:
    from pcrcode.i18n import Messages
    from pcrcode.reports.corpus import Corpus
    from pcrcode.reports.profile import Profile
    from pcrcode.reports.retrieve import Hit


def _tail(code: str) -> str:
    return code.split("/", 1)[-1]


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{_tail(c)} {n}" for c, n in counts.items()) or "—"


def _value(p: Profile, column: str) -> str:
    value = p.columns.get(column)
    col = p.column_kinds[column]
    if col.kind == "dominant" and value is not None:
        return f"{_tail(str(value))} (segments: {_counts(dict(p.dominant_counts[column]))})"
    degree = p.degree(column)
    if degree is not None:
        return f"{_tail(str(p.value(column)))} ({degree})"
    shown = p.value(column)
    if isinstance(shown, list) and col.kind == "present":  # with their segments
        counts = p.code_counts.get(col.target, {})
        return _counts({c: counts.get(c, 0) for c in shown})
    if isinstance(shown, list):
        return ", ".join(_tail(c) for c in shown) or "—"
    return "—" if shown is None else _tail(str(shown))


def facts(corpus: Corpus, p: Profile, headings: Sequence[str] = ()) -> list[tuple[str, list[str]]]:
    """(label, values) lines of a profile, shared by the terminal and Markdown: its
    attributes, interviews, each non-attribute profile column, its codes per family."""
    tr = _tr(corpus)
    s = p.structure
    record = p.record()
    values = [f"{k} {v}" for k, v in p.attributes.items() if v is not None]
    ident = [
        *values,
        tr("this case: interviewed" if s.interviewed else "this case: not interviewed"),
    ]
    attributes = [" · ".join(ident)]
    free = {k: v for k, v in s.extra.items() if k not in p.attributes}
    if free:
        attributes.append(" · ".join(f"{k} {v}" for k, v in free.items()))
    codes = [f"{family}: {_counts(counts)}" for family, counts in record["codes"].items()]
    names = dict(zip(p.column_kinds, headings, strict=False))
    columns = [
        (names.get(cid, cid), [_value(p, cid)])
        for cid, col in p.column_kinds.items()
        if col.kind != "attribute"
    ]
    segments = tr("({n} coded segments)", n=p.coded_segments)
    return [
        (tr("attributes"), attributes),
        (tr("interviews"), [f"{', '.join(p.interviews) or '—'} {segments}"]),
        *columns,
        (tr("codes"), codes or ["—"]),
    ]


def _tr(corpus: Corpus) -> Messages:
    from pcrcode.i18n import study_messages

    return study_messages(corpus.codebook.language)


def show(fmt: str, corpus: Corpus, found: Sequence[Profile], headings: Sequence[str] = ()) -> None:
    if fmt == "markdown":
        sys.stdout.write("".join(_markdown(corpus, p, headings) for p in found))
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
        for label, values in facts(corpus, p, headings):
            for i, value in enumerate(values):
                grid.add_row(Text(label if i == 0 else ""), Text(visible(value)))
        out.print(grid)
        if p.quotes:
            out.print(Text(_tr(corpus)("key quotes"), style="dim"))
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
            out.print(Text(_tr(corpus)("memos"), style="dim"))
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


def _markdown(corpus: Corpus, p: Profile, headings: Sequence[str]) -> str:
    tr = _tr(corpus)
    out = f"## {_md(p.structure.name)} (`{p.structure.id}`)\n\n"
    for label, values in facts(corpus, p, headings):
        if len(values) == 1:
            out += f"- **{label}**: {_md(values[0])}\n"
        else:
            out += f"- **{label}**:\n" + "".join(f"  - {_md(v)}\n" for v in values)
    if p.quotes:
        out += f"\n**{tr('Key quotes')}**\n\n"
    for q in p.quotes:
        out += (
            f"{_blockquote(q.text)}\n>\n> — {_md(q.speaker)}, {q.interview} "
            f"{tr('segment')} {q.segment} ({', '.join(q.codes)})\n\n"
        )
    if p.memos:
        out += f"\n**{tr('Memos')}**\n\n"
    for m in p.memos:
        where = m.target if m.segment is None else f"{m.target} {m.segment}"
        out += f"- {m.date}, {_md(m.author)} ({m.kind} {where}): {_md(m.text)}\n"
    return out + "\n"


def _blockquote(text: str) -> str:
    """A Markdown blockquote keeping the turn's paragraphs."""
    paragraphs = [_md(p) for p in text.split("\n\n") if p.strip()]
    return "\n>\n".join(f"> {p}" for p in paragraphs) or ">"


def _md(text: str) -> str:
    return visible(text).replace("\n", " ").replace("|", "\\|")


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
