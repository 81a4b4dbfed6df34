"""The words of an import's report on stderr: one summary line per file, then (for one file)
where each thing the import did happened in the source."""

from __future__ import annotations

from collections.abc import Sequence

from pcrcode.transcript_import.model import Imported


def summary_line(r: Imported) -> str:
    verb = ("would replace" if r.replaced else "would import") if not r.written else None
    verb = verb or ("replaced" if r.replaced else "imported")
    who = ", ".join(f"{name} ({n})" for name, n in r.speakers)
    extra = [
        _count(len(r.merged), "paragraph merged", "paragraphs merged"),
        _count(len(r.dropped), "empty turn dropped", "empty turns dropped"),
        "opening text kept as (unknown)" if r.opening else "",
        _count(len(r.ignored), "rare label kept as text", "rare labels kept as text"),
    ]
    tail = "".join(f"; {e}" for e in extra if e)
    return (
        f"{verb} {r.turns} turns from {r.source.name} ({r.kind}) into "
        f"interviews/{r.interview}.md; speakers: {who}{tail}"
    )


def detail_lines(r: Imported) -> list[str]:
    lines = ["labels accepted: " + ", ".join(f"{label} ({n})" for label, n in r.labels)]
    if r.merged:
        lines.append(f"continuation paragraphs merged into the turn above: {_lines(r.merged)}")
    if r.dropped:
        lines.append(f"empty turns dropped: {_lines(r.dropped)}")
    if r.opening:
        lines.append(
            f"text before the first label, kept as a turn of (unknown): {_lines(r.opening)}"
        )
    if r.ignored:
        rare = ", ".join(f"'{label}' (line {n})" for n, label in r.ignored)
        lines.append(f"labels ignored as rare, kept as text: {rare} (--speakers to choose)")
    if r.skipped:
        lines.append(
            f"not speech (front matter, headers, footers): {_lines([n for n, _ in r.skipped])}"
        )
    if "\nstructure:" not in r.text.split("\n---\n", 1)[0]:
        lines.append(
            "no structure: add 'structure: <id>' to its front matter (or pass --structure)"
        )
    c = r.reanchored
    if c is not None:
        lines.append(
            f"codings: {c.codings} before; {c.unchanged} unchanged, {c.moved} moved, "
            f"{c.fuzzy} placed by fuzzy match, {c.orphaned} orphaned (kept; see pcrcode check)"
            + (f", {c.duplicates} joined to the same code on the same turn" if c.duplicates else "")
        )
    return lines


def _count(n: int, one: str, many: str) -> str:
    return "" if not n else f"{n} {one if n == 1 else many}"


def _lines(numbers: Sequence[int]) -> str:
    """``lines 3, 7-9, 12``."""
    spans: list[list[int]] = []
    for n in sorted(set(numbers)):
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    text = ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)
    return ("line " if len(numbers) == 1 else "lines ") + text
