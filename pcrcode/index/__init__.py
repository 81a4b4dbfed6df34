"""The project index: a derived SQLite database (``.pcrcode/index.sqlite``) from which the reports
answer without building every coding of a large project.

What it holds, one row per project file, keyed by the same signature as the parse cache (size,
mtime_ns, ctime_ns, inode): for a transcript, its head (id, structure, metadata, the turns'
fingerprints) and the errors found while reading it; for a coding file, its interview and coder,
how many codings it has, its errors, and its coded segments as (segment number, set of codes
applied to it) with the sets stored once for the whole project. Codes are stored as written in the
file: aliases, the hierarchy and unknown codes are resolved when a report asks, against the
codebook of that moment, so that an edit of the codebook never leaves the index stale.

It is never the source of truth. Each command that uses it compares every file's signature with its
row: a changed, new or removed file is read again (through the parse cache) and its rows replaced in
one transaction, so that a killed update leaves the old rows or the new ones. ``tag`` and ``untag``
do not touch it: the next report notices the file's new signature and re-reads that one file. An
index of another schema or pcrcode version is rebuilt; one that cannot be read (corrupt, locked by
another process for too long, in a read-only ``.pcrcode/``) is left alone and the command answers
from the files, as it does when ``PCRCODE_NO_INDEX=1`` or ``PCRCODE_NO_CACHE=1`` (the index reads
the text of quotes through the cache) is set. ``tests/test_index.py`` proves that every report
gives the same output with and without it.
"""

from __future__ import annotations

import os

DISABLE_ENV = "PCRCODE_NO_INDEX"


def enabled() -> bool:
    """Whether commands may answer from the index (``PCRCODE_NO_INDEX=1`` turns it off)."""
    from pcrcode.files.cache import enabled as cache_enabled

    return os.environ.get(DISABLE_ENV, "") in ("", "0") and cache_enabled()
