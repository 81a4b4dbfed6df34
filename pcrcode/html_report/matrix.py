"""The framework matrix (cases × code families) and the vignettes' material, from the corpus.

Each cell of the matrix holds the family's codes found on the case (with their segment counts),
the number of coded segments carrying them, and a few sample quotes: the coded spans, or the
whole turn when a coding has no span. Samples keep the page small on a large corpus; the count
says how many there are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pcrcode.model import Codebook
from pcrcode.reports.corpus import CodedSegment, Corpus

QUOTE_CHARS = 400  # a quote longer than this is cut, with "…"


@dataclass(frozen=True)
class Sample:
    interview: str
    segment: int
    text: str


@dataclass(frozen=True)
class Cell:
    codes: tuple[tuple[str, int], ...]  # (code label, segments), codebook order
    segments: int  # coded segments carrying a code of the family
    samples: tuple[Sample, ...]


@dataclass(frozen=True)
class MatrixRow:
    case: str
    name: str
    cells: tuple[Cell, ...]  # one per family, in the codebook's order


def _family_segments(
    codebook: Codebook, segments: Iterable[CodedSegment], family: str
) -> list[CodedSegment]:
    return [s for s in segments if any(codebook.codes[c].family == family for c in s.codes)]


def _span_text(codebook: Codebook, segment: CodedSegment, family: str) -> str:
    spans = [
        c.quote
        for c in segment.codings
        if c.start is not None and c.quote and codebook.codes[c.code].family == family
    ]
    return " […] ".join(dict.fromkeys(spans))


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…"


def framework_matrix(corpus: Corpus, cases: Sequence[str], samples: int = 3) -> list[MatrixRow]:
    """One row per case (in the given order), one cell per family of the codebook."""
    codebook = corpus.codebook
    families = list(codebook.families)
    chosen: dict[tuple[str, str], list[CodedSegment]] = {}
    counts: dict[tuple[str, str], tuple[Counter[str], int]] = {}
    for case in cases:
        segments = corpus.by_structure.get(case, ())
        for family in families:
            found = _family_segments(codebook, segments, family)
            codes = Counter(c for s in found for c in s.codes if codebook.codes[c].family == family)
            counts[(case, family)] = (codes, len(found))
            chosen[(case, family)] = found[:samples]
    wanted: dict[str, list[int]] = {}
    for (_, family), segs in chosen.items():
        for s in segs:
            if not _span_text(codebook, s, family):
                wanted.setdefault(s.interview, []).append(s.number)
    turns = corpus.read_turns(wanted)
    rows = []
    for case in cases:
        structure = corpus.structure(case)
        cells = []
        for family in families:
            codes, n = counts[(case, family)]
            picked = tuple(
                Sample(
                    s.interview,
                    s.number,
                    _cut(
                        _span_text(codebook, s, family)
                        or turns.get((s.interview, s.number), ("", ""))[1]
                    ),
                )
                for s in chosen[(case, family)]
            )
            ordered = tuple(
                (code.label, codes[code.id]) for code in codebook.codes.values() if codes[code.id]
            )
            cells.append(Cell(ordered, n, picked))
        rows.append(MatrixRow(case, structure.name if structure else case, tuple(cells)))
    return rows


def interview_codeline(corpus: Corpus, interview: str) -> tuple[int, list[tuple[int, str]]]:
    """The interview's number of turns and its (turn, family) pairs, for :func:`svg.codeline`."""
    codebook = corpus.codebook
    found = corpus.project.interviews.get(interview)
    turns = found.turn_count() if found is not None else 0
    pairs = sorted(
        {
            (s.number, codebook.codes[c].family)
            for s in corpus.by_interview.get(interview, ())
            for c in s.codes
        }
    )
    return turns, pairs
