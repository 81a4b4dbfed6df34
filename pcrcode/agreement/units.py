"""Intercoder agreement's units, read from the codings: each segment, or each run of characters
that every compared coder coded alike, as a tuple of code masks (one per coder), counted by
pattern (see "How it is counted" in :mod:`pcrcode.agreement.data`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import pairwise

from pcrcode.files.cache_codec import pack_order
from pcrcode.model import Coding, Interview, Project, Turn

Masks = tuple[int, ...]  # one per coder: the bits of the codes they applied to a unit
Span = tuple[int, int | None, int | None]  # a coding's code bit, start and end


class CodingIndex:
    """The compared coders' codings on the compared interviews, read unit by unit.

    Codings are indexed once by (interview, coder). A coder's codes on a unit are one ``int``
    (bit i set: the i-th code seen applied), so a unit is a tuple of ints, one per coder:
    hashable, small, and counted rather than kept.
    """

    def __init__(
        self,
        project: Project,
        coders: tuple[str, ...],
        unit: str,
        by_file: Mapping[tuple[str, str], Sequence[Coding]],
    ) -> None:
        self.project = project
        self.coders = coders
        self.unit = unit
        self._by_file = by_file
        self.bits: dict[str, int] = {}
        self._names: dict[int, frozenset[str]] = {0: frozenset()}

    def bit(self, code: str) -> int:
        found = self.bits.get(code)
        if found is None:
            found = self.bits[code] = 1 << len(self.bits)
        return found

    def names(self, mask: int) -> frozenset[str]:
        """The codes of a mask."""
        found = self._names.get(mask)
        if found is None:
            found = self._names[mask] = frozenset(c for c, b in self.bits.items() if mask & b)
        return found

    def _codings(self, interview: str) -> Iterator[Sequence[Coding]]:
        for coder in self.coders:
            yield self._by_file.get((interview, coder), ())

    def segment_masks(self, interview: str) -> list[dict[int, int]]:
        """Per coder: segment -> the mask of the codes applied to it (or to a span of it)."""
        bits, bit = self.bits, self.bit
        out = []
        for codings in self._codings(interview):
            masks: dict[int, int] = {}
            for c in codings:
                masks[c.segment] = masks.get(c.segment, 0) | (bits.get(c.code) or bit(c.code))
            out.append(masks)
        return out

    def segment_spans(self, interview: str) -> list[dict[int, list[Span]]]:
        """Per coder: segment -> (code bit, start, end) of the codings applied to it."""
        bit = self.bit
        out = []
        for codings in self._codings(interview):
            spans: dict[int, list[Span]] = {}
            for c in codings:
                spans.setdefault(c.segment, []).append((bit(c.code), c.start, c.end))
            out.append(spans)
        return out

    def count(self, interviews: Iterable[str]) -> Counter[Masks]:
        """Units per pattern of masks, over these interviews."""
        counts: Counter[Masks] = Counter()
        blank = 0  # units no compared coder coded: one key, summed apart
        # In the order their texts and codings are stored: one cache pack at a time.
        for iid in sorted(interviews, key=lambda iv: pack_order(self.project.interviews[iv])):
            if self.unit == "segment":
                per = self.segment_masks(iid)
                segments = _segment_count(self.project.interviews[iid])
                coded = {s for masks in per for s in masks if 1 <= s <= segments}
                for s in coded:
                    counts[tuple([masks.get(s, 0) for masks in per])] += 1
                blank += segments - len(coded)
            else:
                for _, start, end, masks in self.runs(iid):
                    counts[masks] += end - start
        if blank:
            counts[(0,) * len(self.coders)] += blank
        return counts

    def runs(
        self,
        interview: str,
        coded: bool = False,
    ) -> Iterator[tuple[Turn, int, int, Masks]]:
        """The units of an interview in text order, as (turn, start, end, masks): one per
        segment, or per run of characters that every coder coded alike. ``coded``: only the
        units some coder applied a code to."""
        turns = self.project.interviews[interview].turns
        if self.unit == "segment":
            per = self.segment_masks(interview)
            if coded:  # turns are numbered from 1 in order
                numbers = sorted({s for masks in per for s in masks if 1 <= s <= len(turns)})
                chosen: Iterable[Turn] = [turns[n - 1] for n in numbers]
            else:
                chosen = turns
            for turn in chosen:
                yield turn, 0, len(turn.text), tuple([m.get(turn.number, 0) for m in per])
            return
        spans = self.segment_spans(interview)
        blank = (0,) * len(self.coders)
        for turn in turns:
            length = len(turn.text)
            here = [s.get(turn.number, ()) for s in spans]
            if not any(here):
                if length and not coded:
                    yield turn, 0, length, blank
                continue
            for run in _character_runs(turn, here, length):
                if not coded or any(run[3]):
                    yield run


def _segment_count(interview: Interview) -> int:
    # The only thing the segment unit needs from the transcript: kept with the cached head,
    # it spares building the turns (text included) of every interview.
    return interview.turn_count()


def _character_runs(
    turn: Turn,
    spans: Sequence[Sequence[Span]],
    length: int,
) -> Iterator[tuple[Turn, int, int, Masks]]:
    # Interval arithmetic: between two consecutive span boundaries every coder's set of codes
    # is constant, so each elementary interval is one run; equal neighbours are merged.
    clamped = [[_clamp(span, length) for span in coder] for coder in spans]
    bounds = sorted({0, length}.union(*({s, e} for coder in clamped for _, s, e in coder)))
    run_start, run_masks = 0, None
    for a, b in pairwise(bounds):
        masks = []
        for coder in clamped:
            mask = 0
            for bit, s, e in coder:
                if s <= a and b <= e:
                    mask |= bit
            masks.append(mask)
        here = tuple(masks)
        if here != run_masks:
            if run_masks is not None:
                yield turn, run_start, a, run_masks
            run_start, run_masks = a, here
    if run_masks is not None:
        yield turn, run_start, length, run_masks


def _clamp(span: Span, length: int) -> tuple[int, int, int]:
    """A coding's characters, clamped to the text (a stale span can reach past its end)."""
    bit, start, end = span
    start = 0 if start is None else min(max(start, 0), length)
    end = length if end is None else min(max(end, start), length)
    return bit, start, end
