"""The project's files and their signatures in one pass over each folder.

The same files, in the same order, as :func:`pcrcode.project.project_files`, each with the key
:func:`pcrcode.files.cache.file_key` gives it, but from the folder listing's own entries: one
``lstat`` a file instead of a ``stat``, an ``lstat`` for the link check and a ``Path`` (on 30,000
files, a third of a second against a tenth). A symbolic link among them (a file, a coder's folder,
``interviews/`` or ``codings/``) is left to the full load, which follows or refuses it: the
listing returns None.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from pcrcode.files.cache import Key
from pcrcode.files.codings import CODINGS_DIR
from pcrcode.files.transcripts import EXTENSIONS, INTERVIEWS_DIR, suffix

Listed = tuple[bool, str, str, Key]  # is a transcript, path, path relative to the root, key


def scan(root: Path) -> list[Listed] | None:
    """Every transcript then every coding file, with its key; None when a link is among them."""
    found: list[Listed] = []
    base = os.fspath(root)
    for folder in (INTERVIEWS_DIR, CODINGS_DIR):
        if os.path.islink(os.path.join(base, folder)):
            return None
    transcripts = _files(base, INTERVIEWS_DIR, EXTENSIONS)
    if transcripts is None:
        return None
    found.extend((True, path, rel, key) for path, rel, key in transcripts)
    codings = os.path.join(base, CODINGS_DIR)
    if not os.path.isdir(codings):
        return found
    coders = []
    with os.scandir(codings) as entries:
        for e in entries:
            if e.name.startswith(".") or not e.is_dir():
                continue
            if e.is_symlink():
                return None
            coders.append(e.name)
    for coder in sorted(coders):
        files = _files(base, f"{CODINGS_DIR}/{coder}", (".yaml", ".yml"), skip_hidden=True)
        if files is None:
            return None
        found.extend((False, path, rel, key) for path, rel, key in files)
    return found


def _files(
    base: str, folder: str, extensions: tuple[str, ...], skip_hidden: bool = False
) -> list[tuple[str, str, Key]] | None:
    """(path, rel, key) of the files of ``folder`` with these extensions, sorted by name."""
    path = os.path.join(base, folder)
    if not os.path.isdir(path):
        return []
    listed: list[tuple[str, str, Key]] = []
    with os.scandir(path) as entries:
        for e in entries:
            name = e.name
            if suffix(name) not in extensions or (skip_hidden and name.startswith(".")):
                continue
            if e.is_symlink():
                return None
            try:
                st = e.stat(follow_symlinks=False)
            except OSError:
                return None  # gone since listed: the full load says what it finds
            if not stat.S_ISREG(st.st_mode):
                continue  # a folder named like a file: not listed by the full load either
            key: Key = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
            listed.append((e.path, f"{folder}/{name}", key))
    listed.sort(key=lambda item: item[1])
    return listed
