"""Declaring pcrcode's merge driver in a git repository.

Two halves, as git wants them: ``.gitattributes`` (committed, shared by the team) says which
files the driver merges; the repository's local configuration (``.git/config``, never shared:
each clone runs ``pcrcode git setup`` once) says which command the driver is.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

from pcrcode.errors import PcrcodeError
from pcrcode.files import atomic

DRIVER = "pcrcode"
PATTERNS = ("codings/**", "memos/**")
ATTRIBUTES_FILE = ".gitattributes"
DRIVER_NAME = "pcrcode: coding and memo files merged by content"


class GitError(PcrcodeError):
    pass


def repository_root(start: Path) -> Path | None:
    """The work tree holding ``start`` (a ``.git`` folder, or file in a linked work tree)."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def driver_command() -> str:
    """The driver as git runs it: this very interpreter, so a virtualenv need not be active."""
    return f"{shlex.quote(sys.executable)} -m pcrcode merge-file %O %A %B --path %P"


def run_git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``git -C repo args...``, its output captured; a missing git is a :class:`GitError`."""
    try:
        return subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, text=True, check=False
        )
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror}; is git installed?") from None


def attribute_lines() -> list[str]:
    return [f"{pattern} merge={DRIVER}" for pattern in PATTERNS]


def missing_attributes(project: Path) -> list[str]:
    path = project / ATTRIBUTES_FILE
    try:
        present = {" ".join(line.split()) for line in path.read_text("utf-8").splitlines()}
    except (OSError, UnicodeDecodeError):
        present = set()
    return [line for line in attribute_lines() if line not in present]


def configured_driver(repo: Path) -> str:
    found = run_git(repo, "config", "--get", f"merge.{DRIVER}.driver")
    return found.stdout.strip() if found.returncode == 0 else ""


def setup(project: Path) -> list[str]:
    """Declare the driver for the project's codings and memos; what was done, one line each
    (nothing when everything was already in place)."""
    repo = repository_root(project)
    if repo is None:
        raise GitError(
            f"{project} is not in a git repository: run `git init` there first, then this again"
        )
    done: list[str] = []
    missing = missing_attributes(project)
    if missing:
        path = project / ATTRIBUTES_FILE
        try:
            old = path.read_text("utf-8") if path.exists() else ""
        except (OSError, UnicodeDecodeError) as exc:
            raise GitError(f"cannot read {path}: {exc}") from None
        if old and not old.endswith("\n"):
            old += "\n"
        comment = "# pcrcode: coding and memo files are merged by content (pcrcode git setup)\n"
        atomic.write_text(path, old + comment + "\n".join(missing) + "\n")
        done.append(f"{ATTRIBUTES_FILE}: added {', '.join(missing)} (commit it)")
    command = driver_command()
    if configured_driver(repo) != command:
        for key, value in (("name", DRIVER_NAME), ("driver", command)):
            result = run_git(repo, "config", "--local", f"merge.{DRIVER}.{key}", value)
            if result.returncode != 0:
                raise GitError(f"git config failed: {result.stderr.strip() or 'no reason given'}")
        done.append(f"git config merge.{DRIVER}.driver: {command}")
    return done


def problems(project: Path) -> list[str]:
    """What a repository lacks for merges by content; empty outside git or when set up."""
    repo = repository_root(project)
    if repo is None:
        return []
    found = []
    missing = missing_attributes(project)
    if missing:
        found.append(f"{ATTRIBUTES_FILE} lacks {', '.join(missing)}")
    try:
        if not configured_driver(repo):
            found.append(f"this clone has no merge.{DRIVER}.driver in its git config")
    except GitError:  # no git binary: nothing can merge here anyway
        pass
    return found
