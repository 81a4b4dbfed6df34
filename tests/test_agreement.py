"""Tests for the agreement core (pcrcode.agreement.data): unit x coder data from a project.

Expected figures on the small fixture are worked out by hand in the comments, from the coding
files in tests/data/small; the statistics (pcrcode.agreement.coefficients) have their own tests
against the published examples.
"""

from __future__ import annotations

import dataclasses
import random
import subprocess
import sys
from collections.abc import Callable, Hashable, Sequence
from fractions import Fraction
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pcrcode.agreement.coefficients import (
    cohen_kappa,
    krippendorff_alpha_nominal,
    percent_agreement,
)
from pcrcode.agreement.data import NONE, AgreementData, LeftOut, build, split_values
from pcrcode.agreement.disagreements import Disagreement, disagreements
from pcrcode.agreement.report import report
from pcrcode.errors import PcrcodeError, UnknownItem, UsageError
from pcrcode.model import Coding, Interview, Project, Turn
from pcrcode.project import load_project
from tests.conftest import DATA

SMALL = DATA / "small"


def kappa(p_o: Fraction, p_e: Fraction) -> float:
    return float((p_o - p_e) / (1 - p_e))


def alpha(n: int, disagreeing_pairs: int, totals: list[int]) -> float:
    """Nominal alpha of two coders without missing values, from counts.

    n values; ``disagreeing_pairs`` = sum over c != k of o_ck (2 per disagreeing unit);
    D_o = that / n, D_e = (n^2 - sum n_c^2) / (n (n - 1)).
    """
    d_o = Fraction(disagreeing_pairs, n)
    d_e = Fraction(n * n - sum(t * t for t in totals), n * (n - 1))
    return float(1 - d_o / d_e)


@pytest.fixture(scope="module")
def small_project() -> Project:
    return load_project(SMALL)


Figures = dict[tuple[str, str], tuple[Any, ...]]


def figures(data: AgreementData) -> Figures:
    """(variable, scope) -> (units, agreement, kappa, alpha)."""
    return {
        (r["variable"], r["scope"]): (r["units"], r["agreement"], r["kappa"], r["alpha"])
        for r in report(data).rows()
    }


# The small fixture: camille and yanis on epicerie (6 turns) and velo (4 turns), 10 segments.
# Segment by segment (e = epicerie, v = velo; a span coding counts for its whole segment):
#   camille e2 echange, information-competences, intra | e4 partenariat, territoriale,
#           immobilier, inter | e6 affinitaire | v2 mutualisation | v4 echange,
#           information-competences, intra
#   yanis   e2 echange, information-competences | e4 mutualisation, partenariat (a span),
#           immobilier, inter | e6 affinitaire, territoriale | v2 mutualisation | v4 echange, intra
# Coded segments (someone applied something): e2 e4 e6 v2 v4, 5 of 10.


