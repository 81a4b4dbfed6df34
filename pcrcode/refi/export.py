"""Writing REFI-QDA: a codebook (``.qdc``) or a whole project (``.qdpx``).

The output is deterministic: GUIDs are ``uuid5`` of the things they name, dates come from the
project, elements and zip entries are in a fixed order with fixed timestamps. Every interview is
written as one text (see :mod:`pcrcode.refi.segments`) whose code-point offsets are those of the
selections, each selection named with the text it covers.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pcrcode import __version__
from pcrcode.model import Code, Codebook, Coding, Interview, Project, Structure
from pcrcode.refi import CODEBOOK_NS, PROJECT_NS
from pcrcode.refi.describe import (
    ID_TAG,
    INTERVIEWED_DESCRIPTION,
    SPEAKERS,
    attribute_description,
    code_description,
    family_description,
    yaml_text,
)
from pcrcode.refi.guids import date_to_datetime, guid, is_datetime
from pcrcode.refi.segments import RenderedTurn, render_interview
from pcrcode.refi.xml import invalid_chars

ORIGIN = f"pcrcode {__version__}"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass
class ExportResult:
    data: bytes
    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


class _Builder:
    def __init__(self, ns: str) -> None:
        self.ns = ns

    def el(self, parent: ET.Element | None, tag: str, text: str | None = None,
           **attrs: str | None) -> ET.Element:
        clean = {k: invalid_chars(v) for k, v in attrs.items() if v is not None}
        if parent is None:  # the namespace as a plain attribute: ElementTree's prefixes are
            clean = {"xmlns": self.ns, **clean}  # global state, and it refuses bare attributes
        node = ET.Element(tag, clean) if parent is None else ET.SubElement(parent, tag, clean)
        if text is not None:
            node.text = invalid_chars(text)
        return node

    def serialise(self, root: ET.Element) -> bytes:
        ET.indent(root, space="  ")
        body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
        return body + b"\n"


def code_guid(code_id: str) -> str:
    return guid("code", code_id)


def _codes(b: _Builder, parent: ET.Element, codebook: Codebook) -> None:
    language = codebook.language
    for family in codebook.families.values():
        node = b.el(parent, "Code", guid=code_guid(family.id), name=family.label,
                    isCodable="false")
        b.el(node, "Description", family_description(family, language))
        _children(b, node, codebook, [c for c in codebook.family_codes(family.id)
                                      if c.parent is None], language)


def _children(b: _Builder, parent: ET.Element, codebook: Codebook, codes: Iterable[Code],
              language: str) -> None:
    for code in codes:
        node = b.el(parent, "Code", guid=code_guid(code.id), name=code.label,
                    isCodable="true" if code.codable else "false")
        b.el(node, "Description", code_description(code, language))
        _children(b, node, codebook, codebook.children(code.id), language)


def export_qdc(codebook: Codebook) -> ExportResult:
    """The codebook as a REFI-QDA ``.qdc`` document."""
    b = _Builder(CODEBOOK_NS)
    root = b.el(None, "CodeBook", origin=ORIGIN)
    codes = b.el(root, "Codes")
    _codes(b, codes, codebook)
    return ExportResult(b.serialise(root), {"families": len(codebook.families),
                                            "codes": len(codebook.codes)})


# --- variables ---------------------------------------------------------------------------------

def _type_of(values: list[Any]) -> str:
    present = [v for v in values if v is not None and v != ""]
    if present and all(isinstance(v, bool) for v in present):
        return "Boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "Integer"
    if present and all(isinstance(v, int | float) and not isinstance(v, bool)
                       and v == v and abs(v) != float("inf") for v in present):
        return "Float"
    if present and all(isinstance(v, date) and not isinstance(v, datetime) for v in present):
        return "Date"
    return "Text"


def _typed(kind: str, value: Any) -> tuple[str, str]:
    if kind == "Boolean":
        return "BooleanValue", "true" if value else "false"
    if kind == "Integer":
        return "IntegerValue", str(value)
    if kind == "Float":
        return "FloatValue", format(Decimal(repr(float(value))), "f")
    if kind == "Date":
        return "DateValue", value.isoformat()
    return "TextValue", str(value)


@dataclass(frozen=True)
class _Variable:
    name: str
    kind: str
    description: str


def _variables(project: Project) -> list[_Variable]:
    codebook, structures = project.codebook, list(project.registry.structures.values())
    result = [_Variable(a.id, "Text", attribute_description(a))
              for a in codebook.attributes.values()]
    for builtin in ("statut", "domaine"):
        if builtin not in codebook.attributes:
            result.append(_Variable(builtin, "Text", ""))
    result.append(_Variable("interviewed", "Boolean", INTERVIEWED_DESCRIPTION))
    seen = {v.name for v in result}
    for s in structures:
        for key in s.extra:
            if key not in seen:
                seen.add(key)
                kind = _type_of([t.extra.get(key) for t in structures])
                result.append(_Variable(key, kind, ""))
    return result


def _value(structure: Structure, variable: _Variable, codebook: Codebook) -> Any:
    if variable.name == "interviewed":
        return structure.interviewed
    value = structure.value(variable.name, codebook)
    return None if value is None or value == "" else value


# --- sources and selections -----------------------------------------------------------------

@dataclass
class _Selection:
    coder: str
    segment: int
    start: int | None
    end: int | None
    begin: int  # offsets in the source text
    stop: int
    codings: list[Coding] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, int, int, int]:
        return (self.coder, self.segment, -1 if self.start is None else self.start,
                -1 if self.end is None else self.end)


def _selections(interview: Interview, turns: list[RenderedTurn], codings: list[Coding],
                known: set[str], skipped: list[str]) -> list[_Selection]:
    groups: dict[tuple[str, int, int, int], _Selection] = {}
    for c in codings:
        where = f"{c.coder}'s coding of {interview.id} segment {c.segment} with {c.code}"
        if c.code not in known:
            skipped.append(f"{where}: the code is not in the codebook")
            continue
        if not 1 <= c.segment <= len(turns):
            skipped.append(f"{where}: the interview has {len(turns)} segments")
            continue
        turn = turns[c.segment - 1]
        if c.start is not None and c.end is not None:
            if not 0 <= c.start < c.end <= len(turn.text):
                skipped.append(f"{where}: the span {c.start}-{c.end} is outside the segment")
                continue
            begin, stop = turn.start + c.start, turn.start + c.end
        else:
            begin, stop = turn.start, turn.start + len(turn.text)
        sel = _Selection(c.coder, c.segment, c.start, c.end, begin, stop)
        groups.setdefault(sel.key, sel).codings.append(c)
    return sorted(groups.values(), key=lambda s: (s.begin, s.stop, s.coder))


def _earliest(values: Iterable[str]) -> str | None:
    valid = sorted(v for v in values if v and is_datetime(v))
    return valid[0] if valid else None


def export_qdpx(project: Project) -> ExportResult:
    """The whole project as a REFI-QDA ``.qdpx`` archive (bytes)."""
    b = _Builder(PROJECT_NS)
    codebook = project.codebook
    skipped: list[str] = []
    counts = dict.fromkeys(("families", "codes", "users", "variables", "cases", "sources",
                            "selections", "codings", "notes"), 0)
    codings_of: dict[str, list[Coding]] = {}
    for c in project.codings:
        if c.interview in project.interviews:
            codings_of.setdefault(c.interview, []).append(c)
        else:
            skipped.append(f"{c.coder}'s codings of '{c.interview}': no such interview")
    all_at = [c.at for c in project.codings]
    dates = [date_to_datetime(i.meta.get("date", i.date)) for i in project.interviews.values()]
    created = _earliest(all_at) or _earliest(dates)
    modified = max([v for v in (*all_at, *dates) if v and is_datetime(v)], default=None)
    root = b.el(None, "Project", name=codebook.title, origin=ORIGIN,
                creationDateTime=created, modifiedDateTime=modified)

    coders = sorted({c.coder for c in project.codings})
    if coders:
        users = b.el(root, "Users")
        for coder in coders:
            b.el(users, "User", guid=guid("user", coder), name=coder)
    counts["users"] = len(coders)
    if codebook.families:
        _codes(b, b.el(b.el(root, "CodeBook"), "Codes"), codebook)
    counts["families"], counts["codes"] = len(codebook.families), len(codebook.codes)

    variables = _variables(project)
    structures = list(project.registry.structures.values())
    if structures:
        holder = b.el(root, "Variables")
        for v in variables:
            node = b.el(holder, "Variable", guid=guid("variable", v.name), name=v.name,
                        typeOfVariable=v.kind)
            if v.description:
                b.el(node, "Description", v.description)
        counts["variables"] = len(variables)
        cases = b.el(root, "Cases")
        for s in structures:
            case = b.el(cases, "Case", guid=guid("structure", s.id), name=s.name)
            b.el(case, "Description", f"{ID_TAG}: {s.id}")
            for v in variables:
                value = _value(s, v, codebook)
                if value is None:
                    continue
                vv = b.el(case, "VariableValue")
                b.el(vv, "VariableRef", targetGUID=guid("variable", v.name))
                tag, text = _typed(v.kind, value)
                b.el(vv, tag, text)
            for interview in project.interviews.values():
                if interview.structure == s.id:
                    b.el(case, "SourceRef", targetGUID=guid("interview", interview.id))
        counts["cases"] = len(structures)

    entries: dict[str, bytes] = {}
    notes: list[tuple[str, str, str, str | None, str]] = []  # guid, name, user, at, text
    note_guids: set[str] = set()
    known = set(codebook.codes)
    if project.interviews:
        sources = b.el(root, "Sources")
        for interview in project.interviews.values():
            text, turns = render_interview(interview)
            sguid = guid("interview", interview.id)
            entries[f"sources/{sguid}.txt"] = text.encode("utf-8")
            node = b.el(sources, "TextSource", guid=sguid, name=interview.id,
                        plainTextPath=f"internal://{sguid}.txt",
                        creationDateTime=date_to_datetime(interview.meta.get("date")) or None)
            meta = {k: v for k, v in interview.meta.items() if k not in ("structure", "id")}
            names = list(dict.fromkeys(t.speaker for t in turns if t.speaker))
            if names:  # tells a reader which "Label:" paragraphs open a turn
                meta[SPEAKERS] = names
            if meta:
                b.el(node, "Description", yaml_text(meta).rstrip("\n"))
            selections = _selections(interview, turns, codings_of.get(interview.id, []), known,
                                     skipped)
            for sel in selections:
                key = (interview.id, *sel.key)
                sel_node = b.el(node, "PlainTextSelection", guid=guid("selection", *key),
                                name=text[sel.begin:sel.stop], startPosition=str(sel.begin),
                                endPosition=str(sel.stop), creatingUser=guid("user", sel.coder),
                                creationDateTime=_earliest(c.at for c in sel.codings))
                for c in sorted(sel.codings, key=lambda c: c.code):
                    coding = b.el(sel_node, "Coding", guid=guid("coding", c.coder, *c.key),
                                  creatingUser=guid("user", c.coder),
                                  creationDateTime=c.at if is_datetime(c.at) else None)
                    b.el(coding, "CodeRef", targetGUID=code_guid(c.code))
                    if c.memo:
                        nguid = guid("note", *key, c.memo)
                        b.el(coding, "NoteRef", targetGUID=nguid)
                        if nguid not in note_guids:
                            note_guids.add(nguid)
                            notes.append((nguid, f"{interview.id} segment {c.segment} "
                                          f"({c.coder})", c.coder,
                                          c.at if is_datetime(c.at) else None, c.memo))
                    counts["codings"] += 1
            counts["selections"] += len(selections)
        counts["sources"] = len(project.interviews)
    if notes:
        holder = b.el(root, "Notes")
        for nguid, name, coder, at, memo in notes:
            note = b.el(holder, "Note", guid=nguid, name=name, creatingUser=guid("user", coder),
                        creationDateTime=at)
            b.el(note, "PlainTextContent", memo)
        counts["notes"] = len(notes)
    b.el(root, "Description", f"pcrcode project: {codebook.title}\nlanguage: {codebook.language}")
    entries["project.qde"] = b.serialise(root)
    return ExportResult(_zip(entries), counts, skipped)


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, entries[name], compresslevel=9)
    return buffer.getvalue()
