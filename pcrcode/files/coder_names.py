"""Coder names: a valid name (it names a folder under ``codings/``), and a coder that has codings
in a project. Two questions, two names. Who is coding (``--coder``, ``$PCRCODE_CODER``, git's
``user.name``) is the command line's question: :func:`pcrcode.cli.common.resolve_coder`."""

from __future__ import annotations

import re

from pcrcode.errors import UnknownItem, UsageError, did_you_mean, whole_number
from pcrcode.files.codebook import ID_RE
from pcrcode.model import ROUND_MARK, Project


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


def slug(name: str) -> str:
    """A name as a folder-safe id: ``Léa Martin`` -> ``lea-martin``."""
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9_]+", "-", ascii_name.lower()).strip("-")
