"""Memos: what a researcher thinks about a code, an interview, a structure or a single coding.

Memos on codes, interviews and structures are plain Markdown files, one file per memo:
``memos/<kind>/<target>/<date>-<author>.md`` (a code id is a path, so a code's memos sit in
``memos/code/forme/mutualisation/``). Each file starts with a small front matter (kind, target,
author, date and, for a memo on one segment of an interview, segment). One file per memo, never
an appended section, because two researchers writing memos on the same code at the same time then
add two files, which git merges without a conflict. The folder is what counts (like the coder
folders of ``codings/``); the front matter repeats it as a guard, and ``check`` reports the
difference.

Memos on single codings are the coding's own ``memo`` field in ``codings/<coder>/<interview>.yaml``
(what ``pcrcode tag --memo`` writes): they travel with the coding when it is renamed or reanchored,
which a separate file keyed by segment and code would not. ``memo add coding`` appends a paragraph
to that field.
"""

from __future__ import annotations

import contextlib
import os
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pcrcode.choices import MemoKind
from pcrcode.errors import (
    FileFormatError,
    PcrcodeError,
    UnknownItem,
    UsageError,
    closest,
    whole_number,
)
from pcrcode.files import atomic, transaction
from pcrcode.files import codings as codings_io
from pcrcode.files.diagnostics import Diagnostics
from pcrcode.files.yaml_reading import OUTSIDE_PROJECT, is_inside
from pcrcode.model import Coding, Project

MEMOS_DIR = "memos"
# Memos stored as Markdown files; coding memos live in the coding's `memo` field.
FILE_KINDS = (MemoKind.code, MemoKind.interview, MemoKind.structure)
FRONT_KEYS = ("kind", "target", "author", "date", "segment")


@dataclass(frozen=True)
class Memo:
    """One memo. ``segment`` is set for a memo on one segment of an interview and for coding
    memos; ``code`` for coding memos; ``path`` is the memo file (or the coding file)."""

    kind: str
    target: str
    author: str
    date: str
    text: str
    segment: int | None = None
    code: str = ""
    path: Path | None = None
    line: int = 1

    def record(self, root: Path | None = None) -> dict[str, Any]:
        """The memo as a JSON/CSV row; keys: kind, target, segment, code, author, date, text,
        path."""
        path = ""
        if self.path is not None:
            path = self.path.as_posix()
            if root is not None:
                with contextlib.suppress(ValueError):
                    path = self.path.relative_to(root).as_posix()
        return {
            "kind": self.kind,
            "target": self.target,
            "segment": self.segment,
            "code": self.code,
            "author": self.author,
            "date": self.date,
            "text": self.text,
            "path": path,
        }


def check_kind(kind: str) -> MemoKind:
    """The memo kind named ``kind`` (a member, or its string)."""
    if kind not in list(MemoKind):
        near = closest(kind, list(MemoKind), n=1)
        hint = f" (did you mean '{near[0]}'?)" if near else ""
        raise UsageError(f"unknown memo kind '{kind}': use {', '.join(MemoKind)}{hint}")
    return MemoKind(kind)


def parse_coding_target(target: str) -> tuple[str, int, str | None]:
    """``INTERVIEW:SEGMENT[:CODE]`` -> (interview, segment, code or None)."""
    parts = target.split(":")
    segment = whole_number(parts[1].strip()) if len(parts) in (2, 3) else None
    if segment is None or segment < 1:
        raise UsageError(
            f"bad coding target '{target}': write INTERVIEW:SEGMENT:CODE, "
            "e.g. interview-1:7:family/code"
        )
    code = parts[2].strip() if len(parts) == 3 and parts[2].strip() else None
    return parts[0].strip(), segment, code


# -- reading ---------------------------------------------------------------------------------


def memo_folder(root: Path, kind: str, target: str) -> Path:
    return root / MEMOS_DIR / kind / Path(*target.split("/"))


