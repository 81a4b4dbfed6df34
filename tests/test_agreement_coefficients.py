"""Tests for the intercoder agreement core (pcrcode.agreement.coefficients)."""

from __future__ import annotations

import math
import random
import subprocess
import sys
from collections import Counter
from collections.abc import Hashable, Sequence
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pcrcode.agreement import coefficients
from pcrcode.agreement.coefficients import (
    Alpha,
    Coefficient,
    Kappa,
    cohen_kappa,
    coincidences,
    krippendorff_alpha_nominal,
    percent_agreement,
)
from pcrcode.agreement.presence import BinaryTable, binary_table, code_presence, coded_only

N = None

Data = list[list[Hashable | None]]
BinaryRows = list[list[int | None]]


def units_from_rows(*coders: Sequence[Hashable | None]) -> Data:
    """Turn a coders-by-units matrix (as printed in the papers) into a list of units."""
    return [list(unit) for unit in zip(*coders, strict=True)]


def units_from_table(table: dict[tuple[str, str], int]) -> Data:
    """Expand a two-coder contingency table into one unit per counted item."""
    return [[a, b] for (a, b), count in table.items() for _ in range(count)]


# Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Annenberg School for
# Communication, University of Pennsylvania. https://repository.upenn.edu/asc_papers/43
# Hand-worked examples A, B and C of the paper; reliability data matrices are copied with
# observers as rows and units as columns, as printed there.