class TestSmallSegments:
    @pytest.fixture(scope="class")
    @classmethod
    def got(cls, small_project: Project) -> Figures:
        data = build(small_project)
        assert data.coders == ("camille", "yanis")
        assert data.interviews == ("epicerie", "velo")
        assert data.left_out == ()
        assert (data.units(), data.units("coded")) == (10, 5)
        return figures(data)

    @pytest.mark.parametrize(
        "code",
        [
            "forme/echange-informations",
            "forme/partenariat",
            "objet/immobilier",
            "logique/reseau/affinitaire",
            "portee/inter-sectorielle",
        ],
    )
    def test_codes_both_applied_alike(self, got: Figures, code: str) -> None:
        # Same segments for both coders (partenariat: a whole segment for camille, a span of the
        # same segment for yanis): every figure is 1 in both scopes.
        assert got[code, "all"] == (10, 1.0, 1.0, 1.0)
        assert got[code, "coded"] == (5, 1.0, 1.0, 1.0)

    @pytest.mark.parametrize(
        "code", ["forme/mutualisation", "objet/information-competences", "portee/intra-sectorielle"]
    )
    def test_codes_with_one_disagreement(self, got: Figures, code: str) -> None:
        # One coder applied the code to 2 segments, the other to 1 of them: (1,1) x1, (1,0) x1,
        # (0,0) x8. Agreement 9/10. Kappa: p_e = 0.1*0.2 + 0.9*0.8 = 0.74 -> 0.16/0.26 = 8/13.
        # Alpha: n = 20, n_1 = 3, n_0 = 17, o_01 = o_10 = 1: 1 - (2/20) / (2*3*17/380) = 32/51.
        units, agreement, k, a = got[code, "all"]
        assert (units, agreement) == (10, 0.9)
        assert k == pytest.approx(kappa(Fraction(9, 10), Fraction(74, 100)))
        assert k == pytest.approx(8 / 13)
        assert a == pytest.approx(alpha(20, 2, [3, 17]))
        assert a == pytest.approx(32 / 51)
        # Coded segments: (1,1), (1,0), (0,0) x3. Agreement 4/5; p_e = 0.2*0.4 + 0.8*0.6 = 0.56,
        # kappa = 0.24/0.44 = 6/11; alpha: n = 10, n_1 = 3, n_0 = 7: 1 - 0.2/(42/90) = 4/7.
        units, agreement, k, a = got[code, "coded"]
        assert (units, agreement) == (5, 0.8)
        assert k == pytest.approx(6 / 11)
        assert a == pytest.approx(4 / 7)

    def test_code_applied_to_different_segments(self, got: Figures) -> None:
        # territoriale: camille e4, yanis e6: (1,0), (0,1), (0,0) x8. Agreement 0.8;
        # p_e = 0.01 + 0.81 = 0.82, kappa = -0.02/0.18 = -1/9; alpha: n = 20, n_1 = 2, n_0 = 18,
        # o_01 = o_10 = 2: 1 - (4/20)/(72/380) = -1/18.
        assert got["logique/territoriale", "all"] == (
            10,
            0.8,
            pytest.approx(-1 / 9),
            pytest.approx(-1 / 18),
        )
        # Coded: (1,0), (0,1), (0,0) x3: 0.6; p_e = 0.04 + 0.64, kappa = -0.08/0.32 = -1/4;
        # alpha: n = 10, n_1 = 2, n_0 = 8: 1 - (4/10)/(32/90) = -1/8.
        assert got["logique/territoriale", "coded"] == (5, 0.6, -0.25, pytest.approx(-0.125))

    def test_pooled(self, got: Figures) -> None:
        # 9 codable codes x 10 segments = 90 decisions: (1,1) 9 (one per code, two for
        # echange), (1,0) 3 (information-competences, territoriale, intra), (0,1) 2
        # (mutualisation, territoriale), (0,0) 76. Agreement 85/90.
        # Kappa: p_A(1) = 12/90, p_B(1) = 11/90, p_e = (12*11 + 78*79)/8100 = 6294/8100.
        # Alpha: n = 180, n_1 = 23, n_0 = 157, 5 disagreeing units.
        units, agreement, k, a = got["pooled", "all"]
        assert units == 90
        assert agreement == pytest.approx(85 / 90)
        assert k == pytest.approx(kappa(Fraction(85, 90), Fraction(6294, 8100)))
        assert a == pytest.approx(alpha(180, 10, [23, 157]))
        # Coded: 45 decisions, (0,0) 31. p_e = (12*11 + 33*34)/2025.
        units, agreement, k, a = got["pooled", "coded"]
        assert units == 45
        assert agreement == pytest.approx(40 / 45)
        assert k == pytest.approx(kappa(Fraction(40, 45), Fraction(12 * 11 + 33 * 34, 2025)))
        assert a == pytest.approx(alpha(90, 10, [23, 67]))

    def test_forme_family(self, got: Figures) -> None:
        # One nominal variable. camille: e2 echange, e4 partenariat, v2 mutualisation,
        # v4 echange, (none) on the other 6; yanis the same except e4, where he applied
        # mutualisation and partenariat: the value "forme/mutualisation+forme/partenariat".
        # Agreement 9/10. Kappa: p_e = 0.6^2 (none) + 0.2^2 (echange) + 0.1^2 (mutualisation)
        # = 0.41, kappa = 0.49/0.59. Alpha: n = 20; n_none 12, echange 4, mutualisation 2,
        # partenariat 1, the double value 1.
        assert got["forme", "all"] == (
            10,
            0.9,
            pytest.approx(49 / 59),
            pytest.approx(alpha(20, 2, [12, 4, 2, 1, 1])),
        )
        assert got["forme", "all"][3] == pytest.approx(98 / 117)
        # Coded (e2 e4 e6 v2 v4): echange 2/5 each, none 1/5, mutualisation 1/5 each:
        # p_e = 0.16 + 0.04 + 0.04 = 0.24, kappa = 0.56/0.76 = 14/19; alpha n = 10:
        # echange 4, none 2, mutualisation 2, partenariat 1, double 1 -> 28/37.
        assert got["forme", "coded"] == (5, 0.8, pytest.approx(14 / 19), pytest.approx(28 / 37))

    def test_portee_family(self, got: Figures) -> None:
        # camille: e2 intra, e4 inter, v4 intra; yanis: e4 inter, v4 intra; (none) elsewhere.
        # p_e = 0.2*0.1 + 0.1*0.1 + 0.7*0.8 = 0.59 -> kappa 0.31/0.41; alpha n = 20: intra 3,
        # inter 2, none 15 -> 1 - (2/20)/(162/380) = 62/81.
        assert got["portee", "all"] == (10, 0.9, pytest.approx(31 / 41), pytest.approx(62 / 81))
        # Coded: p_e = 0.4*0.2 + 0.2*0.2 + 0.4*0.6 = 0.36 -> 11/16; alpha: intra 3, inter 2,
        # none 5 of 10 -> 1 - 0.2/(62/90) = 22/31.
        assert got["portee", "coded"] == (5, 0.8, 0.6875, pytest.approx(22 / 31))

    def test_row_order_and_keys(self, small_project: Project) -> None:
        rows = report(build(small_project)).rows()
        assert [(r["variable"], r["scope"]) for r in rows[:2]] == [
            ("forme/echange-informations", "all"),
            ("forme/echange-informations", "coded"),
        ]
        assert [r["kind"] for r in rows[-6:]] == ["family"] * 4 + ["pooled"] * 2
        assert list(rows[0]) == [
            "variable",
            "kind",
            "scope",
            "units",
            "agreement",
            "agreement_reason",
            "kappa",
            "kappa_reason",
            "alpha",
            "alpha_reason",
            "doubly_coded",
        ]
        assert [r["doubly_coded"] for r in rows if r["kind"] == "family"] == [1, 1, 0, 0]


