"""A structure's profile: what it pools, how far, why, with whom, in its own words.

- ``highest_forme``: the forme code of highest degree on any of its coded segments;
- ``dominant_logic``: the logique carried by the most coded segments, variants rolled up to
  depth 1 by default (réseau = affinitaire + politique: a segment carrying either counts once for
  réseau); ``mixte`` when two logiques tie;
- ``pooled`` / ``not_pooled``: the objet codes found on its segments, and the others (none
  for a structure without coded segments: nothing is known of it);
- ``portee``: coded segments per portée code;
- ``quotes``: its key segments, deterministic: highest forme degree on the segment first, then
  the most distinct codes, then interview and segment order. The quote is the coded span when a
  span coding is there, else the whole turn.
Counts are coded segments (see ``corpus``) across all the structure's interviews.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pcrcode.errors import PcrcodeError
from pcrcode.files.memos import Memo, memo_targets, memos_for
from pcrcode.model import Code, Structure
from pcrcode.reports.axes import Axis, code_axis, dominant, highest, segment_counts
from pcrcode.reports.corpus import CodedSegment, Corpus, value_text

FORME, LOGIQUE, OBJET, PORTEE = "forme", "logique", "objet", "portee"


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
    categorie: str | None
    interviews: tuple[str, ...]
    coded_segments: int
    code_counts: Mapping[str, Mapping[str, int]]  # family -> code -> segments (non-zero)
    highest_forme: Code | None
    logic_counts: Mapping[str, int]  # logique category (rolled up) -> segments
    dominant_logic: str | None
    pooled: tuple[str, ...]
    not_pooled: tuple[str, ...]
    portee: Mapping[str, int]  # portée code -> segments
    quotes: tuple[Quote, ...]
    memos: tuple[Memo, ...] = ()  # on the structure and its interviews (memos/ files)

    def record(self) -> dict[str, Any]:
        """The whole profile (JSON)."""
        s = self.structure
        return {
            "structure": s.id,
            "name": s.name,
            "statut": s.statut,
            "domaine": s.domaine,
            "categorie": self.categorie,
            "interviewed": s.interviewed,
            "attributes": dict(s.extra),
            "interviews": list(self.interviews),
            "coded_segments": self.coded_segments,
            "codes": {f: dict(codes) for f, codes in self.code_counts.items()},
            "highest_forme": self.highest_forme.id if self.highest_forme else None,
            "highest_degree": self.highest_forme.degree if self.highest_forme else None,
            "dominant_logic": self.dominant_logic,
            "logiques": dict(self.logic_counts),
            "pooled": list(self.pooled),
            "not_pooled": list(self.not_pooled),
            "portee": dict(self.portee),
            "quotes": [q.record() for q in self.quotes],
            "memos": [{k: v for k, v in m.record().items() if k != "path"} for m in self.memos],
        }

    def row(self, code_ids: Sequence[str] = ()) -> dict[str, Any]:
        """One flat row (CSV, summary tables); ``code_ids`` add a segment count per code."""
        s = self.structure
        row: dict[str, Any] = {
            "structure": s.id,
            "name": s.name,
            "statut": s.statut,
            "domaine": s.domaine,
            "categorie": self.categorie,
            "interviewed": s.interviewed,
            "interviews": list(self.interviews),
            "coded_segments": self.coded_segments,
            "highest_forme": self.highest_forme.id if self.highest_forme else None,
            "highest_degree": self.highest_forme.degree if self.highest_forme else None,
            "dominant_logic": self.dominant_logic,
            "pooled": list(self.pooled),
            "not_pooled": list(self.not_pooled),
            "portee": list(self.portee),
        }
        flat = {code: n for codes in self.code_counts.values() for code, n in codes.items()}
        for cid in code_ids:
            row[cid] = flat.get(cid, 0)
        return row


def profile(
    corpus: Corpus,
    structure: Structure,
    depth: int | None = 1,
    quotes: int = 3,
    *,
    shared: _Shared | None = None,
) -> Profile:
    codebook = corpus.codebook
    shared = shared if shared is not None else _Shared.of(corpus, depth)
    segments = corpus.by_structure.get(structure.id, ())
    seen = Counter(c for s in segments for c in s.codes)
    code_counts: dict[str, dict[str, int]] = {}
    for code in codebook.codes.values():  # codebook order
        if seen[code.id]:
            code_counts.setdefault(code.family, {})[code.id] = seen[code.id]
    has = set(codebook.families)
    logic_counts: dict[str, int] = {}
    if shared.logic is not None:
        axis = shared.logic
        found = segment_counts(axis, segments)
        logic_counts = {c.id: found[c.id] for c in axis.categories if found[c.id]}
    objets = shared.objets
    pooled = tuple(c for c in objets if code_counts.get(OBJET, {}).get(c))
    return Profile(
        structure=structure,
        categorie=value_text(structure.value("categorie", codebook)),
        interviews=tuple(corpus.interviews_of(structure.id)),
        coded_segments=len(segments),
        code_counts=code_counts,
        highest_forme=highest(codebook, FORME, segments) if FORME in has else None,
        logic_counts=logic_counts,
        dominant_logic=dominant(logic_counts),
        pooled=pooled,
        # Without a coded segment nothing is known, not even what it does not pool.
        not_pooled=tuple(c for c in objets if c not in pooled) if segments else (),
        portee=dict(code_counts.get(PORTEE, {})),
        quotes=tuple(key_quotes(corpus, segments, quotes, shared.texts)),
        memos=_memos(corpus, structure, shared.memo_targets),
    )


@dataclass(frozen=True)
class _Shared:
    """What every profile of a corpus uses: computed once for all of them."""

    logic: Axis | None  # the logique family as an axis at the report's depth
    objets: list[str]  # the codable objets, in codebook order
    memo_targets: dict[str, set[str]]  # kind -> the targets that have a memo folder
    texts: Mapping[tuple[str, int], tuple[str, str]] | None = None  # the quotes' turns

    @classmethod
    def of(cls, corpus: Corpus, depth: int | None) -> _Shared:
        codebook = corpus.codebook
        return cls(
            code_axis(codebook, [LOGIQUE], depth) if LOGIQUE in codebook.families else None,
            [c.id for c in codebook.family_codes(OBJET) if c.codable],
            {kind: memo_targets(corpus.project.root, kind) for kind in ("structure", "interview")},
        )


def _memos(corpus: Corpus, structure: Structure, present: dict[str, set[str]]) -> tuple[Memo, ...]:
    """The researchers' memos on the structure and on its interviews, oldest first (only the
    targets with a memo folder are read: a report profiles hundreds of structures)."""
    root = corpus.project.root
    found = (
        memos_for(root, "structure", structure.id) if structure.id in present["structure"] else []
    )
    for interview in corpus.interviews_of(structure.id):
        if interview in present["interview"]:
            found.extend(memos_for(root, "interview", interview))
    return tuple(sorted(found, key=lambda m: (m.date, m.kind, m.target)))


def key_segments(corpus: Corpus, segments: Sequence[CodedSegment], n: int) -> list[CodedSegment]:
    """The ``n`` segments whose quotes a profile shows (see the module's docstring)."""
    codebook = corpus.codebook

    def rank(s: CodedSegment) -> tuple[int, int, str, int]:
        degrees = [
            codebook.codes[c].degree or 0 for c in s.codes if codebook.codes[c].family == FORME
        ]
        return (-max(degrees, default=0), -len(s.codes), s.interview, s.number)

    return sorted(segments, key=rank)[:n] if n > 0 else []


def key_quotes(
    corpus: Corpus,
    segments: Sequence[CodedSegment],
    n: int,
    texts: Mapping[tuple[str, int], tuple[str, str]] | None = None,
) -> list[Quote]:
    chosen = key_segments(corpus, segments, n)
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
) -> list[Profile]:
    """The named structures; else the interviewed ones (flagged, or with an interview), or
    every structure with ``every``."""
    if structure_ids:
        kept = {s.id for s in corpus.structures}
        chosen = []
        for sid in dict.fromkeys(structure_ids):
            structure = corpus.project.registry.get(sid)
            if sid not in kept:
                raise PcrcodeError(f"structure '{sid}' is not kept by --where")
            chosen.append(structure)
    else:
        chosen = [
            s for s in corpus.structures if every or s.interviewed or corpus.interviews_of(s.id)
        ]
    shared = _Shared.of(corpus, depth)
    # The quotes' turns read first, all at once, in the order they are stored.
    wanted: dict[str, list[int]] = {}
    for s in chosen:
        for seg in key_segments(corpus, corpus.by_structure.get(s.id, ()), quotes):
            wanted.setdefault(seg.interview, []).append(seg.number)
    shared = replace(shared, texts=corpus.read_turns(wanted))
    return [profile(corpus, s, depth, quotes, shared=shared) for s in chosen]