def parse_memo_file(path: Path, kind: str, target: str) -> tuple[Memo, list[tuple[int, str]]]:
    """Read one memo file; returns the memo and the problems found in its front matter
    (line, message). The folder gives kind and target; a broken front matter is not fatal."""
    problems: list[tuple[int, str]] = []
    try:
        raw = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return Memo(kind, target, "", "", "", path=path), [(1, "the memo is not UTF-8")]
    lines = raw.replace("\r\n", "\n").split("\n")
    front: dict[str, tuple[int, str]] = {}
    body_start = 0
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() in ("---", "..."):
                body_start = i + 1
                break
            key, sep, value = lines[i].partition(":")
            if not sep:
                problems.append(
                    (i + 1, f"a front-matter line must be 'key: value', not '{lines[i].strip()}'")
                )
                continue
            front[key.strip()] = (i + 1, value.strip().strip("'\""))
        else:
            problems.append((1, "the front matter is not closed by a '---' line"))
            body_start = len(lines)
    else:
        problems.append(
            (1, "no front matter: start the memo with '---', kind, target, author, date, '---'")
        )
    for key, (line, _) in front.items():
        if key not in FRONT_KEYS:
            problems.append((line, f"unknown key '{key}' in a memo's front matter"))
    for key, expected in (("kind", kind), ("target", target)):
        if key in front and front[key][1] != expected:
            problems.append(
                (
                    front[key][0],
                    f"the memo says {key} '{front[key][1]}' but is in "
                    f"the folder of {kind} '{target}'",
                )
            )
    segment: int | None = None
    if "segment" in front:
        number = whole_number(front["segment"][1])
        if kind != "interview":
            problems.append((front["segment"][0], "'segment' belongs on interview memos only"))
        elif number is None or number < 1:
            problems.append(
                (front["segment"][0], "'segment' is not a segment number (1, 2, ...): correct it")
            )
        else:
            segment = number
    text = "\n".join(lines[body_start:]).strip("\n")
    memo = Memo(
        kind=kind,
        target=target,
        author=front.get("author", (0, ""))[1],
        date=front.get("date", (0, ""))[1],
        text=text,
        segment=segment,
        path=path,
    )
    return memo, problems


def _file_memos(root: Path, kind: str, target: str) -> list[Memo]:
    folder = memo_folder(root, kind, target)
    if not folder.is_dir():
        return []
    # name-x-2.md after name-x.md: by length, then name (the final order is by date, author)
    files = sorted(
        (
            p
            for p in folder.iterdir()
            if p.suffix == ".md" and p.is_file() and not p.name.startswith(".")
        ),
        key=lambda p: (len(p.name), p.name),
    )
    # A memo linked out of the project (to /etc/hostname...) is never read; `check` says so.
    return [parse_memo_file(p, kind, target)[0] for p in files if is_inside(root, p)]


def _coding_memos(root: Path, interview: str, segment: int | None, code: str | None) -> list[Memo]:
    folder = root / codings_io.CODINGS_DIR
    if not folder.is_dir():
        return []
    memos: list[Memo] = []
    for coder_dir in sorted(p for p in folder.iterdir() if p.is_dir()):
        path = coder_dir / f"{interview}.yaml"
        if not path.is_file():
            continue
        try:
            found = codings_io.read(path, Diagnostics(root))
        except PcrcodeError:
            continue  # `check` reports it
        memos.extend(
            coding_memo(c)
            for c in found
            if c.memo
            and (segment is None or c.segment == segment)
            and (code is None or c.code == code)
        )
    return sorted(memos, key=lambda m: (m.segment or 0, m.code, m.author, m.date))


def coding_memo(coding: Coding) -> Memo:
    return Memo(
        kind=MemoKind.coding,
        target=f"{coding.interview}:{coding.segment}:{coding.code}",
        author=coding.coder,
        date=coding.at,
        text=coding.memo,
        segment=coding.segment,
        code=coding.code,
        path=coding.path,
        line=coding.line or 1,
    )


def memo_targets(root: Path, kind: MemoKind) -> set[str]:
    """The names of the folders under ``memos/<kind>/``: the targets of that kind that may have
    memos (a code's id may span several folders: its first part is given)."""
    try:
        with os.scandir(root / MEMOS_DIR / kind) as entries:
            return {e.name for e in entries if e.is_dir()}
    except OSError:
        return set()


def memos_for(project_root: Path, kind: MemoKind, target: str) -> list[Memo]:
    """The memos on one target, oldest first; no memo, or no such target: an empty list.

    ``kind`` is code, interview, structure or coding. An interview's memos include those on one
    of its segments (``segment`` set); ``INTERVIEW:SEGMENT`` gives only those of that
    segment. For coding memos ``target`` is ``INTERVIEW:SEGMENT:CODE``
    or ``INTERVIEW:SEGMENT`` (every coder's coding memos on that segment) or just ``INTERVIEW``.
    Reads only the files of that target: cheap enough to call once per row of a report.
    """
    kind = check_kind(kind)
    if kind == MemoKind.coding:
        interview, _, rest = target.partition(":")
        if not rest:
            return _coding_memos(project_root, interview, None, None)
        _, segment, code = parse_coding_target(target)
        return _coding_memos(project_root, interview, segment, code)
    if kind == MemoKind.interview and ":" in target:
        interview, _, number = target.partition(":")
        return [
            m for m in memos_for(project_root, kind, interview) if str(m.segment) == number.strip()
        ]
    return sorted(_file_memos(project_root, kind, target), key=lambda m: (m.date, m.author))