def test_small_character_unit_by_hand(small_project: Project) -> None:
    data = build(small_project, unit="character")
    # Turn lengths: epicerie 26 66 13 165 9 47 (326), velo 50 60 21 62 (193): 519 characters.
    # Coded characters: the whole of e2 e4 e6 v2 v4 = 66 + 165 + 47 + 60 + 62 = 400.
    assert (data.units(), data.units("coded")) == (519, 400)
    got = figures(data)
    # forme/partenariat: camille the whole of e4 (165), yanis the span 105-143 (38):
    # (1,1) 38, (1,0) 127, (0,0) 354.
    n = 519
    p_o = Fraction(38 + 354, n)
    p_e = Fraction(165 * 38 + (n - 165) * (n - 38), n * n)
    units, agreement, k, a = got["forme/partenariat", "all"]
    assert units == n
    assert agreement == pytest.approx(float(p_o))
    assert k == pytest.approx(kappa(p_o, p_e))
    assert a == pytest.approx(alpha(2 * n, 2 * 127, [165 + 38, 2 * n - 203]))
    # forme/mutualisation: camille v2 (60), yanis e4 and v2 (225): disagreement on 165.
    assert got["forme/mutualisation", "all"][3] == pytest.approx(
        alpha(2 * n, 2 * 165, [285, 2 * n - 285])
    )
    # Family forme: e4 is 105 + 22 characters of (partenariat, mutualisation) and 38 of
    # (partenariat, mutualisation+partenariat); v2 (60) mutualisation for both, e2 and v4
    # echange for both (128), the other 519 - 165 - 60 - 128 = 166 characters (none) for both.
    # Alpha over 2n values: none 332, echange 256, mutualisation 120 + 127, partenariat 165,
    # double 38.
    assert got["forme", "all"][3] == pytest.approx(alpha(2 * n, 2 * 165, [332, 256, 247, 165, 38]))
    assert report(data).variables[-3].doubly_coded == 38


def test_small_disagreements(small_project: Project) -> None:
    found = disagreements(build(small_project))
    e2 = small_project.interviews["epicerie"].turns[1].text
    assert found[0] == Disagreement(
        "epicerie", 2, "Léa", None, None, "portee/intra-sectorielle", ("camille",), ("yanis",), e2
    )
    assert [(d.interview, d.segment, d.code, d.applied_by) for d in found] == [
        ("epicerie", 2, "portee/intra-sectorielle", ("camille",)),
        ("epicerie", 4, "forme/mutualisation", ("yanis",)),
        ("epicerie", 4, "logique/territoriale", ("camille",)),
        ("epicerie", 6, "logique/territoriale", ("yanis",)),
        ("velo", 4, "objet/information-competences", ("camille",)),
    ]


