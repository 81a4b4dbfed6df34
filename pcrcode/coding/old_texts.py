"""The old texts of segments, for ``pcrcode reanchor``: a local snapshot cache, then git.

A coding stores only the fingerprint of the text it was made on. To find where that text went
after a transcript was edited, ``reanchor`` needs the text itself. Two sources, both checked
against the fingerprint (so a wrong version can never be used):

- ``.pcrcode/texts/<interview>.json``: every text a turn of the interview had when pcrcode tagged
  it (``pcrcode tag`` adds the current turns; ``reanchor`` adds them and forgets texts no coding
  refers to any more). It is a cache: local to one machine, rebuilt when absent, never required.
- git: when the project is in a git repository, the staged and committed versions of the
  transcript (the index, ``HEAD``, then the last commits that touched it). This covers codings
  made on another machine, where the cache was never written.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pcrcode.errors import PcrcodeError
from pcrcode.files import atomic
from pcrcode.files.diagnostics import Diagnostics
from pcrcode.files.transaction import LOCK_DIR
from pcrcode.model import Interview, fingerprint

TEXTS_DIR = ".pcrcode/texts"
GIT_DEPTH = 20  # commits of a transcript's history searched for old texts


@dataclass(frozen=True)
class OldText:
    text: str
    speaker: str
    segment: int


def texts_path(root: Path, interview_id: str) -> Path:
    return root / TEXTS_DIR / f"{interview_id}.json"


def load_texts(root: Path, interview_id: str) -> dict[str, OldText]:
    """The cached texts of an interview by fingerprint; empty when there is no usable cache."""
    try:
        data = json.loads(texts_path(root, interview_id).read_text(encoding="utf-8"))
        raw = data["texts"]
        result = {}
        for fp, item in raw.items():
            text = str(item["text"])
            if fingerprint(text) == fp:  # a cache edited by hand cannot mislead reanchor
                result[fp] = OldText(
                    text, str(item.get("speaker", "")), int(item.get("segment", 0))
                )
        return result
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return {}  # RecursionError: nested thousands deep (json's decoder recurses)


def remember(root: Path, interview: Interview, keep: Iterable[str] | None = None) -> None:
    """Add the interview's current turns to its cache; with ``keep``, also forget the cached
    texts whose fingerprint is neither current nor in ``keep``. Never fails: it is a cache."""
    lock = root / LOCK_DIR / f"texts--{interview.id}.lock"
    with contextlib.suppress(OSError, PcrcodeError), atomic.locked(lock):
        texts = load_texts(root, interview.id)
        before = dict(texts)
        for turn in interview.turns:
            texts[turn.fingerprint] = OldText(turn.text, turn.speaker, turn.number)
        if keep is not None:
            wanted = set(keep) | {t.fingerprint for t in interview.turns}
            texts = {fp: t for fp, t in texts.items() if fp in wanted}
        if texts == before and texts_path(root, interview.id).exists():
            return
        atomic.write_text(texts_path(root, interview.id), _dump(interview.id, texts))


def _dump(interview_id: str, texts: dict[str, OldText]) -> str:
    data: dict[str, Any] = {
        "pcrcode": 1,
        "interview": interview_id,
        "texts": {
            fp: {"segment": t.segment, "speaker": t.speaker, "text": t.text}
            for fp, t in sorted(texts.items())
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def git_texts(root: Path, interview: Interview, wanted: set[str]) -> dict[str, OldText]:
    """Old texts of the interview's turns found in git, for the fingerprints in ``wanted``."""
    found: dict[str, OldText] = {}
    if not wanted or _git(root, "rev-parse", "--is-inside-work-tree") is None:
        return found
    rel = "./" + Path(os.path.relpath(interview.path, root)).as_posix()
    log = _git(root, "log", f"-n{GIT_DEPTH}", "--format=%H", "--", rel) or b""
    revisions = ["", "HEAD", *log.decode("ascii", "replace").split()]
    for rev in dict.fromkeys(revisions):
        blob = _git(root, "show", f"{rev}:{rel}")
        if blob is None:
            continue
        try:
            from pcrcode.files.transcripts import parse_interview
            from pcrcode.files.yaml_reading import decode

            old = parse_interview(interview.path, Diagnostics(root), text=decode(blob, rel))
        except PcrcodeError:
            continue
        for turn in old.turns:
            fp = turn.fingerprint
            if fp in wanted and fp not in found:
                found[fp] = OldText(turn.text, turn.speaker, turn.number)
        if wanted <= set(found):
            break
    return found


def _git(root: Path, *args: str) -> bytes | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout if out.returncode == 0 else None