# A. Binary or dichotomous data, two observers, no missing data: alpha = 0.095.
KRIPPENDORFF_A = units_from_rows(
    [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
    [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
)

# B. Nominal data, two observers (Ben and Gerry), no missing data: alpha = 0.692.
KRIPPENDORFF_B = units_from_rows(
    list("aabbdcccedda"),
    list("babbbccceddd"),
)

# C. Nominal data, any number of observers, missing data: 4 observers, 12 units,
# alpha nominal = 0.743. The same matrix is the doctest of the `krippendorff` package and the
# worked example of Wikipedia's "Krippendorff's alpha" article.
KRIPPENDORFF_C = units_from_rows(
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
)


class TestKrippendorffPublishedExamples:
    def test_binary_two_observers(self) -> None:
        result = krippendorff_alpha_nominal(KRIPPENDORFF_A)
        assert result.value is not None
        assert round(result.value, 3) == 0.095
        # The paper's shortcut for binary data: alpha = 1 - (n - 1) o_01 / (n_0 n_1).
        assert result.value == pytest.approx(1 - 19 * 4 / (14 * 6), abs=1e-15)
        assert (result.units, result.values) == (10, 20)

    def test_binary_coincidence_matrix(self) -> None:
        matrix = coincidences(KRIPPENDORFF_A)
        assert matrix.levels == (0, 1)
        assert matrix.matrix == ((10.0, 4.0), (4.0, 2.0))
        assert matrix.totals == (14, 6)
        assert matrix.values == 20

    def test_nominal_two_observers(self) -> None:
        result = krippendorff_alpha_nominal(KRIPPENDORFF_B)
        assert result.value is not None
        assert round(result.value, 3) == 0.692
        assert (result.units, result.values) == (12, 24)

    def test_nominal_two_observers_coincidences(self) -> None:
        matrix = coincidences(KRIPPENDORFF_B)
        assert matrix.levels == ("a", "b", "c", "d", "e")
        assert matrix.totals == (4, 6, 6, 6, 2)
        assert [matrix.matrix[i][i] for i in range(5)] == [2.0, 4.0, 6.0, 4.0, 2.0]

    def test_nominal_missing_values_four_observers(self) -> None:
        result = krippendorff_alpha_nominal(KRIPPENDORFF_C)
        assert result.value is not None
        assert round(result.value, 3) == 0.743
        # Unit 12 has a single value: not pairable, so 11 units and n = 40 values.
        assert (result.units, result.values) == (11, 40)
        assert result.d_o == pytest.approx(0.2)

    def test_nominal_missing_values_coincidences(self) -> None:
        matrix = coincidences(KRIPPENDORFF_C)
        third = 1 / 3
        four_thirds = 4 / 3
        assert matrix.levels == (1, 2, 3, 4, 5)
        assert matrix.totals == (9, 13, 10, 5, 3)
        expected = (
            (7.0, four_thirds, third, third, 0.0),
            (four_thirds, 10.0, four_thirds, third, 0.0),
            (third, four_thirds, 8.0, third, 0.0),
            (third, third, third, 4.0, 0.0),
            (0.0, 0.0, 0.0, 0.0, 3.0),
        )
        for row, want in zip(matrix.matrix, expected, strict=True):
            assert row == pytest.approx(want)

    def test_string_labels_same_as_numbers(self) -> None:
        names: dict[Hashable, str] = {1: "very low", 2: "low", 3: "mid", 4: "high", 5: "very"}
        relabelled = [[None if v is None else names[v] for v in unit] for unit in KRIPPENDORFF_C]
        assert krippendorff_alpha_nominal(relabelled) == krippendorff_alpha_nominal(KRIPPENDORFF_C)


class TestCohenKappaPublishedExamples:
    def test_wikipedia_grant_proposals(self) -> None:
        # Wikipedia, "Cohen's kappa", simple example: 50 grant proposals, two readers.
        data = units_from_table(
            {("yes", "yes"): 20, ("yes", "no"): 5, ("no", "yes"): 10, ("no", "no"): 15}
        )
        result = cohen_kappa(data)
        assert result.units == 50
        assert result.p_o == pytest.approx(0.7)
        assert result.p_e == pytest.approx(0.5)
        assert result.value == pytest.approx(0.4)

    def test_three_categories(self) -> None:
        # Bonnardel, "The Kappa coefficient ... The case of two raters" (kappa.exe manual,
        # http://kappa.perso.worldonline.fr/kappa.txt): 100 subjects, 3 diagnostic categories,
        # Po = 0.770, Pe = 0.336, K = 0.654. Rows: rater A; columns: rater B.
        rows = [[25, 3, 5], [6, 32, 8], [1, 0, 20]]
        table = {(f"c{i}", f"c{j}"): rows[i][j] for i in range(3) for j in range(3) if rows[i][j]}
        result = cohen_kappa(units_from_table(table))
        assert result.p_o is not None and result.p_e is not None and result.value is not None
        assert round(result.p_o, 3) == 0.770
        assert round(result.p_e, 3) == 0.336
        assert round(result.value, 3) == 0.654

    def test_two_doctors(self) -> None:
        # easycalculation.com, "Cohen's kappa index": 20 patients, two doctors,
        # Pr(a) = 0.7, Pr(e) = 0.62, k = 0.08 / 0.38 = 0.21. Keys: (doctor B, doctor A).
        data = units_from_table(
            {("yes", "yes"): 12, ("yes", "no"): 2, ("no", "yes"): 4, ("no", "no"): 2}
        )
        result = cohen_kappa(data)
        assert result.p_o == pytest.approx(0.7)
        assert result.p_e == pytest.approx(0.62)
        assert result.value == pytest.approx(0.08 / 0.38)
        assert result.value is not None and round(result.value, 2) == 0.21

    def test_binary_table_matches(self) -> None:
        data = [[1, 1]] * 20 + [[1, 0]] * 5 + [[0, 1]] * 10 + [[0, 0]] * 15
        table = binary_table(data)
        assert table == BinaryTable(both=20, first_only=5, second_only=10, neither=15)
        assert table.kappa() == cohen_kappa(data)
        assert table.kappa().value == pytest.approx(0.4)
        assert table.percent_agreement().value == pytest.approx(0.7)
        assert table.coded_only_agreement().value == pytest.approx(20 / 35)


# Independent implementations used as oracles ------------------------------------------------


def kappa_by_hand(data: Data) -> float | None:
    """Cohen's kappa from the contingency table, in floating point, as a textbook does it."""
    pairs = [(a, b) for a, b in data if a is not None and b is not None]
    n = len(pairs)
    table = Counter(pairs)
    categories = {c for pair in pairs for c in pair}
    p_o = sum(table[c, c] for c in categories) / n
    row = {c: sum(table[c, k] for k in categories) / n for c in categories}
    col = {c: sum(table[k, c] for k in categories) / n for c in categories}
    p_e = sum(row[c] * col[c] for c in categories)
    if math.isclose(p_e, 1.0):
        return None
    return (p_o - p_e) / (1 - p_e)


def random_data(rng: random.Random, coders: int, categories: int, units: int) -> Data:
    missing = rng.choice([0.0, 0.1, 0.3, 0.6])
    return [
        [None if rng.random() < missing else rng.randrange(categories) for _ in range(coders)]
        for _ in range(units)
    ]


@pytest.mark.parametrize("seed", range(400))
def test_alpha_matches_krippendorff_package(seed: int) -> None:
    np = pytest.importorskip("numpy")
    krippendorff = pytest.importorskip("krippendorff")
    rng = random.Random(seed)
    categories = rng.randint(2, 6)
    data = random_data(rng, rng.randint(2, 5), categories, rng.randint(1, 40))
    ours = krippendorff_alpha_nominal(data)
    matrix = np.array(
        [[np.nan if v is None else v for v in coder] for coder in zip(*data, strict=True)],
        dtype=float,
    )
    try:
        with np.errstate(all="ignore"):
            theirs = float(krippendorff.alpha(matrix, level_of_measurement="nominal"))
    except ValueError:
        theirs = math.nan  # the package raises for data it treats as undefined
    if math.isnan(theirs) or math.isinf(theirs):
        assert ours.value is None and ours.reason
        return
    assert ours.value is not None, ours.reason
    assert ours.value == pytest.approx(theirs, abs=1e-9)
    # Declaring unused categories does not change nominal alpha.
    declared = krippendorff_alpha_nominal(data, levels=range(categories + 2))
    assert declared.value == pytest.approx(ours.value, abs=1e-12)


@pytest.mark.parametrize("seed", range(300))
def test_kappa_matches_contingency_table(seed: int) -> None:
    rng = random.Random(seed)
    data = random_data(rng, 2, rng.randint(2, 6), rng.randint(1, 40))
    ours = cohen_kappa(data)
    if ours.units == 0:
        assert ours.value is None
        return
    expected = kappa_by_hand(data)
    if expected is None:
        assert ours.value is None and ours.reason
    else:
        assert ours.value == pytest.approx(expected, abs=1e-9)


def test_cross_check_finds_defined_cases() -> None:
    # Guard against the random cross-checks passing vacuously.
    defined = 0
    for seed in range(400):
        rng = random.Random(seed)
        categories = rng.randint(2, 6)
        data = random_data(rng, rng.randint(2, 5), categories, rng.randint(1, 40))
        defined += krippendorff_alpha_nominal(data).defined
    assert defined > 300


# Properties ------------------------------------------------------------------------------------

entries = st.one_of(st.none(), st.integers(0, 3))
reliability_data = st.integers(2, 5).flatmap(
    lambda coders: st.lists(st.lists(entries, min_size=coders, max_size=coders), max_size=30)
)


@settings(max_examples=200, deadline=None)
@given(reliability_data, st.randoms(use_true_random=False))
def test_alpha_invariant_under_permutations_and_relabelling(data: Data, rng: random.Random) -> None:
    result = krippendorff_alpha_nominal(data)
    units = list(data)
    rng.shuffle(units)
    order = list(range(len(data[0]))) if data else []
    rng.shuffle(order)
    names: dict[Hashable, str] = {0: "x", 1: "y", 2: "z", 3: "w"}
    moved = [[None if unit[i] is None else names[unit[i]] for i in order] for unit in units]
    other = krippendorff_alpha_nominal(moved)
    assert (other.value is None) == (result.value is None)
    if result.value is not None:
        assert other.value == pytest.approx(result.value, abs=1e-12)
        assert result.value <= 1.0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([0, 1, None]), st.sampled_from([0, 1, None]))))