def test_small_character_disagreements(small_project: Project) -> None:
    found = disagreements(build(small_project, unit="character", codes=["forme"]))
    # Camille's partenariat covers e4 outside yanis's span 105-143: two runs; mutualisation
    # (yanis only) the whole of e4. Quotes are the characters themselves.
    assert [(d.segment, d.start, d.end, d.code, d.applied_by) for d in found] == [
        (4, 0, 105, "forme/partenariat", ("camille",)),
        (4, 0, 165, "forme/mutualisation", ("yanis",)),
        (4, 143, 165, "forme/partenariat", ("camille",)),
    ]
    assert found[0].quote.startswith("Le local,") and found[0].quote.endswith("\n\nEt puis ")
    assert found[1].quote == small_project.interviews["epicerie"].turns[3].text
    assert found[2].quote == ", pour les gens d'ici."


# Constructed projects -------------------------------------------------------------------------


Spec = tuple[str, str, int, str, int | None, int | None]


def make_project(
    base: Project, root: Path, texts: dict[str, list[str]], codings: Sequence[Spec]
) -> Project:
    """A project with the small codebook, these turn texts and these codings
    (coder, interview, segment, code, start, end)."""
    interviews = {
        iid: Interview(
            id=iid,
            path=root / f"{iid}.md",
            structure=None,
            turns=tuple(Turn(i, "S", t) for i, t in enumerate(turns, start=1)),
        )
        for iid, turns in texts.items()
    }
    made = tuple(
        Coding(interview=iid, segment=seg, code=code, coder=coder, start=start, end=end)
        for coder, iid, seg, code, start, end in codings
    )
    return dataclasses.replace(base, root=root, interviews=interviews, codings=made)


def expand(
    data: AgreementData, value: Callable[[frozenset[str]], Hashable]
) -> list[list[Hashable]]:
    """One unit per character (or segment), independently of the run-length weights."""
    return [
        [value(applied) for applied in s.applied] for s in data.stretches() for _ in range(s.weight)
    ]


def has(code: str, applied: frozenset[str]) -> int:
    return int(code in applied)


def by_character(project: Project, coders: list[str], iid: str) -> list[list[set[str]]]:
    """The codes of each coder on each character, by a plain loop over the characters."""
    units = []
    for turn in project.interviews[iid].turns:
        for pos in range(len(turn.text)):
            here = []
            for coder in coders:
                codes = set()
                for c in project.codings:
                    if (c.coder, c.interview, c.segment) != (coder, iid, turn.number):
                        continue
                    start = 0 if c.start is None else c.start
                    end = len(turn.text) if c.end is None else c.end
                    if start <= pos < end:
                        codes.add(c.code)
                here.append(codes)
            units.append(here)
    return units


def package_alpha(units: list[list[Hashable]]) -> float:
    np = pytest.importorskip("numpy")
    krippendorff = pytest.importorskip("krippendorff")
    levels = sorted({v for u in units for v in u}, key=str)
    matrix = np.array(
        [[levels.index(u[i]) for u in units] for i in range(len(units[0]))], dtype=float
    )
    return float(
        krippendorff.alpha(
            reliability_data=matrix,
            level_of_measurement="nominal",
            value_domain=list(range(len(levels))),
        )
    )


THREE_TURNS = {"one": ["Un deux trois quatre cinq six.", "Sept huit.", "Neuf dix onze douze."]}


