"""Surgical edits of ``codebook.yaml`` that keep the researcher's comments and layout.

The codebook is written by people: comments, section headers, blank lines between entries, folded
definitions. Loading it and dumping it back with a YAML library would lose all of that, so the
evolution commands (``codebook rename|merge|move``) edit the text itself: the ``id:`` line of an
entry, its ``aliases:`` line, a ``degree:`` line, and whole entry blocks moved or deleted. Each
entry's place in the text comes from the line-aware loader.

An entry block runs from its ``- `` line to its last line of content; the blank lines and
comments at the list's indentation that follow it belong to the gap before the next entry (a
section header such as ``# --- Logique ---`` stays where it is when an entry is moved away).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pcrcode.errors import ConflictError
from pcrcode.files.yaml_reading import LDict, LList, loads

_SAFE_PLAIN = re.compile(r"^[a-z][a-z0-9_/-]*$")


@dataclass
class Entry:
    """One code entry: its lines (edited in place) and where it stood in the file."""

    id: str
    data: LDict
    start: int  # 0-based index of the entry's first line in the file
    lines: list[str]
    gap: list[str]  # blank lines and comments up to the next entry (or the end of the list)
    dash_indent: int = 0
    deleted: bool = False
    moved_after: str | None = None  # relocate after the entry with this (original) id
    # (original line index, delta): lines after it moved by delta (lines inserted or deleted)
    shifts: list[tuple[int, int]] = field(default_factory=list)


class CodebookText:
    """``codebook.yaml`` as text, its code entries located and editable one by one."""

    def __init__(self, text: str, path: Path) -> None:
        self.path = path
        data = loads(text, path)
        lines = text.split("\n")
        codes = data.get("codes") if isinstance(data, LDict) else None
        if not isinstance(data, LDict) or not isinstance(codes, LList) or not codes:
            raise ConflictError("the codebook has no list of codes to edit", path)
        if codes.line == data.pos("codes")[0]:
            raise ConflictError(
                "'codes' is written as one flow list [...]: write one entry "
                "per '- id:' block to let pcrcode edit it",
                path,
                codes.line,
            )
        starts: list[int] = []
        for index in range(len(codes)):
            line, col = codes.pos(index)
            start = line - 1
            if not lines[start][: col - 1].rstrip().endswith("-"):
                if start > 0 and lines[start - 1].strip() == "-":
                    start -= 1
                else:
                    raise ConflictError("cannot find where this code entry starts", path, line)
            starts.append(start)
        dash_indent = _indent(lines[starts[0]])
        end_of_list = len(lines)
        for j in range(starts[-1] + 1, len(lines)):
            stripped = lines[j].strip()
            if stripped and not stripped.startswith("#") and _indent(lines[j]) <= dash_indent:
                end_of_list = j
                break
        self.head = lines[: starts[0]]
        self.tail = lines[end_of_list:]
        self.entries: list[Entry] = []
        for index, start in enumerate(starts):
            boundary = starts[index + 1] if index + 1 < len(starts) else end_of_list
            end = boundary
            while end - 1 > start and _is_gap(lines[end - 1], dash_indent):
                end -= 1
            entry = codes[index]
            if not isinstance(entry, LDict) or not isinstance(entry.get("id"), str):
                raise ConflictError(
                    "a code entry has no id: fix the codebook first (`pcrcode check`)",
                    path,
                    start + 1,
                )
            self.entries.append(
                Entry(
                    id=entry["id"],
                    data=entry,
                    start=start,
                    lines=lines[start:end],
                    gap=lines[end:boundary],
                    dash_indent=dash_indent,
                )
            )
        self.separated = any(e.gap and not e.gap[0].strip() for e in self.entries[:-1])

    def entry(self, code_id: str) -> Entry:
        for entry in self.entries:
            if entry.id == code_id:
                return entry
        raise ConflictError(f"code '{code_id}' has no entry of its own in the codebook", self.path)

    # --- edits of one entry -------------------------------------------------------------

    def _rel(self, entry: Entry, key: str) -> tuple[int, int]:
        """Where ``key`` is now in the entry's lines: (line index, column), both from 0."""
        line, col = entry.data.pos(key)
        return self._now(entry, line - 1 - entry.start), col - 1

    @staticmethod
    def _now(entry: Entry, original: int) -> int:
        return original + sum(d for at, d in entry.shifts if at < original)

    def set_id(self, entry: Entry, new: str) -> None:
        i, col = self._rel(entry, "id")
        line = entry.lines[i]
        pattern = re.compile(
            r"(id\s*:\s*)(['\"]?)" + re.escape(entry.id) + r"\2(?=\s*(?:#.*)?$|\s*[,}])"
        )
        m = pattern.match(line, col)
        if m is None:
            raise ConflictError(
                f"cannot edit the id of '{entry.id}' automatically: write it on "
                "one line as 'id: ...'",
                self.path,
                entry.start + i + 1,
            )
        value = f"{m.group(2)}{new}{m.group(2)}"
        entry.lines[i] = line[: m.start()] + m.group(1) + value + line[m.end() :]

    def set_aliases(self, entry: Entry, aliases: list[str]) -> None:
        """Replace the entry's ``aliases`` list (added after ``id:`` when it has none)."""
        flow = "[" + ", ".join(_scalar(a) for a in aliases) + "]"
        if "aliases" not in entry.data:
            if not aliases:
                return
            i, col = self._rel(entry, "id")
            line = entry.lines[i]
            if self._is_flow(entry):
                cut = line.rfind("}")
                if (
                    len(entry.lines) == 1
                    and cut >= 0
                    and re.fullmatch(r"\s*(#.*)?", line[cut + 1 :])
                ):
                    entry.lines[i] = line[:cut].rstrip() + f", aliases: {flow}" + line[cut:]
                    return
                raise ConflictError(
                    f"cannot add aliases to '{entry.id}' written as {{...}} on several lines",
                    self.path,
                    entry.start + 1,
                )
            entry.lines.insert(i + 1, " " * col + f"aliases: {flow}")
            entry.shifts.append((entry.data.pos("id")[0] - 1 - entry.start, 1))
            return
        i, col = self._rel(entry, "aliases")
        line = entry.lines[i]
        m = re.compile(r"aliases\s*:[ \t]*").match(line, col)
        if m is None:
            raise ConflictError(
                f"cannot edit the aliases of '{entry.id}'", self.path, entry.start + i + 1
            )
        rest = line[m.end() :]
        value = entry.data.get("aliases")
        if isinstance(value, LList) and value and value.item_pos[0][0] - 1 - entry.start > i:
            # A block list: one "- alias" line per item, rewritten in the same style.
            last_orig = value.item_pos[-1][0] - 1 - entry.start
            first = self._now(entry, value.item_pos[0][0] - 1 - entry.start)
            last = self._now(entry, last_orig)
            prefix = entry.lines[first][: value.item_pos[0][1] - 1]
            if not aliases:
                first = i
            entry.lines[first : last + 1] = [prefix + _scalar(a) for a in aliases]
            entry.shifts.append((last_orig, len(aliases) - (last + 1 - first)))
            return
        if rest.startswith("["):
            close = rest.find("]")
            if close < 0:
                raise ConflictError(
                    f"cannot edit the aliases of '{entry.id}': write them on one line, as [a, b]",
                    self.path,
                    entry.start + i + 1,
                )
            rest = rest[close + 1 :]
        elif rest.strip() and not rest.lstrip().startswith("#"):
            raise ConflictError(
                f"'aliases' of '{entry.id}' must be a list", self.path, entry.start + i + 1
            )
        if not aliases and not line[:col].strip() and not rest.strip():
            del entry.lines[i]
            entry.shifts.append((entry.data.pos("aliases")[0] - 1 - entry.start, -1))
            return
        entry.lines[i] = line[: m.end()] + flow + rest

    def drop_key(self, entry: Entry, key: str) -> None:
        """Delete a one-line scalar key (``degree: 3``) from a block entry."""
        i, col = self._rel(entry, key)
        line = entry.lines[i]
        if self._is_flow(entry):
            new = re.sub(r",?\s*" + key + r"\s*:\s*[^,}]*", "", line, count=1)
            entry.lines[i] = new.replace("{, ", "{")
            return
        if line[:col].strip() or not re.match(rf"\s*{key}\s*:\s*\S+\s*(#.*)?$", line):
            raise ConflictError(
                f"cannot remove '{key}' of '{entry.id}' automatically",
                self.path,
                entry.start + i + 1,
            )
        del entry.lines[i]
        entry.shifts.append((entry.data.pos(key)[0] - 1 - entry.start, -1))

    def _is_flow(self, entry: Entry) -> bool:
        line, col = entry.data.line, entry.data.col
        return entry.lines[line - 1 - entry.start][col - 1 : col] == "{"

    # --- the whole text -----------------------------------------------------------------

    def render(self) -> str:
        sep = [""] if self.separated else []
        moved: dict[str, list[Entry]] = {}
        for entry in self.entries:
            if entry.moved_after is not None:
                moved.setdefault(entry.moved_after, []).append(entry)
        out = list(self.head)
        kept = [e for e in self.entries if not e.deleted and e.moved_after is None]
        for entry in self.entries:
            if entry.deleted or entry.moved_after is not None:
                out.extend(_drop_leading_blanks(entry.gap))
                continue
            out.extend(entry.lines)
            for other in moved.pop(entry.id, []):
                out.extend(sep + other.lines)
            out.extend(entry.gap)
        if moved:  # after an entry that is itself moved or gone: at the end of the list
            last = kept[-1] if kept else None
            extra = [line for group in moved.values() for e in group for line in sep + e.lines]
            if last is None:
                out.extend(extra)
            else:
                cut = len(out) - len(last.gap) if last.gap else len(out)
                out[cut:cut] = extra
        out.extend(self.tail)
        return "\n".join(out)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _is_gap(line: str, dash_indent: int) -> bool:
    stripped = line.strip()
    return not stripped or (stripped.startswith("#") and _indent(line) <= dash_indent)


def _drop_leading_blanks(lines: Iterable[str]) -> list[str]:
    result = list(lines)
    while result and not result[0].strip():
        result.pop(0)
    return result


def _scalar(value: str) -> str:
    if _SAFE_PLAIN.match(value):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