def test_binary_table_agrees_with_general_functions(
    pairs: list[tuple[int | None, int | None]],
) -> None:
    data: BinaryRows = [list(pair) for pair in pairs]
    table = binary_table(data)
    assert table.total + table.missing == len(data)
    assert table.kappa() == cohen_kappa(data)
    assert table.percent_agreement().value == percent_agreement(data).value
    coded = table.coded_only_agreement()
    assert coded.value == percent_agreement(coded_only(table_units(data))).value


def table_units(data: BinaryRows) -> BinaryRows:
    return [[a, b] for a, b in data if a is not None and b is not None]


@settings(max_examples=200, deadline=None)
@given(reliability_data)
def test_percent_agreement_bounds(data: Data) -> None:
    strict = percent_agreement(data)
    pairwise = percent_agreement(data, pairwise=True)
    assert (strict.value is None) == (pairwise.value is None)
    if strict.value is not None and pairwise.value is not None:
        assert 0.0 <= strict.value <= pairwise.value <= 1.0
        assert strict.units == pairwise.units


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.sampled_from([0, 1, N]), min_size=2, max_size=2), max_size=30))
def test_two_coders_pairwise_equals_unit_wise(data: Data) -> None:
    assert percent_agreement(data, pairwise=True) == percent_agreement(data)