def all_memos(root: Path, project: Project | None = None) -> list[Memo]:
    """Every memo of the project: memo files, then coding memos (from ``project`` when given)."""
    memos: list[Memo] = []
    for kind, target, path in memo_files(root):
        memos.append(parse_memo_file(path, kind, target)[0])
    memos.sort(key=lambda m: (m.kind, m.target, m.date, m.author))
    if project is not None:
        codings = [c for c in project.codings if c.memo]
    else:
        codings = []
        for path in codings_io.coding_files(root):
            try:
                codings.extend(c for c in codings_io.read(path, Diagnostics(root)) if c.memo)
            except PcrcodeError:
                continue
    codings.sort(key=lambda c: (c.interview, c.segment, c.code, c.coder))
    memos.extend(coding_memo(c) for c in codings)
    return memos


def memo_files(root: Path, outside: bool = False) -> list[tuple[str, str, Path]]:
    """(kind, target, path) of every memo file under ``memos/``; the kind and target come from
    the folders (a file right under ``memos/<kind>/`` has an empty target). Files that lead
    out of the project (symbolic links) are left out, unless ``outside`` (the linter)."""
    base = root / MEMOS_DIR
    if not base.is_dir():
        return []
    found = []
    for path in sorted(base.rglob("*.md")):
        rel = path.relative_to(base).parts
        if any(p.startswith(".") for p in rel):
            continue
        kind = rel[0] if len(rel) > 1 else ""
        if outside or is_inside(root, path):
            found.append((kind, "/".join(rel[1:-1]), path))
    return found


# -- checking targets ------------------------------------------------------------------------


def resolve_target(root: Path, kind: MemoKind, target: str) -> tuple[str, int | None]:
    """(canonical target, segment) for a memo target, or :class:`UnknownItem` saying what
    exists. A code alias becomes the current id; ``INTERVIEW:SEGMENT`` names one segment of an
    interview. Reads only what the kind needs."""
    from pcrcode.files.codebook import load_codebook
    from pcrcode.files.transcripts import load_interview

    kind = check_kind(kind)
    target = target.strip().strip("/")
    if kind == MemoKind.code:
        codebook = load_codebook(root, Diagnostics(root))
        if target in codebook.families:
            return target, None
        try:
            return codebook.resolve(target).id, None
        except UnknownItem:
            from pcrcode.coding.session import match_codes

            near = [c.id for c in match_codes(codebook, target)][:5]
            if not near:
                raise
            raise UnknownItem(f"unknown code '{target}'; did you mean {', '.join(near)}?") from None
    if kind == MemoKind.structure:
        from pcrcode.files.registry import load_registry

        codebook = load_codebook(root, Diagnostics(root))
        return load_registry(root, codebook, Diagnostics(root)).get(target).id, None
    if kind == MemoKind.interview:
        interview_id, colon, rest = target.partition(":")
        interview = load_interview(root, interview_id.strip(), Diagnostics(root))
        if not colon:
            return interview.id, None
        segment = whole_number(rest.strip())
        if segment is None:
            raise UsageError(
                f"bad interview target '{target}': write INTERVIEW or "
                "INTERVIEW:SEGMENT, e.g. jardins-du-drac:7"
            )
        return interview.id, interview.turn(segment).number
    interview_id, segment, code = parse_coding_target(target)
    codebook = load_codebook(root, Diagnostics(root))
    code_id = codebook.resolve(code).id if code is not None else None
    interview = load_interview(root, interview_id, Diagnostics(root))
    interview.turn(segment)
    return f"{interview.id}:{segment}" + (f":{code_id}" if code_id else ""), segment


