"""``pcrcode report --format html|pdf``: the page's content, language, self-containment and
escaping, read from the file (the browser's view is in ``test_html_browser.py``); the SVG
charts' numbers; the vignettes' declaration; bad input."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from pcrcode.html_report import svg
from tests.conftest import EXAMPLE_PARTS, ROOT
from tests.conftest import Cli as CLI


@pytest.fixture
def pcr(tmp_path: Path) -> Path:
    """The example project, with its declared synthesis and findings."""
    for part in (*EXAMPLE_PARTS, "synthesis.yaml", "findings.yaml"):
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, tmp_path / part)
        else:
            shutil.copy2(src, tmp_path / part)
    return tmp_path


def html_of(cli: CLI, root: Path, *args: str) -> str:
    result = cli(["report", "--format", "html", "-o", "out.html", *args], cwd=root)
    assert result.exit_code == 0, result.stderr
    assert result.exception is None
    assert result.stdout == ""
    assert result.stderr.endswith("wrote out.html\n")
    return (root / "out.html").read_text(encoding="utf-8")


def test_the_example_gives_a_french_self_contained_page(cli: CLI, pcr: Path) -> None:
    page = html_of(cli, pcr)
    assert page.startswith('<!DOCTYPE html>\n<html lang="fr">')
    for words in ("Sommaire", "Exemples travaillés", "Provenance", "Codeurs comptés"):
        assert f">{words}<" in page, words
    # Every declared section is there, under its own id and heading.
    for sid, heading in (
        ("census", "Recensement : structures par domaine et catégorie de statut"),
        ("statut_x_logique", "Logique par statut"),
        ("never_pooled", "Objets jamais mis en commun"),
    ):
        assert f'<section id="{sid}"' in page
        assert f"<h2>{heading}</h2>" in page
    # Nothing is fetched: no external script, style, image, font or link to follow.
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", page)
    assert "<link" not in page and "@import" not in page and "url(" not in page
    assert re.findall(r"https?://[^\s\"'<>]+", page) == ["http://www.w3.org/2000/svg"] * len(
        re.findall("<svg ", page)
    )
    # The vignettes declared in synthesis.yaml, in order, each with its codeline.
    vignettes = re.findall(r'<article class="vignette" id="vignette-([^"]+)"', page)
    assert vignettes == ["panier-solidaire", "grenier-cooperatif"]
    assert "Fil des codes de l&#39;entretien panier-solidaire" in page
    assert "Données illustratives" in page  # the example's transcripts are flagged illustrative


def test_census_table_and_chart_carry_the_counts(cli: CLI, pcr: Path) -> None:
    import yaml

    page = html_of(cli, pcr)
    cases = yaml.safe_load((pcr / "structures.yaml").read_text(encoding="utf-8"))["structures"]
    mobility = [c for c in cases if c["domaine"] == "mobilite"]
    shown = f"{len(mobility)} ({sum(1 for c in mobility if c.get('interviewed'))})"
    census = page[page.index('<section id="census"') : page.index('<section id="profiles"')]
    assert f'class="num">{shown}</text>' in census  # the bar's number
    row = re.search(r"<th scope=\"row\">Mobilité</th>(.*?)</tr>", census)
    assert row is not None and row.group(1).endswith(f'<td class="n">{shown}</td>')


def test_the_quote_matrix_quotes_coded_segments_with_their_count(cli: CLI, pcr: Path) -> None:
    page = html_of(cli, pcr)
    matrix = page[page.index('<table class="matrix">') :]
    matrix = matrix[: matrix.index("</table>")]
    rows = re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', matrix, re.S)
    assert len(rows) == 18  # the interviewed structures
    assert "Cliquer sur une case" in page
    assert re.search(r"\d+ segments codés cités sur \d+", matrix)


def test_an_english_study_gets_an_english_page(cli: CLI, tmp_path: Path) -> None:
    root = english_project(cli, tmp_path)
    page = html_of(cli, root)
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert ">Contents<" in page and ">Codes by family<" in page
    assert "Code frequencies: Data issues" in page
    # Its own attributes and families, not the example's.
    assert "Cases by Role" in page
    lowered = page.lower()
    for word in ("statut", "domaine", "logique", "portée", "sommaire"):
        assert word not in lowered, word
    # ben: 2 segments coded in model-issues (overfitting twice), counted by hand below.
    ben = re.search(r'<th scope="row">Ben</th>(.*?)</tr>', page, re.S)
    assert ben is not None
    assert "Overfitting&nbsp;(2)" in ben.group(1)
    # No vignettes declared (no synthesis.yaml): the section is absent, not empty.
    assert 'id="vignettes"' not in page and ">Worked examples<" not in page
    assert "Illustrative data" not in page  # these transcripts are not flagged illustrative


def test_transcript_text_is_escaped(cli: CLI, tmp_path: Path) -> None:
    root = english_project(cli, tmp_path, planted='<script>alert("x")</script> & <b>')
    page = html_of(cli, root)
    assert '<script>alert("x")' not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;" in page
    assert page.count("<script>") == 1  # the page's own


def test_html_without_output_goes_to_stdout(cli: CLI, pcr: Path) -> None:
    result = cli(["report", "--format", "html"], cwd=pcr)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("<!DOCTYPE html>")
    assert result.stdout.rstrip().endswith("</html>")


def test_pdf_needs_an_output_file(cli: CLI, pcr: Path) -> None:
    result = cli(["report", "--format", "pdf"], cwd=pcr)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "pcrcode: error: --format pdf writes a file: add -o FILE.pdf\n"


def test_pdf_without_chromium_says_so_and_writes_nothing(cli: CLI, pcr: Path) -> None:
    result = cli(
        ["report", "--format", "pdf", "-o", "out.pdf"],
        cwd=pcr,
        env={"PCRCODE_CHROMIUM": "no-such-browser-here"},
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("pcrcode: error: a PDF needs Chromium (none found on PATH)")
    assert lines[-1].endswith(" (--format pdf, --format html)")
    assert not (pcr / "out.pdf").exists()


@pytest.mark.skipif(
    shutil.which("chromium") is None and os.environ.get("PCRCODE_REQUIRE_BROWSER") != "1",
    reason="chromium is not installed",
)
def test_pdf_is_printed_by_chromium(cli: CLI, pcr: Path) -> None:
    result = cli(["report", "--format", "pdf", "-o", "out.pdf"], cwd=pcr)
    assert result.exit_code == 0, result.stderr
    data = (pcr / "out.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.count(b"/Type /Page") - data.count(b"/Type /Pages") > 3  # several A4 pages


def test_an_unknown_vignette_case_is_refused(cli: CLI, pcr: Path) -> None:
    path = pcr / "synthesis.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("[panier-solidaire,", "[panier-solidair,"),
        encoding="utf-8",
    )
    result = cli(["report", "--format", "html", "-o", "out.html"], cwd=pcr)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        "pcrcode: error: synthesis.yaml:11:13: unknown case 'panier-solidair' in vignettes "
        "(did you mean 'panier-solidaire'?) [synthesis-unknown-case]"
    )
    assert not (pcr / "out.html").exists()
    check = cli(["check"], cwd=pcr)
    assert check.exit_code == 1
    assert check.stdout == (
        "synthesis.yaml:11:13: error: unknown case 'panier-solidair' in vignettes "
        "(did you mean 'panier-solidaire'?) [synthesis-unknown-case]\n"
    )


def test_heatmap_writes_every_count_and_escapes_labels() -> None:
    chart = str(svg.heatmap(["a<b", "c"], ["x", "y&z"], [[0, 7], [3, 12]], "T <1>"))
    assert "<title>T &lt;1&gt;</title>" in chart
    assert re.findall(r'class="num">(\d+)</text>', chart) == ["0", "7", "3", "12"]
    assert ">a&lt;b</text>" in chart and ">y&amp;z</text>" in chart
    # The darkest cell (12) has white ink, the empty one black: readable either way.
    assert 'fill="#ffffff" class="num">12<' in chart
    assert 'fill="#000000" class="num">0<' in chart


def test_bars_are_as_long_as_their_numbers() -> None:
    chart = str(svg.bars([svg.Bar("a", 10), svg.Bar("b", 5)], "t"))
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', chart)]
    assert widths[0] == pytest.approx(2 * widths[1])
    assert "<desc>a: 10; b: 5</desc>" in chart


def test_codeline_marks_each_coded_turn_in_its_family_row() -> None:
    chart = str(svg.codeline(4, [("a", "Alpha"), ("b", "B<")], [(2, "a"), (4, "a"), (4, "b")], "t"))
    assert "<desc>Alpha: 2; B&lt;: 1</desc>" in chart
    marks = re.findall(r'<rect x="[\d.]+" y="(\d+)" [^>]*><title>(\d+)</title>', chart)
    assert marks == [("2", "2"), ("2", "4"), ("20", "4")]  # row 0 turns 2 and 4, row 1 turn 4


CODEBOOK = """\
pcrcode: 1
title: Shipping ML models
language: en
families:
  data-issues: {label: Data issues, ordered: true}
  model-issues: {label: Model issues}
