"""The one way a coding file is changed: recover an interrupted multi-file change, take the
file's lock, read it for update, write it atomically.

``tag``, ``untag``, coding memos (and through ``tag``, ``autocode`` and the coding session) all
go through :func:`updating`: two researchers writing at once both keep their codings, and a crash
leaves the file as it was or fully updated.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pcrcode.errors import FileFormatError, PcrcodeError
from pcrcode.files import atomic, transaction
from pcrcode.files import codings as codings_io
from pcrcode.files.coder_names import valid_coder_name
from pcrcode.files.diagnostics import Diagnostics
from pcrcode.files.yaml_reading import OUTSIDE_PROJECT, is_inside
from pcrcode.model import Coding


@dataclass
class CodingFileUpdate:
    """One coder's coding file of one interview, read under its lock."""

    path: Path
    coder: str
    interview: str
    codings: list[Coding]

    def write(self, codings: list[Coding]) -> None:
        codings_io.write(self.path, self.coder, self.interview, codings)
        self.codings = codings


@contextmanager
def updating(
    root: Path, coder: str, interview: str, before: str = "tagging"
) -> Iterator[CodingFileUpdate]:
    """The coding file of ``coder`` for ``interview``, locked for the ``with`` block; nothing is
    written unless :meth:`CodingFileUpdate.write` is called. ``before`` names the operation in
    the message about an unreadable file ("fix it ... before tagging")."""
    valid_coder_name(coder)  # it names a folder: '../x' would write outside codings/
    transaction.recover(root)  # complete an interrupted multi-file change first
    path = codings_io.coding_path(root, coder, interview)
    with atomic.locked(transaction.lock_path(root, path)):
        yield CodingFileUpdate(path, coder, interview, read_for_update(root, path, before))


def read_for_update(
    root: Path, path: Path, before: str = "tagging", duplicates: bool = False
) -> list[Coding]:
    """A coding file's codings before rewriting it: refused when it leads outside the project or
    holds a coding pcrcode cannot read (rewriting would drop it). ``before`` names the operation
    in the message ("fix it ... before tagging"). A coding applied twice is refused too (a
    rewrite would keep one memo of two) unless ``duplicates`` (the caller merges or keeps them)."""
    if not is_inside(root, path):  # codings/<coder> linked elsewhere: never write there
        raise FileFormatError(OUTSIDE_PROJECT, path, 1)
    if not path.exists():
        return []
    diag = Diagnostics(root)
    existing = codings_io.read(path, diag)
    if diag.errors:
        first = diag.errors[0]
        raise PcrcodeError(
            f"{first.message}; fix it (see `pcrcode check`) before {before}, or "
            "its codings would be lost",
            first.path,
            first.line,
        )
    if not duplicates:
        _refuse_duplicates(existing, Diagnostics(root).rel(path), before)
    return existing


def _refuse_duplicates(codings: list[Coding], path: str, before: str) -> None:
    # Both sides of a merge conflict kept: rewriting would keep one of the two (and its memo).
    seen: dict[tuple[str, int, str, int, int], Coding] = {}
    for coding in codings:
        first = seen.setdefault(coding.key, coding)
        if first is not coding:
            raise PcrcodeError(
                f"'{coding.code}' is applied twice to segment {coding.segment} (also at line "
                f"{first.line}): keep one of the two lines, merging their memos, before "
                f"{before}, or one memo would be lost",
                path,
                coding.line,
            )