# Edge cases ------------------------------------------------------------------------------------


NOBODY_USED: BinaryRows = [[0, 0], [0, 0], [0, 0]]


class TestCodeNobodyUsed:
    DATA = NOBODY_USED

    def test_alpha_undefined_not_nan(self) -> None:
        result = krippendorff_alpha_nominal(self.DATA)
        assert result.value is None
        assert result.reason is not None and "expected disagreement is 0" in result.reason
        assert (result.units, result.d_o, result.d_e) == (3, 0.0, 0.0)

    def test_kappa_undefined(self) -> None:
        result = cohen_kappa(self.DATA)
        assert result.value is None
        assert result.reason is not None and "chance agreement is 1" in result.reason
        assert (result.p_o, result.p_e) == (1.0, 1.0)
        assert binary_table(self.DATA).kappa() == result

    def test_percent_agreement_is_total_but_coded_only_is_undefined(self) -> None:
        assert percent_agreement(self.DATA).value == 1.0
        assert coded_only(self.DATA) == []
        coded = binary_table(self.DATA).coded_only_agreement()
        assert coded.value is None and coded.reason == "neither coder applied the code"
        assert percent_agreement(coded_only(self.DATA)).value is None

    def test_all_missing(self) -> None:
        data: Data = [[N, N, N], [N, N, N]]
        alpha = krippendorff_alpha_nominal(data)
        assert alpha.value is None and alpha.units == 0
        assert alpha.reason is not None and "nothing to compare" in alpha.reason
        assert percent_agreement(data).value is None
        assert cohen_kappa([[N, N]]).reason == "no unit was coded by both coders"


def test_all_values_identical_category() -> None:
    data: Data = [["coop", "coop", N], ["coop", "coop", "coop"], [N, "coop", "coop"]]
    alpha = krippendorff_alpha_nominal(data)
    assert alpha.value is None
    assert alpha.reason is not None and "'coop'" in alpha.reason
    assert percent_agreement(data).value == 1.0


def test_single_coder_on_a_unit_is_not_pairable() -> None:
    base = KRIPPENDORFF_B
    with_lonely_units: Data = [*base, ["a", N], [N, "e"]]
    assert krippendorff_alpha_nominal(with_lonely_units) == krippendorff_alpha_nominal(base)
    assert percent_agreement(with_lonely_units) == percent_agreement(base)
    assert cohen_kappa(with_lonely_units) == cohen_kappa(base)
    assert coincidences(with_lonely_units).units == 12


def test_three_coders_with_gaps_by_hand() -> None:
    data: Data = [["a", "a", N], ["a", "b", "b"], [N, "b", "b"], ["a", N, N]]
    # Pairable units 1-3 (unit 4 has one value). o_aa = 2/1; unit 2 (m = 3) gives
    # o_ab = o_ba = 2/2 and o_bb = 2/2; unit 3 adds o_bb = 2/1. So n_a = 3, n_b = 4, n = 7,
    # D_o = 2/7, D_e = 2 * 3 * 4 / (7 * 6) = 4/7, alpha = 1 - (2/7) / (4/7) = 0.5.
    alpha = krippendorff_alpha_nominal(data)
    assert alpha.value == 0.5
    assert (alpha.units, alpha.values) == (3, 7)
    assert alpha.d_o == pytest.approx(2 / 7)
    assert alpha.d_e == pytest.approx(4 / 7)
    assert coincidences(data).matrix == ((2.0, 1.0), (1.0, 3.0))
    strict = percent_agreement(data)
    assert (strict.value, strict.units, strict.agreeing_units) == (2 / 3, 3, 2)
    # Pairwise: unit shares 1, 1/3 and 1.
    assert percent_agreement(data, pairwise=True).value == float(Fraction(7, 9))
    kappa = cohen_kappa(data)
    assert kappa.value is None and kappa.reason is not None and "alpha" in kappa.reason


