"""All-or-nothing changes to several project files at once, with a journal.

``codebook rename|merge|move`` and ``reanchor`` rewrite ``codebook.yaml`` and many coding files
together: a crash or Ctrl-C half-way must never leave the codebook saying one thing and half the
codings another. One file can be replaced atomically (``os.replace``), several cannot, so:

1. every new file is written beside its target under a hidden temporary name and flushed to disk;
2. a journal, ``.pcrcode/journal.json``, listing the pairs (temporary, target) with the SHA-256 of
   each target as it was read (``base``) and as it will be (``new``), is written atomically;
3. the temporary files are renamed over their targets, one by one;
4. the journal is removed.

A crash before step 2 leaves the project untouched (plus hidden ``*.pcrcode-new`` files, which
nothing reads). A crash after step 2 leaves a journal whose temporary files are all complete, so
the change can always be *completed* (rolled forward): :func:`recover` does it, and every command
that writes codings calls it first. A target edited by hand since (neither ``base`` nor ``new``)
is left as it is and reported rather than overwritten.

Locks, always taken in this order so that no two processes wait for each other: the project lock
(``.pcrcode/locks/project.lock``), then the lock of each file (the same per-file locks that
``pcrcode tag`` takes, so a tag never interleaves with a multi-file change).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from pcrcode.errors import PcrcodeError
from pcrcode.files import atomic

JOURNAL = ".pcrcode/journal.json"
LOCK_DIR = ".pcrcode/locks"
PROJECT_LOCK = "project.lock"
TEMP_SUFFIX = ".pcrcode-new"


def _digest(data: bytes | None) -> str | None:
    return None if data is None else hashlib.sha256(data).hexdigest()


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def lock_path(root: Path, path: Path) -> Path:
    """The lock file guarding ``path``: coding files use the locks of ``pcrcode tag``."""
    rel = Path(os.path.relpath(path, root)).as_posix()
    parts = rel.split("/")
    if len(parts) == 3 and parts[0] == "codings" and parts[2].endswith((".yaml", ".yml")):
        name = f"{parts[1]}--{parts[2].rsplit('.', 1)[0]}.lock"
    else:
        name = "file--" + rel.replace("/", "--") + ".lock"
    return root / LOCK_DIR / name


@contextlib.contextmanager
def exclusive(root: Path, paths: Iterable[Path]) -> Iterator[list[str]]:
    """Hold the project lock and the locks of ``paths``, after completing any interrupted change.

    Yields the notes of :func:`recover` (targets it could not complete)."""
    with atomic.locked(root / LOCK_DIR / PROJECT_LOCK):
        notes = _recover_locked(root)
        with contextlib.ExitStack() as stack:
            for lock in sorted({lock_path(root, p) for p in paths}):
                stack.enter_context(atomic.locked(lock))
            yield notes


def commit(
    root: Path, changes: Mapping[Path, str | None], base: Mapping[Path, bytes | None]
) -> None:
    """Replace every file of ``changes`` (None deletes it) all-or-nothing.

    ``base`` holds each file's bytes as read when the change was computed; the caller holds
    :func:`exclusive` on the files, so they cannot have changed since.
    """
    if not changes:
        return
    entries: list[dict[str, str | None]] = []
    temps: list[Path] = []
    try:
        for path, text in changes.items():
            data = None if text is None else text.encode("utf-8")
            temp = None
            if data is not None:
                # Beside the file itself: a linked codebook (shared by several projects) is
                # written through its link, which stays a link.
                temp = _write_temp(_through_link(path), data)
                temps.append(temp)
            entries.append(
                {
                    "target": _rel(root, path),
                    "temp": None if temp is None else _rel(root, temp),
                    "base": _digest(base.get(path)),
                    "new": _digest(data),
                }
            )
        atomic.write_text(
            root / JOURNAL, json.dumps({"pcrcode": 1, "entries": entries}, indent=1) + "\n"
        )
    except BaseException:
        for temp in temps:
            with contextlib.suppress(OSError):
                temp.unlink()
        raise
    try:
        _apply(root, entries)
    except BaseException:
        # Ctrl-C or an error half-way: finish what the journal promises, here if possible;
        # otherwise the journal stays and the next pcrcode command finishes it.
        try:
            _apply(root, entries)
        except BaseException:  # the first exception, re-raised below, is the one to report
            pass
        else:
            atomic.remove(root / JOURNAL)
        raise
    atomic.remove(root / JOURNAL)


def recover(root: Path) -> list[str]:
    """Complete a change that was interrupted (see the module's docstring); notes for the user.

    Cheap when there is nothing to do: one ``stat``."""
    if not (root / JOURNAL).exists():
        return []
    with atomic.locked(root / LOCK_DIR / PROJECT_LOCK):
        return _recover_locked(root)


def _recover_locked(root: Path) -> list[str]:
    journal = root / JOURNAL
    if not journal.exists():
        return []
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        entries = list(data["entries"])
        targets = [root / str(e["target"]) for e in entries]
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        # RecursionError: a crafted journal nested thousands deep (json's decoder recurses).
        raise PcrcodeError(
            "the journal of an interrupted change is unreadable: check the files "
            "it names, then delete it",
            journal,
        ) from None
    for entry in entries:
        _check_entry(root, entry, journal)
    with contextlib.ExitStack() as stack:
        for lock in sorted({lock_path(root, p) for p in targets}):
            stack.enter_context(atomic.locked(lock))
        notes = _apply(root, entries)
    atomic.remove(journal)
    return notes


def _through_link(path: Path) -> Path:
    return Path(os.path.realpath(path)) if os.path.islink(path) else path


def _check_entry(root: Path, entry: dict[str, str | None], journal: Path) -> None:
    """A journal can arrive with a repository or an archive: it is obeyed only for files
    inside the project (or the file a link of the project leads to), each with its temporary
    file beside it under pcrcode's own name."""
    target, temp = entry.get("target"), entry.get("temp")
    wrong = None
    if not isinstance(target, str) or not _inside(root, target, links=True):
        wrong = f"names '{target}', outside the project"
    elif temp is not None and (
        not isinstance(temp, str)
        or not _beside(root, temp, target)
        or not Path(temp).name.startswith(f".{_through_link(root / target).name}.")
        or not temp.endswith(TEMP_SUFFIX)
    ):
        wrong = f"names '{temp}', which is not a temporary file of {target} inside the project"
    if wrong is not None:
        raise PcrcodeError(
            f"the journal of an interrupted change {wrong}: nothing was done; look at it, "
            "then delete it (pcrcode never writes such a journal)",
            journal,
            1,
        )


def _inside(root: Path, rel: str, links: bool = False) -> bool:
    """``rel`` names a path inside ``root``; with ``links``, the last part may be a link
    leading elsewhere (``codebook.yaml`` linked to a shared codebook)."""
    path = Path(rel)
    if path.is_absolute() or ".." in path.parts or not rel:
        return False
    full = root / path
    if links and os.path.islink(full):
        full = full.parent
    return full.resolve().is_relative_to(root.resolve())


def _beside(root: Path, temp: str, target: str) -> bool:
    """``temp`` is in the folder of the file ``target`` stands for (through its link)."""
    real = _through_link(root / target)
    return Path(os.path.realpath(root / temp)).parent == real.parent


def _apply(root: Path, entries: list[dict[str, str | None]]) -> list[str]:
    notes: list[str] = []
    folders: set[Path] = set()
    for entry in entries:
        target = root / str(entry["target"])
        temp = None if entry.get("temp") is None else root / str(entry["temp"])
        if temp is not None and not temp.exists():
            continue  # already renamed
        current = _digest(_read(target))
        if current == entry.get("new"):
            if temp is not None:
                temp.unlink()
            continue
        if current != entry.get("base"):
            notes.append(
                f"{entry['target']}: changed by someone else since the interrupted "
                "change was computed; left as it is"
            )
            if temp is not None:
                temp.unlink()
            continue
        if temp is None:
            target.unlink()
        else:
            target = _through_link(target)
            os.replace(temp, target)
        folders.add(target.parent)
    for folder in folders:
        atomic._fsync_dir(folder)
    return notes


def _write_temp(path: Path, data: bytes) -> Path:
    with atomic.named(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
        try:
            atomic.keep_mode(fd, path)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(name)
            raise
    return Path(name)


def _rel(root: Path, path: Path) -> str:
    return Path(os.path.relpath(path, root)).as_posix()
