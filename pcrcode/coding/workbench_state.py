"""The coding workbench's state, as a pure object: what ``pcrcode code`` shows full-screen.

:class:`Workbench` holds one coder on one interview: the current turn, a selection inside it (by
sentence or by word), the coder's codings (and another coder's, to compare), and the history of
changes for undo and redo. Every change is saved at once through
:func:`pcrcode.coding.edits.replace_codings` (locked, atomic, refused when the file changed
meanwhile); the Textual app only draws this object and forwards keys to it.

Methods return a one-line message for the status bar; errors are :class:`PcrcodeError` whose
message the app shows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pcrcode.coding.edits import replace_codings
from pcrcode.errors import PcrcodeError, UsageError, whole_number
from pcrcode.files import codings as codings_io
from pcrcode.files.diagnostics import Diagnostics
from pcrcode.model import Code, Codebook, Coding, Interview

_SENTENCE_END = re.compile(r"[.!?…]+[\"»”)\]]*(?=\s|$)")
_WORD = re.compile(r"\w[\w'’-]*")
HISTORY = 500  # changes kept for undo in one session


@dataclass(frozen=True)
class Change:
    """One saved change of one coder's codings: undone by writing ``before`` back."""

    coder: str
    before: tuple[Coding, ...]
    after: tuple[Coding, ...]
    what: str


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``: up to . ! ? or … (closing quotes included)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        following = text[m.end() :].lstrip()
        if following and following[0].islower():
            continue  # "Ben... avec beaucoup": a pause, not the end of a sentence
        spans.append((start, m.end()))
        start = m.end()
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        piece = text[a:b]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece.rstrip())
        if piece.strip():
            out.append((a + lead, a + trail))
    return out


def words(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _WORD.finditer(text)]


def label_match(codebook: Codebook, ref: str) -> list[Code]:
    """Codable codes whose label has a word starting with each word of ``ref``."""
    wanted = _plain(ref).split()
    found = []
    for code in codebook.codes.values():
        label_words = re.findall(r"\w+", _plain(code.label))
        if code.codable and all(any(w.startswith(x) for w in label_words) for x in wanted):
            found.append(code)
    return found


