"""Values made to break a parser, wherever pcrcode reads a number or nested data: numbers past
Python's int conversion limit (4,300 digits, where int() raises instead of answering), digits
of other scripts that ``str.isdigit()`` accepts and int() does not ('²'), data nested thousands
deep (json's decoder recurses). Each answers with one line or a finding, never a traceback.
"""

from __future__ import annotations

import contextlib
import json
import re
import zipfile
from pathlib import Path

import pytest

from pcrcode.coding.workbench_state import Workbench
from pcrcode.errors import PcrcodeError, whole_number
from tests.conftest import Run, run_cli, snapshot

HUGE = "9" * 5000
DEEP = "[" * 100_000 + "]" * 100_000


def one_line(run: Run, code: int) -> str:
    assert run.exception is None, run.exception
    assert run.exit_code == code, (run.exit_code, run.stderr)
    assert run.stdout == ""
    assert run.stderr.startswith("pcrcode: error: ") and run.stderr.count("\n") == 1, run.stderr
    return run.stderr


def test_whole_number_takes_only_ascii_digits_of_a_sensible_length() -> None:
    assert whole_number("7") == 7
    assert whole_number("0042") == 42
    assert whole_number("9" * 18) == 10**18 - 1
    for text in ("", "²", "١٢", "7.0", "-3", " 7", "9" * 19, HUGE):
        assert whole_number(text) is None, text


@pytest.mark.parametrize("number", ["²", HUGE])
def test_numbers_on_the_command_line(small: Path, number: str) -> None:
    before = snapshot(small)
    commands = {
        "a round": (["tag", "velo", "1", "forme/partenariat", "--coder", f"camille@{number}"], 2),
        "a coding's segment": (
            ["memo", "add", "coding", f"velo:{number}:forme/partenariat", "--text", "x"],
            2,
        ),
        "an interview's segment": (
            ["memo", "add", "interview", f"velo:{number}", "--text", "x"],
            2,
        ),
        "a segment to tag": (["tag", "velo", number, "forme/partenariat", "--coder", "camille"], 2),
    }
    for what, (args, code) in commands.items():
        run = run_cli([*args, "--coder", "eve"] if args[0] == "memo" else args, cwd=small)
        error = one_line(run, code)
        assert "bad" in error, (what, error)
    assert snapshot(small) == before


@pytest.mark.parametrize("number", ["²", HUGE])
def test_numbers_in_the_environment(small: Path, number: str) -> None:
    run = run_cli(
        ["tag", "velo", "1", "forme/partenariat", "--coder", "camille"],
        cwd=small,
        env={"PCRCODE_ROUND": number},
    )
    assert "bad round" in one_line(run, 2)
    for name in ("COLUMNS", "LINES"):  # Rich's own int() would raise on them
        run = run_cli(["frequencies"], cwd=small, env={name: number})
        assert run.exception is None, (name, run.exception)
        assert run.exit_code == 0 and run.stdout.startswith("Fréquence des codes"), name


