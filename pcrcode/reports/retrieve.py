"""Code-and-retrieve: the coded segments whose codes satisfy a query.

The unit is the coded segment: a segment matches when the set of codes applied to it by the
selected coders (see ``selection``; several coders are merged per segment) satisfies the query.
Segments nobody coded are not searched, so ``NOT x`` means "coded, but not with x". For each
hit: the codings that carry the match (those whose code a non-negated term names; all the
segment's codings for a purely negative query) give the coders, memos and span quotes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pcrcode.errors import PcrcodeError, UsageError
from pcrcode.memos import memos_for
from pcrcode.reports.corpus import Corpus
from pcrcode.reports.query import parse_query


@dataclass(frozen=True)
class Turn:
    segment: int
    speaker: str
    text: str

    def record(self) -> dict[str, Any]:
        return {"segment": self.segment, "speaker": self.speaker, "text": self.text}


@dataclass(frozen=True)
class Hit:
    interview: str
    segment: int
    structure: str | None
    speaker: str
    coders: tuple[str, ...]
    codes: tuple[str, ...]  # every selected code on the segment
    matched: tuple[str, ...]  # the codes that carry the match
    memos: tuple[str, ...]
    quote: str
    before: tuple[Turn, ...] = ()
    after: tuple[Turn, ...] = ()

    def record(self) -> dict[str, Any]:
        return {
            "interview": self.interview, "segment": self.segment, "structure": self.structure,
            "speaker": self.speaker, "coders": list(self.coders), "codes": list(self.codes),
            "matched": list(self.matched), "memos": list(self.memos), "quote": self.quote,
            "before": [t.record() for t in self.before],
            "after": [t.record() for t in self.after],
        }


def retrieve(corpus: Corpus, query: str, context: int = 0) -> list[Hit]:
    if context < 0:
        raise UsageError(f"--context takes a number of turns (0 or more), not {context}")
    parsed = parse_query(query, corpus.codebook)
    positive = parsed.positive()
    hits = []
    for seg in corpus.segments:
        if not parsed.matches(seg.codes):
            continue
        carrying = [c for c in seg.codings if c.code in positive] or list(seg.codings)
        spans = _distinct(c.quote for c in carrying if c.start is not None and c.quote)
        turn = corpus.turn(seg.interview, seg.number)
        hits.append(Hit(
            interview=seg.interview, segment=seg.number, structure=seg.structure,
            speaker=turn.speaker if turn else "",
            coders=tuple(sorted({c.coder for c in carrying})),
            codes=tuple(sorted(seg.codes)),
            matched=tuple(sorted({c.code for c in carrying})),
            memos=_distinct([c.memo for c in carrying if c.memo]
                            + [m.text for m in memos_for(corpus.project.root, "interview",
                                                         f"{seg.interview}:{seg.number}")]),
            quote=" […] ".join(spans) if spans else (turn.text if turn else ""),
            before=_turns(corpus, seg.interview, range(seg.number - context, seg.number)),
            after=_turns(corpus, seg.interview, range(seg.number + 1, seg.number + context + 1)),
        ))
    if not hits:
        where = "".join(f" --where {f.describe()}" for f in corpus.filters)
        raise PcrcodeError(f"no coded segment matches '{query}'{where} "
                           f"({corpus.selection.describe()})")
    return hits


def _distinct(items: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _turns(corpus: Corpus, interview: str, numbers: Sequence[int]) -> tuple[Turn, ...]:
    found = []
    for n in numbers:
        turn = corpus.turn(interview, n)
        if turn is not None:
            found.append(Turn(n, turn.speaker, turn.text))
    return tuple(found)
