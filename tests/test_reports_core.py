"""The report core (pcrcode.reports) on the small fixture, numbers checked by hand.

The small project (tests/data/small): structures epicerie (association, alimentation) and velo
(scop, mobilite) interviewed, potager and roues (associations) not. camille and yanis each coded
both interviews, so camille (first in alphabetical order) is the main coder. camille's codings:

    epicerie 2: forme/echange-informations, objet/information-competences, portee/intra
    epicerie 4: forme/partenariat, logique/territoriale, objet/immobilier, portee/inter (memo)
    epicerie 6: logique/reseau/affinitaire
    velo 2:     forme/mutualisation
    velo 4:     forme/echange-informations, objet/information-competences, portee/intra

yanis differs on epicerie 4 (forme/mutualisation + a span coding of forme/partenariat, no
logique) and epicerie 6 (logique/territoriale too), and codes no objet on velo 4.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pcrcode.choices import CooccurrenceUnit, Count, Percent
from pcrcode.errors import PcrcodeError, UnknownItem, UsageError
from pcrcode.i18n import messages
from pcrcode.model import Project
from pcrcode.project import load_project
from pcrcode.reports.axes import MIXED, code_axis, parse_where, resolve_axis
from pcrcode.reports.census import census
from pcrcode.reports.cooccurrence import cooccurrence
from pcrcode.reports.corpus import Corpus, build_corpus
from pcrcode.reports.crosstab import crosstab
from pcrcode.reports.declaration import project_synthesis
from pcrcode.reports.document import Document
from pcrcode.reports.frequencies import frequencies
from pcrcode.reports.profile import profiles
from pcrcode.reports.query import parse_query
from pcrcode.reports.retrieve import retrieve
from pcrcode.reports.selection import select_coders
from pcrcode.reports.synthesis import build_report
from tests.conftest import DATA, ROOT


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project(DATA / "small")


def corpus_of(
    project: Project,
    coders: tuple[str, ...] = (),
    all_coders: bool = False,
    where: tuple[str, ...] = (),
) -> Corpus:
    corpus = build_corpus(project, select_coders(project, coders, all_coders))
    return corpus.where(parse_where(corpus, where))


def test_the_main_coder_of_each_interview_counts_by_default(project: Project) -> None:
    selection = select_coders(project)
    assert selection.mode == "main"
    assert dict(selection.per_interview) == {"epicerie": ("camille",), "velo": ("camille",)}
    assert dict(selection.left_out) == {"yanis": ("epicerie", "velo")}
    assert "camille" in selection.describe() and "yanis's 2 double-coded" in selection.describe()


def test_coder_choices(project: Project) -> None:
    assert select_coders(project, ["yanis"]).coders == ("yanis",)
    assert select_coders(project, all_coders=True).coders == ("camille", "yanis")
    with pytest.raises(UnknownItem, match=r"no codings by coder 'yannis'.*did you mean 'yanis'"):
        select_coders(project, ["yannis"])
    with pytest.raises(UsageError):
        select_coders(project, ["yanis"], all_coders=True)


def test_a_split_project_keeps_every_interview(project: Project) -> None:
    from dataclasses import replace

    split = replace(
        project,
        codings=tuple(
            c
            for c in project.codings
            if (c.coder, c.interview) in {("camille", "epicerie"), ("yanis", "velo")}
        ),
    )
    selection = select_coders(split)
    assert dict(selection.per_interview) == {"epicerie": ("camille",), "velo": ("yanis",)}
    assert not selection.left_out


def test_corpus_merges_the_selected_coders_per_segment(project: Project) -> None:
    main = corpus_of(project)
    assert [s.key for s in main.segments] == [
        ("epicerie", 2),
        ("epicerie", 4),
        ("epicerie", 6),
        ("velo", 2),
        ("velo", 4),
    ]
    merged = {s.key: s.codes for s in corpus_of(project, all_coders=True).segments}
    assert merged[("epicerie", 6)] == {"logique/reseau/affinitaire", "logique/territoriale"}
    assert merged[("epicerie", 4)] == {
        "forme/partenariat",
        "forme/mutualisation",
        "logique/territoriale",
        "objet/immobilier",
        "portee/inter-sectorielle",
    }


def test_depth_rolls_variants_into_their_parent(project: Project) -> None:
    one = code_axis(project.codebook, ["logique"], 1)
    assert [c.id for c in one.categories] == ["logique/reseau", "logique/territoriale"]
    assert one.code_map["logique/reseau/affinitaire"] == "logique/reseau"
    two = code_axis(project.codebook, ["logique"], 2)
    assert [c.id for c in two.categories] == ["logique/reseau/affinitaire", "logique/territoriale"]


def test_crosstab_counts_structures_once_per_cell(project: Project) -> None:
    corpus = corpus_of(project)
    table = crosstab(corpus, resolve_axis(corpus, "statut"), resolve_axis(corpus, "forme"))
    assert table.cells == {
        ("association", "forme/echange-informations"): 1,
        ("association", "forme/partenariat"): 1,
        ("scop", "forme/echange-informations"): 1,
        ("scop", "forme/mutualisation"): 1,
    }
    assert table.row_totals == {"association": 1, "scop": 1}
    assert table.col_totals == {
        "forme/echange-informations": 2,
        "forme/partenariat": 1,
        "forme/mutualisation": 1,
    }
    assert table.total == 2


def test_crosstab_segments_and_percentages(project: Project) -> None:
    corpus = corpus_of(project)
    table = crosstab(
        corpus,
        resolve_axis(corpus, "statut"),
        resolve_axis(corpus, "forme"),
        Count.segments,
        Percent.row,
    )
    assert table.get("association", "total") == 2  # epicerie 2 and 4 (6 has no forme)
    assert table.get("total", "forme/echange-informations") == 2
    assert table.share("association", "forme/partenariat") == 50.0
    assert table.share("total", "total") == 100.0
    logic = crosstab(
        corpus, resolve_axis(corpus, "logique"), resolve_axis(corpus, "portee"), Count.segments
    )
    assert logic.cells == {("logique/territoriale", "portee/inter-sectorielle"): 1}


def test_two_attributes_count_every_structure_of_the_registry(project: Project) -> None:
    corpus = corpus_of(project)
    table = crosstab(corpus, resolve_axis(corpus, "domaine"), resolve_axis(corpus, "statut"))
    assert table.cells == {
        ("alimentation", "association"): 2,
        ("mobilite", "association"): 1,
        ("mobilite", "scop"): 1,
    }
    assert table.total == 4
    only = corpus_of(project, where=("interviewed=true",))
    assert crosstab(only, resolve_axis(only, "domaine"), resolve_axis(only, "statut")).total == 2


def test_where_filters(project: Project) -> None:
    corpus = corpus_of(project, where=("domaine=mobilite", "statut=association,scop"))
    assert [s.id for s in corpus.structures] == ["velo", "roues"]
    assert [s.key for s in corpus.segments] == [("velo", 2), ("velo", 4)]
    with pytest.raises(UnknownItem, match=r"unknown value 'scopp'.*did you mean scop"):
        corpus_of(project, where=("statut=scopp",))
    with pytest.raises(UsageError, match="ATTR=VALUE"):
        corpus_of(project, where=("statut",))
    with pytest.raises(UsageError, match="code family"):
        corpus_of(project, where=("forme=forme/partenariat",))
    with pytest.raises(PcrcodeError, match="no structure matches"):
        corpus_of(project, where=("domaine=alimentation", "statut=scop"))


def test_unknown_axis(project: Project) -> None:
    corpus = corpus_of(project)
    with pytest.raises(UnknownItem, match=r"unknown attribute or code family 'statu'.*statut"):
        resolve_axis(corpus, "statut"[:-1])
    with pytest.raises(UsageError, match="not an ordered family"):
        resolve_axis(corpus, "logique:max")


def test_summary_axes(project: Project) -> None:
    corpus = corpus_of(project)
    assert dict(resolve_axis(corpus, "forme:max").values) == {
        "epicerie": "forme/partenariat",
        "velo": "forme/mutualisation",
    }
    assert dict(resolve_axis(corpus, "logique:dominant").values) == {"epicerie": MIXED}
    merged = corpus_of(project, all_coders=True)
    assert dict(resolve_axis(merged, "logique:dominant").values) == {
        "epicerie": "logique/territoriale"
    }


def test_census(project: Project) -> None:
    table = census(corpus_of(project))
    cells = {(r["row"], r["col"]): (r["total"], r["interviewed"]) for r in table.records()}
    assert cells == {
        ("alimentation", "associations"): (2, 1),
        ("alimentation", "cooperatives"): (0, 0),
        ("alimentation", "total"): (2, 1),
        ("mobilite", "associations"): (1, 0),
        ("mobilite", "cooperatives"): (1, 1),
        ("mobilite", "total"): (2, 1),
        ("total", "associations"): (3, 1),
        ("total", "cooperatives"): (1, 1),
        ("total", "total"): (4, 2),
    }
    assert table.mismatches == ()


def test_profiles(project: Project) -> None:
    declared = project_synthesis(project)
    epicerie, velo = profiles(corpus_of(project), synthesis=declared)
    assert epicerie.value("forme") == "forme/partenariat"
    assert dict(epicerie.dominant_counts["logique"]) == {
        "logique/reseau": 1,
        "logique/territoriale": 1,
    }
    assert epicerie.value("logique") == MIXED
    assert epicerie.value("pooled") == ["objet/information-competences", "objet/immobilier"]
    assert epicerie.value("not_pooled") == []
    assert epicerie.value("portee") == ["portee/intra-sectorielle", "portee/inter-sectorielle"]
    assert dict(epicerie.code_counts["portee"]) == {
        "portee/intra-sectorielle": 1,
        "portee/inter-sectorielle": 1,
    }
    assert [(q.interview, q.segment) for q in epicerie.quotes] == [
        ("epicerie", 4),
        ("epicerie", 2),
        ("epicerie", 6),
    ]
    assert epicerie.quotes[0].text.startswith("Le local, on le partage")
    assert velo.degree("forme") == 3
    assert velo.value("logique") is None
    assert velo.value("not_pooled") == ["objet/immobilier"]
    assert [p.structure.id for p in profiles(corpus_of(project), every=True)] == [
        "epicerie",
        "velo",
        "potager",
        "roues",
    ]
    with pytest.raises(UnknownItem, match="unknown structure 'velos'"):
        profiles(corpus_of(project), ["velos"])


def test_a_span_coding_quotes_its_span(project: Project) -> None:
    (epicerie, _) = profiles(corpus_of(project, ("yanis",)), quotes=1)
    assert epicerie.quotes[0].text == "on a fait la fête de quartier ensemble"


@pytest.mark.parametrize(
    "query, expected",
    [
        ("forme/echange-informations", [("epicerie", 2), ("velo", 4)]),
        ("logique/reseau", [("epicerie", 6)]),  # a parent matches its descendants
        ("forme/* AND NOT portee", [("velo", 2)]),
        ("logique OR objet/immobilier", [("epicerie", 4), ("epicerie", 6)]),
        ("forme/mutualisation OR forme/partenariat AND portee/intra-sectorielle", [("velo", 2)]),
        ("(forme/mutualisation OR forme/partenariat) and portee", [("epicerie", 4)]),
        ("not not objet", [("epicerie", 2), ("epicerie", 4), ("velo", 4)]),
    ],
)
def test_queries(project: Project, query: str, expected: list[tuple[str, int]]) -> None:
    hits = retrieve(corpus_of(project), query)
    assert [(h.interview, h.segment) for h in hits] == expected


@pytest.mark.parametrize(
    "query, column",
    [
        ("objet AND", 10),
        ("(forme", 7),
        ("forme forme", 7),
        (")", 1),
        ("forme AND OR portee", 11),
        ("NOT", 4),
    ],
)
def test_a_malformed_query_says_where(project: Project, query: str, column: int) -> None:
    with pytest.raises(UsageError, match=f"at column {column}:"):
        parse_query(query, project.codebook)


def test_an_unknown_code_in_a_query(project: Project) -> None:
    with pytest.raises(
        UnknownItem,
        match=r"unknown code 'objet/immo' at column 11 .*"
        r"objet/immobilier",
    ):
        parse_query("forme AND objet/immo", project.codebook)


def test_retrieve_gives_coders_memos_quote_and_context(project: Project) -> None:
    (hit,) = retrieve(corpus_of(project), "objet/immobilier", context=1)
    assert (hit.speaker, hit.coders, hit.memos) == (
        "Léa",
        ("camille",),
        ("Cohabitation sans mutualisation avancée.",),
    )
    assert [t.segment for t in hit.before] == [3] and [t.segment for t in hit.after] == [5]
    assert hit.after[0].text == "D'accord."
    with pytest.raises(PcrcodeError, match="no coded segment matches 'objet/immobilier'"):
        retrieve(corpus_of(project, where=("statut=scop",)), "objet/immobilier")


def test_frequencies(project: Project) -> None:
    rows = {r["code"]: r for r in frequencies(corpus_of(project))}
    assert {
        k: rows["forme/echange-informations"][k]
        for k in ("codings", "segments", "interviews", "structures")
    } == {"codings": 2, "segments": 2, "interviews": 2, "structures": 2}
    assert rows["logique/reseau"]["segments"] == 1  # its child affinitaire
    merged = {r["code"]: r for r in frequencies(corpus_of(project, all_coders=True))}
    assert (
        merged["forme/echange-informations"]["codings"],
        merged["forme/echange-informations"]["segments"],
    ) == (4, 2)


def test_cooccurrence(project: Project) -> None:
    table = cooccurrence(corpus_of(project), ["forme", "portee"])
    assert table.get("forme/echange-informations", "portee/intra-sectorielle") == 2
    assert table.get("forme/echange-informations", "forme/echange-informations") == 2
    assert table.get("forme/partenariat", "portee/inter-sectorielle") == 1
    assert table.get("forme/mutualisation", "portee/intra-sectorielle") == 0
    by_structure = cooccurrence(corpus_of(project), ["forme"], CooccurrenceUnit.structure)
    assert by_structure.get("forme/echange-informations", "forme/partenariat") == 0


def report(corpus: Corpus) -> Document:
    """The fixture's declared report (its synthesis.yaml declares the example's sections)."""
    return build_report(corpus, project_synthesis(corpus.project), messages("en"))


def test_report_shared_premises_depend_on_the_coders(project: Project) -> None:
    main = report(corpus_of(project))
    assert [s["structure"] for s in main.section("shared_premises").records] == ["epicerie"]
    assert main.section("never_pooled").records == []
    # yanis saw a mutualisation on the same segment: no longer "premises without more".
    merged = report(corpus_of(project, all_coders=True))
    assert merged.section("shared_premises").records == []


def test_a_project_without_codings_reports_zeros(project: Project) -> None:
    from dataclasses import replace

    empty = replace(project, codings=())
    result = report(corpus_of(empty)).as_dict()
    assert result["language"] == "en"
    assert result["summary"]["coded_segments"] == 0
    assert {r["count"] for r in result["statut_x_logique"]} == {0}
    assert [n["code"] for n in result["never_pooled"]] == [
        "objet/information-competences",
        "objet/immobilier",
    ]


def test_the_core_imports_neither_typer_nor_rich() -> None:
    code = (
        "import sys, pcrcode.reports.synthesis, pcrcode.reports.retrieve, "
        "pcrcode.reports.frequencies, pcrcode.reports.cooccurrence; "
        "print(sorted(m for m in ('typer', 'rich') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "[]"


def test_example_loads(tmp_path: Path) -> None:
    assert len(load_project(ROOT).registry.structures) == 78
