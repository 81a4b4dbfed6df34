"""The choice lists (:mod:`pcrcode.choices`): one list per choice, shared by the core and the
command line; a member is its word wherever it goes; the core takes a plain string too."""

from __future__ import annotations

import ast
import json
from enum import StrEnum

import pytest

from pcrcode.choices import (
    CooccurrenceUnit,
    Count,
    Forge,
    GraphFormat,
    MemoKind,
    OffsetUnit,
    Percent,
    Split,
)
from pcrcode.errors import UsageError
from pcrcode.exchange.refi import offsets
from pcrcode.files.memos import check_kind, memos_for
from pcrcode.project import load_project
from pcrcode.reports.axes import resolve_axis
from pcrcode.reports.cooccurrence import cooccurrence
from pcrcode.reports.corpus import Corpus, build_corpus
from pcrcode.reports.crosstab import crosstab
from pcrcode.reports.selection import select_coders
from tests.conftest import DATA, ROOT, run_cli

ALL: list[type[StrEnum]] = [
    Count,
    Percent,
    CooccurrenceUnit,
    MemoKind,
    OffsetUnit,
    GraphFormat,
    Split,
    Forge,
]


def test_the_module_imports_only_enum() -> None:
    """The CLI declares its options with these lists at start-up: nothing heavy comes along."""
    tree = ast.parse((ROOT / "pcrcode" / "choices.py").read_text(encoding="utf-8"))
    imported = {
        alias.name if isinstance(node, ast.Import) else node.module or ""
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert imported <= {"__future__", "annotations", "enum"}, imported
    assert {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} == {
        "__future__",
        "enum",
    }


@pytest.mark.parametrize("choice", ALL, ids=lambda c: c.__name__)
def test_a_member_is_its_word(choice: type[StrEnum]) -> None:
    for member in choice:
        assert member == member.value
        assert f"{member}" == str(member) == member.value
        assert json.dumps({"k": member}) == json.dumps({"k": member.value})
        assert choice(member.value) is member


def test_the_lists_the_help_shows() -> None:
    """The CLI's options offer exactly the core's lists, in their order."""
    shown = {
        ("crosstab", "--count"): Count,
        ("crosstab", "--percent"): Percent,
        ("cooccurrence", "--unit"): CooccurrenceUnit,
        ("import", "qdpx", "--offsets"): OffsetUnit,
        ("import", "transcript", "--split"): Split,
        ("init", "--ci"): Forge,
        ("memo", "list", "--kind"): MemoKind,
    }
    for (*command, option), choice in shown.items():
        result = run_cli([*command, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.stderr
        assert f"{option} [{'|'.join(choice)}]" in result.stdout, (option, result.stdout)
    network = run_cli(["network", "--help"], env={"COLUMNS": "200"})
    assert f"[table|csv|json|{'|'.join(GraphFormat)}]" in network.stdout


# -- the core takes a member or its word --------------------------------------------------------


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    project = load_project(DATA / "small")
    return build_corpus(project, select_coders(project))


def test_crosstab_takes_a_member_or_its_word(corpus: Corpus) -> None:
    rows, cols = resolve_axis(corpus, "statut"), resolve_axis(corpus, "forme")
    member = crosstab(corpus, rows, cols, Count.segments, Percent.row)
    word = crosstab(corpus, rows, cols, "segments", "row")  # type: ignore[arg-type]
    assert (word.cells, word.total, word.share("association", "forme/partenariat")) == (
        member.cells,
        member.total,
        member.share("association", "forme/partenariat"),
    )
    # By hand (see tests/test_reports_core.py): epicerie 2 and 4 carry a forme; 4 is half of 2.
    assert (
        member.get("association", "total"),
        member.share("association", "forme/partenariat"),
    ) == (
        2,
        50.0,
    )


def test_crosstab_says_what_it_counts(corpus: Corpus) -> None:
    rows, cols = resolve_axis(corpus, "statut"), resolve_axis(corpus, "forme")
    with pytest.raises(UsageError) as caught:
        crosstab(corpus, rows, cols, "codings")  # type: ignore[arg-type]
    assert caught.value.message == "unknown count 'codings': use structures, interviews, segments"
    with pytest.raises(UsageError) as caught:
        crosstab(corpus, rows, cols, Count.structures, "column")  # type: ignore[arg-type]
    assert caught.value.message == "unknown percentage 'column': use row, col, total"


def test_cooccurrence_takes_a_member_or_its_word(corpus: Corpus) -> None:
    member = cooccurrence(corpus, ["forme"], CooccurrenceUnit.structure)
    word = cooccurrence(corpus, ["forme"], "structure")  # type: ignore[arg-type]
    assert word.cells == member.cells
    assert word.count is Count.structures
    with pytest.raises(UsageError) as caught:
        cooccurrence(corpus, ["forme"], "turn")  # type: ignore[arg-type]
    assert caught.value.message == (
        "unknown co-occurrence unit 'turn': use segment, interview, structure"
    )


def test_memo_kinds() -> None:
    assert check_kind("interview") is MemoKind.interview
    with pytest.raises(UsageError) as caught:
        check_kind("struture")
    assert caught.value.message == (
        "unknown memo kind 'struture': use code, interview, structure, coding "
        "(did you mean 'structure'?)"
    )
    small = DATA / "small"
    by_word = memos_for(small, "coding", "epicerie:4")  # type: ignore[arg-type]
    assert by_word == memos_for(small, MemoKind.coding, "epicerie:4") != []


def test_offsets_given_or_chosen() -> None:
    raw = "A: Bonjour 😀 ici.\n"
    start = raw.index("ici")
    # "ici" is after one emoji: code point 14, UTF-16 unit 15.
    spans = [(start + 1, start + 4, "ici")]
    assert offsets.choose(raw, spans).scheme is OffsetUnit.utf16
    given = offsets.choose(raw, spans, OffsetUnit.codepoints)
    assert (given.scheme, given.forced, given.matched) == (OffsetUnit.codepoints, True, 0)
    assert (
        given.explain()
        == "offsets in code points, a line break counted once (codepoints), as asked"
    )
