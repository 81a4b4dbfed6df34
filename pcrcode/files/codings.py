"""Coding files: ``codings/<coder>/<interview>.yaml``, one per coder per interview.

Codings live beside the transcripts, never inside them, and each researcher writes only their own
files, so two people coding in parallel never edit the same file and git merges stay trivial.
pcrcode writes one coding a line, as a JSON object (which is also YAML), sorted: a diff shows
exactly the codings added or removed, and reading a large project needs no YAML parser.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pcrcode.errors import FileFormatError, did_you_mean
from pcrcode.files import atomic
from pcrcode.files.codebook import ID_RE
from pcrcode.files.diagnostics import Diagnostics
from pcrcode.files.transcripts import is_file, suffix
from pcrcode.files.yaml_reading import LDict, LList, loads, read_text
from pcrcode.model import Coding, coder_round, with_round

CODINGS_DIR = "codings"
FORMAT_VERSION = 1
RECORD_KEYS = ("segment", "code", "fp", "at", "memo", "start", "end", "quote", "with", "conflict")
_HEADER_RE = re.compile(r"^(pcrcode|interview|coder):\s*(\S.*?)\s*$")
# Characters PyYAML refuses in a file, or reads as line breaks inside a quoted string.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def coding_path(root: Path, coder: str, interview: str) -> Path:
    return root / CODINGS_DIR / coder / f"{interview}.yaml"


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _json(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def record(coding: Coding) -> dict[str, Any]:
    rec: dict[str, Any] = {"segment": coding.segment, "code": coding.code}
    if coding.start is not None and coding.end is not None:
        rec["start"] = coding.start
        rec["end"] = coding.end
        rec["quote"] = coding.quote
    if coding.partners:
        rec["with"] = list(coding.partners)
    rec["fp"] = coding.fingerprint
    rec["at"] = coding.at
    if coding.memo:
        rec["memo"] = coding.memo
    return rec


def record_line(rec: dict[str, Any]) -> str:
    """One coding as pcrcode writes it in a coding file: ``- {json}``."""
    return "- " + _json(rec)


def sort_key(coding: Coding) -> tuple[int, str, int, int]:
    return (
        coding.segment,
        coding.code,
        -1 if coding.start is None else coding.start,
        -1 if coding.end is None else coding.end,
    )


def render(coder: str, interview: str, codings: Iterable[Coding]) -> str:
    lines = [
        f"# pcrcode codings by {coder} of interview {interview}: one coding a line.",
        "# Written by `pcrcode tag` and `pcrcode untag`; see the README, 'File formats'.",
        f"pcrcode: {FORMAT_VERSION}",
        f"interview: {interview}",
        f"coder: {coder}",
        "codings:",
    ]
    for coding in sorted(codings, key=sort_key):
        lines.append(record_line(record(coding)))
    return "\n".join(lines) + "\n"


def write(path: Path, coder: str, interview: str, codings: list[Coding]) -> None:
    """Write a coder's codings of an interview atomically; no codings removes the file."""
    if codings:
        atomic.write_text(path, render(coder, interview, codings))
    else:
        atomic.remove(path)


_raw_json = json.JSONDecoder().raw_decode


def _fast_parse(
    text: str,
) -> tuple[dict[str, str], dict[str, tuple[int, int]], list[tuple[int, Any]]] | None:
    """Parse the layout pcrcode writes without YAML: (header, header positions, records); None
    when the file is laid out otherwise. Each record line is one JSON object, decoded without
    the per-call overhead of ``json.loads`` (this is the hot path of a cold load)."""
    header: dict[str, str] = {}
    header_pos: dict[str, tuple[int, int]] = {}
    records: list[tuple[int, Any]] = []
    append = records.append
    in_list = False
    for number, line in enumerate(text.split("\n"), start=1):
        if in_list and line.startswith("- {"):
            body = line[2:].rstrip(" \t\r")  # what json.loads would skip as whitespace
            try:
                value, end = _raw_json(body)
            except (ValueError, RecursionError):  # the YAML parser says what is wrong
                return None
            if end != len(body):
                return None
            append((number, value))
            continue
        if not line.strip() or line.startswith("#"):
            continue
        if in_list:
            return None
        if line.rstrip() == "codings:":
            in_list = True
            continue
        m = _HEADER_RE.match(line)
        if m is None or m.group(2).startswith(("'", '"', "[", "{", "&", "*", "!")):
            return None
        header[m.group(1)] = m.group(2)
        header_pos[m.group(1)] = (number, 1)
    return header, header_pos, records


