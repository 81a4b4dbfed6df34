"""Writing REFI-QDA: each interview's ``<TextSource>``, its codings grouped into selections (one
per coder and span, in the order of the text), with their codings and notes (see
:mod:`pcrcode.exchange.refi.export`)."""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from pcrcode.exchange.refi.archive import Spool
from pcrcode.exchange.refi.describe import yaml_text
from pcrcode.exchange.refi.guids import date_to_datetime, guid_of, is_datetime
from pcrcode.exchange.refi.segments import RenderedTurn
from pcrcode.exchange.refi.xml import (
    end_tag,
    escape_attr,
    escape_clean_attr,
    invalid_chars,
    leaf,
    start_tag,
)
from pcrcode.model import Coding, Interview


@dataclass
class Selection:
    coder: str
    segment: int
    start: int  # -1 for None (then the selection is the whole segment)
    end: int
    begin: int  # offsets in the source text
    stop: int
    codings: list[Coding] = field(default_factory=list)


def selections_of(
    interview: Interview,
    turns: list[RenderedTurn],
    codings: list[Coding],
    known: Container[str],
    skipped: list[str],
) -> list[Selection]:
    """The codings of an interview grouped by coder and span, in the order of the text."""
    groups: dict[tuple[str, int, int, int], Selection] = {}
    count = len(turns)
    for c in codings:
        segment, start, end = c.segment, c.start, c.end
        if c.code not in known:
            skipped.append(f"{_where(interview, c)}: the code is not in the codebook")
            continue
        if not 1 <= segment <= count:
            skipped.append(f"{_where(interview, c)}: the interview has {count} segments")
            continue
        turn = turns[segment - 1]
        if start is not None and end is not None:
            if not 0 <= start < end <= len(turn.text):
                skipped.append(
                    f"{_where(interview, c)}: the span {start}-{end} is outside the segment"
                )
                continue
            begin, stop = turn.start + start, turn.start + end
        else:
            begin, stop = turn.start, turn.start + len(turn.text)
        key = (c.coder, segment, -1 if start is None else start, -1 if end is None else end)
        sel = groups.get(key)
        if sel is None:
            sel = groups[key] = Selection(*key, begin, stop)
        sel.codings.append(c)
    return sorted(groups.values(), key=lambda s: (s.begin, s.stop, s.coder))


def _where(interview: Interview, c: Coding) -> str:
    return f"{c.coder}'s coding of {interview.id} segment {c.segment} with {c.code}"


class _Dates:
    """``creationDateTime="..."`` for the dates that may be written as they are, else ``""``.

    Memoised: the codings of a selection, of a file, share their ``at``; the memo is bounded
    (emptied now and then), since repeats are close together."""

    def __init__(self) -> None:
        self.memo: dict[str, str] = {}

    def attr(self, value: str) -> str:
        found = self.memo.get(value)
        if found is None:
            if len(self.memo) > 65536:
                self.memo.clear()
            ok = bool(value) and is_datetime(value)
            found = self.memo[value] = f' creationDateTime="{escape_attr(value)}"' if ok else ""
        return found


class TextSources:
    """Writes each interview's ``<TextSource>``: its selections, their codings, and the
    codings' memos as notes (put aside in a spool: they follow the sources in the document)."""

    def __init__(
        self, users: Mapping[str, str], code_guids: Mapping[str, str], counts: dict[str, int]
    ) -> None:
        self.users, self.code_guids, self.counts = users, code_guids, counts
        self.dates = _Dates()

    def write(
        self,
        out: list[str],
        interview: Interview,
        sguid: str,
        text: str,
        meta: dict[str, Any],
        selections: list[Selection],
        notes: Spool,
    ) -> None:
        iid = interview.id
        head = leaf(
            2,
            "TextSource",
            guid=sguid,
            name=iid,
            plainTextPath=f"internal://{sguid}.txt",
            creationDateTime=date_to_datetime(interview.meta.get("date")) or None,
        )
        if not meta and not selections:
            out.append(head)
            return
        out.append(head[:-3] + ">")  # the same start tag, for an element with children
        if meta:
            out.append(leaf(3, "Description", yaml_text(meta).rstrip("\n")))
        clean = invalid_chars(text)
        users, dated = self.users, self.dates.attr
        code_guids = self.code_guids
        by_code = attrgetter("code")
        note_lines: list[str] = []
        note_guids: set[str] = set()
        codings = 0
        for sel in selections:
            tail = f"{iid}\x1f{sel.coder}\x1f{sel.segment}\x1f{sel.start}\x1f{sel.end}"
            user = users[sel.coder]
            group = sel.codings
            first = ""
            for c in group:
                if (not first or c.at < first) and dated(c.at):
                    first = c.at
            selection = guid_of("selection\x1f" + tail)
            out.append(
                f'\n      <PlainTextSelection guid="{selection}"'
                f' name="{escape_clean_attr(clean[sel.begin : sel.stop])}"'
                f' startPosition="{sel.begin}" endPosition="{sel.stop}"'
                f' creatingUser="{user}"{dated(first) if first else ""}>'
            )
            for c in sorted(group, key=by_code) if len(group) > 1 else group:
                start = -1 if c.start is None else c.start
                end = -1 if c.end is None else c.end
                key = f"{c.coder}\x1f{iid}\x1f{c.segment}\x1f{c.code}\x1f{start}\x1f{end}"
                at = dated(c.at)
                cguid = guid_of("coding\x1f" + key)
                out.append(
                    f'\n        <Coding guid="{cguid}" creatingUser="{user}"{at}>'
                    f'\n          <CodeRef targetGUID="{code_guids[c.code]}" />'
                )
                if c.memo:
                    nguid = guid_of(f"note\x1f{tail}\x1f{c.memo}")
                    out.append(f'\n          <NoteRef targetGUID="{nguid}" />')
                    if nguid not in note_guids:  # a note's key holds the interview's id
                        note_guids.add(nguid)
                        note_lines.append(
                            start_tag(
                                2,
                                "Note",
                                guid=nguid,
                                name=f"{iid} segment {c.segment} ({c.coder})",
                                creatingUser=user,
                            )[:-1]
                            + at
                            + ">"
                        )
                        note_lines.append(leaf(3, "PlainTextContent", c.memo))
                        note_lines.append(end_tag(2, "Note"))
                out.append("\n        </Coding>")
                codings += 1
            out.append("\n      </PlainTextSelection>")
        out.append(end_tag(2, "TextSource"))
        self.counts["selections"] += len(selections)
        self.counts["codings"] += codings
        if note_lines:
            notes.add(sguid, "".join(note_lines).encode())
            self.counts["notes"] += len(note_guids)
