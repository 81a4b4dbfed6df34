"""Reading a REFI-QDA document into plain records, tolerating what real exporters write.

Elements are matched by local name (whatever the namespace), GUIDs are compared in lower case
without braces, and every element pcrcode has no place for is counted in ``discarded`` so that
the import can say what it left out, as the specification asks.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pcrcode.errors import FileFormatError
from pcrcode.exchange.refi.guids import norm_guid
from pcrcode.exchange.refi.xml import child, children, text_of


@dataclass
class RCode:
    guid: str
    name: str
    codable: bool
    description: str
    children: list[RCode] = field(default_factory=list)


@dataclass
class RCoding:
    guid: str
    target: str
    user: str
    at: str
    notes: list[str] = field(default_factory=list)


@dataclass
class RSelection:
    guid: str
    name: str
    start: int | None
    end: int | None
    user: str
    at: str
    description: str
    codings: list[RCoding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class RSource:
    guid: str
    name: str
    path: str
    rich_path: str
    content: str | None
    description: str
    at: str
    user: str
    selections: list[RSelection] = field(default_factory=list)
    codings: list[RCoding] = field(default_factory=list)
    values: list[tuple[str, Any]] = field(default_factory=list)


@dataclass
class RVariable:
    guid: str
    name: str
    kind: str
    description: str


@dataclass
class RCase:
    guid: str
    name: str
    description: str
    values: list[tuple[str, Any]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


@dataclass
class RProject:
    name: str = ""
    origin: str = ""
    description: str = ""
    created: str = ""
    creating_user: str = ""
    users: dict[str, str] = field(default_factory=dict)
    codes: list[RCode] = field(default_factory=list)
    variables: dict[str, RVariable] = field(default_factory=dict)
    cases: list[RCase] = field(default_factory=list)
    sources: list[RSource] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
    discarded: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)


_DEFINITIONS = (
    "Code",
    "User",
    "Variable",
    "Case",
    "TextSource",
    "PictureSource",
    "PDFSource",
    "AudioSource",
    "VideoSource",
    "Note",
    "Set",
)


def check_guids(root: ET.Element, where: str, warnings: list[str]) -> None:
    """Two things defined with one GUID make references ambiguous: refused. Two selections or
    codings sharing one are only reported."""
    seen: dict[str, str] = {}
    minor: Counter[str] = Counter()
    for node in root.iter():
        value = node.get("guid")
        if value is None:
            continue
        key = norm_guid(value)
        if node.tag in _DEFINITIONS:
            if key in seen:
                raise FileFormatError(
                    f"GUID {value} is used by a {seen[key]} and a {node.tag}: references to it "
                    "are ambiguous; fix the file in the program that wrote it",
                    where,
                )
            seen[key] = node.tag
        else:
            minor[key] += 1
    dups = sorted(k for k, n in minor.items() if n > 1)
    if dups:
        warnings.append(
            f"{len(dups)} GUID(s) used by several selections or codings "
            f"(first: {dups[0]}); each is imported on its own"
        )


def _bool(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() in ("true", "1")


def read_codes(parent: ET.Element, discarded: Counter[str]) -> list[RCode]:
    """The ``Code`` children of ``parent`` (``Codes`` or a ``Code``), recursively."""
    result: list[RCode] = []
    for node in parent:
        if node.tag != "Code":
            if parent.tag != "Code":  # a Code's own children are counted below
                discarded[f"{parent.tag}/{node.tag}"] += 1
            continue
        code = RCode(
            guid=norm_guid(node.get("guid")),
            name=(node.get("name") or "").strip(),
            codable=_bool(node.get("isCodable"), True),
            description=text_of(node, "Description").strip(),
        )
        for sub in node:
            if sub.tag == "NoteRef":
                discarded["memos on codes (Code/NoteRef)"] += 1
            elif sub.tag not in ("Description", "Code"):
                discarded[f"Code/{sub.tag}"] += 1
        code.children = read_codes(node, discarded)
        result.append(code)
    return result


def read_codebook(root: ET.Element, where: str) -> RProject:
    """A ``.qdc`` document (root ``CodeBook``)."""
    if root.tag != "CodeBook":
        raise FileFormatError(
            f"the root element is <{root.tag}>, not <CodeBook>: is it a REFI-QDA codebook (.qdc)?",
            where,
        )
    project = RProject(origin=root.get("origin", ""))
    check_guids(root, where, project.warnings)
    codes = child(root, "Codes")
    if codes is not None:
        project.codes = read_codes(codes, project.discarded)
    for node in root:
        if node.tag == "Sets" and len(node):
            project.discarded["sets of codes (Sets)"] += len(node)
        elif node.tag not in ("Codes", "Sets"):
            project.discarded[node.tag] += 1
    return project


def _value(node: ET.Element) -> tuple[str, Any] | None:
    ref = child(node, "VariableRef")
    if ref is None:
        return None
    target = norm_guid(ref.get("targetGUID"))
    for sub in node:
        text = (sub.text or "").strip()
        if sub.tag == "TextValue":
            return target, sub.text or ""
        if sub.tag == "BooleanValue":
            return target, text.lower() in ("true", "1")
        if sub.tag == "IntegerValue":
            try:
                return target, int(text)
            except ValueError:
                return target, text
        if sub.tag == "FloatValue":
            try:
                return target, float(text)
            except ValueError:
                return target, text
        if sub.tag == "DateValue":
            try:
                return target, date.fromisoformat(text[:10])
            except ValueError:
                return target, text
        if sub.tag == "DateTimeValue":
            return target, text
    return None


def _coding(node: ET.Element) -> RCoding | None:
    ref = child(node, "CodeRef")
    if ref is None:
        return None
    return RCoding(
        guid=norm_guid(node.get("guid")),
        target=norm_guid(ref.get("targetGUID")),
        user=norm_guid(node.get("creatingUser")),
        at=node.get("creationDateTime", ""),
        notes=[norm_guid(n.get("targetGUID")) for n in children(node, "NoteRef")],
    )


def _position(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


def _source(node: ET.Element, project: RProject) -> RSource:
    content = child(node, "PlainTextContent")
    source = RSource(
        guid=norm_guid(node.get("guid")),
        name=(node.get("name") or "").strip(),
        path=node.get("plainTextPath") or "",
        rich_path=node.get("richTextPath") or "",
        content=(content.text or "") if content is not None else None,
        description=text_of(node, "Description").strip(),
        at=node.get("creationDateTime", ""),
        user=norm_guid(node.get("creatingUser")),
    )
    if node.get("richTextPath"):
        project.discarded["rich-text copies of sources (richTextPath)"] += 1
    for sub in node:
        if sub.tag == "PlainTextSelection":
            sel = RSelection(
                guid=norm_guid(sub.get("guid")),
                name=sub.get("name") or "",
                start=_position(sub.get("startPosition")),
                end=_position(sub.get("endPosition")),
                user=norm_guid(sub.get("creatingUser")),
                at=sub.get("creationDateTime", ""),
                description=text_of(sub, "Description").strip(),
                notes=[norm_guid(n.get("targetGUID")) for n in children(sub, "NoteRef")],
            )
            sel.codings = [c for c in map(_coding, children(sub, "Coding")) if c is not None]
            source.selections.append(sel)
        elif sub.tag == "Coding":
            coding = _coding(sub)
            if coding is not None:
                source.codings.append(coding)
        elif sub.tag == "VariableValue":
            value = _value(sub)
            if value is not None:
                source.values.append(value)
        elif sub.tag == "NoteRef":
            project.discarded["memos on whole sources (TextSource/NoteRef)"] += 1
        elif sub.tag not in ("Description", "PlainTextContent"):
            project.discarded[f"TextSource/{sub.tag}"] += 1
    return source


def read_project(root: ET.Element, where: str, load_text: Callable[[str], str | None]) -> RProject:
    """A ``.qde`` document (root ``Project``); ``load_text`` reads a note's ``plainTextPath``."""
    if root.tag != "Project":
        raise FileFormatError(
            f"the root element is <{root.tag}>, not <Project>: is it a REFI-QDA project?", where
        )
    project = RProject(
        name=root.get("name", ""),
        origin=root.get("origin", ""),
        created=root.get("creationDateTime", ""),
        creating_user=norm_guid(root.get("creatingUserGUID")),
    )
    check_guids(root, where, project.warnings)
    for section in root:
        tag = section.tag
        if tag == "Users":
            for user in children(section, "User"):
                project.users[norm_guid(user.get("guid"))] = (user.get("name") or "").strip()
        elif tag == "CodeBook":
            codes = child(section, "Codes")
            if codes is not None:
                project.codes = read_codes(codes, project.discarded)
        elif tag == "Variables":
            for var in children(section, "Variable"):
                rv = _variable(var)
                project.variables[rv.guid] = rv
        elif tag == "Cases":
            project.cases.extend(
                _case(case, project.discarded) for case in children(section, "Case")
            )
        elif tag == "Sources":
            _sources(section, project)
        elif tag == "Notes":
            for note in children(section, "Note"):
                project.notes[norm_guid(note.get("guid"))] = _note_text(note, load_text)
        elif tag == "Description":
            project.description = (section.text or "").strip()
        else:
            project.discarded[tag] += 1
    return project


