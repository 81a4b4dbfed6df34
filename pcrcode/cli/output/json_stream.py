"""The one JSON writer of the command line: every ``--format json`` goes through here.

Every control character is escaped: json escapes C0 (ESC is ``\\u001b``) but leaves DEL and C1
raw (0x9b is a CSI to some terminals), and U+2028/U+2029 break JavaScript readers; these are
escaped here as ``\\u009b``... A whole value is written by :func:`write_json`; an array of
records, one element at a time, by :func:`write_json_array`, byte for byte as the whole list.

``json.dumps(rows, indent=2)`` needs every row at once (a dict per coding) and then the whole text,
which on a large project takes more memory than the rest of the command (bench/NOTES.md); written
element by element, memory stays flat. Each element is not given to ``json.dumps`` either: with
``indent``, json builds its encoder's closures anew on every call, and these reference cycles pile
up in the CLI, which runs without the cyclic garbage collector (growing with the rows:
bench/NOTES.md). The few JSON types of records (str, int, float, bool, None, lists, dicts with str
keys) are written here as ``json.dumps(..., indent=2, ensure_ascii=False)`` writes them; anything
else goes through json.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from json.encoder import encode_basestring
from typing import Any

_JSON_RAW = re.compile("[\x7f-\x9f\u2028\u2029]")
_BATCH = 1 << 16


def _escape(text: str) -> str:
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def json_document(value: Any) -> str:
    """``value`` as JSON text (two-space indents, a final newline), controls escaped."""
    return _escape(json.dumps(value, ensure_ascii=False, indent=2)) + "\n"


def write_json(value: Any) -> None:
    sys.stdout.write(json_document(value))


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def json_text(value: Any, level: int = 0) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)``, for a value nested ``level`` deep
    (its lines after the first indented by ``2 * level`` spaces)."""
    if isinstance(value, str):
        return encode_basestring(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    inner = "\n" + "  " * (level + 1)
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        items = (json_text(v, level + 1) for v in value)
        return f"[{inner}{(',' + inner).join(items)}\n{'  ' * level}]"
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        if not value:
            return "{}"
        pairs = (f"{encode_basestring(k)}: {json_text(v, level + 1)}" for k, v in value.items())
        return f"{{{inner}{(',' + inner).join(pairs)}\n{'  ' * level}}}"
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return text.replace("\n", "\n" + "  " * level)


def write_json_array(items: Iterable[Any]) -> int:
    """Write ``items`` as ``write_json(list(items))`` does; returns how many items there were."""
    out: list[str] = []
    size = count = 0
    write = sys.stdout.write
    for count, item in enumerate(items, 1):
        text = json_text(item, 1)
        out.append(f"{',' if count > 1 else '['}\n  {text}")
        size += len(text)
        if size >= _BATCH:
            chunk = "".join(out)
            write(_escape(chunk))
            out.clear()
            size = 0
    out.append("\n]\n" if count else "[]\n")
    chunk = "".join(out)
    write(_escape(chunk))
    return count
