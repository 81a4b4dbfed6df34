"""``pcrcode reanchor``: move codings back onto their text after a transcript was edited.

A coding names a segment by number and keeps the fingerprint of its text. When a transcript is
edited (a typo fixed, a turn split, merged or inserted), ``check`` flags the codings whose segment
no longer has that text (``stale-fingerprint``). For each of them, in this order:

1. exact: a turn of the interview has the fingerprint (the turn was only renumbered);
2. quote: a span coding's quote is found in a turn;
3. fuzzy: the old text (from :mod:`pcrcode.coding.old_texts`: the local cache or git) is compared
   with every turn, by characters: a turn similar to it above the threshold (an edited turn, score =
   similarity), else a turn that contains it (two turns merged, score = share of the old text
   found), else consecutive turns that together match it (a turn split: the coding goes to the
   part holding most of the old text, score = similarity of the parts joined).

The coding gets the new segment and fingerprint (and offsets for a span). A coding that cannot be
placed is left as it was and listed with the reason: nothing is dropped. Two codings that land on
the same segment with the same code keep one (the earliest, both memos), listed as ``duplicate``.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pcrcode.coding import old_texts
from pcrcode.coding.old_texts import OldText
from pcrcode.errors import UsageError
from pcrcode.files import codings as codings_io
from pcrcode.files import transaction
from pcrcode.files.coding_updates import read_for_update
from pcrcode.files.diagnostics import Diagnostics
from pcrcode.model import Coding, Interview, Project

ROW_KEYS = ("interview", "segment", "code", "coder", "status", "to", "match", "score", "why")
MIN_CHARS = 20  # containment (merge/split) needs this many characters in common


@dataclass(frozen=True)
class Placement:
    coding: Coding
    status: str  # placed | duplicate | unplaced
    to: int | None = None
    match: str = "none"  # exact | quote | fuzzy | merged | split | none
    score: float | None = None
    why: str = ""

    def as_row(self) -> dict[str, Any]:
        c = self.coding
        return {
            "interview": c.interview,
            "segment": c.segment,
            "code": c.code,
            "coder": c.coder,
            "status": self.status,
            "to": self.to,
            "match": self.match,
            "score": None if self.score is None else round(self.score, 3),
            "why": self.why,
        }


@dataclass(frozen=True)
class ReanchorResult:
    placements: tuple[Placement, ...]
    files: tuple[Path, ...]  # coding files rewritten (or that would be)
    notes: tuple[str, ...] = ()

    @property
    def unplaced(self) -> list[Placement]:
        return [p for p in self.placements if p.status == "unplaced"]


def reanchor(
    root: Path, threshold: float = 0.8, dry_run: bool = False, interviews: Sequence[str] = ()
) -> ReanchorResult:
    """Place every stale coding of the project (or of ``interviews``) back on its text."""
    if not 0 < threshold <= 1:
        raise UsageError(
            f"the threshold must be above 0 and at most 1, not {threshold}", about="threshold"
        )
    from pcrcode.project import load_project

    project = load_project(root, Diagnostics(root))
    for iid in interviews:
        project.interview(iid)
    files = [p for p in codings_io.coding_files(root) if not interviews or p.stem in interviews]
    if dry_run:
        placements, changes, base = _place_all(project, files, threshold)
        return ReanchorResult(tuple(placements), tuple(changes))
    with transaction.exclusive(root, files) as notes:
        placements, changes, base = _place_all(project, files, threshold)
        transaction.commit(root, changes, base)
    keep: dict[str, set[str]] = {}
    for path in codings_io.coding_files(root):
        for c in codings_io.read(path, Diagnostics(root)):
            keep.setdefault(c.interview, set()).add(c.fingerprint)
    for interview in project.interviews.values():
        if not interviews or interview.id in interviews:
            old_texts.remember(root, interview, keep.get(interview.id, set()))
    return ReanchorResult(tuple(placements), tuple(changes), tuple(notes))


def _place_all(
    project: Project, files: list[Path], threshold: float
) -> tuple[list[Placement], dict[Path, str | None], dict[Path, bytes | None]]:
    placements: list[Placement] = []
    changes: dict[Path, str | None] = {}
    base: dict[Path, bytes | None] = {}
    matchers: dict[str, _Matcher] = {}
    for path in files:
        data = path.read_bytes()
        found = read_for_update(project.root, path, "reanchoring", duplicates=True)
        interview = project.interviews.get(path.stem)
        if interview is None:
            continue
        stale = [c for c in found if _is_stale(c, interview)]
        if not stale:
            continue
        matcher = matchers.get(interview.id)
        if matcher is None:
            wanted = {c.fingerprint for c in stale if c.fingerprint}
            matcher = matchers[interview.id] = _Matcher(project.root, interview, threshold, wanted)
        result, here = _rewrite(found, stale, matcher)
        placements.extend(here)
        if result is not None:
            changes[path] = codings_io.render(path.parent.name, path.stem, result)
            base[path] = data
    return placements, changes, base


def _is_stale(c: Coding, interview: Interview) -> bool:
    if c.segment > len(interview.turns):
        return True
    turn = interview.turns[c.segment - 1]
    if c.fingerprint and c.fingerprint != turn.fingerprint:
        return True
    return c.start is not None and turn.text[c.start : c.end] != c.quote


def _rewrite(
    found: list[Coding], stale: list[Coding], matcher: _Matcher
) -> tuple[list[Coding] | None, list[Placement]]:
    """The file's codings with the stale ones placed (None when nothing moves)."""
    stale_ids = {id(c) for c in stale}
    kept: dict[tuple[str, int, str, int, int], Coding] = {}
    extra: list[Coding] = []
    placements: list[Placement] = []
    moved = 0
    # Codings still in place first, so that a placed coding merges into them, not the reverse.
    for c in sorted(found, key=lambda c: id(c) in stale_ids):
        if id(c) not in stale_ids:
            if c.key in kept:
                extra.append(c)  # an old duplicate: `check` reports it
            else:
                kept[c.key] = c
            continue
        placement, new = matcher.place(c)
        if new is None:
            placements.append(placement)
            extra.append(c)
            continue
        moved += 1
        if new.key in kept:
            from pcrcode.codebook_ops.operations import combine

            kept[new.key] = combine(kept[new.key], new)
            placement = replace(
                placement, status="duplicate", why="the segment already has this coding: kept one"
            )
        else:
            kept[new.key] = new
        placements.append(placement)
    if not moved:
        return None, placements
    return [*kept.values(), *extra], placements