def problems(project: Project) -> list[tuple[Path, int, str]]:
    """(path, line, message) for every memo file whose target does not exist or whose front
    matter is broken: the linter's ``memo`` rule."""
    root = project.root
    found: list[tuple[Path, int, str]] = []
    codebook = project.codebook
    for kind, target, path in memo_files(root, outside=True):
        if not is_inside(root, path):
            found.append((path, 1, OUTSIDE_PROJECT))
            continue
        memo, issues = parse_memo_file(path, kind, target)
        found.extend((path, line, msg) for line, msg in issues)
        if kind not in FILE_KINDS:
            hint = (
                " (memos on codings are the coding's 'memo' field: `pcrcode memo add coding`)"
                if kind == "coding"
                else ""
            )
            found.append(
                (
                    path,
                    1,
                    f"'{kind}' is not a memo kind: put memos under "
                    f"memos/code, memos/interview or memos/structure{hint}",
                )
            )
            continue
        missing = ""
        if kind == "code" and target not in codebook.codes and target not in codebook.families:
            if target in codebook.aliases:
                missing = (
                    f"'{target}' is an old id of '{codebook.aliases[target]}': move the "
                    f"memo to memos/code/{codebook.aliases[target]}/"
                )
            else:
                missing = f"no code '{target}' in the codebook{_near(target, codebook.codes)}"
        elif kind == "interview" and target not in project.interviews:
            missing = f"no interview '{target}'{_near(target, project.interviews)}"
        elif kind == "structure" and target not in project.registry.structures:
            missing = f"no structure '{target}'{_near(target, project.registry.structures)}"
        elif kind == "interview" and memo.segment is not None:
            count = project.interviews[target].turn_count()
            if memo.segment > count:
                missing = f"interview '{target}' has segments 1-{count}, not {memo.segment}"
        if missing:
            found.append((path, 1, f"memo on a missing target: {missing}"))
    return found


def _near(word: str, choices: Any) -> str:
    near = closest(word, choices, n=1)
    return f" (did you mean '{near[0]}'?)" if near else ""


# -- writing ---------------------------------------------------------------------------------


def clean_text(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n")).strip()
    if not text:
        raise UsageError("the memo is empty: write its text", about="memo_text")
    return text


def render_memo(memo: Memo) -> str:
    lines = [
        "---",
        f"kind: {memo.kind}",
        f"target: {memo.target}",
        f"author: {memo.author}",
        f"date: {memo.date}",
    ]
    if memo.segment is not None:
        lines.append(f"segment: {memo.segment}")
    return "\n".join([*lines, "---", "", memo.text, ""])


def add_memo(
    root: Path, kind: MemoKind, target: str, author: str, text: str, at: str | None = None
) -> Memo:
    """Write a new memo on a code, an interview (``INTERVIEW`` or ``INTERVIEW:SEGMENT``), a
    structure, or append it to a coding's memo (``INTERVIEW:SEGMENT:CODE``). The target must
    exist; nothing is written otherwise."""
    body = clean_text(text)
    canonical, segment = resolve_target(root, kind, target)
    if kind == MemoKind.coding:
        interview, number, code = parse_coding_target(canonical)
        changed = annotate_codings(root, author, interview, number, [code] if code else None, body)
        return replace(coding_memo(changed[0]), text=body)
    stamp = at or codings_io.now()
    memo = Memo(kind=kind, target=canonical, author=author, date=stamp, text=body, segment=segment)
    folder = memo_folder(root, kind, canonical)
    name = stamp.replace("-", "").replace(":", "")
    if not is_inside(root, folder):  # memos/ (or a folder in it) linked elsewhere
        raise FileFormatError(OUTSIDE_PROJECT, folder)
    with atomic.locked(root / transaction.LOCK_DIR / "memos.lock"):
        path = folder / f"{name}-{author}.md"
        n = 2
        while path.exists():
            path = folder / f"{name}-{author}-{n}.md"
            n += 1
        atomic.write_text(path, render_memo(memo))
    return replace(memo, path=path)


def annotate_codings(
    root: Path, coder: str, interview: str, segment: int, codes: list[str] | None, text: str
) -> list[Coding]:
    """Append ``text`` as a paragraph to the memo of ``coder``'s codings of a segment (only
    ``codes`` when given); one locked atomic write. No such coding: :class:`UnknownItem`."""
    from pcrcode.files.coding_updates import updating

    body = clean_text(text)
    with updating(root, coder, interview, "adding a memo") as update:
        changed: list[Coding] = []
        result: list[Coding] = []
        for coding in update.codings:
            if coding.segment == segment and (codes is None or coding.code in codes):
                memo = f"{coding.memo}\n\n{body}" if coding.memo else body
                coding = replace(coding, memo=memo)
                changed.append(coding)
            result.append(coding)
        if not changed:
            what = f"'{', '.join(codes)}'" if codes else "any code"
            raise UnknownItem(
                f"{coder} has not applied {what} to segment {segment} of "
                f"'{interview}': code it first (`pcrcode tag`)"
            )
        update.write(result)
    return changed