# A plain segment coding (no span) as pcrcode writes it, checked and built inline in ``read``.
_PLAIN_KEYS = frozenset(("segment", "code", "fp", "at", "memo"))


def read(path: Path, diag: Diagnostics) -> list[Coding]:
    """Read one coding file; problems with single codings go to ``diag``, which skips them.

    The coder is the folder's name and the interview the file's name: the header repeats them
    as a guard against files copied to the wrong place.
    """
    return parse(read_text(path), path, path.parent.name, path.stem, diag)


def parse(text: str, path: Path, coder: str, interview: str, diag: Diagnostics) -> list[Coding]:
    """The codings of a coding file's text; ``path`` is where messages point."""
    if not text.strip():  # truncated by a sync tool or a full disk: pcrcode never writes one
        diag.warning(
            path,
            1,
            "empty coding file: restore it (git checkout, a backup) or delete it",
            "empty-file",
        )
        return []
    fast = _fast_parse(text)
    items: list[tuple[tuple[int, int], Any]]
    header_pos: dict[str, tuple[int, int]]
    if fast is not None:
        header, header_pos, records = fast
        items = [((n, 3), rec) for n, rec in records]
    else:
        data = loads(text, path)
        if data is None:
            return []
        if not isinstance(data, LDict):
            raise FileFormatError("a coding file must be a mapping with a 'codings' list", path, 1)
        for key in data:
            if key not in ("pcrcode", "interview", "coder", "codings"):
                diag.error(
                    path, data.pos(key), f"unknown key '{key}' in a coding file", "unknown-key"
                )
        header = {k: str(data[k]) for k in ("pcrcode", "interview", "coder") if k in data}
        header_pos = {k: data.pos(k) for k in header}
        raw = data.get("codings") or LList()
        if not isinstance(raw, LList):
            raise FileFormatError("'codings' must be a list", path, data.pos("codings")[0])
        items = [(raw.pos(i), rec) for i, rec in enumerate(raw)]
    if header.get("interview", interview) != interview:
        diag.error(
            path,
            header_pos.get("interview", 1),
            f"the file says interview '{header['interview']}' but is named for '{interview}'",
            "misplaced-codings",
        )
    if header.get("coder", coder) != coder:
        diag.error(
            path,
            header_pos.get("coder", 1),
            f"the file says coder '{header['coder']}' but is in the folder of '{coder}'",
            "misplaced-codings",
        )
    person, _ = coder_round(coder)
    if not ID_RE.match(person) or "/" in person or with_round(*coder_round(coder)) != coder:
        diag.error(
            path,
            1,
            f"bad coder name '{coder}' (folder name): use a-z, 0-9, - and _, and @N for a "
            "coding round N from 2",
            "bad-id",
        )
    result: list[Coding] = []
    append = result.append
    intern = sys.intern  # a few dozen code ids shared by 100,000 codings
    for pos, rec in items:
        if type(rec) is dict and rec.keys() <= _PLAIN_KEYS:
            # What _coding does for the common case, with the same checks, at a fraction of its
            # cost (bench/NOTES.md).
            segment, code = rec.get("segment"), rec.get("code")
            fp, at, memo = rec.get("fp", ""), rec.get("at", ""), rec.get("memo", "")
            if (
                type(segment) is int
                and segment >= 1
                and type(code) is str
                and code
                and type(fp) is str
                and type(at) is str
                and type(memo) is str
            ):
                append(
                    Coding(
                        interview,
                        segment,
                        intern(code),
                        coder,
                        at,
                        fp,
                        memo,
                        None,
                        None,
                        "",
                        path,
                        pos[0],
                    )
                )
                continue
        coding = _coding(rec, pos, path, coder, interview, diag)
        if coding is not None:
            append(coding)
    return result


