"""Safe XML parsing for files written by other programs, and escaping for the XML pcrcode writes.

The standard library's expat is driven directly so that a document type declaration (and with it
every entity declaration: the "billion laughs" expansion, external entities) is refused before
anything is expanded. Elements are built with their *local* names: exporters disagree on the
namespace (``urn:QDA-XML:codebook:1:0`` exists in the wild), so matching ignores it.

Exports are written as a stream of text (see :mod:`pcrcode.exchange.refi.export`), escaped here
exactly as ElementTree's serialiser escapes (the format of every export written so far, byte for
byte).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pcrcode.errors import FileFormatError

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

MAX_DEPTH = 200


class _Refused(Exception):
    pass


def _local(name: str) -> str:
    # expat joins namespace and local name with the separator given below.
    return name.rsplit(" ", 1)[-1]


def parse(data: bytes, where: str) -> ET.Element:
    """The root element of ``data``; tags and attribute names without namespace.

    Raises :class:`FileFormatError` naming ``where`` for malformed XML, a DOCTYPE or entity
    declaration, or nesting deeper than :data:`MAX_DEPTH`.
    """
    import xml.etree.ElementTree as ET  # here: the export writes text, it never parses
    from pyexpat import ExpatError, ParserCreate

    builder = ET.TreeBuilder()
    parser = ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    depth = 0

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_DEPTH:
            raise _Refused(f"elements nested more than {MAX_DEPTH} deep")
        builder.start(_local(tag), {_local(k): v for k, v in attrs.items()})

    def end(tag: str) -> None:
        nonlocal depth
        depth -= 1
        builder.end(_local(tag))

    def refuse_doctype(*_: object) -> None:
        raise _Refused(
            "a DOCTYPE declaration (refused: entity expansion is a known attack on "
            "XML readers, and REFI-QDA files never need one)"
        )

    def refuse_entity(*_: object) -> None:
        raise _Refused("an entity declaration")

    def refuse_external(*_: object) -> int:
        raise _Refused("a reference to an external entity")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_entity
    parser.UnparsedEntityDeclHandler = refuse_entity
    parser.ExternalEntityRefHandler = refuse_external
    try:
        parser.Parse(data, True)
    except _Refused as exc:
        line = parser.CurrentLineNumber
        raise FileFormatError(f"the XML holds {exc}", where, line) from None
    except ExpatError as exc:
        raise FileFormatError(f"not well-formed XML: {exc}", where, exc.lineno) from None
    root: ET.Element = builder.close()
    return root


def children(element: ET.Element, name: str) -> Iterator[ET.Element]:
    """Direct children named ``name`` (local name)."""
    return (child for child in element if child.tag == name)


def child(element: ET.Element, name: str) -> ET.Element | None:
    return next(children(element, name), None)


def text_of(element: ET.Element | None, name: str) -> str:
    """The text of the child ``name`` (``''`` when absent or empty)."""
    if element is None:
        return ""
    found = child(element, name)
    return (found.text or "") if found is not None else ""


_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def invalid_chars(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot carry replaced by U+FFFD."""
    return _XML_INVALID.sub("\ufffd", text)


_TEXT_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
_ATTR_ESCAPES = (*_TEXT_ESCAPES, ('"', "&quot;"), ("\r", "&#13;"), ("\n", "&#10;"), ("\t", "&#09;"))


def _escaped(text: str, escapes: tuple[tuple[str, str], ...]) -> str:
    for char, reference in escapes:
        if char in text:
            text = text.replace(char, reference)
    return text


def escape_text(text: str) -> str:
    """Character data as ElementTree writes it, after :func:`invalid_chars`."""
    return _escaped(_XML_INVALID.sub("\ufffd", text), _TEXT_ESCAPES)


def escape_attr(text: str) -> str:
    """An attribute value as ElementTree writes it (between double quotes), after
    :func:`invalid_chars`: line breaks and tabs as character references, which a reader's
    attribute-value normalisation would otherwise turn into spaces."""
    return _escaped(_XML_INVALID.sub("\ufffd", text), _ATTR_ESCAPES)


def escape_clean_attr(text: str) -> str:
    """:func:`escape_attr` of a text already passed through :func:`invalid_chars`."""
    return _escaped(text, _ATTR_ESCAPES)


# --- Writing: each element on its own line, indented two spaces a level (ElementTree's indent) --


def indent(depth: int) -> str:
    """The line break and indentation before an element at ``depth`` (the root's is 0)."""
    return "\n" + "  " * depth


def attributes(attrs: dict[str, str | None]) -> str:
    """``' name="value"'`` for each attribute, in order; None leaves one out."""
    return "".join(f' {k}="{escape_attr(v)}"' for k, v in attrs.items() if v is not None)


def start_tag(depth: int, tag: str, **attrs: str | None) -> str:
    """An element with children (written after it, then :func:`end_tag`)."""
    return f"{indent(depth)}<{tag}{attributes(attrs)}>"


def end_tag(depth: int, tag: str) -> str:
    return f"{indent(depth)}</{tag}>"


def leaf(depth: int, tag: str, text: str | None = None, **attrs: str | None) -> str:
    """An element without children: with its text, else self-closing (as ElementTree)."""
    head = f"{indent(depth)}<{tag}{attributes(attrs)}"
    return f"{head}>{escape_text(text)}</{tag}>" if text else head + " />"
