"""The interview file an import writes: front matter, then one ``**Speaker:** text`` paragraph
per turn. Timestamps go to ``times:``, keyed by turn number, never into the text: a stamp in the
text would enter fingerprints, quotes, auto-coding patterns and word counts."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pcrcode.errors import FileFormatError
from pcrcode.transcript_import.build import Turn

_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_FR_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")
_YAML_WORDS = {"yes", "no", "true", "false", "on", "off", "null", "y", "n", "~"}
_FRONT_KEYS = ("title", "duration", "place", "note")


def find_date(value: str, stem: str) -> str:
    for text in (value, stem):
        m = _ISO_DATE.search(text)
        if m:
            return m.group(0)
        m = _FR_DATE.search(text)
        if m:
            return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
    return ""


def render(
    turns: list[Turn],
    structure: str | None,
    meta: dict[str, str],
    language: str,
    source: str,
    interviewer: str | None,
) -> str:
    lines = ["---"]
    if structure:
        lines.append(f"structure: {structure}")
    if meta.get("date"):
        lines.append(f"date: {meta['date']}")
    if interviewer:
        lines.append(f"interviewer: {yaml_scalar(interviewer)}")
    lines.append("participants:")
    lines += [f"  - name: {yaml_scalar(name)}" for name in dict.fromkeys(t.speaker for t in turns)]
    lines += [f"language: {yaml_scalar(language)}", f"source: {yaml_scalar(source)}"]
    lines += [f"{k}: {yaml_scalar(meta[k])}" for k in _FRONT_KEYS if meta.get(k)]
    lines.append("illustrative: false")
    if any(t.times for t in turns):
        lines.append("times: # turn number: its start (or every time noted in it)")
        for number, turn in enumerate(turns, start=1):
            if len(turn.times) == 1:
                lines.append(f'  {number}: "{turn.times[0]}"')
            elif turn.times:
                lines.append(f"  {number}: [{', '.join(json.dumps(t) for t in turn.times)}]")
    lines += ["---", ""]
    for turn in turns:
        first, *more = paragraphs(turn.text)
        lines += [f"**{turn.speaker}:** {first}", ""]
        for para in more:
            lines += [para, ""]
    return "\n".join(lines)


def paragraphs(text: list[str]) -> list[str]:
    """A continuation paragraph that would read as a new turn (``**X:**``) or a heading is
    joined to the one above: written apart, it would change the turns."""
    out: list[str] = []
    for para in text:
        if out and (para.startswith(("**", "#"))):
            out[-1] += " " + para
        else:
            out.append(para)
    return out


def yaml_scalar(value: str) -> str:
    plain = re.match(r"^[^\W\d_][\w .'’-]*$", value) and value.casefold() not in _YAML_WORDS
    return value if plain and value == value.strip() else json.dumps(value, ensure_ascii=False)


def check_round_trip(body: str, path: Path, turns: list[Turn]) -> None:
    """Read back what would be written: the same turns, or nothing is written."""
    from pcrcode.files.diagnostics import Diagnostics
    from pcrcode.files.transcripts import normalise, parse_interview

    interview = parse_interview(path, Diagnostics(), text=body)
    expected = [(t.speaker, normalise("\n\n".join(paragraphs(t.text)))) for t in turns]
    got = [(t.speaker, t.text) for t in interview.turns]
    if got != expected:
        same = [a == b for a, b in zip(got, expected, strict=False)]
        bad = same.index(False) if False in same else min(len(got), len(expected))
        raise FileFormatError(
            f"turn {bad + 1} cannot be written faithfully as Markdown "
            "(a speaker name or text pcrcode would read differently)",
            path,
        )
