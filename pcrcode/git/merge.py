"""Three-way merges of coding files and memo files by content: git's merge driver.

Git merges text line by line, so two codings added on both sides next to each other conflict,
though they do not contradict each other. Here a coding is a record whose identity is what it
codes (segment, code, span) and whose attributes are what may be edited (memo, date,
fingerprint, partners). The rules:

- a coding added on either side is kept; added on both, it is one coding;
- removed on one side and untouched on the other, it is removed;
- removed on one side and changed on the other, it is a real conflict: the changed coding is
  kept with a ``conflict`` key that ``check`` reports, with the fix (never ``<<<<<<<`` markers);
- a memo edited on one side wins; edited differently on both, both texts are kept, joined by a
  visible separator, and a warning names the coding.

The result is written in pcrcode's canonical order, so it is byte-stable whatever the order of
the sides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pcrcode.errors import FileFormatError, PcrcodeError
from pcrcode.files import atomic
from pcrcode.files import codings as codings_io
from pcrcode.files.diagnostics import Diagnostics
from pcrcode.files.yaml_reading import decode
from pcrcode.model import Coding

# Between two versions of a memo edited on both sides: a Markdown thematic break, visible in
# any viewer, and not a line git or pcrcode would take for a conflict marker.
SEPARATOR = "\n\n* * *\n\n"
# What may change while a coding stays the same coding: its memo, date, fingerprint, partners.
_ATTRIBUTES = ("memo", "at", "fp", "with")
_CODING_PATH_RE = re.compile(r"(?:^|/)codings/([^/]+)/([^/]+)\.ya?ml$")
_HEADER_RE = re.compile(r"^(coder|interview):\s*(\S+)\s*$", re.MULTILINE)

Identity = tuple[tuple[str, Any], ...]


class MergeError(PcrcodeError):
    """A side that cannot be read as a coding file: the merge cannot be made by content."""


@dataclass(frozen=True)
class MergeResult:
    text: str
    conflicts: tuple[str, ...] = ()  # real conflicts: the result needs a human
    warnings: tuple[str, ...] = ()  # merged, but someone should look (memos joined)


def identity(coding: Coding) -> Identity:
    record = codings_io.record(coding)
    return tuple(
        (k, tuple(v) if isinstance(v, list) else v)
        for k, v in sorted(record.items())
        if k not in _ATTRIBUTES
    )


def _describe(coding: Coding) -> str:
    span = "" if coding.start is None else f" [{coding.start}:{coding.end}]"
    return f"segment {coding.segment}, {coding.code}{span}"


def kind_of(name: str, text: str) -> str:
    """'codings' or 'memo': by the path git gives (``%P``), else by the content."""
    if _CODING_PATH_RE.search(name.replace("\\", "/")):
        return "codings"
    if name.endswith(".md") or text.startswith("---"):
        return "memo"
    return "codings"


def coder_and_interview(name: str, *texts: str) -> tuple[str, str]:
    found = _CODING_PATH_RE.search(name.replace("\\", "/"))
    if found:
        return found.group(1), found.group(2)
    for text in texts:
        header = dict(_HEADER_RE.findall(text))
        if "coder" in header and "interview" in header:
            return header["coder"], header["interview"]
    raise MergeError(
        "cannot tell the coder and interview of this coding file: give its path in the project "
        "(git's %P)",
        name or None,
        about="path",
    )


def _side(text: str, name: str, coder: str, interview: str) -> dict[Identity, Coding]:
    path = Path(name or f"codings/{coder}/{interview}.yaml")
    diag = Diagnostics()
    try:
        found = codings_io.parse(text, path, coder, interview, diag) if text.strip() else []
    except FileFormatError as exc:
        raise MergeError(f"cannot merge by content: {exc.message}", path, exc.line) from None
    errors = [f for f in diag.findings if f.severity == "error" and f.rule != "merge-conflict"]
    if errors:
        first = errors[0]
        raise MergeError(
            f"cannot merge by content: {first.message} (line {first.line})", path, first.line
        )
    side: dict[Identity, Coding] = {}
    for coding in found:
        key = identity(coding)
        if key in side:  # a duplicate (a half-resolved conflict): one coding, memos kept
            side[key] = _join_duplicate(side[key], coding)
        else:
            side[key] = coding
    return side


def _join_duplicate(first: Coding, second: Coding) -> Coding:
    memos = [m for m in (first.memo, second.memo) if m]
    memo = SEPARATOR.join(dict.fromkeys(memos))
    return replace(first, memo=memo, at=min(first.at, second.at) or first.at or second.at)


def _three_way(base: Any, ours: Any, theirs: Any) -> tuple[Any, bool]:
    """(value, clash): the side that changed wins; both changed differently is a clash."""
    if ours == theirs or theirs == base:
        return ours, False
    if ours == base:
        return theirs, False
    return ours, True


def _merge_both(base: Coding | None, ours: Coding, theirs: Coding, warnings: list[str]) -> Coding:
    memo, clash = _three_way(base.memo if base else None, ours.memo, theirs.memo)
    if clash:
        memo = SEPARATOR.join(m for m in (ours.memo, theirs.memo) if m)
        warnings.append(
            f"{_describe(ours)}: memo edited on both sides; both kept, separated by '* * *'"
        )
    at, clash = _three_way(base.at if base else None, ours.at, theirs.at)
    if clash:  # coded on both sides independently: the first time it was coded
        at = min(ours.at, theirs.at)
    fp, _ = _three_way(base.fingerprint if base else None, ours.fingerprint, theirs.fingerprint)
    return replace(
        ours, memo=memo, at=at, fingerprint=fp, partners=_merge_partners(base, ours, theirs)
    )


def _merge_partners(base: Coding | None, ours: Coding, theirs: Coding) -> tuple[str, ...]:
    """A partner is kept when both sides have it, or one side added it; removed when one side
    removed it and the other left it."""
    old = set(base.partners) if base else set()
    mine, other = set(ours.partners), set(theirs.partners)
    kept = (mine & other) | (mine - old) | (other - old)
    return tuple(sorted(kept))


def merge_codings(base: str, ours: str, theirs: str, name: str = "") -> MergeResult:
    coder, interview = coder_and_interview(name, ours, theirs, base)
    sides = [_side(t, name, coder, interview) for t in (base, ours, theirs)]
    old, mine, other = sides
    merged: list[tuple[Coding, str]] = []
    conflicts: list[str] = []
    warnings: list[str] = []
    for key in sorted(set(mine) | set(other), key=repr):
        b, o, t = old.get(key), mine.get(key), other.get(key)
        if o is not None and t is not None:
            merged.append((_merge_both(b, o, t, warnings), ""))
            continue
        kept, side, gone = (o, "ours", "theirs") if o is not None else (t, "theirs", "ours")
        assert kept is not None
        if b is None:  # added on one side
            merged.append((kept, ""))
        elif _changed(b, kept):  # removed on one side, changed on the other
            why = f"removed on {gone} side, changed on {side} side"
            conflicts.append(f"{_describe(kept)}: {why}")
            merged.append((kept, why))
        # else: removed on one side, untouched on the other: removed
    return MergeResult(_render(coder, interview, merged), tuple(conflicts), tuple(warnings))


def _changed(before: Coding, after: Coding) -> bool:
    return (before.memo, before.fingerprint, before.partners) != (
        after.memo,
        after.fingerprint,
        after.partners,
    )


def _render(coder: str, interview: str, merged: Iterable[tuple[Coding, str]]) -> str:
    lines = [codings_io.render(coder, interview, []).rstrip("\n")]
    ordered = sorted(
        merged, key=lambda item: (codings_io.sort_key(item[0]), repr(identity(item[0])))
    )
    for coding, conflict in ordered:
        record = codings_io.record(coding)
        if conflict:
            record["conflict"] = conflict
        lines.append(codings_io.record_line(record))
    return "\n".join(lines) + "\n"


def merge_memo(base: str, ours: str, theirs: str, name: str = "") -> MergeResult:
    text, clash = _three_way(base, ours, theirs)
    if not clash:
        return MergeResult(text)
    joined = ours.rstrip("\n") + SEPARATOR + _body(theirs).strip("\n") + "\n"
    where = name or "memo"
    return MergeResult(
        joined, warnings=(f"{where}: edited on both sides; both kept, separated by '* * *'",)
    )


def _body(text: str) -> str:
    """A memo file without its front matter."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end != -1:
            return text[end + 5 :]
    return text


def _read(path: Path) -> str:
    try:
        return decode(path.read_bytes(), path) if path.exists() else ""
    except OSError as exc:
        raise MergeError(f"cannot read: {exc.strerror}", path) from None


def merge_files(base: Path, ours: Path, theirs: Path, name: str = "") -> MergeResult:
    """Merge three versions; the result replaces ``ours`` (git's ``%A``), atomically."""
    old, mine, other = (_read(p) for p in (base, ours, theirs))
    if kind_of(name, mine) == "memo":
        result = merge_memo(old, mine, other, name=name)
    else:
        result = merge_codings(old, mine, other, name=name)
    if result.text != mine:
        atomic.write_text(ours, result.text)
    return result
