"""`pcrcode reanchor`: after a transcript is edited (a typo fixed, a turn inserted, split, merged),
every coding whose text still exists goes back onto it; the others are listed, never dropped."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from pcrcode.files.transcripts import load_interview
from pcrcode.model import fingerprint
from tests.conftest import Run, run_cli, snapshot
from tests.golden import assert_golden


def cli(project: Path, *args: str) -> Run:
    return run_cli(["--project", str(project), *args])


def edit_epicerie(project: Path) -> None:
    """Insert a turn at the top (numbers shift), fix a typo in turn 2, split turn 4 in two, and
    merge turns 5 and 6 (Camille's "D'accord." joins Léa's next turn)."""
    path = project / "interviews" / "epicerie.md"
    text = path.read_text(encoding="utf-8")
    for old, new in [
        (
            "**Camille:** Vous travaillez",
            "**Camille:** Bonjour, merci.\n\n**Camille:** Vous travaillez",
        ),
        ("on se passe les infos.", "on se passe les informations."),
        ("Enfin, on se croise.\n\nEt puis", "Enfin, on se croise.\n\n**Léa:** Et puis"),
        ("**Camille:** D'accord.\n\n**Léa:** On se", "**Léa:** D'accord. On se"),
    ]:
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def placements(project: Path, coder: str) -> list[tuple[int, str, int | None, str]]:
    result = cli(project, "codings", "-f", "json", "--coder", coder, "--interview", "epicerie")
    assert result.exit_code == 0, result.stderr
    return [(r["segment"], r["code"], r["start"], r["fp"]) for r in json.loads(result.stdout)]


# Where each coding of epicerie must be after edit_epicerie, worked out by hand from the text:
# old 2 -> 3 (typo fixed), old 4 -> 5 (the larger half of the split: 101 of 171 characters;
# yanis's span "on a fait la fête..." -> 6, where the quote now is, at offset 8), old 6 -> 7.
CAMILLE = [
    (3, "forme/echange-informations"),
    (3, "objet/information-competences"),
    (3, "portee/intra-sectorielle"),
    (5, "forme/partenariat"),
    (5, "logique/territoriale"),
    (5, "objet/immobilier"),
    (5, "portee/inter-sectorielle"),
    (7, "logique/reseau/affinitaire"),
]
YANIS = [
    (3, "forme/echange-informations", None),
    (3, "objet/information-competences", None),
    (5, "forme/mutualisation", None),
    (5, "objet/immobilier", None),
    (5, "portee/inter-sectorielle", None),
    (6, "forme/partenariat", 8),
    (7, "logique/reseau/affinitaire", None),
    (7, "logique/territoriale", None),
]


def assert_all_restored(project: Path) -> None:
    turns = load_interview(project, "epicerie").turns
    camille = placements(project, "camille")
    yanis = placements(project, "yanis")
    assert [(s, c) for s, c, _, _ in camille] == CAMILLE
    assert [(s, c, start) for s, c, start, _ in yanis] == YANIS
    for segment, _, _, fp in camille + yanis:
        assert fp == fingerprint(turns[segment - 1].text)
    check = cli(project, "check")
    assert (check.exit_code, check.stdout) == (0, "")


def test_reanchor_restores_every_coding_from_the_snapshot_cache(small: Path) -> None:
    # A first run on an unedited project finds nothing to do and snapshots the texts.
    first = cli(small, "reanchor")
    assert (first.exit_code, first.stdout) == (0, "")
    assert first.stderr == "placed 0 coding(s) in 0 file(s); 0 could not be placed\n"
    assert (small / ".pcrcode" / "texts" / "epicerie.json").exists()
    edit_epicerie(small)
    assert cli(small, "check").exit_code == 1  # stale-fingerprint everywhere in epicerie
    result = cli(small, "reanchor", "-f", "csv")
    assert (result.exit_code, result.exception) == (0, None), result.stderr
    assert result.stderr == "placed 16 coding(s) in 2 file(s); 0 could not be placed\n"
    assert_golden("reanchor/restored.csv", result.stdout)
    assert_all_restored(small)
    # Run again: nothing left to do.
    again = cli(small, "reanchor", "-f", "json")
    assert (again.exit_code, again.stdout) == (0, "[]\n")


def test_tag_keeps_the_texts_that_reanchor_needs(small: Path) -> None:
    assert cli(small, "tag", "velo", "1", "logique/territoriale", "--coder", "zoe").exit_code == 0
    cache = json.loads((small / ".pcrcode" / "texts" / "velo.json").read_text(encoding="utf-8"))
    turns = load_interview(small, "velo").turns
    assert cache["texts"][turns[1].fingerprint] == {
        "segment": 2,
        "speaker": "Marc",
        "text": turns[1].text,
    }


def git(project: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.org",
            "-c",
            "core.hooksPath=/dev/null",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=project,
        check=True,
        capture_output=True,
    )


def test_reanchor_finds_old_texts_in_git_without_a_cache(small: Path) -> None:
    git(small, "init", "-q")
    assert cli(small, "git", "setup").exit_code == 0  # else check warns: git-merge-driver
    git(small, "add", ".")
    git(small, "commit", "-q", "-m", "coded")
    edit_epicerie(small)
    assert not (small / ".pcrcode" / "texts").exists()
    result = cli(small, "reanchor")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert_all_restored(small)


def test_without_old_texts_the_edited_turns_are_listed_not_dropped(small: Path) -> None:
    edit_epicerie(small)
    result = cli(small, "reanchor", "-f", "json")
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    unplaced = [(r["coder"], r["segment"], r["code"]) for r in rows if r["status"] == "unplaced"]
    placed = [
        (r["coder"], r["segment"], r["to"], r["match"]) for r in rows if r["status"] == "placed"
    ]
    # Only the span finds its way (by its quote); typo'd, split and merged turns need old texts.
    assert placed == [("yanis", 4, 6, "quote")]
    assert len(unplaced) == 15
    assert {r["why"] for r in rows if r["status"] == "unplaced"} == {
        "its old text is unknown: no snapshot in .pcrcode/texts and not in git history"
    }
    assert result.stderr == "placed 1 coding(s) in 1 file(s); 15 could not be placed\n"
    # Nothing was dropped: every coding is still there, the unplaced ones still flagged.
    assert len(placements(small, "camille")) == 8
    assert len(placements(small, "yanis")) == 8
    check = cli(small, "check", "-f", "json")
    stale = [f for f in json.loads(check.stdout) if f["rule"] == "stale-fingerprint"]
    # Past three in a file, one line gives the file's count ("8 codings of ..."), with the fix.
    counts = [int(f["message"].split()[0]) if f["message"][0].isdigit() else 1 for f in stale]
    assert sum(counts) == 15


def test_shifted_turns_are_placed_exactly_without_any_old_text(small: Path) -> None:
    path = small / "interviews" / "epicerie.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("**Camille:** Vous", "**Camille:** Bonjour.\n\n**Camille:** Vous"),
        encoding="utf-8",
    )
    result = cli(small, "reanchor", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "interview,segment,code,coder,status,to,match,score,why"
    assert len(lines) == 1 + 16
    assert all(line.split(",")[6] == "exact" for line in lines[1:])
    assert [s for s, *_ in placements(small, "camille")] == [3, 3, 3, 5, 5, 5, 5, 7]


def test_dry_run_writes_nothing(small: Path) -> None:
    cli(small, "reanchor")
    edit_epicerie(small)
    before = snapshot(small)
    result = cli(small, "reanchor", "--dry-run", "-f", "csv")
    assert result.exit_code == 0
    assert result.stderr == (
        "would place 16 coding(s) in 2 file(s); 0 could not be placed; nothing written\n"
    )
    assert_golden("reanchor/restored.csv", result.stdout)
    assert snapshot(small) == before


def test_a_quote_edited_inside_is_found_fuzzily(small: Path) -> None:
    cli(small, "reanchor")
    path = small / "interviews" / "epicerie.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("la fête de quartier", "la fête du quartier"), encoding="utf-8")
    result = cli(small, "reanchor", "-f", "json")
    assert result.exit_code == 0, result.stderr
    span = [
        r
        for r in json.loads(cli(small, "codings", "-f", "json", "--coder", "yanis").stdout)
        if r["start"] is not None
    ]
    assert [(r["segment"], r["start"], r["end"], r["quote"]) for r in span] == [
        (4, 105, 143, "on a fait la fête du quartier ensemble")
    ]
    assert cli(small, "check").exit_code == 0


def test_two_codings_landing_together_keep_one(small: Path) -> None:
    assert (
        cli(small, "tag", "velo", "2", "portee/intra-sectorielle", "--coder", "camille").exit_code
        == 0
    )
    path = small / "interviews" / "velo.yaml"
    text = path.read_text(encoding="utf-8")
    # Turn 4 (coded intra-sectorielle by camille) is merged into turn 2; turn 3 goes.
    old = (
        "      On a un camion à trois, on le partage toute l'année [bruit].\n"
        "  - speaker: Yanis\n    text: Et les informations ?\n"
        "  - speaker: Marc\n    text: On échange"
    )
    assert old in text
    path.write_text(
        text.replace(
            old, "      On a un camion à trois, on le partage toute l'année [bruit]. On échange"
        ),
        encoding="utf-8",
    )
    result = cli(small, "reanchor", "-f", "json", "-i", "velo")
    assert result.exit_code == 0, result.stderr
    rows = [
        (r["coder"], r["segment"], r["code"], r["status"], r["to"], r["match"])
        for r in json.loads(result.stdout)
    ]
    assert ("camille", 4, "portee/intra-sectorielle", "duplicate", 2, "merged") in rows
    codes = [
        (r["segment"], r["code"])
        for r in json.loads(
            cli(small, "codings", "-f", "json", "--coder", "camille", "-i", "velo").stdout
        )
    ]
    assert codes == [
        (2, "forme/echange-informations"),
        (2, "forme/mutualisation"),
        (2, "objet/information-competences"),
        (2, "portee/intra-sectorielle"),
    ]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["--threshold", "0"],
            2,
            "pcrcode: error: the threshold must be above 0 and at most 1, not 0.0 (--threshold)\n",
        ),
        (
            ["--threshold", "1.5"],
            2,
            "pcrcode: error: the threshold must be above 0 and at most 1, not 1.5 (--threshold)\n",
        ),
        (
            ["-i", "epicier"],
            2,
            "pcrcode: error: unknown interview 'epicier'; did you mean epicerie?\n",
        ),
    ],
)
def test_bad_input(small: Path, args: list[str], code: int, message: str) -> None:
    edit_epicerie(small)
    before = snapshot(small)
    result = cli(small, "reanchor", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (code, "", message)
    assert snapshot(small) == before


def test_a_broken_coding_file_blocks_reanchor(small: Path) -> None:
    edit_epicerie(small)
    path = small / "codings" / "yanis" / "epicerie.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"segment": 6', '"segment": 0'), encoding="utf-8"
    )
    before = snapshot(small)
    result = cli(small, "reanchor")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith("pcrcode: error: ")
    assert result.stderr.endswith("before reanchoring, or its codings would be lost\n")
    assert snapshot(small) == before
