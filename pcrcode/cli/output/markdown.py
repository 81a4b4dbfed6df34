"""The one Markdown escaper, and Markdown tables of rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pcrcode.cli.output.rows import Column, cell_text, visible


def escape(text: str, special: str = "|") -> str:
    """User text inside Markdown: control characters made visible, line breaks folded into
    spaces, and the ``special`` characters of where it stands (a table cell's ``|``, an
    emphasis's ``*``) backslashed."""
    text = visible(text).replace("\n", " ")
    for char in special:
        text = text.replace(char, "\\" + char)
    return text


def table(rows: Iterable[Mapping[str, Any]], columns: Sequence[Column]) -> str:
    out = ["| " + " | ".join(escape(c.header) for c in columns) + " |"]
    out.append("|" + "|".join("---:" if c.justify == "right" else "---" for c in columns) + "|")
    for row in rows:
        out.append("| " + " | ".join(escape(cell_text(row.get(c.key))) for c in columns) + " |")
    return "\n".join(out) + "\n"
