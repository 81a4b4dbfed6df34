"""One coder's codings of one interview replaced as a whole, if nobody changed them meanwhile.

The workbench saves every change at once and undoes any of them, across saves: each change is a
pair (codings before, codings after), written under the same lock and atomic rename as ``tag``.
Writing ``before`` back undoes it; a file that no longer holds what the change left (another
window, ``tag``, a ``git pull``) is refused rather than overwritten.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pcrcode.coding import old_texts
from pcrcode.errors import ConflictError
from pcrcode.model import Coding, Interview


def _state(codings: Sequence[Coding]) -> set[tuple[object, ...]]:
    return {(*c.key, c.memo, c.fingerprint, c.quote, c.partners) for c in codings}


def replace_codings(
    root: Path,
    coder: str,
    interview: Interview,
    expected: Sequence[Coding],
    new: Sequence[Coding],
) -> list[Coding]:
    """Write ``new`` as ``coder``'s codings of ``interview`` when the file still holds
    ``expected``; returns what was written."""
    from pcrcode.files.coding_updates import updating

    with updating(root, coder, interview.id, "changing it") as update:
        if _state(update.codings) != _state(expected):
            raise ConflictError(
                f"{update.path.relative_to(root).as_posix()} changed since it was read (another "
                "command or window): nothing written; reopen the interview"
            )
        update.write(list(new))
    old_texts.remember(root, interview)  # the texts coded, for `pcrcode reanchor`
    return list(new)