class _Matcher:
    """Finds where the texts of one interview's stale codings went."""

    def __init__(
        self, root: Path, interview: Interview, threshold: float, wanted: set[str]
    ) -> None:
        self.root = root
        self.interview = interview
        self.turns = interview.turns
        self.threshold = threshold
        self.wanted = wanted
        self.by_fp: dict[str, list[int]] = {}
        for turn in self.turns:
            self.by_fp.setdefault(turn.fingerprint, []).append(turn.number)
        self._old: dict[str, OldText] | None = None
        self._stats: dict[str, list[tuple[int, int, int]]] = {}

    def old_text(self, fp: str) -> OldText | None:
        if self._old is None:
            self._old = old_texts.load_texts(self.root, self.interview.id)
            missing = self.wanted - set(self._old)
            if missing:
                self._old.update(old_texts.git_texts(self.root, self.interview, missing))
        return self._old.get(fp)

    def place(self, c: Coding) -> tuple[Placement, Coding | None]:
        if c.fingerprint in self.by_fp:
            return self._span(c, _nearest(self.by_fp[c.fingerprint], c.segment), "exact", 1.0)
        if c.start is not None and c.quote:
            hits = [t.number for t in self.turns if c.quote in t.text]
            if hits:
                old = self.old_text(c.fingerprint)
                if old is not None and len(hits) > 1:
                    stats = dict((n, m) for n, m, _ in self._similarity(old)[0])
                    hits = [max(hits, key=lambda n: (stats.get(n, 0), -abs(n - c.segment)))]
                return self._span(c, _nearest(hits, c.segment), "quote", 1.0)
        old = self.old_text(c.fingerprint) if c.fingerprint else None
        if old is None:
            return Placement(
                c,
                "unplaced",
                why="its old text is unknown: no snapshot in .pcrcode/texts and not in git history",
            ), None
        found = self._best(old, c.segment)
        if isinstance(found, str):
            return Placement(c, "unplaced", why=found), None
        number, how, score = found
        return self._span(c, number, how, score)

    def _span(
        self, c: Coding, number: int, how: str, score: float
    ) -> tuple[Placement, Coding | None]:
        turn = self.turns[number - 1]
        new = replace(c, segment=number, fingerprint=turn.fingerprint)
        if c.start is not None and c.end is not None and turn.text[c.start : c.end] != c.quote:
            span = _find_quote(turn.text, c.quote, c.start, self.threshold)
            if span is None:
                return Placement(
                    c,
                    "unplaced",
                    why=f"its quote is no longer in segment {number}, where its text went",
                ), None
            start, end = span
            new = replace(new, start=start, end=end, quote=turn.text[start:end])
        return Placement(c, "placed", number, how, score), new

    def _similarity(self, old: OldText) -> tuple[list[tuple[int, int, int]], int]:
        """(turn number, characters in common, turn length) of the turns worth comparing."""
        stats = self._stats.get(old.text)
        if stats is None:
            stats = []
            have = Counter(old.text)
            for turn in self.turns:
                upper = sum((have & Counter(turn.text)).values())
                lo, ln = len(old.text), len(turn.text)
                if (
                    max(2 * upper / (lo + ln), upper / max(lo, 1), upper / max(ln, 1))
                    < self.threshold
                ):
                    continue  # cannot match under any rule: skip the costly comparison
                matcher = difflib.SequenceMatcher(None, old.text, turn.text, autojunk=False)
                common = sum(b.size for b in matcher.get_matching_blocks())
                stats.append((turn.number, common, ln))
            self._stats[old.text] = stats
        return stats, len(old.text)

    def _edited(self, old: OldText, segment: int) -> tuple[int, float] | None:
        """The turn most like the old text, if above the threshold. Turns are tried from the
        old place outwards, and skipped when a cheap upper bound shows they cannot win."""
        best: tuple[int, float] | None = None
        for turn in sorted(self.turns, key=lambda t: (abs(t.number - segment), t.number)):
            matcher = difflib.SequenceMatcher(None, old.text, turn.text, autojunk=False)
            floor = self.threshold if best is None else best[1]
            if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
                continue
            ratio = matcher.ratio()
            if ratio >= floor and (best is None or ratio > best[1]):
                best = (turn.number, ratio)
        return best

    def _best(self, old: OldText, segment: int) -> tuple[int, str, float] | str:
        edited = self._edited(old, segment)
        if edited is not None:
            return edited[0], "fuzzy", edited[1]
        stats, lo = self._similarity(old)
        t = self.threshold

        def near(n: int) -> int:
            return -abs(n - segment)

        best_ratio = max(stats, key=lambda s: (2 * s[1] / (lo + s[2]), near(s[0])), default=None)
        merged = [s for s in stats if s[1] >= MIN_CHARS and s[1] / max(lo, 1) >= t]
        if merged:
            n, common, _ = max(merged, key=lambda s: (s[1], near(s[0])))
            return n, "merged", common / lo
        split = self._split(old, stats)
        if split is not None:
            return split
        if best_ratio is None:
            return f"no turn is like its old text (threshold {t:g})"
        score = 2 * best_ratio[1] / (lo + best_ratio[2])
        return (
            f"no turn is like its old text above {t:g} (best {score:.2f}, segment {best_ratio[0]})"
        )

    def _split(
        self, old: OldText, stats: list[tuple[int, int, int]]
    ) -> tuple[int, str, float] | None:
        """Consecutive turns that are each mostly old text and together match it."""
        parts = {n: common for n, common, ln in stats if common / max(ln, 1) >= self.threshold}
        best: tuple[float, int] | None = None
        numbers = sorted(parts)
        for i, first in enumerate(numbers):
            last = first
            for n in numbers[i + 1 :]:
                if n != last + 1:
                    break
                last = n
                joined = " ".join(self.turns[k - 1].text for k in range(first, last + 1))
                ratio = difflib.SequenceMatcher(None, old.text, joined, autojunk=False).ratio()
                if ratio >= self.threshold and (best is None or ratio > best[0]):
                    run = range(first, last + 1)
                    target = max(run, key=lambda k: parts[k])
                    if parts[target] >= MIN_CHARS:
                        best = (ratio, target)
        return None if best is None else (best[1], "split", best[0])


