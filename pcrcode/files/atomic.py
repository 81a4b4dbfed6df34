"""Atomic file writes: a temporary file in the same folder, flushed, then renamed over the target.

A crash or Ctrl-C at any moment leaves either the old file or the new one, never a truncated one.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


def write_text(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8, LF) atomically, creating its folder if needed."""
    write_bytes(path, text.encode("utf-8"))


def write_bytes(path: Path, data: bytes, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically. ``durable=False`` skips the fsyncs: still
    all-or-nothing for readers, but a power cut may lose the new file; for caches, which are
    rebuilt when missing and would otherwise wait for an fsync per pack (bench/NOTES.md)."""
    with writing(path, durable) as handle:
        handle.write(data)


@contextlib.contextmanager
def writing(path: Path, durable: bool = True) -> Iterator[IO[bytes]]:
    """A binary file to write ``path`` through, as a stream: renamed into place (durably,
    unless ``durable=False``) when the block ends; removed, leaving ``path`` as it was, if the
    block fails. A symbolic link is written through: its file changes, it stays a link."""
    if os.path.islink(path):
        path = Path(os.path.realpath(path))
    with named(path), folders_for(path):
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            keep_mode(fd, path)
            with os.fdopen(fd, "wb") as handle:
                yield handle
                if durable:
                    handle.flush()
                    os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    if durable:
        _fsync_dir(path.parent)


@contextlib.contextmanager
def folders_for(path: Path) -> Iterator[None]:
    """Make the missing folders of ``path`` for the block; remove them again (if still empty)
    when it fails, so that a refused write (a full disk) leaves nothing behind."""
    missing = []
    for folder in path.parents:
        if os.path.lexists(folder):
            break
        missing.append(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        yield
    except BaseException:
        for folder in missing:  # deepest first
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


@contextlib.contextmanager
def named(path: Path) -> Iterator[None]:
    """A system error met while writing ``path`` through a temporary file (a full disk, a
    read-only folder) names ``path``, the file the user knows, rather than the temporary
    file's random name or nothing at all."""
    try:
        yield
    except OSError as exc:
        name = exc.filename
        if name is not None and not os.path.basename(os.fspath(name)).startswith(f".{path.name}."):
            raise  # about another path (a folder that cannot be made): it says which
        raise OSError(exc.errno, exc.strerror, os.fspath(path)) from None


def keep_mode(fd: int, path: Path) -> None:
    """Give the temporary file ``fd`` the mode ``path`` will need once renamed over it:
    mkstemp makes 0600, which would lock colleagues out of a shared, group-writable project.
    A file replaced keeps its mode (and its group, where the owner may set it); a new one
    gets what the umask allows, as a file created by an editor would."""
    try:
        current = os.stat(path)
    except OSError:
        os.fchmod(fd, 0o666 & ~umask())
        return
    os.fchmod(fd, stat.S_IMODE(current.st_mode))
    with contextlib.suppress(OSError):  # not a member of that group: the mode still holds
        os.fchown(fd, -1, current.st_gid)


def umask() -> int:
    """The process's umask, read without changing it where Linux says it (os.umask can only
    be read by setting it, which races with other threads)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    old = os.umask(0o022)
    os.umask(old)
    return old


def remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not possible on every platform, harmless where not.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def locked(lock_path: Path) -> Iterator[None]:
    """An exclusive advisory lock held on ``lock_path`` during a read-modify-write cycle.

    Two researchers (two processes) tagging the same interview at once are serialised, so neither
    overwrites the other's coding. The lock file is left in place (removing it would race).
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # 0o666 less the umask, as any new file: in a group-writable project a colleague
        # must be able to open the lock this process creates.
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o666)
    except PermissionError:
        # A lock another user made without group write (older pcrcode made them 0644):
        # flock needs only a file open for reading.
        fd = os.open(lock_path, os.O_RDONLY)
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows: no advisory lock, atomic writes only
            yield
            return
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
