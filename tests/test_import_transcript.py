"""`pcrcode import transcript`: plain text, Markdown, WebVTT and SRT exports become interviews
with front matter; speakers normalised, timestamps kept; bad files write nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pcrcode.files.diagnostics import Diagnostics
from pcrcode.files.transcripts import load_interview
from tests.conftest import DATA, Run, run_cli, snapshot
from tests.golden import assert_golden

SAMPLES = DATA / "import"


def cli(project: Path, *args: str) -> Run:
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
        "--speaker-map",
        "Speaker 1=Camille",
    )
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == (
        "imported 6 turns from entretien-2026-03-12.txt (rev) into interviews/recyclerie.md; "
        "speakers: (unknown) (1), Camille (3), Martine Dupont (2); 1 paragraph merged; "
        "opening text kept as (unknown)\n"
        "  labels accepted: Speaker 1 (2), SPEAKER 1 (1), MARTINE DUPONT (1), "
        "Martine Dupont (1)\n"
        "  continuation paragraphs merged into the turn above: line 9\n"
        "  text before the first label, kept as a turn of (unknown): line 1\n"
        "  not speech (front matter, headers, footers): line 2\n"
    )
    diag = Diagnostics(small)
    interview = load_interview(small, "recyclerie", diag)
    assert diag.findings == []
    assert [(t.speaker, t.text) for t in interview.turns] == [
        ("(unknown)", "Entretien avec la Recyclerie des Cimes"),
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
    assert interview.participants == ("(unknown)", "Camille", "Martine Dupont")
    assert interview.meta["times"] == {
        2: "00:00:01",
        3: "00:00:09",
        4: "00:01:05",
        5: "00:01:12",
        6: "00:02:30",
    }
    assert interview.meta["source"] == "entretien-2026-03-12.txt"
    assert interview.illustrative is False
    check = json.loads(cli(small, "check", "-f", "json").stdout)
    assert [f for f in check if "recyclerie" in f["path"]] == []
    # The new interview can be coded at once.
    assert (
        cli(
            small, "tag", "recyclerie", "5", "forme/echange-informations", "--coder", "zoe"
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
    assert interview.meta["times"] == {1: "00:00:01", 2: "00:00:03", 3: "00:01:10", 4: "00:01:10"}


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
        ("Paul Martin", "Merci.\n\nOn commence ?"),  # a line ending a sentence: a paragraph
    ]
    assert load_interview(small, "otter").meta["times"] == {1: "00:00:02", 2: "01:02:03"}


def test_utf16_exports_are_read(small: Path, tmp_path: Path) -> None:
    source = tmp_path / "win.txt"
    source.write_bytes("Anne: Oui, c'est ça.\r\nBruno: D'accord.\r\n".encode("utf-16"))
    assert cli(small, "import", "transcript", str(source), "-s", "velo").exit_code == 0
    assert [t.speaker for t in load_interview(small, "win").turns] == ["Anne", "Bruno"]


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
            "{path}: a binary file (it has NUL bytes), not a transcript: import a text, "
            "Word (.docx), WebVTT, SRT or oTranscribe file",
        ),
        (
            "latin.txt",
            "Léa: oui".encode("latin-1"),
            [],
            1,
            "{path}:1: not UTF-8 (byte 0xe9): if the file comes from Windows or an old Mac, "
            "give its encoding, latin-1 (or cp1252), or save it as UTF-8 (--encoding)",
        ),
        (
            "prose.txt",
            b"just some prose without any speaker.\n",
            [],
            1,
            "{path}: no speaker labels found: expected 'Speaker: text' paragraphs, a "
            "transcription service's export (Otter, Zoom, Teams, Rev, Descript, oTranscribe) "
            "or subtitles (VTT, SRT); name the speakers if the labels are unusual (--speakers)",
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
            "interview 'epicerie' already exists (interviews/epicerie.md): replace it, or "
            "import it under another id (--replace, --id)",
        ),
        (
            "ok.txt",
            b"Anne: oui\n",
            ["--id", "Mon Entretien"],
            2,
            "bad interview id 'Mon Entretien': give one with a-z, 0-9, - and _ (--id)",
        ),
        (
            "ok.txt",
            b"Anne: oui\n",
            ["--speaker-map", "Anne"],
            2,
            "bad speaker renaming 'Anne': write OLD=NEW, e.g. 'Speaker 1=Martine' (--speaker-map)",
        ),
        (
            "ok.txt",
            b"Anne: oui\n",
            ["--speaker-map", "Bob=Robert"],
            2,
            "no speaker 'Bob' in the transcript to rename (speakers: Anne) (--speaker-map)",
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
    from pcrcode.errors import ConflictError
    from pcrcode.transcript_import import ImportContext, import_transcript
    from pcrcode.transcript_import import write as writing

    source = write(tmp_path, "race.txt", b"Anne: oui\n")
    target = small / "interviews" / "race.md"
    real = writing.create

    def someone_else_first(path: Path, text: str, iid: str) -> None:
        target.write_text("theirs\n", encoding="utf-8")
        real(path, text, iid)

    monkeypatch.setattr(writing, "create", someone_else_first)
    with pytest.raises(ConflictError):
        import_transcript(ImportContext.load(small), source, structure="velo")
    assert target.read_text(encoding="utf-8") == "theirs\n"
    assert sorted(p.name for p in target.parent.iterdir() if p.name.startswith(".")) == []


def test_bad_files_one_line_each_nothing_written(small: Path, tmp_path: Path) -> None:
    cases = [
        (
            "notzip.docx",
            b"Anne: oui\n",
            "{path}: not a .docx (not a zip archive): save it from "
            "Word as .docx, or export it as .txt",
        ),
        (
            "broken.vtt",
            b"WEBVTT\n\n1\n00:00:01.000 --> 00:00:0x\nAnne: oui\n",
            "{path}:4: broken cue timing '00:00:01.000 --> 00:00:0x': expected "
            "'00:00:01.000 --> 00:00:04.000'",
        ),
        (
            "arrow.srt",
            b"1\n00:00:01,000 -> 00:00:02,000\nAnne: oui\n",
            "{path}:2: broken cue timing '00:00:01,000 -> 00:00:02,000': expected "
            "'00:00:01.000 --> 00:00:04.000'",
        ),
        (
            "bad.otr",
            b"{not json",
            "{path}:1: not an oTranscribe file (invalid JSON: "
            "Expecting property name enclosed in double quotes)",
        ),
    ]
    for name, data, message in cases:
        source = write(tmp_path, name, data)
        before = snapshot(small)
        result = cli(small, "import", "transcript", str(source))
        expected = "pcrcode: error: " + message.format(path=source) + "\n"
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", expected), name
        assert snapshot(small) == before


def test_encodings(small: Path, tmp_path: Path) -> None:
    text = "Léa: Ça va.\nAnne: Très bien.\n"
    for name, data in [
        ("bom8.txt", b"\xef\xbb\xbf" + text.encode("utf-8")),
        ("le16.txt", text.encode("utf-16")),
        ("be16.txt", b"\xfe\xff" + text.encode("utf-16-be")),
    ]:
        source = write(tmp_path, name, data)
        result = cli(small, "import", "transcript", str(source), "-n")
        assert result.exit_code == 0, name
        assert "**Léa:** Ça va.\n\n**Anne:** Très bien.\n" in result.stdout, name
    latin = write(tmp_path, "latin.txt", text.encode("latin-1"))
    result = cli(small, "import", "transcript", str(latin), "--encoding", "latin-1", "-n")
    assert "**Léa:** Ça va." in result.stdout
    bad = cli(small, "import", "transcript", str(latin), "--encoding", "klingon")
    assert (bad.exit_code, bad.stderr) == (
        2,
        "pcrcode: error: unknown encoding 'klingon': try utf-8, latin-1 or cp1252 (--encoding)\n",
    )


def test_a_folder_of_30_good_files_and_one_bad(small: Path, tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    for i in range(30):
        (folder / f"velo-{i:02d}.txt").write_text(f"Anne: Oui {i}.\nBob: Non.\n", encoding="utf-8")
    (folder / "velo-zz.txt").write_bytes(b"")
    (folder / "notes.pdf").write_bytes(b"%PDF")  # not a transcript's extension: not read
    result = cli(small, "import", "transcript", str(folder), "--structure-from-name")
    assert (result.exit_code, result.stdout) == (1, "")
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "imported 2 turns from velo-00.txt (plain) into interviews/velo-00.md; "
        "speakers: Anne (1), Bob (1)"
    )
    assert len(lines) == 32
    assert (
        lines[30]
        == f"pcrcode: error: {folder / 'velo-zz.txt'}: the file is empty: nothing to import"
    )
    assert lines[31] == "1 of 31 file(s) not imported (see the errors above)"
    made = sorted(p.name for p in (small / "interviews").glob("velo-*.md"))
    assert made == [f"velo-{i:02d}.md" for i in range(30)]
    assert load_interview(small, "velo-07").structure == "velo"


def test_mapping_file_gives_structure_and_id(small: Path, tmp_path: Path) -> None:
    a = write(tmp_path, "a.txt", b"Anne: oui\nBob: non\n")
    b = write(tmp_path, "b.txt", b"Anne: oui\nBob: non\n")
    mapping = write(
        tmp_path, "map.csv", b"file,structure,id\na.txt,velo,velo-anne\nb.txt,epicerie,\n"
    )
    result = cli(small, "import", "transcript", str(a), str(b), "--mapping", str(mapping))
    assert result.exit_code == 0, result.stderr
    assert load_interview(small, "velo-anne").structure == "velo"
    assert load_interview(small, "b").structure == "epicerie"
    both = cli(small, "import", "transcript", str(a), "-s", "velo", "--mapping", str(mapping))
    assert (both.exit_code, both.stderr) == (
        2,
        "pcrcode: error: pass one of --structure, --structure-from-name and --mapping\n",
    )


def test_json_report(small: Path) -> None:
    source = DATA / "import" / "formats" / "plain-variants.txt"
    result = cli(small, "import", "transcript", str(source), "-s", "velo", "-f", "json", "-n")
    assert result.exit_code == 0
    (report,) = json.loads(result.stdout)
    assert {k: v for k, v in report.items() if k not in ("file", "path", "text")} == {
        "interview": "plain-variants",
        "format": "plain",
        "written": False,
        "replaced": False,
        "turns": 5,
        "speakers": [{"name": "Interviewer 1", "turns": 2}, {"name": "Interviewee", "turns": 3}],
        "labels": [
            {"label": "Interviewer 1", "count": 2},
            {"label": "Interviewee", "count": 2},
            {"label": "interviewee", "count": 1},
            {"label": "Interviewer1", "count": 1},
        ],
        "merged_lines": [4, 6],
        "dropped_empty_lines": [11],
        "opening_lines": [],
        "ignored_labels": [],
        "skipped_lines": [],
        "codings": None,
    }
    assert report["text"].startswith("---\nstructure: velo\n")
    assert not (small / "interviews" / "plain-variants.md").exists()


def test_replace_without_codings(small: Path, tmp_path: Path) -> None:
    first = write(tmp_path, "nouveau.txt", b"Interviewer1: oui\nInterviewer 1: non\n")
    assert cli(small, "import", "transcript", str(first), "-s", "velo").exit_code == 0
    second = write(tmp_path, "nouveau.txt", b"Interviewer1: oui\nAnne: non\n")
    refused = cli(small, "import", "transcript", str(second))
    assert refused.exit_code == 1
    assert "already exists" in refused.stderr
    result = cli(small, "import", "transcript", str(second), "--replace")
    assert result.exit_code == 0, result.stderr
    interview = load_interview(small, "nouveau")
    assert [t.speaker for t in interview.turns] == ["Interviewer 1", "Anne"]
    assert interview.structure == "velo"  # kept from the interview replaced
    assert result.stderr.startswith("replaced 2 turns from nouveau.txt")


def test_replace_with_codings_reanchors_and_keeps_every_coding(small: Path, tmp_path: Path) -> None:
    from pcrcode.files import codings as codings_io

    old = (
        "Camille: Bonjour, vous pouvez présenter votre atelier de réparation ?\n\n"
        "Anne: Nous réparons des vélos depuis dix ans avec des bénévoles du quartier.\n\n"
        "Camille: Et avec les autres structures du territoire, comment ça se passe ?\n\n"
        "Anne: Nous partageons un camion avec la recyclerie et l'épicerie.\n"
    )
    source = write(tmp_path, "atelier2.txt", old.encode("utf-8"))
    assert cli(small, "import", "transcript", str(source), "-s", "velo").exit_code == 0
    for segment, code in [
        ("1", "forme/echange-informations"),
        ("2", "forme/mutualisation"),
        ("4", "forme/mutualisation"),
        ("3", "forme/echange-informations"),
    ]:
        tagged = cli(small, "tag", "atelier2", segment, code, "--coder", "zoe")
        assert tagged.exit_code == 0, tagged.stderr
    new = (
        "All right.\n\n"  # a new opening turn: every turn moves down by one
        "Camille: Bonjour, vous pouvez présenter votre atelier de réparation ?\n\n"
        "Anne: Nous réparons des vélos depuis dix ans avec des bénévoles du quartier !\n\n"
        "Anne: Nous partageons un camion avec la recyclerie et l'épicerie.\n"
    )
    source.write_text(new, encoding="utf-8")
    before = snapshot(small)
    result = cli(small, "import", "transcript", str(source), "--replace")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[-1] == (
        "  codings: 4 before; 1 unchanged, 1 moved, 1 placed by fuzzy match, "
        "1 orphaned (kept; see pcrcode check)"
    )
    codings = codings_io.read(small / "codings" / "zoe" / "atelier2.yaml", Diagnostics(small))
    assert sorted((c.segment, c.code) for c in codings) == [
        (2, "forme/echange-informations"),
        (3, "forme/echange-informations"),  # orphaned: left on its old segment number
        (3, "forme/mutualisation"),
        (4, "forme/mutualisation"),
    ]
    assert before != snapshot(small)
    check = json.loads(cli(small, "check", "-f", "json").stdout)
    assert [f["rule"] for f in check if "atelier2" in f["path"]] == ["stale-fingerprint"]


def test_a_blank_line_inside_a_cue_keeps_its_text(small: Path, tmp_path: Path) -> None:
    source = write(
        tmp_path,
        "odd.srt",
        "1\n00:00:01,000 --> 00:00:02,500\nCamille: Avec qui ?\n\nEt depuis quand ?\n\n"
        "2\n00:00:03,000 --> 00:00:05,000\nLéa: Avec les autres.\n".encode(),
    )
    result = cli(small, "import", "transcript", str(source), "-n")
    assert result.stdout.endswith(
        "**Camille:** Avec qui ? Et depuis quand ?\n\n**Léa:** Avec les autres.\n"
    )
    stray = write(
        tmp_path, "stray.vtt", b"WEBVTT\n\nstray\n\n00:00:01.000 --> 00:00:02.000\nA: b\n"
    )
    refused = cli(small, "import", "transcript", str(stray))
    assert (refused.exit_code, refused.stderr) == (
        1,
        f"pcrcode: error: {stray}:3: text outside a cue ('stray'): a cue is a timing line "
        "'00:00:01.000 --> 00:00:04.000' then its text\n",
    )
