"""The one exception hierarchy of pcrcode, and the exit codes it maps to.

Every error a user can cause is a :class:`PcrcodeError`. Its message names the file and line at
fault where there is one (``path:line: what is wrong; what to do``). The CLI turns it into one line
on stderr and the exit code carried by the exception, in one place (``pcrcode.cli``).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """The exit-code contract, also written in the README."""

    OK = 0
    DATA = 1  # a data problem, or `check` found something, or a gate (--min-alpha) failed
    USAGE = 2  # the command line is wrong
    INTERRUPTED = 130  # Ctrl-C


class PcrcodeError(Exception):
    """Base of every error pcrcode reports to a user.

    The message speaks the domain ("the threshold must be above 0"); ``about`` names the value
    at fault as the core names it (``threshold``), for the command line to add the option the
    user typed it with (``--threshold``)."""

    exit_code: ExitCode = ExitCode.DATA

    def __init__(
        self,
        message: str,
        path: Path | str | None = None,
        line: int | None = None,
        col: int | None = None,
        *,
        about: str | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.col = col
        self.about = about
        super().__init__(self.__str__())

    def where(self, path: str | None = None) -> str:
        """``path:line:col`` (as much as is known), with ``path`` overriding the stored one."""
        where = path if path is not None else str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        return where

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        return f"{self.where()}: {self.message}"


class ProjectNotFound(PcrcodeError):
    """No codebook.yaml in the folder or any of its parents."""


class FileFormatError(PcrcodeError):
    """A project file cannot be read: syntax, encoding, or structure."""


class UsageError(PcrcodeError):
    """Arguments that make no sense: a bad segment range, an unknown format."""

    exit_code = ExitCode.USAGE


class UnknownItem(PcrcodeError):
    """An interview, segment, code, coder or structure named on the command line that the project
    does not have: a usage error (the project itself is fine)."""

    exit_code = ExitCode.USAGE


class ConflictError(PcrcodeError):
    """The operation would break an invariant (a rename onto an existing id, say)."""


# Numbers typed by people ---------------------------------------------------------------------

# More digits than any count, segment or width pcrcode deals with (a billion billion).
MAX_DIGITS = 18


def whole_number(text: str) -> int | None:
    """``text`` (a segment, a round, a width...) as a whole number, or None when it is not one
    that int() can take at once: '²' and '١٢' pass ``str.isdigit()`` but not int() (or not as
    meant), and 5,000 digits pass both tests but exceed Python's int conversion limit, which
    raises instead of answering."""
    if text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS:
        return int(text)
    return None


# Suggestions for a mistyped name, in error messages ---------------------------------------


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` when a close match exists, else the empty string."""
    import difflib  # here: `pcrcode --help` imports this module, and needs no suggestions

    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def closest(word: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """Up to ``n`` names of ``choices`` close to ``word``, closest first."""
    import difflib

    return difflib.get_close_matches(word, list(choices), n=n, cutoff=0.5)


def suggest(word: str, choices: Iterable[str], otherwise: str = "") -> str:
    """``; did you mean a, b?`` naming the ``choices`` close to ``word``, else ``otherwise``."""
    near = closest(word, choices)
    return f"; did you mean {', '.join(near)}?" if near else otherwise


# What to do about the system errors a user can meet (a full disk, a read-only folder...).
_OS_HINTS = {
    "ENOSPC": "the disk is full: free some space, then run the command again",
    "EDQUOT": "the disk quota is used up: free some space, then run the command again",
    "EROFS": "the file system is read-only: work on a writable copy of the project",
    "EACCES": "permission denied: ask the folder's owner for write access, or work on a copy",
    "EPERM": "operation not permitted: ask the folder's owner, or work on a copy",
    "ENOTDIR": "a part of this path is a file, where a folder was expected: move the file away",
    "EEXIST": "a file is in the way where a folder was expected: move it away",
    "EISDIR": "is a folder, where a file was expected",
    "ELOOP": "symbolic links that loop: remove the link",
    "ENAMETOOLONG": "the file name is too long for this file system: choose a shorter id",
    "ENOENT": "no such file or folder: check the path",
}


def from_os_error(exc: OSError) -> PcrcodeError:
    """A system error (full disk, read-only folder, a file where a folder should be) as one
    line naming the file: every write being atomic, nothing was left half-written."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    hint = _OS_HINTS.get(name) or (exc.strerror or str(exc))
    return PcrcodeError(f"{hint}; nothing was half-written", exc.filename)