codes:
  - {id: data-issues/missing-values, label: Missing values, degree: 1}
  - {id: data-issues/leakage, label: Leakage, degree: 2}
  - {id: model-issues/overfitting, label: Overfitting}
  - {id: model-issues/drift, label: Drift}
attributes:
  role:
    label: Role
    values: {engineer: Engineer, scientist: Data scientist}
"""
REGISTRY = """\
pcrcode: 1
structures:
  - {id: ana, name: Ana, role: engineer, interviewed: true}
  - {id: ben, name: Ben, role: scientist, interviewed: true}
"""
TURNS = {
    "ana": ["What goes wrong?", "Half the rows were empty.", "And then?", "Everything changed."],
    "ben": ["What goes wrong?", "The id gave the answer away.", "And?", "Great on train."],
}
CODINGS = [
    ("ana", "2", ["data-issues/missing-values"]),
    ("ana", "4", ["model-issues/drift"]),
    ("ben", "2", ["data-issues/leakage", "model-issues/overfitting"]),
    ("ben", "4", ["model-issues/overfitting"]),
]


def english_project(cli: CLI, tmp_path: Path, planted: str = "") -> Path:
    """A small English study (no synthesis.yaml: the default report), tagged through the CLI."""
    root = tmp_path / "ml-study"
    assert cli(["init", str(root)]).exit_code == 0
    (root / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    (root / "structures.yaml").write_text(REGISTRY, encoding="utf-8")
    for case, lines in TURNS.items():
        turns = "\n\n".join(
            f"**{'Interviewer' if i % 2 == 0 else case.title()}:** {t} {planted}".rstrip()
            for i, t in enumerate(lines)
        )
        text = f"---\nstructure: {case}\ndate: 2026-05-01\nlanguage: en\n---\n\n{turns}\n"
        (root / "interviews" / f"{case}.md").write_text(text, encoding="utf-8")
    for interview, segment, codes in CODINGS:
        result = cli(["tag", interview, segment, *codes, "--coder", "kim"], cwd=root)
        assert result.exit_code == 0, result.stderr
    return root


def test_network_layout_is_deterministic_and_labelled() -> None:
    from pcrcode.html_report.graph import Edge, Node, layout, network

    nodes = [Node("a", "A<1>", "x"), Node("b", "B", "y"), Node("c", "C", "x"), Node("d", "D", "y")]
    edges = [Edge("a", "b", "k1"), Edge("b", "c", "k2"), Edge("c", "a", "k1")]
    first = str(network(nodes, edges, "Graph"))
    assert first == str(network(nodes, edges, "Graph"))  # the same data, the same picture
    assert "<desc>A&lt;1&gt; – B (k1); B – C (k2); C – A&lt;1&gt; (k1)</desc>" in first
    assert first.count("<circle ") == 4 + 2  # the nodes, then one per group in the legend
    assert first.count("<line ") == 3 + 2  # the edges, then one per kind
    place = layout(["a", "b", "c", "d"], [("a", "b"), ("b", "c"), ("c", "a")])
    assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in place.values())

    # Linked nodes end up closer to each other than to the unlinked one.
    def dist(p: str, q: str) -> float:
        return float(((place[p][0] - place[q][0]) ** 2 + (place[p][1] - place[q][1]) ** 2) ** 0.5)

    assert dist("a", "b") < dist("a", "d")


def test_findings_show_their_status_and_figures(cli: CLI, pcr: Path) -> None:
    import json

    page = html_of(cli, pcr)
    record = json.loads(cli(["findings", "--format", "json"], cwd=pcr).stdout)
    for finding in record["findings"]:
        block = re.search(
            rf'<li class="finding status-(\w+)" id="finding-{finding["id"]}">'
            r"(.*?)</li>",
            page,
            re.S,
        )
        assert block is not None, finding["id"]
        assert block.group(1) == finding["status"]
        figures = dict(re.findall(r"<dt>([\w.]+)</dt><dd>([^<]*)</dd>", block.group(2)))
        if "n" in finding["figures"]:
            assert figures["n"] == str(finding["figures"]["n"])
        if isinstance(finding["figures"].get("share"), float):
            assert figures["share"] == f"{finding['figures']['share']:.2f}"


def test_the_cooperation_network_is_drawn_from_the_coded_ties(cli: CLI, pcr: Path) -> None:
    import json

    page = html_of(cli, pcr)
    net = json.loads(cli(["network", "--format", "json"], cwd=pcr).stdout)
    section = page[page.index('<section id="network">') : page.index('<section id="codes">')]
    ties, nodes = net["summary"]["ties"], net["summary"]["nodes"]
    assert f"{ties} liens, {nodes} nœuds" in section
    svg_part = section[section.index("<svg") : section.index("</svg>")]
    assert svg_part.count("<line ") - len({t for t in re.findall(r"<line [^>]*/>", svg_part)}) == (
        len(net["ties"])
    )  # one line per tie (the legend's lines are self-closing)
    assert svg_part.count("<circle ") >= len(net["nodes"])
