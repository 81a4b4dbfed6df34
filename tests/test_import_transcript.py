"""`pcrcode import transcript`: plain text, Markdown, WebVTT and SRT exports become interviews
with front matter; speakers normalised, timestamps kept; bad files write nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pcrcode.files.diagnostics import Diagnostics
from pcrcode.files.transcripts import load_interview
from pcrcode.transcript_import import looks_like_name
from tests.conftest import DATA, run_cli, snapshot
from tests.golden import assert_golden

SAMPLES = DATA / "import"


def cli(project: Path, *args: str) -> object:
    return run_cli(["--project", str(project), *args])


@pytest.mark.parametrize("name", ["entretien-2026-03-12.txt", "atelier.vtt", "reunion.srt"])
def test_dry_run_prints_the_interview_golden(small: Path, name: str) -> None:
    before = snapshot(small)
    result = cli(
        small, "import", "transcript", str(SAMPLES / name), "--structure", "velo", "--dry-run"
    )
    assert (result.exit_code, result.exception) == (0, None), result.stderr
    assert_golden(f"import/{Path(name).stem}.md", result.stdout)
    assert snapshot(small) == before


def test_plain_text_import_writes_a_valid_interview(small: Path) -> None:
    source = SAMPLES / "entretien-2026-03-12.txt"
    result = cli(
        small,
        "import",
        "transcript",
        str(source),
        "-s",
        "velo",
        "--id",
        "recyclerie",
        "-m",
        "Speaker 1=Camille",
    )
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == (
        "imported 5 turns from entretien-2026-03-12.txt (text) into "
        "interviews/recyclerie.md; speakers: Camille (3), Martine Dupont "
        "(2)\n"
    )
    diag = Diagnostics(small)
    interview = load_interview(small, "recyclerie", diag)
    assert diag.findings == []
    assert [(t.speaker, t.text) for t in interview.turns] == [
        ("Camille", "Bonjour, merci de nous recevoir. Vous pouvez présenter la recyclerie ?"),
        (
            "Martine Dupont",
            "Alors, oui. On récupère des objets, on les répare et on les revend "
            "à petit prix [rires]. On a commencé en 2012.\n\nOn est six salariés maintenant.",
        ),
        ("Camille", "Et avec les autres structures ?"),
        (
            "Martine Dupont",
            "On travaille beaucoup avec l'atelier vélo : on leur donne les vélos "
            "qu'on ne sait pas réparer.",
        ),
        ("Camille", "D'accord."),
    ]
    assert interview.date == "2026-03-12"
    assert interview.structure == "velo"
    assert interview.participants == ("Camille", "Martine Dupont")
    assert interview.meta["times"] == ["00:00:01", "00:00:09", "00:01:05", "00:01:12", "00:02:30"]
    assert interview.meta["source"] == "entretien-2026-03-12.txt"
    assert interview.illustrative is False
    check = json.loads(cli(small, "check", "-f", "json").stdout)
    assert [f for f in check if "recyclerie" in f["path"]] == []
    # The new interview can be coded at once.
    assert (
        cli(
            small, "tag", "recyclerie", "4", "forme/echange-informations", "--coder", "zoe"
        ).exit_code
        == 0
    )


def test_vtt_cues_are_grouped_by_consecutive_speaker(small: Path) -> None:
    result = cli(small, "import", "transcript", str(SAMPLES / "atelier.vtt"), "-s", "velo")
    assert result.exit_code == 0, result.stderr
    turns = load_interview(small, "atelier").turns
    # "MARC" and "Marc" are one speaker; cues 2 and 3 make one turn; cue 4 holds two voices.
    assert [(t.speaker, t.text) for t in turns] == [
        ("Yanis", "Comment ça se passe avec les autres coopératives ?"),
        ("Marc", "On a un camion à trois, on le partage toute l'année [bruit]."),
        ("Yanis", "Et les informations ?"),
        ("Marc", "On échange beaucoup & souvent."),
    ]


def test_srt_speaker_prefixes_and_continuations(small: Path) -> None:
    result = cli(small, "import", "transcript", str(SAMPLES / "reunion.srt"), "-s", "velo")
    assert result.exit_code == 0, result.stderr
    interview = load_interview(small, "reunion")
    assert [(t.speaker, t.text) for t in interview.turns] == [
        ("Camille", "Vous travaillez avec qui ?"),
        ("Léa", "Avec les autres épiceries, on se passe les infos."),
        ("Camille", "Et le local ?"),
        ("Léa", "On le partage."),
    ]
    assert interview.meta["times"] == ["00:00:01", "00:00:03", "00:01:10", "00:01:10"]


def test_markdown_and_otter_style_exports(small: Path, tmp_path: Path) -> None:
    md = tmp_path / "notes.md"
    md.write_text(
        "---\ntitle: x\ndate: 2025-11-02\n---\n\n# Entretien\n\n"
        "**Intervieweuse:** Bonjour.\n\n**Paul:** Salut [rires].\n",
        encoding="utf-8",
    )
    assert cli(small, "import", "transcript", str(md), "-s", "velo").exit_code == 0
    notes = load_interview(small, "notes")
    assert [(t.speaker, t.text) for t in notes.turns] == [
        ("Intervieweuse", "Bonjour."),
        ("Paul", "Salut [rires]."),
    ]
    assert notes.date == "2025-11-02"
    otter = tmp_path / "otter.txt"
    otter.write_text(
        "Speaker 1  0:02\nBonjour à tous.\n\nPaul Martin  1:02:03\nMerci.\nOn commence ?\n",
        encoding="utf-8",
    )
    assert cli(small, "import", "transcript", str(otter), "-s", "velo").exit_code == 0
    turns = load_interview(small, "otter").turns
    assert [(t.speaker, t.text) for t in turns] == [
        ("Speaker 1", "Bonjour à tous."),
        ("Paul Martin", "Merci. On commence ?"),
    ]
    assert load_interview(small, "otter").meta["times"] == ["00:00:02", "01:02:03"]


def test_utf16_exports_are_read(small: Path, tmp_path: Path) -> None:
    source = tmp_path / "win.txt"
    source.write_bytes("Anne: Oui, c'est ça.\r\nBruno: D'accord.\r\n".encode("utf-16"))
    assert cli(small, "import", "transcript", str(source), "-s", "velo").exit_code == 0
    assert [t.speaker for t in load_interview(small, "win").turns] == ["Anne", "Bruno"]


def test_speaker_labels() -> None:
    assert looks_like_name("SPEAKER 1")
    assert looks_like_name("Marie-Claire Dupont")
    assert not looks_like_name("alors voilà")
    assert not looks_like_name("10")
    assert not looks_like_name("Bon, alors")


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("name", "data", "extra", "code", "message"),
    [
        ("vide.txt", b"", [], 1, "{path}: the file is empty: nothing to import"),
        ("blanc.txt", b"  \n\n \n", [], 1, "{path}: the file is empty: nothing to import"),
        (
            "audio.txt",
            b"ID3\x00\x00\x01binary",
            [],
            1,
            "{path}: a binary file (it has NUL bytes), not a transcript: import a text, Markdown, "
            "WebVTT or SRT file",
        ),
        (
            "latin.txt",
            "Léa: oui".encode("latin-1"),
            [],
            1,
            "{path}:1: not valid UTF-8 (byte 0xe9); save the file as UTF-8",
        ),
        (
            "prose.txt",
            b"just some prose without any speaker.\n",
            [],
            1,
            "{path}: no speaker turns found: expected 'Speaker: text' paragraphs, "
            "or WebVTT/SRT cues "
            "with <v Speaker> or 'Speaker:'",
        ),
        (
            "ok.txt",
            b"Anne: oui\n",
            ["--structure", "epicier"],
            2,
            "unknown structure 'epicier'; did you mean epicerie?",
        ),
        (
            "epicerie.txt",
            b"Anne: oui\n",
            [],
            1,
            "interview 'epicerie' already exists (interviews/epicerie.md): pass another --id",
        ),
        (
            "ok.txt",
            b"Anne: oui\n",
            ["--id", "Mon Entretien"],
            2,
            "bad interview id 'Mon Entretien': pass --id with a-z, 0-9, - and _",
        ),
        (
            "ok.txt",
            b"Anne: oui\n",
            ["-m", "Anne"],
            2,
            "bad --speaker-map 'Anne': write OLD=NEW, e.g. 'Speaker 1=Martine'",
        ),
        (
            "ok.txt",
            b"Anne: oui\n",
            ["-m", "Bob=Robert"],
            2,
            "--speaker-map: no speaker 'Bob' in the transcript (speakers: Anne)",
        ),
    ],
)
def test_bad_input_one_line_nothing_written(
    small: Path, tmp_path: Path, name: str, data: bytes, extra: list[str], code: int, message: str
) -> None:
    source = write(tmp_path, name, data)
    before = snapshot(small)
    result = cli(small, "import", "transcript", str(source), *extra)
    expected = "pcrcode: error: " + message.format(path=source) + "\n"
    assert (result.exit_code, result.stdout, result.stderr) == (code, "", expected)
    assert snapshot(small) == before


def test_a_missing_file(small: Path, tmp_path: Path) -> None:
    result = cli(small, "import", "transcript", str(tmp_path / "nope.vtt"))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"pcrcode: error: {tmp_path / 'nope.vtt'}: cannot read: No such file or directory\n"
    )


def test_never_overwrites_even_when_created_meanwhile(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pcrcode import transcript_import
    from pcrcode.errors import ConflictError

    source = write(tmp_path, "race.txt", b"Anne: oui\n")
    target = small / "interviews" / "race.md"
    real = transcript_import._create

    def someone_else_first(path: Path, text: str, iid: str) -> None:
        target.write_text("theirs\n", encoding="utf-8")
        real(path, text, iid)

    monkeypatch.setattr(transcript_import, "_create", someone_else_first)
    with pytest.raises(ConflictError):
        transcript_import.import_transcript(small, source, structure="velo")
    assert target.read_text(encoding="utf-8") == "theirs\n"
    assert sorted(p.name for p in target.parent.iterdir() if p.name.startswith(".")) == []