def _nearest(numbers: list[int], segment: int) -> int:
    return min(numbers, key=lambda n: (abs(n - segment), n))


def _find_quote(text: str, quote: str, start: int, threshold: float) -> tuple[int, int] | None:
    """Where a quote is in a turn now: exactly (the occurrence nearest its old place), else the
    passage most like it, above the threshold."""
    if not quote:
        return None
    places = []
    at = text.find(quote)
    while at >= 0:
        places.append(at)
        at = text.find(quote, at + 1)
    if places:
        at = min(places, key=lambda p: abs(p - start))
        return at, at + len(quote)
    longest = difflib.SequenceMatcher(None, text, quote, autojunk=False).find_longest_match(
        0, len(text), 0, len(quote)
    )
    if not longest.size:
        return None
    begin, slack = longest.a - longest.b, min(max(3, len(quote) // 10), 12)
    best: tuple[float, int, int] = (0.0, 0, 0)
    for b in range(max(begin - slack, 0), max(begin + slack + 1, 1)):
        for e in range(b + max(len(quote) - slack, 1), min(b + len(quote) + slack, len(text)) + 1):
            window = text[b:e]
            if window != window.strip():
                continue
            score = difflib.SequenceMatcher(None, window, quote, autojunk=False).ratio()
            if score > best[0]:
                best = (score, b, e)
    score, b, e = best
    return (b, e) if score >= threshold else None
