"""Stable identifiers and dates for exports, and GUID normalisation for imports.

Every GUID pcrcode writes is ``uuid5`` of one fixed namespace and a key naming the thing (the code
path, the interview id, the coding's key), and every date comes from the project (the codings'
``at``, the interview date), never from the clock: two exports of the same project are
byte-identical, and a re-export after a change differs only where the project changed.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from hashlib import sha1

# uuid5(NAMESPACE_URL, "https://pcrcode.invalid/refi"): fixed forever, or GUIDs change.
NAMESPACE = uuid.UUID("64b4d254-245f-5f15-98c7-00dbd9cfdd69")

_GUID_RE = re.compile(
    r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
    r"[0-9a-fA-F]{12})\}?$"
)
_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")


_NAMESPACE_BYTES = NAMESPACE.bytes
# The high hex digit of byte 8 once uuid5 has set the RFC 4122 variant bits (10xx).
_VARIANT = {d: "89ab"[int(d, 16) & 0x3] for d in "0123456789abcdef"}


def guid(kind: str, *key: object) -> str:
    """The GUID of the ``kind`` (code, interview, coding...) named by ``key``."""
    return guid_of("\x1f".join((kind, *(str(k) for k in key))))


def guid_of(name: str) -> str:
    """``str(uuid.uuid5(NAMESPACE, name))``, from the digest's hex directly.

    ``name`` is a kind and its key joined with ``\x1f`` (see :func:`guid`). An export makes one per
    selection, coding and note (a million at 10,000 interviews): building a ``UUID`` for each was a
    large part of its time (bench/NOTES.md). Recurring ones (users, codes, interviews) are memoised
    by the exporter, per run.
    """
    h = sha1(_NAMESPACE_BYTES + name.encode()).hexdigest()
    return f"{h[:8]}-{h[8:12]}-5{h[13:16]}-{_VARIANT[h[16]]}{h[17:20]}-{h[20:32]}"


def norm_guid(value: str | None) -> str:
    """A GUID as a key: lower case, without braces (``''`` for none).

    Values that are not GUIDs are kept (stripped, lower case): a lenient reader matches what it
    can instead of refusing a whole file for one odd identifier.
    """
    if not value:
        return ""
    value = value.strip()
    m = _GUID_RE.match(value)
    return (m.group(1) if m else value).lower()


def is_datetime(value: str) -> bool:
    """Whether ``value`` is an ``xsd:dateTime`` pcrcode may write as is."""
    if not _DATETIME_RE.match(value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def date_to_datetime(value: object) -> str:
    """An interview date (``2026-03-12``) as the start of that day in UTC; ``''`` when unusable."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return f"{value.isoformat()}T00:00:00Z"
    text = str(value or "").strip()
    try:
        return f"{date.fromisoformat(text).isoformat()}T00:00:00Z"
    except ValueError:
        return text if is_datetime(text) else ""
