"""Writing an imported interview: a new file is created exclusively (never over another one);
``replace`` rewrites an existing interview, and when it has codings, moves them onto the new
text with reanchor (nothing is deleted: a coding that cannot be placed stays, and ``check``
shows it)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections import Counter
from pathlib import Path

from pcrcode.errors import ConflictError
from pcrcode.transcript_import.model import Reanchored


def create(path: Path, text: str, iid: str) -> None:
    """Write a new file atomically, failing if it exists (even if created meanwhile)."""
    from pcrcode.files import atomic

    with atomic.named(path):
        _create(path, text, iid)
    atomic._fsync_dir(path.parent)


def _create(path: Path, text: str, iid: str) -> None:
    from pcrcode.files import atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        atomic.keep_mode(fd, path)  # mkstemp's 0600 would lock colleagues out
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise exists(iid, path.name) from None
        except OSError:  # no hard links on this file system: check, then rename
            if path.exists():
                raise exists(iid, path.name) from None
            os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def exists(iid: str, name: str) -> ConflictError:
    return ConflictError(
        f"interview '{iid}' already exists (interviews/{name}): replace it, or import it under "
        "another id",
        about="replace",
    )


def count_codings(root: Path, iid: str) -> int:
    from pcrcode.files import codings as codings_io
    from pcrcode.files.diagnostics import Diagnostics

    files = [p for p in codings_io.coding_files(root) if p.stem == iid]
    return sum(len(codings_io.read(p, Diagnostics(root))) for p in files)


def replace(root: Path, path: Path, text: str, iid: str) -> Reanchored | None:
    """Rewrite an interview; with codings, keep its old texts and reanchor them."""
    from pcrcode.files import atomic

    codings = count_codings(root, iid)
    if not codings:
        atomic.write_text(path, text)
        return None
    from pcrcode.coding import old_texts as snapshots
    from pcrcode.coding.reanchor import reanchor
    from pcrcode.files.transcripts import load_interview

    # The old turns must be findable for the fuzzy match once the file is rewritten.
    snapshots.remember(root, load_interview(root, iid))
    atomic.write_text(path, text)
    result = reanchor(root, interviews=[iid])
    status = Counter(
        "orphaned"
        if p.status == "unplaced"
        else "duplicate"
        if p.status == "duplicate"
        else "moved"
        if p.match in ("exact", "quote")
        else "fuzzy"
        for p in result.placements
    )
    unchanged = codings - len(result.placements)
    return Reanchored(
        codings,
        unchanged,
        status["moved"],
        status["fuzzy"],
        status["orphaned"],
        status["duplicate"],
    )
