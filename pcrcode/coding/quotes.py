"""Finding a quote typed by a person in a turn's text.

People type a straight apostrophe where the transcript has ``’``, a plain space where it has a
non-breaking one, an ``e`` where it has ``é``, and the same phrase can occur twice in a long turn.
The text and the quote are both *folded* (typographic quotes and dashes made plain, every kind of
space one space, invisible characters dropped, Unicode forms composed), searched in that form, and
the match is mapped back to offsets in the source text: the stored quote is always the exact text
of the transcript, never what was typed.

Matching goes from strict to loose and the first level that finds the quote decides: folded
punctuation and spaces, then case ignored, then accents ignored.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from pcrcode.errors import UnknownItem, UsageError

# Characters that look alike to a reader but not to ``str.find``.
_PLAIN = {
    "\u2018": "'",  # ‘
    "\u2019": "'",  # ’
    "\u201a": "'",  # ‚
    "\u201b": "'",  # ‛
    "\u02bc": "'",  # ʼ modifier apostrophe
    "\u2032": "'",  # ′
    "\u00b4": "'",  # ´
    "`": "'",
    "\u201c": '"',  # “
    "\u201d": '"',  # ”
    "\u201e": '"',  # „
    "\u00ab": '"',  # «
    "\u00bb": '"',  # »
    "\u2039": '"',  # ‹
    "\u203a": '"',  # ›
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",  # –
    "\u2014": "-",  # —
    "\u2212": "-",
    "\u2026": "...",  # …
}
# Zero-width and soft characters: present in pasted text, invisible, never typed.
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
# French typography puts a space inside guillemets and before ? ! : ; -- people typing don't.
_TIGHT = frozenset('"?!:;')
CONTEXT_WORDS = 4  # words either side of an occurrence in the error that lists them


class AmbiguousQuote(UsageError):
    """A quote found more than once: the message lists the occurrences with some context."""

    def __init__(self, message: str, spans: list[tuple[int, int]]) -> None:
        super().__init__(message)
        self.spans = spans


@dataclass(frozen=True)
class _Folded:
    text: str
    origin: list[int]  # origin[i]: offset in the source of folded character i


def _fold_char(ch: str, level: int) -> str:
    if ch in _INVISIBLE:
        return ""
    if ch.isspace():
        return " "
    ch = _PLAIN.get(ch, ch)
    if level >= 1:
        ch = ch.casefold()
    if level >= 2:
        ch = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    return ch


def _fold(text: str, level: int) -> _Folded:
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold_char(ch, level)
        for f in folded:
            if f == " " and (not out or out[-1] == " " or out[-1] in _TIGHT):
                continue  # runs of spaces are one space; none after a quote mark
            if f in _TIGHT and out and out[-1] == " ":
                out.pop()  # « le local » and "le local", "tout ?" and "tout?" are the same
                origin.pop()
            out.append(f)
            origin.append(i)
    return _Folded("".join(out), origin)


def _occurrences(text: str, quote: str, level: int) -> list[tuple[int, int]]:
    hay = _fold(text, level)
    needle = _fold(unicodedata.normalize("NFC", quote), level).text.strip()
    spans: list[tuple[int, int]] = []
    at = hay.text.find(needle)
    while at >= 0 and needle:
        last = at + len(needle) - 1
        spans.append((hay.origin[at], hay.origin[last] + 1))
        at = hay.text.find(needle, at + len(needle))
    return spans


def occurrences(text: str, quote: str) -> list[tuple[int, int]]:
    """Every (start, end) of ``quote`` in ``text``, at the strictest level that finds any."""
    if not quote.strip() or not _fold(quote, 0).text.strip():
        raise UsageError("the quote is empty")
    for level in (0, 1, 2):
        spans = _occurrences(text, quote, level)
        if spans:
            return spans
    return []


def find_quote(text: str, quote: str, occurrence: int | None = None) -> tuple[int, int]:
    """Offsets of ``quote`` in ``text`` (a turn's NFC text). A quote found more than once needs
    ``occurrence`` (counted from 1); the error lists the occurrences with their context."""
    spans = occurrences(text, quote)
    if not spans:
        raise UnknownItem(f"the quote '{quote}' is not in the segment")
    if occurrence is not None:
        if not 1 <= occurrence <= len(spans):
            raise UsageError(
                f"the quote '{quote}' occurs {len(spans)} time(s) in the segment, "
                f"not {occurrence}: choose an occurrence from 1 to {len(spans)}"
            )
        return spans[occurrence - 1]
    if len(spans) > 1:
        listed = "; ".join(f"{n} {in_context(text, s)}" for n, s in enumerate(spans, 1))
        raise AmbiguousQuote(
            f"the quote '{quote}' occurs {len(spans)} times in the segment: name the "
            f"occurrence or quote a few more words: {listed}",
            spans,
        )
    return spans[0]


def in_context(text: str, span: tuple[int, int], words: int = CONTEXT_WORDS) -> str:
    """``«… a few words [the quote] a few words …»``: one occurrence, told apart from the others."""
    start, end = span
    before = text[:start].split()
    after = text[end:].split()
    left = " ".join(before[-words:])
    right = " ".join(after[:words])
    lead = "…" if len(before) > words else ""
    tail = "…" if len(after) > words else ""
    sep_l = " " if left and text[start - 1 : start].isspace() else ""
    sep_r = " " if right and text[end : end + 1].isspace() else ""
    return f"«{lead}{left}{sep_l}[{text[start:end]}]{sep_r}{right}{tail}»"
