"""Builds the .docx fixtures beside this script with python-docx (run it again after editing):

    python tests/data/import/formats/make_docx.py

- teams-current.docx: Teams' current style (title, date, duration, "started transcription", then
  "Name   M:SS" and the text in the next paragraph);
- teams-old.docx: Teams' older style (a timing line, the name, the text);
- speakers-bold.docx: paragraphs whose label is a bold run, with or without its colon;
- speakers-table.docx: a speaker / time / text table with a header row;
- descript.docx: Descript's export, "Name:" alone and coarse [HH:MM:SS] stamps, one mid-turn.
"""

from __future__ import annotations

from pathlib import Path

import docx

HERE = Path(__file__).parent  # saved as str(HERE / name): python-docx declares str | IO[bytes]


def teams_current() -> None:
    d = docx.Document()
    for text in [
        "GT mutualisation-20260615_133555-Meeting Transcript",
        "15 June 2026, 03:35am",
        "27m 42s",
        "Marie Dupont started transcription",
        "Marie Dupont   0:03",
        "Bonjour à tous, on commence.",
        "Paul Martin   0:19",
        "Oui.",
        "Paul Martin   0:21",
        "Je partage mon écran.",
        "Marie Dupont   1:02:03",
        "Merci à tous.",
        "Marie Dupont stopped transcription",
    ]:
        d.add_paragraph(text)
    d.save(str(HERE / "teams-current.docx"))


def teams_old() -> None:
    d = docx.Document()
    for text in [
        "0:0:5.100 --> 0:0:8.250",
        "Marie Dupont",
        "Bonjour à tous.",
        "0:0:9.000 --> 0:0:12.500",
        "Paul Martin",
        "Bonjour Marie.",
        "0:0:13.000 --> 0:0:15.000",
        "Marie Dupont",
        "On commence.",
    ]:
        d.add_paragraph(text)
    d.save(str(HERE / "teams-old.docx"))


def speakers_bold() -> None:
    d = docx.Document()
    for label, text in [
        ("Interviewer:", " How did the project start?"),
        ("Participant", " With two friends and a van."),
        ("Interviewer:", " And now?"),
        ("Participant:", " Now we are twelve."),
    ]:
        p = d.add_paragraph()
        p.add_run(label).bold = True
        p.add_run(text)
    d.add_paragraph("It took five years.")
    d.save(str(HERE / "speakers-bold.docx"))


def speakers_table() -> None:
    d = docx.Document()
    rows = [
        ("Speaker", "Time", "Text"),
        ("Interviewer", "00:00:05", "Could you introduce yourself?"),
        ("Participant", "00:00:09", "I run the repair café."),
        ("Interviewer", "00:01:30", "Since when?"),
        ("Participant", "00:01:34", "Since 2018."),
    ]
    table = d.add_table(rows=len(rows), cols=3)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.save(str(HERE / "speakers-table.docx"))


def descript() -> None:
    d = docx.Document()
    for text in [
        "Marie Dupont:",
        "[00:00:00] Bonjour à tous, merci d'être venus.",
        "[00:01:00] On a beaucoup de points aujourd'hui.",
        "[00:01:00] Paul Martin: Oui.",
        "Marie Dupont:",
        "[00:02:00] Alors commençons.",
    ]:
        d.add_paragraph(text)
    d.save(str(HERE / "descript.docx"))


if __name__ == "__main__":
    teams_current()
    teams_old()
    speakers_bold()
    speakers_table()
    descript()
