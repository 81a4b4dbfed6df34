"""`pcrcode codebook rename|merge|move`: the codebook and every coding change together, the
researcher's layout survives, old ids stay as aliases, bad input writes nothing, and an interrupted
change is completed on the next run."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pcrcode.files import transaction
from pcrcode.model import Coding
from tests.conftest import Run, run_cli, snapshot
from tests.golden import assert_golden


def cli(project: Path, *args: str) -> Run:
    return run_cli(["--project", str(project), *args])


def read(project: Path, rel: str) -> str:
    return (project / rel).read_text(encoding="utf-8")


def codings(project: Path, coder: str, interview: str) -> list[dict[str, object]]:
    result = run_cli(
        [
            "--project",
            str(project),
            "codings",
            "-f",
            "json",
            "--coder",
            coder,
            "--interview",
            interview,
        ]
    )
    assert result.exit_code == 0, result.stderr
    rows: list[dict[str, object]] = json.loads(result.stdout)
    return rows


def test_rename_dry_run_lists_changes_and_writes_nothing(small: Path) -> None:
    before = snapshot(small)
    result = cli(
        small,
        "codebook",
        "rename",
        "forme/partenariat",
        "forme/projet-commun",
        "--dry-run",
        "-f",
        "csv",
    )
    assert (result.exit_code, result.exception) == (0, None)
    # By hand: partenariat is used once by camille (epicerie 4) and once by yanis (a span, 4).
    assert result.stdout == (
        "file,action,old,new,codings\n"
        "codebook.yaml,rename,forme/partenariat,forme/projet-commun,\n"
        "codebook.yaml,alias,forme/partenariat,forme/projet-commun,\n"
        "codings/camille/epicerie.yaml,recode,forme/partenariat,forme/projet-commun,1\n"
        "codings/yanis/epicerie.yaml,recode,forme/partenariat,forme/projet-commun,1\n"
    )
    assert result.stderr == (
        "dry run: would rewrite codebook.yaml and 2 coding file(s) (2 coding(s)); nothing written\n"
    )
    assert snapshot(small) == before


def test_rename_edits_the_codebook_surgically_and_recodes(small: Path) -> None:
    original = read(small, "codebook.yaml")
    camille = read(small, "codings/camille/epicerie.yaml")
    result = cli(small, "codebook", "rename", "forme/partenariat", "forme/projet-commun")
    assert (result.exit_code, result.exception) == (0, None), result.stderr
    assert result.stderr == "rewrote codebook.yaml and 2 coding file(s) (2 coding(s))\n"
    # Exactly two lines differ: the id, and the alias inserted after it. Comments stay.
    expected = original.replace(
        "  - id: forme/partenariat\n",
        "  - id: forme/projet-commun\n    aliases: [forme/partenariat]\n",
    )
    assert read(small, "codebook.yaml") == expected
    assert read(small, "codings/camille/epicerie.yaml") == camille.replace(
        '"code": "forme/partenariat"', '"code": "forme/projet-commun"'
    )
    span = [r for r in codings(small, "yanis", "epicerie") if r["start"] is not None]
    assert [(r["segment"], r["code"], r["quote"]) for r in span] == [
        (4, "forme/projet-commun", "on a fait la fête de quartier ensemble")
    ]
    check = cli(small, "check")
    assert (check.exit_code, check.stdout) == (0, "")
    assert not (small / transaction.JOURNAL).exists()
    # Scripts using the old id keep working: tag resolves the alias to the new id.
    tagged = cli(small, "tag", "velo", "2", "forme/partenariat", "--coder", "zoe")
    assert tagged.exit_code == 0, tagged.stderr
    assert [r["code"] for r in codings(small, "zoe", "velo")] == ["forme/projet-commun"]


def test_rename_back_restores_the_id_and_drops_the_alias(small: Path) -> None:
    original = read(small, "codebook.yaml")
    assert cli(small, "codebook", "rename", "forme/partenariat", "forme/projet").exit_code == 0
    result = cli(small, "codebook", "rename", "forme/projet", "forme/partenariat")
    assert result.exit_code == 0, result.stderr
    assert read(small, "codebook.yaml") == original.replace(
        "  - id: forme/partenariat\n", "  - id: forme/partenariat\n    aliases: [forme/projet]\n"
    )


def test_rename_a_parent_renames_its_children(small: Path) -> None:
    result = cli(small, "codebook", "rename", "logique/reseau", "logique/lien", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1:5] == [
        "codebook.yaml,rename,logique/reseau,logique/lien,",
        "codebook.yaml,alias,logique/reseau,logique/lien,",
        "codebook.yaml,rename,logique/reseau/affinitaire,logique/lien/affinitaire,",
        "codebook.yaml,alias,logique/reseau/affinitaire,logique/lien/affinitaire,",
    ]
    text = read(small, "codebook.yaml")
    assert "  - id: logique/lien/affinitaire\n    aliases: [logique/reseau/affinitaire]\n" in text
    # camille and yanis both coded affinitaire on epicerie 6.
    assert [r["code"] for r in codings(small, "camille", "epicerie")][-1] == (
        "logique/lien/affinitaire"
    )
    assert (cli(small, "check").exit_code) == 0


def test_merge_recodes_removes_the_entry_and_deduplicates(small: Path) -> None:
    # camille already has partenariat on epicerie 4; give her mutualisation there too.
    tagged = cli(
        small,
        "tag",
        "epicerie",
        "4",
        "forme/mutualisation",
        "--coder",
        "camille",
        "--memo",
        "second avis",
    )
    assert tagged.exit_code == 0
    original = read(small, "codebook.yaml")
    result = cli(
        small, "codebook", "merge", "forme/partenariat", "forme/mutualisation", "-f", "csv"
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "file,action,old,new,codings\n"
        "codebook.yaml,remove,forme/partenariat,forme/mutualisation,\n"
        "codebook.yaml,alias,forme/partenariat,forme/mutualisation,\n"
        "codings/camille/epicerie.yaml,recode,forme/partenariat,forme/mutualisation,1\n"
        "codings/camille/epicerie.yaml,deduplicate,forme/mutualisation,,1\n"
        "codings/yanis/epicerie.yaml,recode,forme/partenariat,forme/mutualisation,1\n"
    )
    start = original.index("  - id: forme/partenariat\n")
    end = original.index("  - id: forme/mutualisation\n")
    expected = (
        original[:start] + "  - id: forme/mutualisation\n"
        "    aliases: [forme/partenariat]\n" + original[end + 28 :]
    )
    assert read(small, "codebook.yaml") == expected
    rows = [
        (r["segment"], r["code"], r["memo"])
        for r in codings(small, "camille", "epicerie")
        if r["segment"] == 4 and str(r["code"]).startswith("forme/")
    ]
    # One coding left; the earliest (the fixture's) with both memos.
    assert rows == [
        (4, "forme/mutualisation", "Cohabitation sans mutualisation avancée.\n\nsecond avis")
    ]
    # yanis: the span keeps its offsets and is not a duplicate of his whole-turn coding.
    yanis = [
        (r["segment"], r["code"], r["start"])
        for r in codings(small, "yanis", "epicerie")
        if r["segment"] == 4 and str(r["code"]).startswith("forme/")
    ]
    assert yanis == [(4, "forme/mutualisation", None), (4, "forme/mutualisation", 105)]
    assert cli(small, "check").exit_code == 0


def test_move_relocates_the_entry_after_the_new_parents_codes(small: Path) -> None:
    original = read(small, "codebook.yaml")
    result = cli(small, "codebook", "move", "logique/reseau/affinitaire", "portee")
    assert result.exit_code == 0, result.stderr
    text = read(small, "codebook.yaml")
    block_start = original.index("  - id: logique/reseau/affinitaire\n")
    block_end = original.index("  - id: logique/territoriale\n")
    block = original[block_start:block_end]
    moved = block.replace(
        "  - id: logique/reseau/affinitaire\n",
        "  - id: portee/affinitaire\n    aliases: [logique/reseau/affinitaire]\n",
    )
    without = original[:block_start] + original[block_end:]
    anchor = without.index("attributes:\n")
    assert text == without[:anchor] + moved + without[anchor:]
    assert cli(small, "check").exit_code == 0
    assert "portee/affinitaire" in [r["code"] for r in codings(small, "yanis", "epicerie")]


def test_move_out_of_an_ordered_family_drops_the_degree(small: Path) -> None:
    result = cli(small, "codebook", "move", "forme/partenariat", "logique", "-n", "-f", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert {
        "file": "codebook.yaml",
        "action": "drop-degree",
        "old": "logique/partenariat",
        "new": "family 'logique' is not ordered",
        "codings": None,
    } in rows


def test_merge_dry_run_table_golden(small: Path) -> None:
    result = cli(
        small,
        "codebook",
        "merge",
        "logique/territoriale",
        "logique/reseau/affinitaire",
        "--dry-run",
    )
    assert result.exit_code == 0, result.stderr
    assert_golden("evolution/merge-dry-run.txt", result.stdout)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ["rename", "forme/partenariat", "forme/mutualisation"],
            1,
            "pcrcode: error: 'forme/mutualisation' already exists: choose another id, or "
            "`pcrcode codebook merge forme/partenariat forme/mutualisation`\n",
        ),
        (
            ["rename", "forme/partenaria", "forme/x"],
            2,
            "pcrcode: error: unknown code 'forme/partenaria'; did you mean forme/partenariat, "
            "forme/mutualisation?\n",
        ),
        (
            ["rename", "forme/partenariat", "Forme X"],
            2,
            "pcrcode: error: bad code id 'Forme X': a path under a family, "
            "of a-z, 0-9, - and _ parts "
            "(family/code)\n",
        ),
        (
            ["rename", "forme/partenariat", "forme/nope/x"],
            2,
            "pcrcode: error: parent 'forme/nope' of 'forme/nope/x' does not exist: create it in "
            "codebook.yaml first\n",
        ),
        (
            ["move", "logique/reseau", "logique/reseau/affinitaire"],
            1,
            "pcrcode: error: cannot move 'logique/reseau' under itself or one of its sub-codes "
            "('logique/reseau/affinitaire')\n",
        ),
        (
            ["move", "logique/territoriale", "logique/nulle-part"],
            2,
            "pcrcode: error: unknown parent 'logique/nulle-part': name a code or a family (forme, "
            "objet, logique, portee); did you mean logique/reseau, logique, "
            "logique/territoriale?\n",
        ),
        (
            ["move", "logique/territoriale", "forme"],
            1,
            "pcrcode: error: family 'forme' is ordered: give 'logique/territoriale' a degree "
            "(degree: N in codebook.yaml) before moving it there\n",
        ),
        (
            ["move", "objet/information-competences", "forme"],
            1,
            "pcrcode: error: 'forme/echange-informations' already has degree 1 in family 'forme': "
            "change one of the degrees first\n",
        ),
        (
            ["move", "logique/territoriale", "logique"],
            2,
            "pcrcode: error: 'logique/territoriale' is already under 'logique'\n",
        ),
        (
            ["merge", "forme/partenariat", "forme/partenariat"],
            2,
            "pcrcode: error: 'forme/partenariat' and 'forme/partenariat' are the same code\n",
        ),
        (
            ["merge", "logique/reseau", "logique/territoriale"],
            1,
            "pcrcode: error: 'logique/reseau' has sub-codes (logique/reseau/affinitaire): merge or "
            "move them first\n",
        ),
        (
            ["merge", "logique/territoriale", "logique/reseau"],
            1,
            "pcrcode: error: 'logique/reseau' is not codable (it groups other codes): "
            "merge into one "
            "of its children\n",
        ),
    ],
)
def test_bad_input_one_line_nothing_written(
    small: Path, args: list[str], code: int, message: str
) -> None:
    before = snapshot(small)
    result = cli(small, "codebook", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (code, "", message)
    assert snapshot(small) == before


def test_a_free_degree_may_move_into_an_ordered_family(small: Path) -> None:
    # objet/immobilier has degree 5; the small codebook's forme codes have degrees 1-3.
    result = cli(small, "codebook", "move", "objet/immobilier", "forme")
    assert result.exit_code == 0, result.stderr
    assert "  - id: forme/immobilier\n    aliases: [objet/immobilier]\n" in read(
        small, "codebook.yaml"
    )
    assert cli(small, "check").exit_code == 0


def test_a_broken_coding_file_blocks_the_change(small: Path) -> None:
    path = small / "codings" / "camille" / "velo.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"segment": 2', '"segment": "x"'), encoding="utf-8"
    )
    before = snapshot(small)
    result = cli(small, "codebook", "rename", "forme/partenariat", "forme/projet")
    assert result.exit_code == 1
    assert result.stderr.startswith("pcrcode: error: ")
    assert "before changing the codebook" in result.stderr
    assert result.stderr.count("\n") == 1
    assert snapshot(small) == before


def test_flow_style_and_block_aliases_are_edited_in_place(tmp_path: Path) -> None:
    from pcrcode.codebook_ops.operations import rename

    root = tmp_path / "p"
    root.mkdir()
    (root / "codebook.yaml").write_text(
        "pcrcode: 1\nfamilies:\n  f: {label: F, definition: D}\ncodes:\n"
        "- {id: f/a, label: A, definition: Da}  # inline\n"
        "- id: f/b\n  aliases:\n    - f/old-b   # kept\n  definition: Db\n"
        "attributes: {}\n",
        encoding="utf-8",
    )
    rename(root, "f/a", "f/a2")
    rename(root, "f/b", "f/b2")
    assert read(root, "codebook.yaml") == (
        "pcrcode: 1\nfamilies:\n  f: {label: F, definition: D}\ncodes:\n"
        "- {id: f/a2, label: A, definition: Da, aliases: [f/a]}  # inline\n"
        "- id: f/b2\n  aliases:\n    - f/old-b\n    - f/b\n  definition: Db\n"
        "attributes: {}\n"
    )


# --- the all-or-nothing commit -------------------------------------------------------------


def _interrupted_commit(root: Path, monkeypatch: pytest.MonkeyPatch) -> dict[Path, str]:
    """Start a commit of three files and crash on the second rename; return the new texts."""
    files = {root / "a.txt": "new a\n", root / "sub" / "b.txt": "new b\n", root / "c.txt": None}
    for path in files:
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"old {path.name}\n", encoding="utf-8")
    base = {p: p.read_bytes() for p in files}
    real = os.replace

    def crash_on_b(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if str(dst).endswith("b.txt"):
            raise KeyboardInterrupt
        real(src, dst)

    monkeypatch.setattr("pcrcode.files.transaction.os.replace", crash_on_b)
    with pytest.raises(KeyboardInterrupt):
        transaction.commit(root, files, base)
    monkeypatch.setattr("pcrcode.files.transaction.os.replace", real)
    return {p: t for p, t in files.items() if t is not None}


def test_an_interrupted_commit_is_completed_on_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    new = _interrupted_commit(tmp_path, monkeypatch)
    assert (tmp_path / transaction.JOURNAL).exists()
    assert (tmp_path / "a.txt").read_text() == "new a\n"
    assert (tmp_path / "sub" / "b.txt").read_text() == "old b.txt\n"  # half-way
    assert transaction.recover(tmp_path) == []
    for path, text in new.items():
        assert path.read_text(encoding="utf-8") == text
    assert not (tmp_path / "c.txt").exists()
    assert not (tmp_path / transaction.JOURNAL).exists()
    assert not list(tmp_path.rglob(f"*{transaction.TEMP_SUFFIX}"))


def test_recovery_never_overwrites_a_file_edited_since(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _interrupted_commit(tmp_path, monkeypatch)
    (tmp_path / "sub" / "b.txt").write_text("edited by hand\n", encoding="utf-8")
    notes = transaction.recover(tmp_path)
    assert notes == [
        "sub/b.txt: changed by someone else since the interrupted change was "
        "computed; left as it is"
    ]
    assert (tmp_path / "sub" / "b.txt").read_text() == "edited by hand\n"
    assert not list(tmp_path.rglob(f"*{transaction.TEMP_SUFFIX}"))


def test_a_tag_completes_an_interrupted_rename_first(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pcrcode.codebook_ops import operations

    real = transaction._apply
    monkeypatch.setattr(
        transaction,
        "_apply",
        lambda root, entries: (_ for _ in ()).throw(OSError("disk unplugged")),
    )
    with pytest.raises(OSError):
        operations.rename(small, "forme/partenariat", "forme/projet")
    monkeypatch.setattr(transaction, "_apply", real)
    assert (small / transaction.JOURNAL).exists()
    assert "forme/projet" not in read(small, "codebook.yaml")  # nothing renamed yet
    result = cli(small, "tag", "velo", "2", "forme/projet", "--coder", "zoe")
    assert result.exit_code == 0, result.stderr
    assert "  - id: forme/projet\n" in read(small, "codebook.yaml")
    assert '"forme/projet"' in read(small, "codings/camille/epicerie.yaml")
    assert cli(small, "check").exit_code == 0


def test_a_failure_before_the_journal_leaves_no_trace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.txt").write_text("old\n", encoding="utf-8")
    real = transaction._write_temp
    calls = {"n": 0}

    def fail_second(path: Path, data: bytes) -> Path:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return real(path, data)

    monkeypatch.setattr(transaction, "_write_temp", fail_second)
    with pytest.raises(OSError):
        transaction.commit(
            tmp_path,
            {tmp_path / "a.txt": "x\n", tmp_path / "b.txt": "y\n"},
            {tmp_path / "a.txt": b"old\n", tmp_path / "b.txt": None},
        )
    assert (tmp_path / "a.txt").read_text() == "old\n"
    assert not (tmp_path / "b.txt").exists()
    assert not (tmp_path / transaction.JOURNAL).exists()
    assert not list(tmp_path.rglob(f"*{transaction.TEMP_SUFFIX}"))


def test_combine_keeps_the_earliest_with_both_memos() -> None:
    from pcrcode.codebook_ops.operations import combine

    early = Coding("i", 1, "f/a", "c", at="2026-01-01T00:00:00Z", memo="one")
    late = Coding("i", 1, "f/a", "c", at="2026-02-01T00:00:00Z", memo="two")
    assert combine(late, early) == Coding(
        "i", 1, "f/a", "c", at="2026-01-01T00:00:00Z", memo="one\n\ntwo"
    )
    assert (
        combine(early, Coding("i", 1, "f/a", "c", at="2026-03-01T00:00:00Z", memo="one")).memo
        == "one"
    )


def test_the_example_codebook_keeps_its_comments_and_layout(example: Path) -> None:
    import difflib

    original = read(example, "codebook.yaml")
    check_before = cli(example, "check", "-f", "json")
    result = cli(example, "codebook", "move", "logique/territoriale", "logique/reseau")
    assert result.exit_code == 0, result.stderr
    result = cli(example, "codebook", "rename", "objet/financier", "objet/tresorerie")
    assert result.exit_code == 0, result.stderr
    diff = [
        line
        for line in difflib.unified_diff(
            original.splitlines(), read(example, "codebook.yaml").splitlines(), lineterm="", n=0
        )
        if not line.startswith("@@")
    ]
    assert diff == [
        "--- ",
        "+++ ",
        "-  - id: objet/financier",
        "+  - id: objet/tresorerie",
        "+    aliases: [objet/financier]",
        "-  - id: logique/territoriale",
        "+  - id: logique/reseau/territoriale",
        "+    aliases: [logique/territoriale]",
    ]
    check_after = cli(example, "check", "-f", "json")
    # findings.yaml followed both codes; the three findings that read the territorial logic as
    # a dominant logique now name a code below réseau, which no longer is one: check says so.
    assert check_before.exit_code == 0
    after = json.loads(check_after.stdout)
    assert [(f["path"], f["line"], f["rule"]) for f in after] == [
        ("findings.yaml", 27, "finding-unknown"),
        ("findings.yaml", 39, "finding-unknown"),
        ("findings.yaml", 67, "finding-unknown"),
    ]
    assert "objet/tresorerie" in read(example, "findings.yaml")


def test_codings_still_on_an_alias_follow_the_next_rename(small: Path) -> None:
    assert cli(small, "codebook", "rename", "forme/partenariat", "forme/projet").exit_code == 0
    path = small / "codings" / "camille" / "epicerie.yaml"
    # A coding written meanwhile with the old id (by a script, or on another machine).
    path.write_text(
        read(small, "codings/camille/epicerie.yaml").replace(
            '"forme/projet"', '"forme/partenariat"'
        ),
        encoding="utf-8",
    )
    warned = cli(small, "check")
    assert (warned.exit_code, warned.stdout.count("[alias-used]")) == (1, 1)
    result = cli(small, "codebook", "rename", "forme/projet", "forme/projet-commun", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[3:] == [
        "codings/camille/epicerie.yaml,recode,forme/partenariat,forme/projet-commun,1",
        "codings/yanis/epicerie.yaml,recode,forme/projet,forme/projet-commun,1",
    ]
    assert "  - id: forme/projet-commun\n    aliases: [forme/partenariat, forme/projet]\n" in (
        read(small, "codebook.yaml")
    )
    assert cli(small, "check").stdout == ""


def test_memos_on_a_code_follow_rename_and_merge(small: Path) -> None:
    """A memo on a code moves with it (memos/code/<id>/), its front matter updated."""

    def memo(code: str, text: str) -> None:
        result = run_cli(
            [
                "--project",
                str(small),
                "memo",
                "add",
                "code",
                code,
                "--text",
                text,
                "--coder",
                "camille",
            ]
        )
        assert result.exit_code == 0, result.stderr

    memo("logique/reseau/affinitaire", "Le lien social avant tout.")
    memo("forme/partenariat", "Ponctuel.")
    result = run_cli(
        ["--project", str(small), "codebook", "rename", "logique/reseau", "logique/maillage"]
    )
    assert result.exit_code == 0, result.stderr
    assert "moved 1 memo(s)" in result.stderr
    moved = list((small / "memos/code/logique/maillage/affinitaire").glob("*.md"))
    assert len(moved) == 1
    assert "\ntarget: logique/maillage/affinitaire\n" in moved[0].read_text(encoding="utf-8")
    assert not list((small / "memos/code/logique/reseau").rglob("*.md"))
    result = run_cli(
        ["--project", str(small), "codebook", "merge", "forme/partenariat", "forme/mutualisation"]
    )
    assert result.exit_code == 0, result.stderr
    shown = run_cli(
        ["--project", str(small), "memo", "show", "code", "forme/mutualisation", "--format", "json"]
    )
    assert [m["text"] for m in json.loads(shown.stdout)] == ["Ponctuel."]
    check = run_cli(["--project", str(small), "check", "--fail-on", "error"])
    assert check.exit_code == 0, check.stdout