def test_two_coders_without_overlap() -> None:
    data: Data = [["a", N], [N, "b"], [N, "a"], ["b", N]]
    alpha = krippendorff_alpha_nominal(data)
    assert alpha.value is None and alpha.units == 0
    no_overlap = Kappa(value=None, reason="no unit was coded by both coders", units=0)
    assert cohen_kappa(data) == no_overlap
    assert percent_agreement(data).value is None
    table = binary_table([[1, N], [N, 0]])
    assert table.missing == 2 and table.total == 0
    assert table.kappa().value is None and table.percent_agreement().value is None


def test_fewer_than_two_coders() -> None:
    data: Data = [["a"], ["b"]]
    for result in (
        krippendorff_alpha_nominal(data),
        cohen_kappa(data),
        percent_agreement(data),
    ):
        assert result.value is None
        assert result.reason == "agreement needs at least two coders and the data has 1"
    assert krippendorff_alpha_nominal([]).reason == "there are no units"


def test_perfect_and_systematic_disagreement() -> None:
    agree: Data = [[0, 0], [1, 1], [0, 0], [1, 1]]
    assert krippendorff_alpha_nominal(agree).value == 1.0
    assert cohen_kappa(agree).value == 1.0
    opposite: Data = [[0, 1], [1, 0]]
    # n = 4, o_01 = o_10 = 2, n_0 = n_1 = 2: D_o = 1, D_e = 8/12, alpha = -0.5.
    assert krippendorff_alpha_nominal(opposite).value == -0.5
    # p_o = 0, p_e = 0.5: kappa = -1.
    assert cohen_kappa(opposite).value == -1.0


def test_levels() -> None:
    data: Data = [["a", "a"], ["a", "b"], ["b", "b"]]
    plain = krippendorff_alpha_nominal(data)
    declared = krippendorff_alpha_nominal(data, levels=["a", "b", "c"])
    assert declared == plain
    matrix = coincidences(data, levels=["c", "b", "a"])
    assert matrix.levels == ("c", "b", "a")
    assert matrix.matrix[0] == (0.0, 0.0, 0.0)
    assert matrix.totals == (0, 3, 3)
    with pytest.raises(ValueError, match="not in the declared levels: 'b'"):
        krippendorff_alpha_nominal(data, levels=["a"])


def test_nan_counts_as_missing() -> None:
    nan = float("nan")
    with_nan = [[v if v is not None else nan for v in unit] for unit in KRIPPENDORFF_C]
    assert krippendorff_alpha_nominal(with_nan) == krippendorff_alpha_nominal(KRIPPENDORFF_C)


def test_ragged_data_is_rejected() -> None:
    with pytest.raises(ValueError, match="unit 1 has 3 entries, expected 2"):
        krippendorff_alpha_nominal([[0, 1], [0, 1, 1]])


def test_binary_table_rejects_non_binary_values() -> None:
    with pytest.raises(ValueError, match="presence values must be 1, 0 or None"):
        binary_table([[1, 2]])
    with pytest.raises(ValueError, match="exactly two coders"):
        binary_table([[1, 0, 1]])


def test_code_presence() -> None:
    codings: list[list[set[str] | None]] = [
        [{"coop.contrat", "conflit"}, {"conflit"}, None],
        [set(), {"coop.contrat"}, {"coop.contrat"}],
    ]
    assert code_presence(codings, "coop.contrat") == [[1, 0, None], [0, 1, 1]]
    assert code_presence(codings, "conflit") == [[1, 1, None], [0, 0, 0]]


def test_coefficient_has_value_or_reason() -> None:
    with pytest.raises(ValueError):
        Coefficient(value=0.5, reason="both", units=1)
    with pytest.raises(ValueError):
        Alpha(value=None, reason=None, units=0)
    assert Coefficient(value=0.5, reason=None, units=1).defined


def test_core_imports_no_cli_toolkit_or_numpy() -> None:
    code = (
        "import sys, pcrcode.agreement.coefficients; "
        "bad = {'typer', 'rich', 'numpy', 'click'} & set(sys.modules); "
        "assert not bad, bad"
    )
    root = Path(coefficients.__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)
