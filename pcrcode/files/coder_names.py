"""Coder names: a valid name (it names a folder under ``codings/``), the name of who is coding,
and a coder that has codings in a project. Three questions, three names."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from pcrcode.errors import UnknownItem, UsageError, did_you_mean, whole_number
from pcrcode.files.codebook import ID_RE
from pcrcode.model import ROUND_MARK, Project, with_round


def valid_coder_name(name: str) -> str:
    """``name`` if it can name a folder: lowercase letters, digits, - and _ only, and ``@N``
    for round N (2 or more) of that coder's coding."""
    person, mark, number = name.partition(ROUND_MARK)
    if not ID_RE.match(person) or "/" in person:
        hint = f" (e.g. '{slug(person)}')" if slug(person) else ""
        raise UsageError(f"bad coder name '{name}': use a-z, 0-9, - and _, it names a folder{hint}")
    round_number = whole_number(number)
    if mark and (round_number is None or round_number < 2 or number.startswith("0")):
        raise UsageError(
            f"bad coder name '{name}': '@' is followed by a round number from 2 "
            f"(round 1 is plain '{person}')"
        )
    return name


def require_coder_with_codings(project: Project, coder: str | None) -> None:
    """Refuse a coder (when one is named) who has no codings in ``project``."""
    if coder is not None and coder not in project.coders():
        raise UnknownItem(
            f"no codings by coder '{coder}' (coders: "
            f"{', '.join(project.coders()) or 'none yet'})"
            f"{did_you_mean(coder, project.coders())}"
        )


def resolve_coder(
    explicit: str | None, cwd: Path | None = None, coding_round: int | None = None
) -> str:
    """``--coder``, else ``$PCRCODE_CODER``, else git's ``user.name`` (slugged); in round
    ``coding_round`` (``--round``, else ``$PCRCODE_ROUND``) when it is 2 or more."""
    if coding_round is None and os.environ.get("PCRCODE_ROUND"):
        coding_round = _round(os.environ["PCRCODE_ROUND"])
    name = explicit or os.environ.get("PCRCODE_CODER")
    if not name:
        git_name = _git_user(cwd)
        if not git_name:
            raise UsageError(
                "who is coding? pass --coder NAME or set PCRCODE_CODER "
                "(git's user.name is not set either)"
            )
        if not slug(git_name):
            raise UsageError(
                f"git's user.name '{git_name}' gives no usable coder name (a-z, 0-9, - and _): "
                "pass --coder NAME or set PCRCODE_CODER"
            )
        name = slug(git_name)
    name = valid_coder_name(name)
    if coding_round is not None and coding_round > 1:
        if ROUND_MARK in name:
            raise UsageError(f"'{name}' names a round already: drop --round, or the '@' part")
        return with_round(name, coding_round)
    return name


def _round(text: str) -> int:
    number = whole_number(text)
    if number is None or number < 1:
        raise UsageError(f"bad round '{text}' in PCRCODE_ROUND: a number from 1")
    return number


def slug(name: str) -> str:
    """A name as a folder-safe id: ``Léa Martin`` -> ``lea-martin``."""
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9_]+", "-", ascii_name.lower()).strip("-")


def _git_user(cwd: Path | None) -> str:
    try:
        out = subprocess.run(
            ["git", "config", "user.name"],
            capture_output=True,
            text=True,
            timeout=5,
            cwd=cwd,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()