def test_character_unit_matches_krippendorff_package(
    small_project: Project, tmp_path: Path
) -> None:
    # Three coders with overlapping spans, whole-segment codings and a doubly coded stretch.
    codings = [
        ("ana", "one", 1, "forme/partenariat", 0, 12),
        ("ana", "one", 1, "forme/mutualisation", 12, 29),
        ("ana", "one", 3, "portee/intra-sectorielle", None, None),
        ("bob", "one", 1, "forme/partenariat", 4, 20),
        ("bob", "one", 2, "forme/partenariat", None, None),
        ("bob", "one", 3, "portee/intra-sectorielle", 5, 14),
        ("cyd", "one", 1, "forme/mutualisation", None, None),
        ("cyd", "one", 1, "forme/partenariat", 0, 8),
        ("cyd", "one", 3, "portee/inter-sectorielle", None, None),
    ]
    project = make_project(small_project, tmp_path, THREE_TURNS, codings)
    coders = ["ana", "bob", "cyd"]
    data = build(project, unit="character")
    assert data.coders == tuple(coders)
    plain = by_character(project, coders, "one")
    assert data.units() == len(plain) == sum(len(t) for t in THREE_TURNS["one"])
    got = figures(data)
    for code in ("forme/partenariat", "forme/mutualisation", "portee/intra-sectorielle"):
        units: list[list[Hashable]] = [[int(code in codes) for codes in u] for u in plain]
        assert got[code, "all"][3] == pytest.approx(package_alpha(units), abs=1e-12), code
        assert got[code, "all"][1] == percent_agreement(units).value
        coded = [u for u, sets in zip(units, plain, strict=True) if any(sets)]
        assert got[code, "coded"][3] == pytest.approx(package_alpha(coded), abs=1e-12), code
    members = {"forme/echange-informations", "forme/partenariat", "forme/mutualisation"}
    forme: list[list[Hashable]] = [
        ["+".join(sorted(codes & members)) or NONE for codes in u] for u in plain
    ]
    assert got["forme", "all"][3] == pytest.approx(package_alpha(forme), abs=1e-12)
    assert got["forme", "all"][2] is None  # three coders: no Cohen's kappa
    # Kappa needs two coders: compare ana and bob on their own.
    two = build(project, unit="character", coders=["ana", "bob"])
    pair = [[int("forme/partenariat" in codes) for codes in u[:2]] for u in plain]
    assert figures(two)["forme/partenariat", "all"][2] == pytest.approx(cohen_kappa(pair).value)


@pytest.mark.parametrize("seed", range(40))
def test_random_spans_match_krippendorff_package(
    small_project: Project, tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    texts = {
        "one": [
            " ".join("mot" for _ in range(rng.randint(1, 12))) for _ in range(rng.randint(1, 4))
        ]
    }
    coders = ["c1", "c2", "c3"][: rng.randint(2, 3)]
    codes = ["forme/partenariat", "forme/mutualisation", "objet/immobilier"]
    codings: list[Spec] = []
    for coder in coders:
        for seg, text in enumerate(texts["one"], start=1):
            for code in codes:
                if rng.random() < 0.4:
                    if rng.random() < 0.5:
                        codings.append((coder, "one", seg, code, None, None))
                    else:
                        a, b = sorted(rng.sample(range(len(text) + 1), 2))
                        codings.append((coder, "one", seg, code, a, b))
    if not codings:
        codings.append((coders[0], "one", 1, codes[0], None, None))
    for coder in coders:  # every coder coded the interview, if only with nothing
        codings.append((coder, "one", 1, "portee/inter-sectorielle", 0, 1))
    project = make_project(small_project, tmp_path, texts, codings)
    data = build(project, unit="character")
    plain = by_character(project, coders, "one")
    got = figures(data)
    for code in codes:
        units: list[list[Hashable]] = [[int(code in c) for c in u] for u in plain]
        expected = krippendorff_alpha_nominal(units).value
        assert got[code, "all"][3] == (None if expected is None else pytest.approx(expected))
        if expected is not None:
            assert expected == pytest.approx(package_alpha(units), abs=1e-9)
        assert expand(data, partial(has, code)) == units


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from([0, 1, 2, None]), min_size=3, max_size=3), st.integers(0, 5)
        ),
        max_size=12,
    )
)
def test_weights_equal_repeated_units(weighted: list[tuple[list[int | None], int]]) -> None:
    # The `weights` extension of pcrcode.agreement.coefficients that the character unit relies on.
    units = [u for u, _ in weighted]
    weights = [w for _, w in weighted]
    if not sum(weights):  # nothing to compare either way (the reasons word it differently)
        assert krippendorff_alpha_nominal(units, weights=weights).value is None
        return
    repeated = [u for u, w in weighted for _ in range(w)]
    assert krippendorff_alpha_nominal(units, weights=weights) == krippendorff_alpha_nominal(
        repeated
    )
    assert percent_agreement(units, weights=weights) == percent_agreement(repeated)
    assert percent_agreement(units, weights=weights, pairwise=True) == percent_agreement(
        repeated, pairwise=True
    )
    two = [u[:2] for u in units]
    assert cohen_kappa(two, weights=weights) == cohen_kappa([u[:2] for u in repeated])