def _coding(
    rec: Any, pos: tuple[int, int], path: Path, coder: str, interview: str, diag: Diagnostics
) -> Coding | None:
    if not isinstance(rec, dict):
        diag.error(path, pos, "a coding must be a mapping {segment, code, ...}", "bad-value")
        return None
    for key in rec:
        if key not in RECORD_KEYS:
            diag.error(
                path,
                pos,
                f"unknown key '{key}' in a coding{did_you_mean(str(key), RECORD_KEYS)}",
                "unknown-key",
            )
    if "conflict" in rec:  # left by `pcrcode merge-file`: kept, and reported until resolved
        diag.error(
            path,
            pos,
            f'unresolved merge: {rec["conflict"]}; to keep this coding delete its "conflict" '
            "key, to drop it delete the line",
            "merge-conflict",
        )
    segment, code = rec.get("segment"), rec.get("code")
    if not isinstance(segment, int) or isinstance(segment, bool) or segment < 1:
        diag.error(
            path, pos, f"a coding needs 'segment', a number from 1 (got {segment!r})", "bad-value"
        )
        return None
    if not isinstance(code, str) or not code:
        diag.error(path, pos, "a coding needs 'code', a code id", "bad-value")
        return None
    start, end = rec.get("start"), rec.get("end")
    if (start is None) != (end is None) or (
        start is not None
        and not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end)
    ):
        diag.error(
            path, pos, "'start' and 'end' must both be offsets with start < end", "bad-value"
        )
        return None
    strings = {k: rec.get(k, "") for k in ("fp", "at", "memo", "quote")}
    for key, value in strings.items():
        if not isinstance(value, str):
            diag.error(path, pos, f"'{key}' must be a string", "bad-value")
            strings[key] = str(value)
    partners = rec.get("with", [])
    if not isinstance(partners, list) or not all(isinstance(p, str) and p for p in partners):
        diag.error(path, pos, "'with' must be a list of partner ids", "bad-value")
        partners = []
    return Coding(
        interview=interview,
        segment=segment,
        code=code,
        coder=coder,
        at=strings["at"],
        fingerprint=strings["fp"],
        memo=strings["memo"],
        start=start,
        end=end,
        quote=strings["quote"],
        path=path,
        line=pos[0],
        partners=tuple(sorted(set(partners))),
    )


def layout_problems(root: Path) -> list[tuple[Path, str]]:
    """Files where the codings' folders should be (``codings/`` itself, a coder's folder), with
    what to do: the codings they stand for would otherwise be left out without a word, by a
    report as by ``codebook rename``."""
    folder = root / CODINGS_DIR
    if os.path.lexists(folder) and not folder.is_dir():
        return [(folder, "is a file: codings/ must be a folder (codings/<coder>/)")]
    if not folder.is_dir():
        return []
    with os.scandir(folder) as entries:
        return [
            (
                folder / entry.name,
                "a file where a coder's folder is expected: coding files go in "
                "codings/<coder>/<interview>.yaml; move it there",
            )
            for entry in sorted(entries, key=lambda e: e.name)
            if not entry.name.startswith(".") and not entry.is_dir()
        ]


def coding_files(root: Path) -> list[Path]:
    """``codings/<coder>/<interview>.yaml`` files, sorted by coder then interview.

    Listed with ``os.scandir`` and sorted by name: on a large project, ``Path.iterdir``, its
    per-file ``is_file()`` and sorting ``Path`` objects cost more than reading the cache."""
    folder = root / CODINGS_DIR
    if not folder.is_dir():
        return []
    found: list[Path] = []
    with os.scandir(folder) as coders:
        coder_dirs = sorted(e.name for e in coders if e.is_dir() and not e.name.startswith("."))
    for coder in coder_dirs:
        with os.scandir(folder / coder) as entries:
            names = sorted(
                e.name
                for e in entries
                if suffix(e.name) in (".yaml", ".yml") and not e.name.startswith(".") and is_file(e)
            )
        base = folder / coder
        found.extend(base / name for name in names)
    return found
