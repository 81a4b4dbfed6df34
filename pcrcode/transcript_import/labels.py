"""Speaker labels: how a line names its speaker, which labels count, one name per person.

A label is matched case-insensitively with its spaces ignored (``Interviewer1`` is
``Interviewer 1``, ``interviewee`` is ``Interviewee``). Without ``--speakers`` a label written
``Name: text`` is accepted only when it is not rare in the file: "Voilà: ..." once in 150 turns is
a sentence, not a speaker. Labels carrying a time (Otter, Rev, Teams) are always accepted.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pcrcode.errors import UsageError

TIME = r"\d{1,2}:\d{1,2}(?::\d{1,2})?(?:[.,]\d{1,3})?"
# A stamp in the text: [00:19:00], (00:19), or the start of an Otter/Descript line.
STAMP = re.compile(rf"[\[(]({TIME})[\])]")
_NAME = r"[^\W\d_][\w.'’&-]*(?:[ \t]+[\w.'’&-]+){0,4}?"
STRONG = (
    # [Marie Dupont] 10:01:22          (Zoom's saved captions)
    re.compile(rf"^\[(?P<name>[^\]\n]{{1,60}})\]\s+(?P<time>{TIME})\s*$"),
    # Marie  0:03 (Otter) / Marie Dupont   0:03 (Teams .docx) / Speaker 1: 00:00
    re.compile(rf"^(?P<name>{_NAME})\s*(?:\s{{2,}}|:\s*)(?P<time>{TIME})\s*$"),
)
# Speaker 1 (00:00): text / Name: text / **Name:** text / [Name] text (SRT)
_INLINE = re.compile(
    rf"^(?:\*\*)?(?P<name>{_NAME})\s*(?:\((?P<time>{TIME})\))?\s*(?::\*\*|\*\*\s*:|:)"
    r"(?P<text>.*)$"
)
_BRACKET = re.compile(r"^\[(?P<name>[^\]\d][^\]\n]{0,40})\]\s+(?P<text>\S.*)$")
_ALONE = re.compile(r"^(?P<name>[^\W\d_][\w'’-]*(?:[ \t]+[\w'’-]+){0,2})$")
# Header lines that look like a label but describe the interview (before the first turn).
META_WORDS = {
    "date": "date",
    "title": "title",
    "titre": "title",
    "duration": "duration",
    "durée": "duration",
    "duree": "duration",
    "place": "place",
    "lieu": "place",
}
RARE_SHARE = 20  # a weak label is rare below 1 in RARE_SHARE labels of the file (and seen once)


@dataclass(frozen=True)
class Found:
    """A label found at the start of a line."""

    name: str  # as written, spaces collapsed
    rest: str  # the text after it on the line
    time: str | None
    strength: str  # strong (has a time) | colon (Name: text) | alone (a name on its own line)


def key(label: str) -> str:
    """What makes two labels the same person: case and spaces ignored."""
    return "".join(label.replace("*", "").split()).casefold()


def norm_time(value: str) -> str:
    """``0:03`` -> ``00:00:03``; ``1:02:03.5`` -> ``01:02:03``."""
    parts = re.split(r"[.,]", value)[0].split(":")
    while len(parts) < 3:
        parts.insert(0, "0")
    return ":".join(f"{int(p):02d}" for p in parts)


def find(line: str) -> Found | None:
    """The label a line starts with, if it has the shape of one."""
    for pattern in STRONG:
        m = pattern.match(line)
        if m and _plausible(m.group("name")):
            return Found(_clean(m.group("name")), "", m.group("time"), "strong")
    m = _INLINE.match(line)
    if m and _plausible(m.group("name")) and not m.group("text").startswith("//"):
        time = m.group("time")
        return Found(_clean(m.group("name")), m.group("text").strip(), time, "colon")
    m = _BRACKET.match(line)
    if m and _plausible(m.group("name")):
        return Found(_clean(m.group("name")), m.group("text").strip(), None, "colon")
    m = _ALONE.match(line)
    if m and _plausible(m.group("name")):
        return Found(_clean(m.group("name")), "", None, "alone")
    return None


def _clean(name: str) -> str:
    return " ".join(name.replace("*", "").split())


def _plausible(name: str) -> bool:
    name = name.strip()
    return 0 < len(name) <= 40 and any(ch.isalpha() for ch in name) and len(name.split()) <= 5


def accepted_keys(
    found: Iterable[Found], wanted: Sequence[str], also: Sequence[str] = ()
) -> set[str]:
    """The label keys that start a turn: those of ``wanted`` when given, else the labels that
    carry a time, and the others unless rare; and always those of ``also`` (the labels a
    ``--speaker-map`` renames: naming a label says it is a speaker, rare or not)."""
    if wanted:
        return {key(w) for w in (*wanted, *also)}
    return _accepted(list(found)) | {key(a) for a in also}


def _accepted(found: list[Found]) -> set[str]:
    strong = {key(f.name) for f in found if f.strength == "strong"}
    counts = Counter(key(f.name) for f in found if f.strength == "colon")
    total = sum(counts.values()) + len(strong)
    names = {key(f.name): f.name for f in found}
    keys = strong | {
        k for k, n in counts.items() if n * RARE_SHARE >= total or (n >= 3 and name_like(names[k]))
    }
    alone = Counter(key(f.name) for f in found if f.strength == "alone")
    return keys | {
        k
        for k, n in alone.items()
        if k in keys
        or (name_like(names[k]) and (len(names[k].split()) >= 2 or (n >= 2 and not total)))
    }


def name_like(name: str) -> bool:
    """Words starting with a capital or a digit ("Speaker 3", "Marie Dupont")."""
    return all(w[0].isupper() or w[0].isdigit() for w in name.split())


def display_names(
    labels: Sequence[str], speakers: Sequence[str], speaker_map: Sequence[str]
) -> dict[str, str]:
    """key -> the one display name of each person (the ``--speakers`` spelling, else the most
    readable spelling in the file), then ``OLD=NEW`` renames."""
    variants: dict[str, Counter[str]] = {}
    for label in labels:
        variants.setdefault(key(label), Counter())[label] += 1
    names = {k: _best(c) for k, c in variants.items()}
    for wanted in speakers:
        if key(wanted) in names:
            names[key(wanted)] = " ".join(wanted.split())
    for item in speaker_map:
        old, sep, new = item.partition("=")
        new = " ".join(new.replace("*", "").split())
        if not sep or not old.strip() or not new or ":" in new:
            raise UsageError(
                f"bad speaker renaming '{item}': write OLD=NEW, e.g. 'Speaker 1=Martine'",
                about="speaker_map",
            )
        if key(old) not in names:
            listed = ", ".join(sorted(set(names.values())))
            raise UsageError(
                f"no speaker '{old.strip()}' in the transcript to rename (speakers: {listed})",
                about="speaker_map",
            )
        names[key(old)] = new
    return names


def _best(counts: Counter[str]) -> str:
    """Capitals over lower case, ``Interviewer 1`` over ``Interviewer1``, then the most used;
    a name written all in capitals or all in lower case is put in title case."""

    def rank(name: str) -> tuple[bool, bool, int]:
        mixed = not name.isupper() and not name.islower()
        return (mixed, " " in name, counts[name])

    best = max(counts, key=rank)
    if best.isupper() or best.islower():
        best = " ".join(w[:1].upper() + w[1:].lower() for w in best.split())
    return re.sub(r"(?<=[^\W\d_])(?=\d+$)", " ", best) if " " not in best else best
