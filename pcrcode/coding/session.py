"""The interactive coding session behind ``pcrcode code``, as a pure object.

:class:`CodingSession` walks one interview turn by turn for one coder. It takes each command as a
string and returns what to show as plain text (already wrapped to the terminal's width); the CLI
only reads lines and prints. Every accepted command is written at once through
:mod:`pcrcode.coding.tagging` (locked, atomic), so quitting, Ctrl-C or a crash loses nothing.

Code references accept prefixes: a reference names the code whose id it is, else the codes whose
id starts with it, else those with a path part (``mut`` -> ``forme/mutualisation``), else a word
of a path part (``sect`` -> both ``portee/...-sectorielle``) starting with it. The first of these
rules that finds codable codes decides; more than one code is ambiguous and lists them.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pcrcode.choices import MemoKind
from pcrcode.errors import PcrcodeError, closest
from pcrcode.files import codings as codings_io
from pcrcode.files.coding_updates import read_for_update
from pcrcode.files.diagnostics import Diagnostics
from pcrcode.model import Code, Codebook, Coding

if TYPE_CHECKING:
    from pcrcode.files.memos import Memo

_QUOTE_RE = re.compile(r"\"([^\"]*)\"|«([^»]*)»|“([^”]*)”")
# At most 18 ASCII digits: int() of thousands of digits raises instead of answering.
_OCCURRENCE_RE = re.compile(r"(?:^|\s)#([0-9]{1,18})\b")
_GOTO_RE = re.compile(r"^(?:g|go|goto)?\s*([0-9]{1,18})$")
HELP = (
    ("CODE [CODE...]", "apply codes: a prefix is enough, Tab completes"),
    ("-CODE", "remove a code"),
    ('CODE "words" [#N]', "code part of the turn (#N: its Nth occurrence)"),
    ("m TEXT", "memo on the last coding(s), or on the segment when it has none"),
    ("Enter or n, p", "next, previous segment"),
    ("g N", "go to segment N"),
    ("s", "show the segment again"),
    ("? [CODE|FAMILY]", "the codebook, one code's full entry, one family"),
    ("q", "quit (Ctrl-D too); every command is saved at once"),
)


@dataclass(frozen=True)
class Reply:
    """What to show after a command; ``done`` ends the session."""

    text: str
    done: bool = False


@dataclass(frozen=True)
class Resolution:
    code: Code | None
    message: str = ""


@dataclass
class _Stats:
    added: int = 0
    removed: int = 0
    memos: int = 0
    last: tuple[int, list[str]] = field(default_factory=lambda: (0, []))


def _parts(code_id: str) -> list[str]:
    return code_id.split("/")


def match_codes(codebook: Codebook, ref: str, pool: list[Code] | None = None) -> list[Code]:
    """Every code ``ref`` may name, by the first rule that finds some (see the module doc);
    codable codes only when the rule finds any."""
    key = ref.strip().strip("/").casefold()
    codes = pool if pool is not None else list(codebook.codes.values())
    if not key:
        return []
    if key in codebook.aliases:
        key = codebook.aliases[key]
    rules = (
        lambda c: c.id == key,
        lambda c: c.id.startswith(key),
        lambda c: _parts_match(_parts(c.id), key.split("/")),
        lambda c: (
            "/" not in key and any(w.startswith(key) for p in _parts(c.id) for w in p.split("-"))
        ),
    )
    for rule in rules:
        found = [c for c in codes if rule(c)]
        if found:
            usable = [c for c in found if c.codable]
            return usable or found
    return []


def _parts_match(parts: list[str], wanted: list[str]) -> bool:
    """Each wanted part is a prefix of consecutive parts of the id."""
    for offset in range(len(parts) - len(wanted) + 1):
        if all(parts[offset + i].startswith(w) for i, w in enumerate(wanted)):
            return True
    return False


def resolve_ref(codebook: Codebook, ref: str, pool: list[Code] | None = None) -> Resolution:
    """The one code ``ref`` names, or a one-line message: unknown (with the closest ids),
    ambiguous (with the candidates), or not codable (with its children)."""
    found = match_codes(codebook, ref, pool)
    if len(found) == 1 and found[0].codable:
        return Resolution(found[0])
    if len(found) > 1:
        return Resolution(None, f"'{ref}' is ambiguous: {', '.join(c.id for c in found)}")
    if found:
        kids = ", ".join(c.id for c in codebook.children(found[0].id) if c.codable)
        return Resolution(None, f"'{found[0].id}' groups other codes: use {kids or 'a child'}")
    return Resolution(None, f"unknown code '{ref}'{_closest_hint(codebook, ref)}")


def _closest_hint(codebook: Codebook, ref: str) -> str:
    key = ref.strip().casefold()
    by_leaf: dict[str, list[str]] = {}
    for c in codebook.codes.values():
        if c.codable:
            by_leaf.setdefault(_parts(c.id)[-1], []).append(c.id)
    near = closest(key, [c.id for c in codebook.codes.values() if c.codable], n=3)
    for leaf in closest(key, by_leaf, n=3):
        near.extend(by_leaf[leaf])
    near = list(dict.fromkeys(near))[:3]
    if near:
        return f"; closest: {', '.join(near)}"
    return "; type ? to list the codes"


def wrap(text: str, width: int, indent: str = "", first: str | None = None) -> str:
    """Wrap each paragraph of ``text`` to ``width``; blank lines between paragraphs stay."""
    out = []
    for i, para in enumerate(text.split("\n\n")):
        lead = indent if (i or first is None) else first
        out.append(
            textwrap.fill(
                " ".join(para.split()),
                width=width,
                initial_indent=lead,
                subsequent_indent=indent,
                break_long_words=True,
                break_on_hyphens=False,
            )
            or lead.rstrip()
        )
    return "\n\n".join(out)


class CodingSession:
    """One coder walking one interview. Build it, show :meth:`opening`, then feed each line
    typed to :meth:`handle` and show the reply's text."""

    def __init__(
        self, root: Path, interview_id: str, coder: str, start: int = 1, width: int = 80
    ) -> None:
        from pcrcode.files.codebook import load_codebook
        from pcrcode.files.coder_names import valid_coder_name
        from pcrcode.files.transcripts import load_interview

        self.root = root
        self.coder = valid_coder_name(coder)
        self.codebook = load_codebook(root, Diagnostics(root))
        self.interview = load_interview(root, interview_id, Diagnostics(root))
        if not self.interview.turns:
            raise PcrcodeError("the transcript has no turns to code", self.interview.path)
        self.number = self.interview.turn(start).number
        self.width = max(40, width)
        self.stats = _Stats()
        self.codings: list[Coding] = []
        self._reload()

    # -- state -------------------------------------------------------------------------------

    @property
    def count(self) -> int:
        return len(self.interview.turns)

    def _reload(self) -> None:
        path = codings_io.coding_path(self.root, self.coder, self.interview.id)
        self.codings = read_for_update(self.root, path, "coding")

    def applied(self, number: int | None = None) -> list[Coding]:
        """This coder's codings of a segment (the current one by default)."""
        n = self.number if number is None else number
        return sorted(
            (c for c in self.codings if c.segment == n), key=lambda c: (c.code, c.start or -1)
        )

    def prompt(self) -> str:
        return f"{self.number}/{self.count}> "

    # -- what to show ------------------------------------------------------------------------

    def opening(self) -> str:
        i = self.interview
        head = f"{i.id}" + (f" · {i.date}" if i.date else "") + f" · {self.count} segments"
        head += f" · coder {self.coder}"
        hint = (
            "Type a code (a prefix is enough, Tab completes), -CODE to remove, m TEXT for a "
            "memo, Enter for the next segment, ? for help, q to quit. Everything is saved "
            "at once."
        )
        return f"{head}\n{wrap(hint, self.width)}\n\n{self.show_turn()}"

    def show_turn(self, number: int | None = None) -> str:
        turn = self.interview.turn(self.number if number is None else number)
        label = f"── {turn.number}/{self.count} · {turn.speaker} "
        lines = [label + "─" * max(3, self.width - len(label)), wrap(turn.text, self.width)]
        lines.append(self.codes_text(turn.number))
        return "\n".join(lines)

    def codes_text(self, number: int | None = None) -> str:
        n = self.number if number is None else number
        applied = self.applied(n)
        lines = []
        if not applied:
            lines.append(f"  ({self.coder}: no code yet)")
        for c in applied:
            label = self.codebook.codes[c.code].label if c.code in self.codebook.codes else "?"
            entry = f"✓ {c.code} ({label})"
            if c.quote:
                entry += f" «{c.quote}»"
            lines.append(wrap(entry, self.width, indent="      ", first="  "))
            if c.memo:
                lines.append(wrap(c.memo, self.width, indent="      ", first="    memo: "))
        for memo in self._segment_memos(n):
            lines.append(
                wrap(memo.text, self.width, indent="      ", first=f"  note ({memo.author}): ")
            )
        return "\n".join(lines)

    def _segment_memos(self, number: int) -> list[Memo]:
        from pcrcode.files.memos import memos_for

        return [
            m
            for m in memos_for(self.root, MemoKind.interview, self.interview.id)
            if m.segment == number
        ]

    def help_text(self, arg: str = "") -> str:
        arg = arg.strip()
        if not arg:
            lines = ["Commands:"]
            lines += [
                wrap(what, self.width, indent=" " * 22, first=f"  {cmd:<20}") for cmd, what in HELP
            ]
            return "\n".join(lines) + "\n\n" + self.codebook_text()
        if arg in self.codebook.families:
            return self.codebook_text(arg)
        res = resolve_ref(self.codebook, arg)
        found = match_codes(self.codebook, arg)
        code = res.code or (found[0] if len(found) == 1 else None)
        if code is None:
            return f"! {res.message}"
        return self.code_entry(code)

    def codebook_text(self, family: str | None = None) -> str:
        out = []
        for fid, fam in self.codebook.families.items():
            if family is not None and fid != family:
                continue
            flags = [w for w, on in (("ordered", fam.ordered), ("exclusive", fam.exclusive)) if on]
            out.append(f"{fid}: {fam.label}" + (f" ({', '.join(flags)})" if flags else ""))
            codes = self.codebook.family_codes(fid)
            pad = min(max((len(c.id) for c in codes), default=0), 34)
            for c in codes:
                short = c.short if c.codable else f"[groups its children] {c.short}"
                first = f"  {c.id:<{pad}}  "
                if len(first) > pad + 4:
                    out.append(first.rstrip())
                    first = " " * (pad + 4)
                out.append(wrap(short or c.label, self.width, indent=" " * (pad + 4), first=first))
        return "\n".join(out)

    def code_entry(self, code: Code) -> str:
        head = f"{code.id} — {code.label} ({code.family}"
        head += f", degree {code.degree})" if code.degree is not None else ")"
        if not code.codable:
            head += " [not codable: use a child]"
        out = [wrap(head, self.width, indent="    ", first="")]
        for title, text in (
            ("Short", code.short),
            ("Definition", code.definition),
            ("When to use", code.when_to_use),
            ("When not to use", code.when_not_to_use),
            ("Example", code.example),
        ):
            if text:
                out.append(wrap(text, self.width, indent="    ", first=f"  {title}: "))
        return "\n".join(out)

    # -- commands ----------------------------------------------------------------------------

    def handle(self, line: str) -> Reply:
        """Run one command line and say what happened."""
        try:
            return self._dispatch(line.strip())
        except PcrcodeError as exc:
            return Reply(f"! {exc.message}")

    def _dispatch(self, line: str) -> Reply:
        word, _, rest = line.partition(" ")
        low = word.casefold()
        if low in ("", "n", "next"):
            return self._go(self.number + 1)
        if low in ("p", "prev", "previous"):
            return self._go(self.number - 1)
        if low in ("q", "quit", "exit"):
            return Reply(self.summary(), done=True)
        if low in ("?", "h", "help"):
            return Reply(self.help_text(rest))
        if low.startswith("?") and len(low) > 1:
            return Reply(self.help_text(line[1:]))
        if low in ("s", "show"):
            return Reply(self.show_turn())
        if low in ("m", "memo"):
            return self._memo(rest)
        goto = _GOTO_RE.match(line)
        if goto:
            return self._go(int(goto.group(1)), explicit=True)
        if low in ("g", "go", "goto"):
            return Reply(f"! go where? write g N, N from 1 to {self.count}")
        return self._codes(line)

    def _go(self, number: int, explicit: bool = False) -> Reply:
        if number < 1:
            return Reply("! this is the first segment: n goes forward, g N jumps")
        if number > self.count:
            if explicit:
                return Reply(f"! the interview has segments 1-{self.count}, not {number}")
            return Reply(
                f"end of the interview ({self.count}/{self.count}): p goes back, g N jumps, q quits"
            )
        self.number = number
        return Reply(self.show_turn())

    def _codes(self, line: str) -> Reply:
        from pcrcode.coding.tagging import tag, untag

        line, quote, occurrence = _take_quote(line)
        adds, removes, problems = self._read_codes(line)
        self._check_quote(quote, occurrence, adds, problems)
        if not (adds or removes or problems):
            return Reply("! nothing to do: type a code, or ? for help")
        if problems:
            return Reply("\n".join(f"! {p}" for p in problems) + "\n  (nothing saved)")
        out = []
        if removes:
            result = untag(self.root, self.interview.id, [self.number], removes, self.coder)
            self.stats.removed += len(result.removed)
            out += [f"- {c.code}" + (f" «{c.quote}»" if c.quote else "") for c in result.removed]
        if adds:
            result = tag(
                self.root,
                self.interview.id,
                [self.number],
                adds,
                self.coder,
                quote=quote,
                occurrence=occurrence,
            )
            self.stats.added += len(result.added)
            self.stats.last = (self.number, adds)
            out += [f"+ {c.code}" + (f" «{c.quote}»" if c.quote else "") for c in result.added]
            out += [f"= {c.code} (already applied)" for c in result.unchanged]
        self._reload()
        return Reply("\n".join(out) + "\n" + self.codes_text())

    def _read_codes(self, line: str) -> tuple[list[str], list[str], list[str]]:
        """The codes ``line`` adds and removes (``-CODE``), and what is wrong with it."""
        adds: list[str] = []
        removes: list[str] = []
        problems: list[str] = []
        applied_codes = [
            self.codebook.codes[c.code] for c in self.applied() if c.code in self.codebook.codes
        ]
        for token in re.split(r"[\s,]+", line.strip()):
            if not token:
                continue
            if token.startswith("-"):
                res, wanted = self._removal(token[1:], applied_codes), removes
            else:
                res, wanted = resolve_ref(self.codebook, token.lstrip("+")), adds
            if res.code is None:
                problems.append(res.message)
            elif res.code.id not in wanted:
                wanted.append(res.code.id)
        return adds, removes, problems

    def _removal(self, ref: str, applied_codes: list[Code]) -> Resolution:
        """The applied code that ``ref`` names: a known code that is not applied to this segment
        is said so."""
        mine = list(dict.fromkeys(applied_codes))
        res = resolve_ref(self.codebook, ref, mine)
        if res.code is None and len(match_codes(self.codebook, ref, mine)) < 2:
            res = resolve_ref(self.codebook, ref)
            if res.code is not None:
                res = Resolution(None, f"{res.code.id} is not applied to this segment")
        return res

    def _check_quote(
        self, quote: str | None, occurrence: int | None, adds: list[str], problems: list[str]
    ) -> None:
        """A quote needs codes to apply, and its words in the segment (added to ``problems``)."""
        from pcrcode.coding.tagging import find_span

        if quote is None:
            return
        if not adds:
            problems.append('name the code(s) for the quote: CODE "exact words"')
        elif not problems:
            try:
                find_span(self.interview.turn(self.number).text, quote, occurrence)
            except PcrcodeError as exc:
                problems.append(exc.message)

    def _memo(self, text: str) -> Reply:
        from pcrcode.files.memos import add_memo, annotate_codings

        if not text.strip():
            return Reply("! write the memo after m: m TEXT")
        applied = self.applied()
        if not applied:
            memo = add_memo(
                self.root,
                MemoKind.interview,
                f"{self.interview.id}:{self.number}",
                self.coder,
                text,
            )
            self.stats.memos += 1
            where = memo.path.relative_to(self.root).as_posix() if memo.path else ""
            return Reply(f"memo on segment {self.number} saved ({where})\n" + self.codes_text())
        last_turn, last_codes = self.stats.last
        have = {c.code for c in applied}
        codes = [c for c in last_codes if c in have] if last_turn == self.number else []
        changed = annotate_codings(
            self.root, self.coder, self.interview.id, self.number, codes or sorted(have), text
        )
        self.stats.memos += 1
        self._reload()
        names = ", ".join(dict.fromkeys(c.code for c in changed))
        return Reply(f"memo on {names} saved\n" + self.codes_text())

    def summary(self) -> str:
        s = self.stats
        return (
            f"{self.coder} on {self.interview.id}: {s.added} coding(s) added, {s.removed} "
            f"removed, {s.memos} memo(s); all saved."
        )

    # -- completion --------------------------------------------------------------------------

    def complete(self, text: str) -> list[str]:
        """Completions of the word being typed: code ids (``-`` kept for removals)."""
        sign = "-" if text.startswith("-") else ("+" if text.startswith("+") else "")
        body = text[len(sign) :].casefold()
        if sign == "-":
            pool = list(
                dict.fromkeys(
                    self.codebook.codes[c.code]
                    for c in self.applied()
                    if c.code in self.codebook.codes
                )
            )
        else:
            pool = [c for c in self.codebook.codes.values() if c.codable]
        ids = [c.id for c in pool if c.id.startswith(body)]
        if not ids and body:
            ids = [c.id for c in match_codes(self.codebook, body, pool)]
        return [sign + i for i in ids]


def _take_quote(line: str) -> tuple[str, str | None, int | None]:
    """``line`` without its quoted words (``CODE "words"``) and their occurrence (``#2``: the
    second one in the segment), and those two."""
    m = _QUOTE_RE.search(line)
    if not m:
        return line, None, None
    quote = next(g for g in m.groups() if g is not None)
    line = line[: m.start()] + " " + line[m.end() :]
    nth = _OCCURRENCE_RE.search(line)
    if not nth:
        return line, quote, None
    return line[: nth.start()] + " " + line[nth.end() :], quote, int(nth.group(1))
