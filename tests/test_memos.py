"""Memos: ``pcrcode memo add|list|show``, :func:`pcrcode.files.memos.memos_for` and the ``memo``
rule."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pcrcode.choices import MemoKind
from pcrcode.files.memos import Memo, add_memo, memos_for
from tests.conftest import run_cli, snapshot
from tests.golden import assert_golden

STAMP = re.compile(r"^\d{8}T\d{6}Z-camille\.md$")


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def seed(small: Path) -> None:
    """Three hand-written memo files, with fixed dates."""
    write(
        small,
        "memos/code/forme/mutualisation/20260402T091500Z-camille.md",
        "---\nkind: code\ntarget: forme/mutualisation\nauthor: camille\n"
        "date: 2026-04-02T09:15:00Z\n---\n\nLe camion à trois : *vraie* mutualisation.\n",
    )
    write(
        small,
        "memos/code/forme/mutualisation/20260403T100000Z-yanis.md",
        "---\nkind: code\ntarget: forme/mutualisation\nauthor: yanis\n"
        "date: 2026-04-03T10:00:00Z\n---\n\nPas d'accord [rires].\n\nDeuxième paragraphe.\n",
    )
    write(
        small,
        "memos/interview/epicerie/20260405T080000Z-yanis.md",
        "---\nkind: interview\ntarget: epicerie\nauthor: yanis\ndate: 2026-04-05T08:00:00Z\n"
        "segment: 4\n---\n\nLe local partagé, à revoir.\n",
    )


def test_add_a_code_memo_writes_a_markdown_file(small: Path) -> None:
    run = run_cli(
        [
            "memo",
            "add",
            "code",
            "forme/mutualisation",
            "--text",
            "Distinguer du simple prêt.",
            "--coder",
            "camille",
        ],
        cwd=small,
    )
    assert (run.exit_code, run.stdout, run.exception) == (0, "", None)
    [path] = (small / "memos" / "code" / "forme" / "mutualisation").iterdir()
    assert STAMP.match(path.name), path.name
    assert (
        run.stderr == f"camille: memo on code forme/mutualisation (memos/code/forme/"
        f"mutualisation/{path.name})\n"
    )
    text = path.read_text(encoding="utf-8")
    date = text.splitlines()[4]
    assert re.fullmatch(r"date: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", date)
    assert text == (
        "---\nkind: code\ntarget: forme/mutualisation\nauthor: camille\n"
        f"{date}\n---\n\nDistinguer du simple prêt.\n"
    )


def test_add_reads_stdin_and_a_segment_target(small: Path) -> None:
    run = run_cli(
        ["memo", "add", "interview", "epicerie:4", "--coder", "camille"],
        cwd=small,
        input="Première ligne\nseconde ligne\n",
    )
    assert (run.exit_code, run.stdout, run.exception) == (0, "", None)
    [memo] = memos_for(small, MemoKind.interview, "epicerie")
    assert (memo.kind, memo.target, memo.segment, memo.author, memo.text) == (
        "interview",
        "epicerie",
        4,
        "camille",
        "Première ligne\nseconde ligne",
    )
    assert memo.path is not None
    assert "segment: 4\n" in memo.path.read_text(encoding="utf-8")


def test_two_memos_at_the_same_second_are_two_files(small: Path) -> None:
    at = "2026-04-02T09:15:00Z"
    first = add_memo(small, MemoKind.structure, "potager", "camille", "Refus poli.", at=at)
    second = add_memo(small, MemoKind.structure, "potager", "camille", "Relancer en mai.", at=at)
    assert first.path is not None and second.path is not None
    assert (first.path.name, second.path.name) == (
        "20260402T091500Z-camille.md",
        "20260402T091500Z-camille-2.md",
    )
    assert [m.text for m in memos_for(small, MemoKind.structure, "potager")] == [
        "Refus poli.",
        "Relancer en mai.",
    ]


def test_a_coding_memo_is_appended_to_the_coding(small: Path) -> None:
    run = run_cli(
        [
            "memo",
            "add",
            "coding",
            "epicerie:4:forme/partenariat",
            "-t",
            "Plutôt ponctuel.",
            "-c",
            "camille",
        ],
        cwd=small,
    )
    assert (run.exit_code, run.stdout, run.exception) == (0, "", None)
    assert run.stderr == (
        "camille: memo on coding epicerie:4:forme/partenariat (codings/camille/epicerie.yaml)\n"
    )
    lines = (small / "codings" / "camille" / "epicerie.yaml").read_text().splitlines()
    rec = json.loads(lines[9][2:])  # the 4th coding: segment 4, forme/partenariat
    assert (rec["code"], rec["memo"]) == (
        "forme/partenariat",
        "Cohabitation sans mutualisation avancée.\n\nPlutôt ponctuel.",
    )
    # the other codings of the segment keep their memo
    assert json.loads(lines[10][2:])["memo"] == "Cohabitation sans mutualisation avancée."
    memos = memos_for(small, MemoKind.coding, "epicerie:4:forme/partenariat")
    assert [(m.author, m.segment, m.code) for m in memos] == [("camille", 4, "forme/partenariat")]


def test_memos_for(small: Path) -> None:
    seed(small)
    memos = memos_for(small, MemoKind.code, "forme/mutualisation")
    assert [(m.author, m.date, m.text) for m in memos] == [
        ("camille", "2026-04-02T09:15:00Z", "Le camion à trois : *vraie* mutualisation."),
        ("yanis", "2026-04-03T10:00:00Z", "Pas d'accord [rires].\n\nDeuxième paragraphe."),
    ]
    assert memos_for(small, MemoKind.code, "forme/partenariat") == []
    assert [m.text for m in memos_for(small, MemoKind.interview, "epicerie:4")] == [
        "Le local partagé, à revoir."
    ]
    assert memos_for(small, MemoKind.interview, "epicerie:3") == []
    assert memos_for(small, MemoKind.structure, "nowhere") == []
    # every coder's coding memos on segment 4 of epicerie: camille's four (one memo each)
    on_segment = memos_for(small, MemoKind.coding, "epicerie:4")
    assert [(m.author, m.code) for m in on_segment] == [
        ("camille", "forme/partenariat"),
        ("camille", "logique/territoriale"),
        ("camille", "objet/immobilier"),
        ("camille", "portee/inter-sectorielle"),
    ]
    assert isinstance(on_segment[0], Memo)
    assert memos_for(small, MemoKind.coding, "velo") == []


def test_memo_list_formats(small: Path) -> None:
    seed(small)
    run = run_cli(["memo", "list", "--format", "json"], cwd=small)
    assert (run.exit_code, run.stderr, run.exception) == (0, "", None)
    rows = json.loads(run.stdout)
    # 3 memo files + the 4 coding memos of camille's epicerie segment 4
    assert len(rows) == 7
    assert rows[0] == {
        "kind": "code",
        "target": "forme/mutualisation",
        "segment": None,
        "code": "",
        "author": "camille",
        "date": "2026-04-02T09:15:00Z",
        "text": "Le camion à trois : *vraie* mutualisation.",
        "path": "memos/code/forme/mutualisation/20260402T091500Z-camille.md",
    }
    assert rows[3] == {
        "kind": "coding",
        "target": "epicerie:4:forme/partenariat",
        "segment": 4,
        "code": "forme/partenariat",
        "author": "camille",
        "date": "2026-11-26T23:35:32Z",
        "text": "Cohabitation sans mutualisation avancée.",
        "path": "codings/camille/epicerie.yaml",
    }
    run = run_cli(["memo", "list", "--kind", "code", "--author", "yanis", "-f", "csv"], cwd=small)
    assert run.stdout == (
        "kind,target,segment,code,author,date,text,path\n"
        "code,forme/mutualisation,,,yanis,2026-04-03T10:00:00Z,\"Pas d'accord [rires].\n\n"
        'Deuxième paragraphe.",memos/code/forme/mutualisation/20260403T100000Z-yanis.md\n'
    )
    table = run_cli(["memo", "list"], cwd=small)
    assert table.exit_code == 0
    assert_golden("memos/list.txt", table.stdout)


def test_memo_show(small: Path) -> None:
    seed(small)
    run = run_cli(["memo", "show", "code", "forme/mutualisation"], cwd=small)
    assert (run.exit_code, run.stderr, run.exception) == (0, "", None)
    assert_golden("memos/show-code.txt", run.stdout)
    assert "Pas d'accord [rires]." in run.stdout  # text, not markup
    run = run_cli(["memo", "show", "interview", "epicerie:4", "-f", "markdown"], cwd=small)
    assert run.stdout == (
        "## Memos on interview epicerie\n\n"
        "### interview epicerie, segment 4 · yanis · 2026-04-05T08:00:00Z\n\n"
        "Le local partagé, à revoir.\n"
    )
    run = run_cli(["memo", "show", "interview", "epicerie:3", "-f", "json"], cwd=small)
    assert (run.stdout, run.stderr) == ("[]\n", "no memo on interview epicerie\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["code", "mut"], "unknown code 'mut'; did you mean forme/mutualisation?"),
        (["code", "zzz"], "unknown code 'zzz'; see `pcrcode codebook show`"),
        (
            ["interview", "epicery"],
            "unknown interview 'epicery' (did you mean 'epicerie'?); see `pcrcode interviews list`",
        ),
        (
            ["interview", "epicerie:9"],
            "interviews/epicerie.md: interview 'epicerie' has segments 1-6, not 9",
        ),
        (["structure", "potagr"], "unknown structure 'potagr'; did you mean potager?"),
        (
            ["coding", "epicerie:3:forme/partenariat"],
            "camille has not applied 'forme/partenariat' to segment 3 of 'epicerie': code it first "
            "(`pcrcode tag`)",
        ),
        (
            ["coding", "epicerie"],
            "bad coding target 'epicerie': write INTERVIEW:SEGMENT:CODE, e.g. "
            "interview-1:7:family/code",
        ),
    ],
)
def test_unknown_target_writes_nothing(small: Path, args: list[str], message: str) -> None:
    before = snapshot(small)
    run = run_cli(["memo", "add", *args, "--text", "x", "--coder", "camille"], cwd=small)
    assert (run.exit_code, run.stdout, run.exception) == (2, "", None)
    assert run.stderr == f"pcrcode: error: {message}\n"
    assert snapshot(small) == before


def test_empty_memo_writes_nothing(small: Path) -> None:
    before = snapshot(small)
    run = run_cli(
        ["memo", "add", "code", "forme/partenariat", "-c", "camille"], cwd=small, input="  \n\n"
    )
    assert (run.exit_code, run.stdout) == (2, "")
    assert (
        run.stderr
        == "pcrcode: error: the memo is empty: write its text (--text, or the text on stdin)\n"
    )
    assert snapshot(small) == before


def test_check_reports_memos_on_missing_targets(small: Path) -> None:
    seed(small)
    assert run_cli(["check"], cwd=small).stdout == ""
    write(
        small,
        "memos/code/forme/cooperation/20260402T091500Z-camille.md",
        "---\nkind: code\ntarget: forme/cooperation\nauthor: camille\n"
        "date: 2026-04-02T09:15:00Z\n---\n\nx\n",
    )
    write(
        small,
        "memos/structure/roue/20260402T091500Z-camille.md",
        "---\nkind: structure\ntarget: roues\nauthor: camille\n---\n\nx\n",
    )
    write(
        small,
        "memos/interview/velo/20260402T091500Z-camille.md",
        "---\nkind: interview\ntarget: velo\nsegment: 7\n---\n\nx\n",
    )
    write(small, "memos/coding/velo/x.md", "x\n")
    run = run_cli(["check"], cwd=small)
    assert run.exit_code == 1
    assert run.stdout == (
        "memos/code/forme/cooperation/20260402T091500Z-camille.md:1:1: error: memo on a missing "
        "target: no code 'forme/cooperation' in the codebook (did you mean "
        "'forme/mutualisation'?) [memo]\n"
        "memos/coding/velo/x.md:1:1: error: 'coding' is not a memo kind: put memos under "
        "memos/code, memos/interview or memos/structure (memos on codings are the coding's "
        "'memo' field: `pcrcode memo add coding`) [memo]\n"
        "memos/coding/velo/x.md:1:1: error: no front matter: start the memo with '---', kind, "
        "target, author, date, '---' [memo]\n"
        "memos/interview/velo/20260402T091500Z-camille.md:1:1: error: memo on a missing target: "
        "interview 'velo' has segments 1-4, not 7 [memo]\n"
        "memos/structure/roue/20260402T091500Z-camille.md:1:1: error: memo on a missing target: "
        "no structure 'roue' (did you mean 'roues'?) [memo]\n"
        "memos/structure/roue/20260402T091500Z-camille.md:3:1: error: the memo says target "
        "'roues' but is in the folder of structure 'roue' [memo]\n"
    )


def test_profile_and_retrieve_show_memos(small: Path) -> None:
    """Issue 4: memos written with `memo add` appear in `profile` and `retrieve`."""
    run = run_cli
    for args in (
        ["memo", "add", "structure", "velo", "--text", "Une SCOP [ouverte]."],
        ["memo", "add", "interview", "velo:2", "--text", "Le camion partagé."],
    ):
        assert run(["--project", str(small), *args, "--coder", "camille"]).exit_code == 0
    result = run(["--project", str(small), "profile", "velo", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    memos = json.loads(result.stdout)[0]["memos"]
    assert sorted((m["kind"], m["target"], m["segment"], m["text"]) for m in memos) == [
        ("interview", "velo", 2, "Le camion partagé."),
        ("structure", "velo", None, "Une SCOP [ouverte]."),
    ]
    table = run(["--project", str(small), "profile", "velo"])
    assert "Une SCOP [ouverte]." in table.stdout
    hits = run(
        [
            "--project",
            str(small),
            "retrieve",
            "forme/mutualisation",
            "--coder",
            "camille",
            "--format",
            "json",
        ]
    )
    assert hits.exit_code == 0, hits.stderr
    assert json.loads(hits.stdout)[0]["memos"] == ["Le camion partagé."]
