"""Shell completion: the script for each shell, and the answers a Tab gets (commands, options,
choices, and the project's interview ids, code ids, families, coders and structures), through the
environment protocol the scripts speak."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli

BIN = Path(sys.executable).parent
PORTEE = ["portee/inter-sectorielle", "portee/intra-sectorielle"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_script_of_each_shell(shell: str) -> None:
    result = run_cli(["completion", shell])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    script = result.stdout
    assert "_PCRCODE_COMPLETE=complete_" + shell in script
    assert {
        "bash": "complete -o default -F _pcrcode_completion pcrcode",
        "zsh": "compdef _pcrcode_completion pcrcode",
        "fish": "complete --command pcrcode",
    }[shell] in script


def test_an_unknown_shell_is_a_usage_error() -> None:
    result = run_cli(["completion", "tcsh"])
    assert result.exit_code == 2
    assert result.stderr.startswith("pcrcode: error: Invalid value for 'SHELL': 'tcsh'")


def _bash(words: str, cwd: Path, instruction: str = "bash_complete") -> list[str]:
    """What `pcrcode` answers bash for the command line ``words`` (the cursor at its end), by
    the protocol of the script: COMP_WORDS, COMP_CWORD and _PCRCODE_COMPLETE."""
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    env = {"_PCRCODE_COMPLETE": instruction, "COMP_WORDS": words, "COMP_CWORD": str(cword)}
    result = run_cli([], cwd=cwd, env=env)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    return result.stdout.split()


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("pcrcode ta", ["tag"]),  # a command
        ("pcrcode co", ["codings", "code", "cooccurrence", "completion", "codebook"]),
        ("pcrcode codebook m", ["merge", "move"]),  # a command of a group
        ("pcrcode tag --q", ["--quote"]),  # an option
        ("pcrcode --", ["--project", "--skip-broken", "--csv-safe", "--version", "--help"]),
        ("pcrcode frequencies -f ", ["table", "csv", "json", "markdown"]),  # a choice
        ("pcrcode tag jardins", ["jardins-du-drac"]),  # an interview id
        ("pcrcode tag jardins-du-drac 3 forme/p", ["forme/partenariat"]),  # a code id
        (
            "pcrcode tag jardins-du-drac 3 forme/partenariat objet/a",
            ["objet/achat-vente"],
        ),
        ("pcrcode tag jardins-du-drac 3 forme/partenariat --coder y", ["yanis"]),  # a coder
        ("pcrcode agreement --coder camille,", ["camille,camille", "camille,yanis"]),
        ("pcrcode frequencies --family ", ["forme", "logique", "objet", "portee"]),
        ("pcrcode profile terre", ["terre-et-paille"]),  # a structure
        ("pcrcode codebook move logique/territoriale po", ["portee", *PORTEE]),  # or a family
        ("pcrcode interviews show amap", ["amap-belledonne"]),
    ],
)
def test_tab_completes(example: Path, words: str, expected: list[str]) -> None:
    assert _bash(words, example) == expected


def test_both_spellings_of_the_instruction(example: Path) -> None:
    # complete_bash: what the generated script sends (Typer's order); bash_complete: Click's.
    assert _bash("pcrcode tag jardins", example, "complete_bash") == ["jardins-du-drac"]
    assert _bash("pcrcode tag jardins", example, "bash_complete") == ["jardins-du-drac"]


def test_values_follow_the_project_option(example: Path, tmp_path: Path) -> None:
    words = f"pcrcode --project {example} tag jardins"
    assert _bash(words, tmp_path) == ["jardins-du-drac"]
    assert _bash("pcrcode tag jardins", tmp_path) == []  # no project here: nothing, no error


def test_zsh_and_fish_answers(example: Path) -> None:
    zsh = run_cli(
        [],
        cwd=example,
        env={"_PCRCODE_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "pcrcode tag jardins"},
    )
    assert zsh.stdout == """_arguments '*: :(("jardins-du-drac"))'\n"""
    fish = run_cli(
        [],
        cwd=example,
        env={
            "_PCRCODE_COMPLETE": "complete_fish",
            "_TYPER_COMPLETE_FISH_ACTION": "get-args",
            "_TYPER_COMPLETE_ARGS": "pcrcode untag ",
        },
    )
    assert "jardins-du-drac\n" in fish.stdout and "amap-belledonne\n" in fish.stdout
    summaries = run_cli(
        [], env={"_PCRCODE_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "pcrcode unt"}
    )
    assert summaries.stdout == (
        """_arguments '*: :(("untag":"Remove a coder''s codes from segments of an """
        """interview."))'\n"""
    )


def test_a_large_project_is_listed_not_loaded(tmp_path: Path) -> None:
    # 1,000 interviews that are not even valid transcripts: a Tab lists their names and reads
    # no file (a load would take seconds here, and fail).
    (tmp_path / "codebook.yaml").write_text("codes:\n  - {id: a/b, label: x}\n", "utf-8")
    (tmp_path / "interviews").mkdir()
    for n in range(1000):
        (tmp_path / "interviews" / f"i{n:04}.md").write_bytes(b"\xff not a transcript")
    (tmp_path / "interviews" / "notes.txt").write_text("not an interview", "utf-8")
    (tmp_path / "codings" / "camille").mkdir(parents=True)
    found = _bash("pcrcode tag ", tmp_path)
    assert found == [f"i{n:04}" for n in range(1000)]
    assert _bash("pcrcode tag i0001 1 ", tmp_path) == ["a/b"]
    code = (
        "import sys\nfrom pcrcode.cli import main\nsys.argv = ['pcrcode']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.__stderr__.write(' '.join(sorted(sys.modules)))\n"
    )
    env = {**os.environ, "_PCRCODE_COMPLETE": "bash_complete"}
    env |= {"COMP_WORDS": "pcrcode tag i0001 1 ", "COMP_CWORD": "4", "PCRCODE_PROJECT": ""}
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert run.stdout.split() == ["a/b"]
    modules = set(run.stderr.split())
    assert "pcrcode.cli.tagging" in modules
    assert not {"pcrcode.project", "yaml", "rich", "pcrcode.cli.reports"} & modules


def test_the_interview_endings_are_the_transcripts() -> None:
    from pcrcode.cli.common import TRANSCRIPT_SUFFIXES
    from pcrcode.files.transcripts import EXTENSIONS

    assert TRANSCRIPT_SUFFIXES == EXTENSIONS


@pytest.mark.skipif(
    shutil.which("bash") is None or not (BIN / "pcrcode").exists(),
    reason="needs bash and the installed pcrcode script",
)
def test_bash_itself_completes_with_the_script(example: Path) -> None:
    script = run_cli(["completion", "bash"]).stdout
    shell = (
        f"{script}\n"
        "COMP_WORDS=(pcrcode tag jardins-du-drac 3 forme/par); COMP_CWORD=4\n"
        '_pcrcode_completion pcrcode; printf "%s\\n" "${COMPREPLY[@]}"\n'
        "COMP_WORDS=(pcrcode inter); COMP_CWORD=1\n"
        '_pcrcode_completion pcrcode; printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}", "PCRCODE_PROJECT": ""}
    run = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", shell],
        cwd=example,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout == "forme/partenariat\ninterviews\n"
