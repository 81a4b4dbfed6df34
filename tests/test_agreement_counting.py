"""The agreement data counted as patterns (pcrcode.agreement.data) equals the data held unit by
unit.

``pcrcode.agreement.data`` once built one :class:`Stretch` per unit (per segment, or per run of
characters) for the whole comparison, with the text of every turn, and computed every figure
from them. It now counts the units of each pattern of code masks interview by interview. The
former implementation is kept here, verbatim but for names, as the reference: on random projects
(empty turns, stale spans past the text, reversed spans, segments out of range, duplicate
codings, codes outside the selection, coders who did not code every interview) both give the
same patterns, units, report rows, stretches and disagreements.
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pcrcode.agreement.data import NONE, SCOPES, AgreementData, Stretch, build
from pcrcode.agreement.disagreements import Disagreement, disagreements
from pcrcode.agreement.report import _figures, report
from pcrcode.errors import PcrcodeError
from pcrcode.model import Coding, Interview, Project, Turn
from pcrcode.project import load_project
from tests.conftest import DATA

NOWHERE = Path("/nonexistent/pcrcode-agreement-counting")  # no coding files on disk
CODERS = ("ana", "bob", "cyd")
CODES = (
    "forme/echange-informations",
    "forme/partenariat",
    "forme/mutualisation",
    "objet/immobilier",
    "portee/intra-sectorielle",
    "portee/inter-sectorielle",
    "logique/territoriale",
    "pas/dans-le-codebook",
)
WORDS = ("un", "deux", "trois", "quatre", "cinq", "[rires]", "é", "")


@pytest.fixture(scope="module")
def small() -> Project:
    return load_project(DATA / "small")


# The former implementation ------------------------------------------------------------------


def old_stretches(project: Project, data: AgreementData) -> list[Stretch]:
    by_turn: dict[tuple[str, int, str], list[Coding]] = {}
    chosen = set(data.interviews)
    for c in project.codings:
        if c.interview in chosen and c.coder in data.coders:
            by_turn.setdefault((c.interview, c.segment, c.coder), []).append(c)
    stretches: list[Stretch] = []
    for iid in data.interviews:
        for turn in project.interviews[iid].turns:
            per_coder = [by_turn.get((iid, turn.number, coder), []) for coder in data.coders]
            stretches.extend(
                old_turn_stretches(iid, turn.number, turn.speaker, turn.text, per_coder, data.unit)
            )
    return stretches


def old_turn_stretches(
    interview: str,
    segment: int,
    speaker: str,
    text: str,
    per_coder: Sequence[Sequence[Coding]],
    unit: str,
) -> list[Stretch]:
    length = len(text)
    if unit == "segment":
        applied = tuple(frozenset(c.code for c in cs) for cs in per_coder)
        return [Stretch(interview, segment, speaker, 0, length, 1, applied)]
    spans = [[old_span(c, length) for c in cs] for cs in per_coder]
    bounds = sorted({0, length}.union(*({s, e} for coder in spans for _, s, e in coder)))
    out: list[Stretch] = []
    for a, b in pairwise(bounds):
        here = tuple(
            frozenset(code for code, s, e in coder if s <= a and b <= e) for coder in spans
        )
        if out and out[-1].applied == here:
            out[-1] = dataclasses.replace(out[-1], end=b, weight=b - out[-1].start)
        else:
            out.append(Stretch(interview, segment, speaker, a, b, b - a, here))
    return out


def old_span(coding: Coding, length: int) -> tuple[str, int, int]:
    start = 0 if coding.start is None else min(max(coding.start, 0), length)
    end = length if coding.end is None else min(max(coding.end, start), length)
    return coding.code, start, end


def old_units(stretches: Sequence[Stretch], scope: str) -> int:
    return sum(s.weight for s in stretches if scope == "all" or s.coded)


def old_presence(
    stretches: Sequence[Stretch], coders: int, code: str, scope: str
) -> Counter[tuple[int, ...]]:
    patterns: Counter[tuple[int, ...]] = Counter()
    touched = 0
    for s in stretches:
        if code not in frozenset().union(*s.applied) or (scope == "coded" and not s.coded):
            continue
        patterns[tuple(int(code in applied) for applied in s.applied)] += s.weight
        touched += s.weight
    rest = old_units(stretches, scope) - touched
    if rest:
        patterns[(0,) * coders] += rest
    return patterns


def old_family_values(
    stretches: Sequence[Stretch], members: set[str], scope: str
) -> Counter[tuple[str, ...]]:
    patterns: Counter[tuple[str, ...]] = Counter()
    for s in stretches:
        if scope == "all" or s.coded:
            patterns[
                tuple("+".join(sorted(applied & members)) or NONE for applied in s.applied)
            ] += s.weight
    return patterns


def old_disagreements(
    project: Project, data: AgreementData, stretches: Sequence[Stretch]
) -> list[Disagreement]:
    texts = {
        (iid, t.number): t.text for iid in data.interviews for t in project.interviews[iid].turns
    }
    found: list[Disagreement] = []
    last: dict[str, int] = {}
    for s in stretches:
        for code in data.codes:
            by = tuple(
                c for c, applied in zip(data.coders, s.applied, strict=True) if code in applied
            )
            if not by or len(by) == len(data.coders):
                continue
            prev = found[last[code]] if code in last else None
            if (
                data.unit == "character"
                and prev is not None
                and prev.end == s.start
                and (prev.interview, prev.segment, prev.applied_by) == (s.interview, s.segment, by)
            ):
                text = texts[s.interview, s.segment]
                found[last[code]] = dataclasses.replace(
                    prev, end=s.end, quote=text[prev.start or 0 : s.end]
                )
                continue
            not_by = tuple(c for c in data.coders if c not in by)
            text = texts[s.interview, s.segment]
            if data.unit == "character":
                found.append(
                    Disagreement(
                        s.interview,
                        s.segment,
                        s.speaker,
                        s.start,
                        s.end,
                        code,
                        by,
                        not_by,
                        text[s.start : s.end],
                    )
                )
            else:
                found.append(
                    Disagreement(
                        s.interview, s.segment, s.speaker, None, None, code, by, not_by, text
                    )
                )
            last[code] = len(found) - 1
    order = {c: i for i, c in enumerate(data.codes)}
    return sorted(found, key=lambda d: (d.interview, d.segment, d.start or 0, order[d.code]))


# Random projects ----------------------------------------------------------------------------


def random_project(base: Project, rng: random.Random) -> Project:
    interviews = {}
    for i in range(rng.randint(1, 4)):
        iid = f"i{i}"
        texts = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 8)))
            for _ in range(rng.randint(0, 5))
        ]
        interviews[iid] = Interview(
            id=iid,
            path=NOWHERE / f"{iid}.md",
            structure=None,
            turns=tuple(Turn(n, rng.choice("SQ"), t) for n, t in enumerate(texts, start=1)),
        )
    codings = []
    coders = CODERS[: rng.randint(2, 3)]
    for iid, interview in interviews.items():
        for coder in coders:
            if rng.random() < 0.1:  # this coder did not code this interview
                continue
            for _ in range(rng.randint(0, 3 * len(interview.turns) + 1)):
                segment = rng.randint(0, len(interview.turns) + 1)  # sometimes out of range
                length = (
                    len(interview.turns[segment - 1].text)
                    if (1 <= segment <= len(interview.turns))
                    else 5
                )
                start = end = None
                if rng.random() < 0.5:
                    start = rng.randint(-2, length + 3)  # stale, reversed or empty spans too
                    end = rng.randint(start - 2, length + 3) if rng.random() < 0.9 else None
                codings.append(
                    Coding(
                        interview=iid,
                        segment=segment,
                        code=rng.choice(CODES),
                        coder=coder,
                        start=start,
                        end=end,
                    )
                )
    if rng.random() < 0.3:  # not always file by file
        rng.shuffle(codings)
    return dataclasses.replace(base, root=NOWHERE, interviews=interviews, codings=tuple(codings))


def selection(rng: random.Random) -> dict[str, list[str]]:
    return rng.choice(
        [
            {},
            {"codes": ["forme"]},
            {"codes": ["forme/partenariat", "objet"]},
            {"families": ["portee"]},
            {"codes": ["logique/territoriale"], "families": ["forme"]},
        ]
    )


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), unit=st.sampled_from(["segment", "character"]))
def test_counting_equals_former_stretches(small: Project, seed: int, unit: str) -> None:
    rng = random.Random(seed)
    project = random_project(small, rng)
    try:
        data = build(project, unit=unit, **selection(rng))
    except PcrcodeError as e:  # nothing to compare (raised before any counting)
        assert "nothing to compare" in str(e) or "at least two coders" in str(e)
        return
    old = old_stretches(project, data)
    assert list(data.stretches()) == old
    coders = len(data.coders)
    for scope in SCOPES:
        assert data.units(scope) == old_units(old, scope)
        for code in (*data.codes, "forme/partenariat", "pas/dans-le-codebook", "jamais/vu"):
            assert data.presence(code, scope) == old_presence(old, coders, code, scope), code
        for family, members in data.families.items():
            assert data.family_values(family, scope) == old_family_values(
                old, set(members), scope
            ), family
    # The figures are those of the former patterns (exact arithmetic: equal, not close).
    rows = report(data).rows()
    for row in rows:
        patterns: Counter[Any]
        if row["kind"] == "code":
            patterns = old_presence(old, coders, row["variable"], row["scope"])
        elif row["kind"] == "family":
            patterns = old_family_values(old, set(data.families[row["variable"]]), row["scope"])
        else:
            patterns = Counter()
            for code in data.codes:
                patterns.update(old_presence(old, coders, code, row["scope"]))
        figures = _figures(patterns, "", None)
        assert row["units"] == figures.units
        assert (row["agreement"], row["kappa"], row["alpha"]) == (
            figures.agreement.value,
            figures.kappa.value,
            figures.alpha.value,
        )
    assert disagreements(data) == old_disagreements(project, data, old)


def test_counting_of_the_small_fixture(small: Project) -> None:
    for unit in ("segment", "character"):
        data = build(small, unit=unit)
        old = old_stretches(small, data)
        expected: Counter[tuple[frozenset[str], ...]] = Counter()
        for s in old:
            expected[s.applied] += s.weight
        got: Counter[tuple[frozenset[str], ...]] = Counter()
        for masks, units in data.counts.items():
            got[tuple(map(data.index.names, masks))] += units
        assert got == expected
        assert disagreements(data) == old_disagreements(small, data, old)