def _sources(section: ET.Element, project: RProject) -> None:
    for node in section:
        if node.tag == "TextSource":
            project.sources.append(_source(node, project))
        else:
            project.discarded[f"{node.tag} (only text sources are imported)"] += 1


def _variable(var: ET.Element) -> RVariable:
    return RVariable(
        guid=norm_guid(var.get("guid")),
        name=(var.get("name") or ""),
        kind=var.get("typeOfVariable", "Text"),
        description=text_of(var, "Description").strip(),
    )


def _case(case: ET.Element, discarded: Counter[str]) -> RCase:
    rc = RCase(
        guid=norm_guid(case.get("guid")),
        name=(case.get("name") or "").strip(),
        description=text_of(case, "Description").strip(),
    )
    for sub in case:
        if sub.tag == "VariableValue":
            value = _value(sub)
            if value is not None:
                rc.values.append(value)
        elif sub.tag == "SourceRef":
            rc.sources.append(norm_guid(sub.get("targetGUID")))
        elif sub.tag != "Description":
            discarded[f"Case/{sub.tag}"] += 1
    return rc


def _note_text(note: ET.Element, load_text: Callable[[str], str | None]) -> str:
    """A note's text: in the document, or in the archive entry its ``plainTextPath`` names."""
    content = child(note, "PlainTextContent")
    text = content.text or "" if content is not None else None
    if text is None and note.get("plainTextPath"):
        text = load_text(note.get("plainTextPath") or "")
    return (text or "").strip()
