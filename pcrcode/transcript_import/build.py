"""From what a parser found to the turns written: one name per speaker, empty turns dropped,
cues of one utterance joined, paragraphs split on request."""

from __future__ import annotations

from dataclasses import dataclass

from pcrcode.choices import Split
from pcrcode.errors import FileFormatError, UsageError
from pcrcode.transcript_import import labels
from pcrcode.transcript_import.model import UNKNOWN, Options, Parsed, Piece


@dataclass(frozen=True)
class Turn:
    speaker: str
    text: list[str]  # paragraphs
    times: list[str]


@dataclass(frozen=True)
class Built:
    turns: list[Turn]
    dropped: list[int]
    opening: list[int]
    merged: list[int]
    interviewer: str | None


def build(parsed: Parsed, options: Options, source: str) -> Built:
    pieces = [p for p in parsed.pieces if p.paragraphs]
    dropped = [p.line for p in parsed.pieces if not p.paragraphs and p.label is not None]
    if all(p.label is None for p in pieces):
        raise FileFormatError(
            "no speaker labels found: expected 'Speaker: text' paragraphs, a transcription "
            "service's export (Otter, Zoom, Teams, Rev, Descript, oTranscribe) or subtitles "
            "(VTT, SRT); name the speakers if the labels are unusual",
            source,
            about="speakers",
        )
    names = labels.display_names(
        [p.label for p in pieces if p.label is not None], options.speakers, options.speaker_map
    )
    opening = [n for p in pieces if p.label is None for n in [p.line, *p.merged]]
    turns: list[Turn] = []
    for p in pieces:
        speaker = UNKNOWN if p.label is None else names[labels.key(p.label)]
        if parsed.cues and turns and turns[-1].speaker == speaker:
            # One utterance cut into cues: its start is the turn's time (the cues' own times
            # are the subtitles' segmentation, not something said).
            turns[-1].text[-1] += " " + " ".join(p.paragraphs)
        elif options.split == Split.paragraphs:
            turns += [Turn(speaker, [para], []) for para in p.paragraphs]
            turns[-len(p.paragraphs)].times.extend(p.times)
        else:
            turns.append(Turn(speaker, list(p.paragraphs), list(p.times)))
    return Built(turns, dropped, opening, _merged(pieces), _interviewer(options, turns))


def _merged(pieces: list[Piece]) -> list[int]:
    return [n for p in pieces if p.label is not None for n in p.merged]


def _interviewer(options: Options, turns: list[Turn]) -> str | None:
    if options.interviewer is None:
        return None
    names = {labels.key(t.speaker): t.speaker for t in turns}
    found = names.get(labels.key(options.interviewer))
    if found is None:
        listed = ", ".join(dict.fromkeys(t.speaker for t in turns))
        raise UsageError(
            f"no speaker '{options.interviewer}' in the transcript to be the interviewer "
            f"(speakers: {listed})",
            about="interviewer",
        )
    return found
