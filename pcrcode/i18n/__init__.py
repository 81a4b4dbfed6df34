"""Message catalogues: the fixed words of reports in the study's language.

The catalogues are gettext ``.po`` files shipped beside this module (``fr.po``, ``en.po``),
the format translators' tools read and write. The message ids are the English texts, with
``{name}`` fields filled by :meth:`Messages.__call__`. A small reader is enough (no compiled
``.mo`` files, no ``gettext`` global state): a report runs in one language, chosen by the
codebook's ``language`` or ``--lang``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from pcrcode.errors import UsageError

FOLDER = Path(__file__).parent
DEFAULT = "en"


def languages() -> list[str]:
    """The languages with a catalogue, sorted."""
    return sorted(p.stem for p in FOLDER.glob("*.po"))


def _unquote(text: str) -> str:
    body = text.strip()
    if len(body) < 2 or body[0] != '"' or body[-1] != '"':
        raise ValueError(f"not a quoted string: {text!r}")
    out: list[str] = []
    chars = iter(body[1:-1])
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    for ch in chars:
        out.append(escapes.get(next(chars, ""), "") if ch == "\\" else ch)
    return "".join(out)


def parse_po(text: str) -> dict[str, str]:
    """msgid -> msgstr of a ``.po`` file (untranslated entries, with an empty msgstr, left out;
    the header entry too)."""
    entries: dict[str, str] = {}
    field: str | None = None
    current = {"msgid": "", "msgstr": ""}

    def flush() -> None:
        if current["msgid"] and current["msgstr"]:
            entries[current["msgid"]] = current["msgstr"]
        current["msgid"] = current["msgstr"] = ""

    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("msgid "):
            flush()
            field, line = "msgid", line[6:]
        elif line.startswith("msgstr "):
            field, line = "msgstr", line[7:]
        if field is not None:
            current[field] += _unquote(line)
    flush()
    return entries


class Messages:
    """One language's catalogue; ``messages("Total {n}", n=3)`` translates then fills."""

    def __init__(self, language: str, entries: dict[str, str]) -> None:
        self.language = language
        self.entries = entries

    def __call__(self, msgid: str, **fields: Any) -> str:
        text = self.entries.get(msgid, msgid)
        return text.format(**fields) if fields else text


@cache
def messages(language: str) -> Messages:
    """The catalogue of ``language`` (``fr``, ``en``, or a regional form such as ``fr_CA``)."""
    lang = (language or DEFAULT).replace("-", "_")
    for candidate in (lang, lang.split("_", 1)[0]):
        path = FOLDER / f"{candidate}.po"
        if path.is_file():
            return Messages(candidate, parse_po(path.read_text(encoding="utf-8")))
    raise UsageError(
        f"no message catalogue for language '{language}' (available: {', '.join(languages())})"
    )


def study_messages(language: str) -> Messages:
    """The catalogue of a study's language, English when pcrcode has none for it (the
    commands without ``--lang`` must not fail on a language the codebook names)."""
    try:
        return messages(language)
    except UsageError:
        return messages(DEFAULT)