def test_bad_weights() -> None:
    with pytest.raises(ValueError, match="2 weights for 1 units"):
        krippendorff_alpha_nominal([[0, 1]], weights=[1, 2])
    with pytest.raises(ValueError, match="non-negative"):
        percent_agreement([[0, 1]], weights=[-1])


# Selection ----------------------------------------------------------------------------------


def test_three_coders_left_out_and_empty_coding_file(
    small_project: Project, tmp_path: Path
) -> None:
    texts = {"a": ["Un.", "Deux."], "b": ["Trois."], "c": ["Quatre."], "d": ["Cinq."]}
    codings = [
        ("ana", "a", 1, "forme/partenariat", None, None),
        ("bob", "a", 1, "forme/partenariat", None, None),
        ("cyd", "a", 2, "forme/partenariat", None, None),
        ("ana", "b", 1, "forme/partenariat", None, None),
        ("bob", "b", 1, "forme/mutualisation", None, None),
        ("ana", "c", 1, "forme/partenariat", None, None),
    ]
    project = make_project(small_project, tmp_path, texts, codings)
    # cyd read interview b and applied nothing: an empty coding file still counts.
    (tmp_path / "codings" / "cyd").mkdir(parents=True)
    (tmp_path / "codings" / "cyd" / "b.yaml").write_text(
        "pcrcode: 1\ninterview: b\ncoder: cyd\ncodings: []\n", encoding="utf-8"
    )
    data = build(project)
    assert data.coders == ("ana", "bob", "cyd")
    assert data.interviews == ("a", "b")
    assert data.left_out == (LeftOut("c", ("ana",)),)
    assert report(data).notes() == [
        "left out 1 interview not coded by every compared coder: c (ana)"
    ]
    # Segment a1: (1,1,0); a2: (0,0,1); b1: (1,0,0) for partenariat. Unit-wise agreement: 0/3.
    rows = figures(build(project, codes=["forme/partenariat"]))
    assert rows["forme/partenariat", "all"][:2] == (3, 0.0)
    assert rows["forme/partenariat", "all"][2] is None
    # Alpha: each unit has m = 3 values; a1 gives o_11 = 2/2, o_10 = o_01 = 2/2; a2 and b1
    # each o_00 = 2/2, o_01 = o_10 = 2/2. So o_01 = o_10 = 3, n_1 = 4, n_0 = 5, n = 9:
    # D_o = 6/9, D_e = 2*4*5/(9*8) = 5/9, alpha = 1 - 6/5 = -1/5.
    assert rows["forme/partenariat", "all"][3] == pytest.approx(-1 / 5)
    found = disagreements(build(project, codes=["forme"]))
    assert [(d.interview, d.segment, d.code, d.applied_by, d.not_applied_by) for d in found] == [
        ("a", 1, "forme/partenariat", ("ana", "bob"), ("cyd",)),
        ("a", 2, "forme/partenariat", ("cyd",), ("ana", "bob")),
        ("b", 1, "forme/partenariat", ("ana",), ("bob", "cyd")),
        ("b", 1, "forme/mutualisation", ("bob",), ("ana", "cyd")),
    ]
    pair = build(project, coders=["ana", "bob"])
    assert pair.interviews == ("a", "b", "c")[:2] and pair.left_out == (LeftOut("c", ("ana",)),)


def test_selection_of_codes_and_families(small_project: Project) -> None:
    data = build(small_project, codes=["logique"], families=["portee"])
    assert data.codes == (
        "logique/reseau/affinitaire",
        "logique/territoriale",
        "portee/intra-sectorielle",
        "portee/inter-sectorielle",
    )
    assert list(data.families) == ["portee"]
    # A non-codable parent selects its codable children; a non-exclusive family has no
    # family variable.
    data = build(small_project, codes=["logique/reseau"], families=["objet"])
    assert data.codes == (
        "objet/information-competences",
        "objet/immobilier",
        "logique/reseau/affinitaire",
    )
    assert dict(data.families) == {}
    only = build(small_project, interviews=["velo"])
    assert (only.interviews, only.units()) == (("velo",), 4)