class Workbench:
    """One coder on one interview; ``compare`` another coder's codings; ``into`` the coder that
    receives accepted codings during adjudication."""

    def __init__(
        self,
        root: Path,
        interview_id: str,
        coder: str,
        *,
        compare: str | None = None,
        into: str | None = None,
        skip_speakers: Sequence[str] = (),
        start: int = 1,
    ) -> None:
        from pcrcode.files.codebook import load_codebook
        from pcrcode.files.coder_names import valid_coder_name as check_coder
        from pcrcode.files.transcripts import load_interview

        self.root = root
        self.coder = check_coder(coder)
        self.compare = check_coder(compare) if compare else None
        self.into = check_coder(into) if into else None
        if self.into and not self.compare:
            message = "adjudication needs two coders: name the one to compare with too"
            raise UsageError(message, about="adjudication")
        self.codebook = load_codebook(root, Diagnostics(root))
        self.interview: Interview = load_interview(root, interview_id, Diagnostics(root))
        if not self.interview.turns:
            raise PcrcodeError("the transcript has no turns to code", self.interview.path)
        self.number = self.interview.turn(start).number
        self.selection: tuple[int, int] | None = None
        self.skip = set(skip_speakers) | _interviewers(self.interview)
        self.skipped_speakers = _speakers_named(self.interview, self.skip)
        self.skipping = bool(self.skipped_speakers)
        self.search_text = ""
        self.undone: list[Change] = []
        self.history: list[Change] = []
        self.codings: dict[str, list[Coding]] = {}
        self.touched: set[int] = set()  # turns whose codings changed since the app last drew
        for who in (self.coder, self.compare, self.into):
            if who:
                self.codings[who] = self._read(who)

    # -- reading ------------------------------------------------------------------------------

    def _read(self, coder: str) -> list[Coding]:
        from pcrcode.files.coding_updates import read_for_update

        path = codings_io.coding_path(self.root, coder, self.interview.id)
        return read_for_update(self.root, path, "coding")

    @property
    def count(self) -> int:
        return len(self.interview.turns)

    @property
    def text(self) -> str:
        return self.interview.turns[self.number - 1].text

    def applied(self, number: int | None = None, coder: str | None = None) -> list[Coding]:
        n = self.number if number is None else number
        return sorted(
            (c for c in self.codings.get(coder or self.coder, []) if c.segment == n),
            key=lambda c: (c.start if c.start is not None else -1, c.code),
        )

    def coded_turns(self, coder: str | None = None) -> set[int]:
        return {c.segment for c in self.codings.get(coder or self.coder, [])}

    def counts(self) -> dict[str, int]:
        """Codings of each code (and, summed, of its ancestors) by the coder."""
        out: dict[str, int] = {}
        for c in self.codings.get(self.coder, []):
            parts = c.code.split("/")
            for i in range(1, len(parts) + 1):
                key = "/".join(parts[:i])
                out[key] = out.get(key, 0) + 1
        return out

    def status(self) -> str:
        coded = len(self.coded_turns())
        shown = ", ".join(sorted(self.skipped_speakers))
        skip = f" · skip {shown}" if self.skipping and shown else ""
        compare = f" · vs {self.compare}" if self.compare else ""
        into = f" → {self.into}" if self.into else ""
        return (
            f"{self.coder} · turn {self.number}/{self.count} · {coded}/{self.count} coded · "
            f"saved{compare}{into}{skip}"
        )

    # -- moving -------------------------------------------------------------------------------

    def _skipped(self, number: int) -> bool:
        return self.skipping and self.interview.turns[number - 1].speaker in self.skipped_speakers

    def go(self, number: int) -> str:
        if not 1 <= number <= self.count:
            raise UsageError(f"the interview has turns 1-{self.count}, not {number}")
        if number != self.number:
            self.selection = None
        self.number = number
        return f"turn {number}"

    def step(self, delta: int) -> str:
        n = self.number + delta
        while 1 <= n <= self.count and self._skipped(n):
            n += delta
        if not 1 <= n <= self.count:
            return "first turn" if delta < 0 else "last turn"
        return self.go(n)

    def _next(self, test: str, wanted: object, *, back: bool = False) -> str:
        order = range(self.number - 1, 0, -1) if back else range(self.number + 1, self.count + 1)
        for n in [*order, *(range(self.count, self.number, -1) if back else range(1, self.number))]:
            if not self._skipped(n) and self._matches(n, test, wanted):
                return self.go(n)
        raise UsageError(f"no other turn {test} {wanted}".rstrip())

    def _matches(self, n: int, test: str, wanted: object) -> bool:
        from pcrcode.coding.quotes import occurrences

        if test == "uncoded":
            return n not in self.coded_turns()
        if test == "coded with":
            code = str(wanted)
            return any(c.code == code or c.code.startswith(code + "/") for c in self.applied(n))
        if test == "containing":
            return bool(occurrences(self.interview.turns[n - 1].text, str(wanted)))
        return n in self.disagreements()

    def next_uncoded(self) -> str:
        return self._next("uncoded", "")

    def next_with_code(self, ref: str) -> str:
        wanted = ref if ref in self.codebook.families else self.resolve(ref, codable=False).id
        return self._next("coded with", wanted)

    def search(self, text: str, back: bool = False) -> str:
        text = text or self.search_text
        if not text.strip():
            raise UsageError("search for what? type / then words")
        self.search_text = text
        message = self._next("containing", text, back=back)
        from pcrcode.coding.quotes import occurrences

        self.selection = occurrences(self.text, text)[0]
        return message

    def toggle_skipping(self) -> str:
        if not self.skipped_speakers:
            raise UsageError(
                "no speaker is marked as interviewer (interviewer: NAME in the front matter): "
                "name the speakers to skip",
                about="skip_speaker",
            )
        self.skipping = not self.skipping
        shown = ", ".join(sorted(self.skipped_speakers))
        return ("skipping " if self.skipping else "showing ") + shown

    # -- selecting ----------------------------------------------------------------------------

    def _units(self, unit: str) -> list[tuple[int, int]]:
        return sentences(self.text) if unit == "sentence" else words(self.text)

    def select(self, unit: str, delta: int = 1) -> str:
        """Select the next (``delta`` 1) or previous (-1) sentence or word of the turn."""
        units = self._units(unit)
        if not units:
            raise UsageError("the turn has no words to select")
        if self.selection is None:
            i = 0 if delta > 0 else len(units) - 1
        else:
            pos = self.selection[1] if delta > 0 else self.selection[0]
            later = [k for k, (a, _) in enumerate(units) if a >= pos]
            earlier = [k for k, (_, b) in enumerate(units) if b <= pos]
            i = (
                (later[0] if later else len(units) - 1)
                if delta > 0
                else (earlier[-1] if earlier else 0)
            )
        self.selection = units[i]
        return self._said()

    def extend(self, unit: str, delta: int = 1) -> str:
        """Grow (``delta`` 1) or shrink (-1) the selection by one sentence or word at its end."""
        if self.selection is None:
            return self.select(unit, delta)
        start, end = self.selection
        units = self._units(unit)
        if delta > 0:
            after = [b for a, b in units if b > end]
            end = after[0] if after else end
        else:
            before = [b for _, b in units if start < b < end]
            end = before[-1] if before else end
        self.selection = (start, end)
        return self._said()

    def clear_selection(self) -> str:
        self.selection = None
        return "whole turn"

    def _said(self) -> str:
        assert self.selection is not None
        a, b = self.selection
        quote = " ".join(self.text[a:b].split())
        return f"selected «{quote if len(quote) <= 60 else quote[:59] + '…'}»"

    # -- changing -----------------------------------------------------------------------------

    def resolve(self, ref: str, codable: bool = True) -> Code:
        from pcrcode.coding.session import match_codes, resolve_ref

        res = resolve_ref(self.codebook, ref)
        if res.code is not None:
            return res.code
        if not codable:
            found = match_codes(self.codebook, ref)
            if len(found) == 1:
                return found[0]
        by_label = label_match(self.codebook, ref)
        if len(by_label) == 1:
            return by_label[0]
        if len(by_label) > 1 and not match_codes(self.codebook, ref):
            raise UsageError(f"'{ref}' is ambiguous: {', '.join(c.id for c in by_label[:6])}")
        raise UsageError(res.message)

    def _write(self, coder: str, expected: Sequence[Coding], new: Sequence[Coding]) -> None:
        replace_codings(self.root, coder, self.interview, expected, new)
        self.codings[coder] = list(new)
        changed = set(expected) ^ set(new)
        self.touched |= {c.segment for c in changed}

    def _save(self, coder: str, new: list[Coding], what: str) -> str:
        before = tuple(self.codings[coder])
        self._write(coder, before, new)
        self.history.append(Change(coder, before, tuple(new), what))
        del self.history[:-HISTORY]
        self.undone.clear()
        return what

    def apply(self, refs: Sequence[str]) -> str:
        """Apply codes to the selection, else to the whole turn."""
        from pcrcode.files.codings import now

        codes = list(dict.fromkeys(self.resolve(r) for r in refs))
        turn = self.interview.turns[self.number - 1]
        start, end = self.selection or (None, None)
        quote = turn.text[start:end] if start is not None else ""
        have = {c.key for c in self.codings[self.coder]}
        stamp = now()
        new = [
            Coding(
                self.interview.id,
                self.number,
                c.id,
                self.coder,
                stamp,
                turn.fingerprint,
                start=start,
                end=end,
                quote=quote,
            )
            for c in codes
        ]
        added = [c for c in new if c.key not in have]
        if not added:
            return "already applied: nothing changed"
        where = f"«{_short(quote)}»" if quote else f"turn {self.number}"
        return self._save(
            self.coder,
            self.codings[self.coder] + added,
            "+ " + ", ".join(c.code for c in added) + f" on {where}",
        )

    def remove(self, ref: str) -> str:
        """Remove a code from the selection's span, else from the whole turn (not its spans)."""
        mine = self.applied()
        code = self.resolve(ref, codable=False)
        start, end = self.selection or (None, None)
        gone = [c for c in mine if c.code == code.id and (c.start, c.end) == (start, end)]
        if not gone:
            spans = [c for c in mine if c.code == code.id]
            hint = " (it is on a span: select it first)" if spans else ""
            raise UsageError(f"{code.id} is not applied here{hint}")
        keys = {c.key for c in gone}
        kept = [c for c in self.codings[self.coder] if c.key not in keys]
        return self._save(self.coder, kept, f"- {code.id}")

    def memo(self, text: str) -> str:
        """A memo on the codings of the selection or turn (appended to theirs)."""
        from pcrcode.files.memos import clean_text

        body = clean_text(text)
        if not body:
            raise UsageError("write the memo after m: m TEXT")
        start, end = self.selection or (None, None)
        targets = {
            c.key
            for c in self.applied()
            if self.selection is None or (c.start, c.end) == (start, end)
        }
        if not targets:
            raise UsageError("code the turn (or the selection) first: a memo goes on codings")
        new = [
            replace(c, memo=f"{c.memo}\n\n{body}" if c.memo else body) if c.key in targets else c
            for c in self.codings[self.coder]
        ]
        return self._save(self.coder, new, f"memo on {len(targets)} coding(s)")

    def undo(self) -> str:
        if not self.history:
            raise UsageError("nothing to undo in this session")
        change = self.history[-1]
        self._write(change.coder, change.after, change.before)
        self.undone.append(self.history.pop())
        return f"undone: {change.what}"

    def redo(self) -> str:
        if not self.undone:
            raise UsageError("nothing to redo")
        change = self.undone[-1]
        self._write(change.coder, change.before, change.after)
        self.history.append(self.undone.pop())
        return f"redone: {change.what}"

    # -- comparing and adjudicating -----------------------------------------------------------

    def disagreements(self) -> list[int]:
        """Turns where the coder and the compared coder applied different codes."""
        if not self.compare:
            return []
        out = []
        for n in range(1, self.count + 1):
            mine = {c.code for c in self.applied(n)}
            theirs = {c.code for c in self.applied(n, self.compare)}
            if mine != theirs:
                out.append(n)
        return out

    def next_disagreement(self) -> str:
        if not self.compare:
            raise UsageError("compare with another coder first", about="compare")
        return self._next("where coders differ", "")

    def accept(self, side: str) -> str:
        """Copy one coder's codings of the turn into the consensus coder (``into``)."""
        if not self.into or not self.compare:
            raise UsageError(
                "adjudication needs a coder to compare with and a coder for the consensus",
                about="adjudication",
            )
        source = self.coder if side == "mine" else self.compare
        others = [c for c in self.codings[self.into] if c.segment != self.number]
        copied = [
            replace(c, coder=self.into, path=None, line=0) for c in self.applied(coder=source)
        ]
        return self._save(
            self.into, others + copied, f"{self.into} ← {source} on turn {self.number}"
        )

    # -- the command bar ----------------------------------------------------------------------

    def command(self, line: str) -> tuple[str, bool]:
        """Run one line of the command bar; returns (message, quit)."""
        line = line.strip()
        word, _, rest = line.partition(" ")
        low = word.casefold()
        if low in ("q", "quit", "exit"):
            return "quit", True
        if line.startswith("/"):
            return self.search(line[1:].strip()), False
        if line.startswith(">"):
            return self.next_with_code(line[1:].strip()), False
        if low in ("m", "memo"):
            return self.memo(rest), False
        number = whole_number(rest.strip() if low in ("g", "go") else line)  # `g 12` or `12`
        if number is not None:
            return self.go(number), False
        if not line:
            return "", False
        if line.startswith("-"):
            return self.remove(line[1:].strip()), False
        refs = [r for r in re.split(r"[\s,]+", line) if r]
        if len(refs) > 1 and "," not in line:
            try:  # a few words of a label name one code
                return self.apply([self.resolve(line).id]), False
            except UsageError:
                pass
        return self.apply(refs), False


def _plain(text: str) -> str:
    """Casefolded, without accents: labels are matched as people type them."""
    import unicodedata

    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _short(text: str, width: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _speakers_named(interview: Interview, names: set[str]) -> set[str]:
    """The speakers that ``names`` designate: a speaker named in full (``Camille Arnaud``) or by
    the first name transcripts use (``Camille``)."""
    wanted = {n.casefold() for n in names} | {n.split()[0].casefold() for n in names if n.split()}
    return {t.speaker for t in interview.turns if t.speaker.casefold() in wanted}


def _interviewers(interview: Interview) -> set[str]:
    """Speakers marked as interviewer in the front matter: ``interviewer: NAME`` or a list."""
    value = interview.meta.get("interviewer", interview.interviewer)
    if isinstance(value, str):
        return {value} if value.strip() else set()
    if isinstance(value, list):
        return {str(v) for v in value if str(v).strip()}
    return set()
