"""Code-and-retrieve: the coded segments whose codes satisfy a query.

The unit is the coded segment: a segment matches when the set of codes applied to it by the
selected coders (see ``selection``; several coders are merged per segment) satisfies the query.
Segments nobody coded are not searched, so ``NOT x`` means "coded, but not with x". For each
hit: the codings that carry the match (those whose code a non-negated term names; all the
segment's codings for a purely negative query) give the coders, memos and span quotes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

from pcrcode.choices import MemoKind
from pcrcode.errors import PcrcodeError, UsageError
from pcrcode.files.memos import memos_for
from pcrcode.reports.corpus import CodedSegment, Corpus
from pcrcode.reports.query import Query, parse_query


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
            "interview": self.interview,
            "segment": self.segment,
            "structure": self.structure,
            "speaker": self.speaker,
            "coders": list(self.coders),
            "codes": list(self.codes),
            "matched": list(self.matched),
            "memos": list(self.memos),
            "quote": self.quote,
            "before": [t.record() for t in self.before],
            "after": [t.record() for t in self.after],
        }


def retrieve(corpus: Corpus, query: str, context: int = 0) -> list[Hit]:
    return list(iter_hits(corpus, query, context))


def iter_hits(corpus: Corpus, query: str, context: int = 0) -> Iterator[Hit]:
    """The hits one at a time, in (interview, segment) order, to write them as they are found:
    the query is checked, and the first hit found (else the error raised), before it returns."""
    if context < 0:
        raise UsageError(
            f"the context is a number of turns (0 or more), not {context}", about="context"
        )
    hits = _search(corpus, parse_query(query, corpus.codebook), context)
    first = next(hits, None)
    if first is None:
        kept = " and ".join(f.describe() for f in corpus.filters)
        among = f" among the structures with {kept}" if kept else ""
        raise PcrcodeError(
            f"no coded segment matches '{query}'{among} ({corpus.selection.describe()})"
        )
    return chain((first,), hits)


def _search(corpus: Corpus, parsed: Query, context: int) -> Iterator[Hit]:
    positive = parsed.positive()
    found = [seg for seg in corpus.segments if parsed.matches(seg.codes)]
    texts = _texts(corpus, found, context)
    interview, memos = None, []
    for seg in found:
        if seg.interview != interview:  # segments come interview by interview
            interview = seg.interview
            memos = memos_for(corpus.project.root, MemoKind.interview, interview)
        carrying = [c for c in seg.codings if c.code in positive] or list(seg.codings)
        spans = _distinct(c.quote for c in carrying if c.start is not None and c.quote)
        speaker, text = texts.get((seg.interview, seg.number), ("", ""))
        yield Hit(
            interview=seg.interview,
            segment=seg.number,
            structure=seg.structure,
            speaker=speaker,
            coders=tuple(sorted({c.coder for c in carrying})),
            codes=tuple(sorted(seg.codes)),
            matched=tuple(sorted({c.code for c in carrying})),
            # memos_for(root, "interview", "INTERVIEW:SEGMENT"), one read per interview
            memos=_distinct(
                [c.memo for c in carrying if c.memo]
                + [m.text for m in memos if m.segment == seg.number]
            ),
            quote=" […] ".join(spans) if spans else text,
            before=_turns(texts, seg.interview, range(seg.number - context, seg.number)),
            after=_turns(texts, seg.interview, range(seg.number + 1, seg.number + context + 1)),
        )


def _texts(
    corpus: Corpus, found: Sequence[CodedSegment], context: int
) -> dict[tuple[str, int], tuple[str, str]]:
    """(speaker, text) of the hits and their context (see :meth:`Corpus.read_turns`)."""
    wanted: dict[str, set[int]] = {}
    for seg in found:
        wanted.setdefault(seg.interview, set()).update(
            range(seg.number - context, seg.number + context + 1)
        )
    return corpus.read_turns(wanted)


def _distinct(items: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _turns(
    texts: dict[tuple[str, int], tuple[str, str]], interview: str, numbers: Sequence[int]
) -> tuple[Turn, ...]:
    found = []
    for n in numbers:
        if (interview, n) in texts:
            speaker, text = texts[(interview, n)]
            found.append(Turn(n, speaker, text))
    return tuple(found)