def test_undefined_figures_have_reasons(small_project: Project, tmp_path: Path) -> None:
    texts = {"a": ["Un.", "Deux."]}
    codings = [
        ("ana", "a", 1, "forme/partenariat", None, None),
        ("bob", "a", 1, "forme/partenariat", None, None),
    ]
    project = make_project(small_project, tmp_path, texts, codings)
    rows = {
        (r["variable"], r["scope"]): r for r in report(build(project, families=["forme"])).rows()
    }
    unused = rows["forme/mutualisation", "all"]
    assert unused["agreement"] == 1.0
    assert (unused["kappa"], unused["alpha"]) == (None, None)
    assert unused["kappa_reason"] == unused["alpha_reason"] == "no coder applied this code"
    everywhere = rows["forme/partenariat", "coded"]  # the only coded segment: (1, 1)
    assert everywhere["alpha_reason"] == "every coder applied this code to every unit"
    assert rows["forme/partenariat", "all"]["alpha"] == 1.0
    family = rows["forme", "coded"]
    assert family["alpha"] is None and "'forme/partenariat'" in family["alpha_reason"]
    assert all(r["agreement"] is not None or r["agreement_reason"] for r in rows.values())


def test_no_coded_unit(small_project: Project, tmp_path: Path) -> None:
    project = make_project(small_project, tmp_path, {"a": ["Un."]}, [])
    for coder in ("ana", "bob"):
        (tmp_path / "codings" / coder).mkdir(parents=True)
        (tmp_path / "codings" / coder / "a.yaml").write_text("codings: []\n", encoding="utf-8")
    rows = report(build(project, coders=["ana", "bob"], codes=["forme/partenariat"])).rows()
    coded = rows[1]
    assert (coded["scope"], coded["units"], coded["alpha"]) == ("coded", 0, None)
    assert coded["alpha_reason"] == coded["agreement_reason"] == "no unit was coded by any coder"


def test_split_values() -> None:
    assert split_values(["camille,yanis", " zoe ", "camille", ""]) == ["camille", "yanis", "zoe"]
    assert split_values(None) == []


class TestBadSelections:
    def test_unknown_unit(self, small_project: Project) -> None:
        with pytest.raises(
            UsageError, match="unit 'paragraph' does not apply: use segment or character"
        ):
            build(small_project, unit="paragraph")

    def test_unknown_coder(self, small_project: Project) -> None:
        with pytest.raises(
            UnknownItem,
            match=r"unknown coder 'yannis' \(coders: camille, "
            r"yanis\) \(did you mean 'yanis'\?\)",
        ):
            build(small_project, coders=["camille", "yannis"])

    def test_one_coder(self, small_project: Project) -> None:
        with pytest.raises(UsageError, match="at least two coders, got only 'camille'"):
            build(small_project, coders=["camille", "camille"])

    def test_fewer_than_two_coders_with_codings(
        self, small_project: Project, tmp_path: Path
    ) -> None:
        project = make_project(
            small_project,
            tmp_path,
            {"a": ["Un."]},
            [("ana", "a", 1, "forme/partenariat", None, None)],
        )
        with pytest.raises(
            PcrcodeError,
            match=r"codings by at least two coders; this project "
            r"has codings by ana$",
        ):
            build(project)

    def test_unknown_code_family_interview(self, small_project: Project) -> None:
        with pytest.raises(UnknownItem, match="unknown code 'forme/partenaria'"):
            build(small_project, codes=["forme/partenaria"])
        with pytest.raises(UnknownItem, match="unknown code family 'formes'"):
            build(small_project, families=["formes"])
        with pytest.raises(UnknownItem, match="unknown interview 'epiceri'"):
            build(small_project, interviews=["epiceri"])

    def test_interview_not_coded_by_everyone(self, small_project: Project, tmp_path: Path) -> None:
        project = make_project(
            small_project,
            tmp_path,
            {"a": ["Un."], "b": ["Deux."]},
            [
                ("ana", "a", 1, "forme/partenariat", None, None),
                ("bob", "b", 1, "forme/partenariat", None, None),
            ],
        )
        with pytest.raises(PcrcodeError, match="interview 'a' was not coded by bob"):
            build(project, interviews=["a"])
        with pytest.raises(
            PcrcodeError,
            match=r"no interview was coded by every compared "
            r"coder \(ana, bob\)",
        ):
            build(project)


def test_core_imports_no_cli_toolkit() -> None:
    code = (
        "import sys, pcrcode.agreement.data; "
        "bad = {'typer', 'rich', 'click'} & set(sys.modules); assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parent.parent)