def _memo_with_segment(project: Path, segment: str) -> Path:
    run = run_cli(
        ["memo", "add", "interview", "velo:2", "--text", "hello", "--coder", "eve"], cwd=project
    )
    assert run.exit_code == 0, run.stderr
    path = next((project / "memos").rglob("*.md"))
    path.write_text(
        re.sub(r"segment: \d+", f"segment: {segment}", path.read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("number", ["²", HUGE])
def test_a_number_in_a_memo_file(small: Path, number: str) -> None:
    path = _memo_with_segment(small, number)
    run = run_cli(["check"], cwd=small)
    assert run.exception is None, run.exception
    rel = path.relative_to(small).as_posix()
    assert run.stdout == (
        f"{rel}:6:1: error: 'segment' is not a segment number (1, 2, ...): correct it [memo]\n"
    )
    listing = run_cli(["memo", "list", "--format", "json"], cwd=small)
    assert listing.exception is None and listing.exit_code == 0, listing.exception
    assert [m["text"] for m in json.loads(listing.stdout) if m["author"] == "eve"] == ["hello"]


def test_a_coder_folder_with_another_scripts_digits(small: Path) -> None:
    folder = small / "codings" / "camille@²"
    folder.mkdir()
    text = (small / "codings" / "camille" / "velo.yaml").read_text(encoding="utf-8")
    (folder / "velo.yaml").write_text(text.replace("coder: camille", "coder: camille@²"), "utf-8")
    run = run_cli(["check"], cwd=small)
    assert run.exception is None, run.exception
    assert "codings/camille@²/velo.yaml:1:1: error: bad coder name 'camille@²'" in run.stdout
    assert "bad coder name 'camille@²'" in one_line(run_cli(["agreement"], cwd=small), 1)


@pytest.mark.parametrize("content", [DEEP, HUGE], ids=["nested", "huge-number"])
def test_a_crafted_journal(small: Path, content: str) -> None:
    (small / ".pcrcode").mkdir()
    journal = small / ".pcrcode" / "journal.json"
    journal.write_text('{"pcrcode": 1, "entries": ' + content + "}", encoding="utf-8")
    before = snapshot(small)
    run = run_cli(["tag", "velo", "1", "forme/partenariat", "--coder", "camille"], cwd=small)
    assert one_line(run, 1) == (
        "pcrcode: error: .pcrcode/journal.json: the journal of an interrupted change is "
        "unreadable: check the files it names, then delete it\n"
    )
    assert snapshot(small) == before and journal.exists()


def test_a_nested_old_texts_cache_is_ignored_by_reanchor(small: Path) -> None:
    """.pcrcode/texts/ is pcrcode's own, but any file can be damaged: it is only a cache."""
    run_cli(["check"], cwd=small)
    texts = small / ".pcrcode" / "texts"
    texts.mkdir(parents=True, exist_ok=True)
    (texts / "epicerie.json").write_text('{"texts": ' + DEEP + "}", encoding="utf-8")
    run = run_cli(["reanchor"], cwd=small)
    assert run.exception is None, run.exception
    assert run.exit_code == 0, run.stderr


OTR_HUGE = '{"text": "<p>a</p>", "x": ' + HUGE + "}"
OTR_DEEP = '{"text": "<p>a</p>", "x": ' + DEEP + "}"
OTR_INFINITE = json.dumps(
    {
        "text": '<p><span class="timestamp" data-timestamp="1e400">0:00</span> '
        "<strong>Camille:</strong> Bonjour</p><p><strong>Léa:</strong> Salut</p>"
    }
)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (OTR_HUGE, "not an oTranscribe file (a number too long or data nested too deeply)"),
        (OTR_DEEP, "not an oTranscribe file (a number too long or data nested too deeply)"),
        (OTR_INFINITE, None),
    ],
    ids=["huge-number", "nested", "infinite-time"],
)
def test_an_otranscribe_file_made_to_break_the_reader(
    small: Path, tmp_path: Path, content: str, expected: str | None
) -> None:
    source = tmp_path / "entretien.otr"
    source.write_text(content, encoding="utf-8")
    run = run_cli(
        ["import", "transcript", str(source), "--structure", "epicerie", "--dry-run"], cwd=small
    )
    if expected is None:  # a time of 1e400 seconds is no time: the turns are imported
        assert run.exception is None and run.exit_code == 0, (run.exception, run.stderr)
        assert "**Léa:** Salut" in run.stdout
    else:
        assert one_line(run, 1) == f"pcrcode: error: {source}: {expected}\n"


@pytest.mark.parametrize("number", ["²", HUGE])
def test_a_degree_in_a_refi_code_description(small: Path, tmp_path: Path, number: str) -> None:
    archive = tmp_path / "p.qdpx"
    assert run_cli(["export", "qdpx", str(archive)], cwd=small).exit_code == 0
    with zipfile.ZipFile(archive) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    qde = entries["project.qde"].decode("utf-8")
    assert "Degré : 1" in qde
    entries["project.qde"] = qde.replace("Degré : 1", f"Degré : {number}").encode("utf-8")
    with zipfile.ZipFile(archive, "w") as target:
        for name, data in entries.items():
            target.writestr(name, data)
    run = run_cli(["import", "qdpx", str(archive), "--into", str(tmp_path / "new")], cwd=tmp_path)
    assert run.exception is None, run.exception
    assert run.exit_code == 0, run.stderr
    codebook = (tmp_path / "new" / "codebook.yaml").read_text(encoding="utf-8")
    assert "degree: 2" in codebook and "degree: 1\n" not in codebook


@pytest.mark.parametrize("number", ["²", HUGE])
def test_a_number_typed_in_a_coding_session(small: Path, number: str) -> None:
    script = f"g {number}\n{number}\nforme/partenariat #{number}\nq\n"
    run = run_cli(["code", "velo", "--coder", "camille"], cwd=small, input=script)
    assert run.exception is None, run.exception
    assert run.exit_code == 0, run.stderr
    workbench = Workbench(small, "epicerie", "zoe")
    for line in (f"g {number}", number):
        with contextlib.suppress(PcrcodeError):  # shown by the workbench; a ValueError is not
            workbench.command(line)
        assert workbench.number == 1, line
