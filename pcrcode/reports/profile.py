"""A case's profile: its attributes, its codes per family, the declared profile columns, its
key quotes and memos.

The columns come from the synthesis declaration (:mod:`pcrcode.reports.declaration`):

- ``attribute``: the case's value of an attribute (derived ones included);
- ``highest``: the code of highest degree of an ordered family on any of its coded segments;
- ``dominant``: the code of a family carried by the most coded segments, variants rolled up to
  the report's depth (a segment carrying two variants counts once for their parent);
  ``mixte`` when two codes tie;
- ``present`` / ``absent``: the codable codes of a family found on its segments, and the others
  (none for a case without coded segments: nothing is known of it).

Key quotes are deterministic: highest degree, in the synthesis' ranking family, of a code on the
segment first, then the most distinct codes, then interview and segment order. The quote is the
coded span when a span coding is there, else the whole turn. Counts are coded segments (see
``corpus``) across all the case's interviews.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pcrcode.choices import MemoKind
from pcrcode.errors import PcrcodeError
from pcrcode.files.memos import Memo, memo_targets, memos_for
from pcrcode.model import Code, Structure
from pcrcode.reports.axes import Axis, code_axis, dominant, highest, segment_counts
from pcrcode.reports.corpus import CodedSegment, Corpus, value_text
from pcrcode.reports.declaration import (
    ABSENT,
    ATTRIBUTE,
    DOMINANT,
    HIGHEST,
    PRESENT,
    Column,
    Synthesis,
    default_synthesis,
)


@dataclass(frozen=True)
class Quote:
    interview: str
    segment: int
    speaker: str
    codes: tuple[str, ...]
    text: str

    def record(self) -> dict[str, Any]:
        return {
            "interview": self.interview,
            "segment": self.segment,
            "speaker": self.speaker,
            "codes": list(self.codes),
            "text": self.text,
        }


@dataclass(frozen=True)
class Profile:
    structure: Structure
    attributes: Mapping[str, str | None]  # every attribute of the codebook, derived ones too
    interviews: tuple[str, ...]
    coded_segments: int
    code_counts: Mapping[str, Mapping[str, int]]  # family -> code -> segments (non-zero)
    columns: Mapping[str, Any]  # column id -> value (see the module's docstring)
    column_kinds: Mapping[str, Column]
    dominant_counts: Mapping[str, Mapping[str, int]]  # dominant column -> code -> segments
    quotes: tuple[Quote, ...]
    memos: tuple[Memo, ...] = ()  # on the structure and its interviews (memos/ files)

    def value(self, column: str) -> Any:
        """A column's value as JSON and CSV write it: a code id for highest and dominant, a
        list of code ids for present and absent, the value for an attribute."""
        value = self.columns.get(column)
        if isinstance(value, Code):
            return value.id
        if isinstance(value, tuple):
            return list(value)
        return value

    def degree(self, column: str) -> int | None:
        value = self.columns.get(column)
        return value.degree if isinstance(value, Code) else None

    def record(self) -> dict[str, Any]:
        """The whole profile (JSON)."""
        s = self.structure
        columns: dict[str, Any] = {}
        for cid, col in self.column_kinds.items():
            columns[cid] = self.value(cid)
            if col.kind == HIGHEST:
                columns[f"{cid}_degree"] = self.degree(cid)
            if col.kind == DOMINANT:
                columns[f"{cid}_segments"] = dict(self.dominant_counts.get(cid, {}))
        return {
            "structure": s.id,
            "name": s.name,
            "interviewed": s.interviewed,
            "attributes": {**dict(self.attributes), **dict(s.extra)},
            "interviews": list(self.interviews),
            "coded_segments": self.coded_segments,
            "codes": {f: dict(codes) for f, codes in self.code_counts.items()},
            "columns": columns,
            "quotes": [q.record() for q in self.quotes],
            "memos": [{k: v for k, v in m.record().items() if k != "path"} for m in self.memos],
        }

    def row(self, code_ids: Sequence[str] = ()) -> dict[str, Any]:
        """One flat row (CSV, the report's records): the case, its required attributes, each
        column (``COLUMN_degree`` after a highest one); ``code_ids`` add a segment count per
        code."""
        s = self.structure
        row: dict[str, Any] = {
            "structure": s.id,
            "name": s.name,
            "interviewed": s.interviewed,
            "interviews": list(self.interviews),
            "coded_segments": self.coded_segments,
        }
        for cid, col in self.column_kinds.items():
            row[cid] = self.value(cid)
            if col.kind == HIGHEST:
                row[f"{cid}_degree"] = self.degree(cid)
        flat = {code: n for codes in self.code_counts.values() for code, n in codes.items()}
        for cid in code_ids:
            row[cid] = flat.get(cid, 0)
        return row

    def row_keys(self) -> list[str]:
        keys = ["structure", "name", "interviewed", "interviews", "coded_segments"]
        for cid, col in self.column_kinds.items():
            keys.append(cid)
            if col.kind == HIGHEST:
                keys.append(f"{cid}_degree")
        return keys


def profile(
    corpus: Corpus,
    structure: Structure,
    depth: int | None = 1,
    quotes: int = 3,
    *,
    shared: _Shared | None = None,
) -> Profile:
    codebook = corpus.codebook
    shared = shared if shared is not None else _Shared.of(corpus, depth, None)
    segments = corpus.codes_by_structure.get(structure.id, ())  # their sets of codes
    seen: Counter[str] = Counter()
    for codes, n in Counter(segments).items():
        for c in codes:
            seen[c] += n
    code_counts: dict[str, dict[str, int]] = {}
    for code in codebook.codes.values():  # codebook order
        if seen[code.id]:
            code_counts.setdefault(code.family, {})[code.id] = seen[code.id]
    columns: dict[str, Any] = {}
    dominant_counts: dict[str, dict[str, int]] = {}
    for col in shared.columns:
        if col.kind == ATTRIBUTE:
            columns[col.id] = value_text(structure.value(col.target, codebook))
        elif col.kind == HIGHEST:
            columns[col.id] = highest(codebook, col.target, segments)
        elif col.kind == DOMINANT:
            axis = shared.axes[col.id]
            found = segment_counts(axis, segments)
            counts = {c.id: found[c.id] for c in axis.categories if found[c.id]}
            dominant_counts[col.id] = counts
            columns[col.id] = dominant(counts)
        else:
            codable = shared.codable[col.target]
            present = tuple(c for c in codable if seen[c])
            # Without a coded segment nothing is known, not even what it lacks.
            absent = tuple(c for c in codable if not seen[c]) if segments else ()
            columns[col.id] = present if col.kind == PRESENT else absent
    return Profile(
        structure=structure,
        attributes={a: value_text(structure.value(a, codebook)) for a in codebook.attributes},
        interviews=tuple(corpus.interviews_of(structure.id)),
        coded_segments=len(segments),
        code_counts=code_counts,
        columns=columns,
        column_kinds={c.id: c for c in shared.columns},
        dominant_counts=dominant_counts,
        quotes=tuple(
            key_quotes(
                corpus, corpus.by_structure.get(structure.id, ()), quotes, shared.texts, shared.rank
            )
            if quotes > 0
            else ()
        ),
        memos=_memos(corpus, structure, shared.memo_targets),
    )


@dataclass(frozen=True)
class _Shared:
    """What every profile of a corpus uses: computed once for all of them."""

    columns: tuple[Column, ...]
    axes: Mapping[str, Axis]  # dominant column -> its family as an axis at the report's depth
    codable: Mapping[str, list[str]]  # family -> its codable codes, in codebook order
    memo_targets: dict[MemoKind, set[str]]  # the targets that have a memo folder
    rank: str | None  # the ordered family ranking key quotes
    texts: Mapping[tuple[str, int], tuple[str, str]] | None = None  # the quotes' turns

    @classmethod
    def of(cls, corpus: Corpus, depth: int | None, synthesis: Synthesis | None) -> _Shared:
        codebook = corpus.codebook
        synthesis = synthesis if synthesis is not None else default_synthesis(codebook)
        columns = synthesis.profile
        return cls(
            columns,
            {c.id: code_axis(codebook, [c.target], depth) for c in columns if c.kind == DOMINANT},
            {
                c.target: [x.id for x in codebook.family_codes(c.target) if x.codable]
                for c in columns
                if c.kind in (PRESENT, ABSENT)
            },
            {
                kind: memo_targets(corpus.project.root, kind)
                for kind in (MemoKind.structure, MemoKind.interview)
            },
            synthesis.rank_family(),
        )


def _memos(
    corpus: Corpus, structure: Structure, present: dict[MemoKind, set[str]]
) -> tuple[Memo, ...]:
    """The researchers' memos on the structure and on its interviews, oldest first (only the
    targets with a memo folder are read: a report profiles hundreds of structures)."""
    root = corpus.project.root
    found = (
        memos_for(root, MemoKind.structure, structure.id)
        if structure.id in present[MemoKind.structure]
        else []
    )
    for interview in corpus.interviews_of(structure.id):
        if interview in present[MemoKind.interview]:
            found.extend(memos_for(root, MemoKind.interview, interview))
    return tuple(sorted(found, key=lambda m: (m.date, m.kind, m.target)))


def key_segments(
    corpus: Corpus, segments: Sequence[CodedSegment], n: int, rank_family: str | None = None
) -> list[CodedSegment]:
    """The ``n`` segments whose quotes a profile shows (see the module's docstring)."""
    codebook = corpus.codebook

    def rank(s: CodedSegment) -> tuple[int, int, str, int]:
        degrees = [
            codebook.codes[c].degree or 0
            for c in s.codes
            if codebook.codes[c].family == rank_family
        ]
        return (-max(degrees, default=0), -len(s.codes), s.interview, s.number)

    return sorted(segments, key=rank)[:n] if n > 0 else []


def key_quotes(
    corpus: Corpus,
    segments: Sequence[CodedSegment],
    n: int,
    texts: Mapping[tuple[str, int], tuple[str, str]] | None = None,
    rank_family: str | None = None,
) -> list[Quote]:
    chosen = key_segments(corpus, segments, n, rank_family)
    if texts is None:
        texts = corpus.read_turns({s.interview: [s.number] for s in chosen})
    found = []
    for s in chosen:
        speaker, turn_text = texts.get((s.interview, s.number), ("", ""))
        spans = list(dict.fromkeys(c.quote for c in s.codings if c.start is not None and c.quote))
        text = " […] ".join(spans) if spans else turn_text
        found.append(Quote(s.interview, s.number, speaker, tuple(sorted(s.codes)), text))
    return found


def profiles(
    corpus: Corpus,
    structure_ids: Sequence[str] = (),
    every: bool = False,
    depth: int | None = 1,
    quotes: int = 3,
    synthesis: Synthesis | None = None,
) -> list[Profile]:
    """The named structures; else the interviewed ones (flagged, or with an interview), or
    every structure with ``every``. The columns are the synthesis' (the default one's without)."""
    if structure_ids:
        kept = {s.id for s in corpus.structures}
        chosen = []
        for sid in dict.fromkeys(structure_ids):
            structure = corpus.project.registry.get(sid)
            if sid not in kept:
                raise PcrcodeError(
                    f"structure '{sid}' is left out by the structure filter", about="where"
                )
            chosen.append(structure)
    else:
        chosen = [
            s for s in corpus.structures if every or s.interviewed or corpus.interviews_of(s.id)
        ]
    shared = _Shared.of(corpus, depth, synthesis)
    # The quotes' turns read first, all at once, in the order they are stored.
    wanted: dict[str, list[int]] = {}
    for s in chosen if quotes > 0 else ():
        for seg in key_segments(corpus, corpus.by_structure.get(s.id, ()), quotes, shared.rank):
            wanted.setdefault(seg.interview, []).append(seg.number)
    shared = replace(shared, texts=corpus.read_turns(wanted) if wanted else {})
    return [profile(corpus, s, depth, quotes, shared=shared) for s in chosen]
