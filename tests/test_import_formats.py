"""`pcrcode import transcript` on every format of transcript-formats.md: the speaker of every
turn, the times, the format detected, and the words of the source (labels, timestamps and lines
that are not speech aside) equal to the words of the imported turns, in order."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pcrcode.files.diagnostics import Diagnostics
from pcrcode.files.transcripts import load_interview
from pcrcode.model import Interview
from tests.conftest import DATA, Run, run_cli

FORMATS = DATA / "import" / "formats"
EXPECTED = json.loads((FORMATS / "expected.json").read_text(encoding="utf-8"))
FIXTURES = sorted(k for k in EXPECTED if not k.startswith("_"))
STAMP = re.compile(r"[\[(]?\b\d{1,2}:\d{1,2}(?::\d{1,2})?(?:[.,]\d+)?\b[\])]?")


def test_every_fixture_is_listed() -> None:
    on_disk = sorted(p.name for p in FORMATS.iterdir() if p.suffix not in (".py", ".json"))
    assert on_disk == FIXTURES


def imported(project: Path, name: str) -> tuple[dict[str, object], Interview]:
    result = run_cli(
        [
            *("--project", str(project), "import", "transcript", str(FORMATS / name)),
            *("-s", "velo", "-f", "json"),
        ]
    )
    assert (result.exit_code, result.exception) == (0, None), result.stderr
    (report,) = json.loads(result.stdout)
    diag = Diagnostics(project)
    interview = load_interview(project, Path(name).stem, diag)
    assert diag.findings == []
    return report, interview


@pytest.mark.parametrize("name", FIXTURES)
def test_speakers_turns_and_times(small: Path, name: str) -> None:
    expected = EXPECTED[name]
    report, interview = imported(small, name)
    assert report["format"] == expected["format"]
    assert [t.speaker for t in interview.turns] == expected["speakers"]
    times = interview.meta.get("times") or {}
    assert {str(k): v for k, v in times.items()} == expected["times"]
    body = interview.path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert not [line for line in body.split("\n") if line.startswith("#")]  # no heading made


@pytest.mark.parametrize("name", FIXTURES)
def test_words_of_the_source_are_the_words_of_the_turns(small: Path, name: str) -> None:
    _, interview = imported(small, name)
    got = " ".join(t.text for t in interview.turns).split()
    assert got == source_words(FORMATS / name, EXPECTED[name])


def source_words(path: Path, expected: dict[str, list[str]]) -> list[str]:
    """The source's words, read without pcrcode's parsers: labels (as the fixture lists them),
    timestamps, timing lines and the lines named not speech removed."""
    labels = sorted(expected["labels"], key=len, reverse=True)
    label = re.compile(
        r"^\s*(?:\*\*)?(?:" + "|".join(map(re.escape, labels)) + r")(?:\*\*)?\s*:?(?:\*\*)?",
        re.I,
    )
    drop = [re.compile(d) for d in expected["drop"]]
    words: list[str] = []
    for line in source_lines(path):
        line = html.unescape(re.sub(r"<[^>]*>", "", line)).strip()
        if "-->" in line or any(d.search(line) for d in drop):
            continue
        line = STAMP.sub(" ", line)
        if labels:
            line = label.sub("", line)
        words += line.split()
    return words


def source_lines(path: Path) -> list[str]:
    if path.suffix == ".docx":
        import docx

        document = docx.Document(str(path))
        rows = [" ".join(c.text for c in r.cells) for t in document.tables for r in t.rows]
        return [p.text for p in document.paragraphs] + rows
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".otr":
        text = json.loads(text)["text"].replace("</p>", "\n")
    return text.split("\n")


def dry(project: Path, name: str, *args: str) -> Run:
    return run_cli(
        ["--project", str(project), "import", "transcript", str(FORMATS / name), "-n", *args]
    )


def turns_of(stdout: str) -> list[tuple[str, str]]:
    body = stdout.split("\n---\n", 1)[1]
    found = re.findall(r"^\*\*(.+?):\*\* (.*)$", body, re.M)
    return [(a, b) for a, b in found]


def test_the_three_cases_of_the_issue(small: Path) -> None:
    lower = dry(small, "lowercase-labels.txt")
    assert turns_of(lower.stdout) == [
        ("Interviewee", "I think we began with two people."),
        ("Interviewer", "And then?"),
        ("Interviewee", "Then it grew, slowly."),  # its next line is its second paragraph
        ("Interviewer", "Thank you."),
    ]
    alone = dry(small, "label-alone.txt")
    assert turns_of(alone.stdout) == [
        ("Interviewer", "Could you describe the project?"),
        ("Unknown Speaker", "Sorry, can you repeat the question?"),
        ("Interviewer", "Of course, the project itself."),
        ("Interviewee", "We run a shared workshop with three partners."),
        ("Interviewer", "Since when?"),
        ("Interviewee", "Since 2015."),
        ("Unknown Speaker", "That was clear."),
    ]
    opening = dry(small, "unlabelled-opening.txt")
    assert turns_of(opening.stdout)[0] == ("(unknown)", "All right.")
    assert "**(unknown):** All right.\n\nAre we recording now?\n" in opening.stdout
    assert opening.stderr.split("\n")[2] == (
        "  text before the first label, kept as a turn of (unknown): lines 1-2"
    )


def test_report_of_a_plain_file(small: Path) -> None:
    result = dry(small, "plain-variants.txt", "-s", "velo")
    assert result.exit_code == 0
    assert result.stderr == (
        "would import 5 turns from plain-variants.txt (plain) into "
        "interviews/plain-variants.md; speakers: Interviewer 1 (2), Interviewee (3); "
        "2 paragraphs merged; 1 empty turn dropped\n"
        "  labels accepted: Interviewer 1 (2), Interviewee (2), interviewee (1), Interviewer1 (1)\n"
        "  continuation paragraphs merged into the turn above: lines 4, 6\n"
        "  empty turns dropped: line 11\n"
    )


def test_a_rare_label_is_text_unless_named(small: Path) -> None:
    result = dry(small, "rare-label.txt", "-s", "velo")
    assert "**Interviewer:** Question number 3?\n\nVoilà: that is how it went.\n" in (result.stdout)
    assert "  labels ignored as rare, kept as text: 'Voilà' (line 10) (--speakers to choose)\n" in (
        result.stderr
    )
    named = dry(small, "rare-label.txt", "--speakers", "interviewer, PARTICIPANT ,Voilà")
    assert ("Voilà", "that is how it went.") in turns_of(named.stdout)
    assert "ignored" not in named.stderr


def test_speakers_makes_detection_exact(small: Path) -> None:
    result = dry(small, "plain-variants.txt", "--speakers", "Interviewee")
    turns = turns_of(result.stdout)
    # Only Interviewee starts a turn: the interviewer's words are text, before or inside turns.
    assert [s for s, _ in turns] == ["(unknown)", "Interviewee", "Interviewee", "Interviewee"]
    assert turns[0] == ("(unknown)", "Interviewer 1: Bonjour, merci d'avoir accepté.")


def test_map_and_interviewer_after_normalisation(small: Path) -> None:
    result = dry(
        small,
        "plain-variants.txt",
        "--speaker-map",
        "interviewer1=Camille",
        "--interviewer",
        "camille",
    )
    assert [s for s, _ in turns_of(result.stdout)] == [
        "Camille",
        "Interviewee",
        "Camille",
        "Interviewee",
        "Interviewee",
    ]
    assert "\ninterviewer: Camille\n" in result.stdout
    bad = dry(small, "plain-variants.txt", "--interviewer", "Bob")
    assert (bad.exit_code, bad.stdout) == (2, "")
    assert bad.stderr == (
        "pcrcode: error: no speaker 'Bob' in the transcript to be the interviewer "
        "(speakers: Interviewer 1, Interviewee) (--interviewer)\n"
    )


def test_split_paragraphs_keeps_each_paragraph_a_segment(small: Path) -> None:
    result = dry(small, "plain-variants.txt", "--split", "paragraphs")
    assert turns_of(result.stdout)[1:4] == [
        ("Interviewee", "Avec plaisir."),
        ("Interviewee", "And this paragraph continues the same speaker's answer."),
        ("Interviewee", "A second paragraph of the same answer."),
    ]


def test_from_forces_the_format(small: Path, tmp_path: Path) -> None:
    source = tmp_path / "export.data"
    source.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ann>Yes.\n", encoding="utf-8")
    result = run_cli(
        ["--project", str(small), "import", "transcript", str(source), "--from", "vtt", "-n"]
    )
    assert turns_of(result.stdout) == [("Ann", "Yes.")]
    bad = run_cli(["--project", str(small), "import", "transcript", str(source), "--from", "x"])
    assert (bad.exit_code, bad.stdout) == (2, "")
    assert bad.stderr.startswith(
        "pcrcode: error: unknown transcript format 'x': one of plain, markdown,"
    )
    assert bad.stderr.endswith(" (--from)\n")


def test_map_names_a_rare_label_a_speaker(small: Path, tmp_path: Path) -> None:
    # "Interviewer2 2" (a typo, once) would be a rare label: naming it in -m accepts it.
    lines = [f"Interviewer 2: Q{i}?\n\nInterviewee: A{i}.\n" for i in range(30)]
    source = tmp_path / "typo.txt"
    source.write_text("\n".join(lines) + "\nInterviewer2 2: Last one?\n", encoding="utf-8")
    plain = run_cli(["--project", str(small), "import", "transcript", str(source), "-n"])
    assert turns_of(plain.stdout)[-1] == ("Interviewee", "A29.")
    assert "'Interviewer2 2' (line 121)" in plain.stderr  # 30 x 4 lines, then the typo
    mapped = run_cli(
        [
            *("--project", str(small), "import", "transcript", str(source), "-n"),
            *("--speaker-map", "Interviewer2 2=Interviewer 2"),
        ]
    )
    assert turns_of(mapped.stdout)[-1] == ("Interviewer 2", "Last one?")


def test_python_docx_is_imported_only_for_a_docx(small: Path) -> None:
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from pcrcode.cli import app\n"
        "r = CliRunner().invoke(app, sys.argv[1:])\n"
        "print(r.exit_code, 'docx' in sys.modules, 'lxml' in sys.modules)\n"
    )
    for name, loaded in [("otter.txt", "False False"), ("speakers-bold.docx", "True True")]:
        argv = ["--project", str(small), "import", "transcript", str(FORMATS / name), "-n"]
        out = subprocess.run(
            [sys.executable, "-c", script, *argv], capture_output=True, text=True, check=True
        ).stdout
        assert out.splitlines()[-1] == f"0 {loaded}", name


def test_batch_usage_errors(small: Path, tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    for path in (a, b):
        path.write_text("Anne: oui\nBob: non\n", encoding="utf-8")
    two = run_cli(["--project", str(small), "import", "transcript", str(a), str(b), "--id", "x"])
    assert (two.exit_code, two.stderr) == (
        2,
        "pcrcode: error: --id names one interview: import one file with it\n",
    )
    mapping = tmp_path / "map.csv"
    mapping.write_text("a.txt,velo\n", encoding="utf-8")
    result = run_cli(
        [
            *("--project", str(small), "import", "transcript", str(a), str(b)),
            *("--mapping", str(mapping)),
        ]
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:] == [
        f"pcrcode: error: {b}: not in the --mapping file",
        "1 of 2 file(s) not imported (see the errors above)",
    ]
    empty = tmp_path / "empty"
    empty.mkdir()
    none = run_cli(["--project", str(small), "import", "transcript", str(empty)])
    assert none.exit_code == 2
    assert none.stderr.startswith(f"pcrcode: error: {empty}: no transcript in this folder")


@pytest.mark.parametrize("name", FIXTURES)
def test_interview_written_for_each_format_golden(small: Path, name: str) -> None:
    from tests.golden import assert_golden

    result = dry(small, name, "-s", "velo")
    assert (result.exit_code, result.exception) == (0, None)
    assert_golden(f"import/formats/{name}.md", result.stdout)


LINES = [
    "Anne: oui",
    "anne : non",
    "Interviewer1",
    "[00:01:02] Bob: bien",
    "Bob  0:03",
    "WEBVTT",
    "00:00:01.000 --> 00:00:02.000",
    "<v Anne>salut",
    "12",
    "",
    "**Anne:** hop",
    "# titre",
    "---",
    "Speaker 1 (00:00):",
    "[Anne] 10:01:22",
    "Voilà: texte",
    '{"text": "<p>x</p>"}',
    "\t ",
]


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(st.sampled_from(LINES) | st.text(max_size=20), max_size=12),
    suffix=st.sampled_from([".txt", ".md", ".vtt", ".srt", ".otr"]),
)
def test_any_text_imports_or_fails_with_one_error(lines: list[str], suffix: str) -> None:
    """Whatever the text, the import gives turns whose words are the text's, or a PcrcodeError
    (one line for the user), never another exception."""
    from pcrcode.errors import PcrcodeError
    from pcrcode.transcript_import.build import build
    from pcrcode.transcript_import.model import Options
    from pcrcode.transcript_import.read import parse_source
    from pcrcode.transcript_import.render import check_round_trip, render

    path = Path("x" + suffix)
    try:
        parsed, _ = parse_source("\n".join(lines).encode("utf-8"), path, Options())
        built = build(parsed, Options(), str(path))
        text = render(built.turns, None, parsed.meta, "fr", path.name, None)
        check_round_trip(text, Path("interviews/x.md"), built.turns)
    except PcrcodeError:
        return
