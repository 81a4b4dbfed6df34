"""Codes from another program as pcrcode families and codes.

A top-level code with children that no selection codes directly becomes a family (a family is
never codable); other top-level codes go under one added family, ``codes``. Ids are slugs of the
names, made unique among siblings, unless the description carries the id pcrcode wrote
(``pcrcode-id:``). Descriptions become the definition (pcrcode's labelled layout is read back
field by field). A code marked not codable that selections code anyway is made codable, so that
its codings stay valid.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from pcrcode.errors import whole_number
from pcrcode.exchange.refi.describe import id_tag, is_yes, parse_description
from pcrcode.exchange.refi.reader import RCode, RProject
from pcrcode.files.codebook import ID_RE

LOOSE_FAMILY = "codes"


def slug(name: str, fallback: str) -> str:
    """A pcrcode id part from a display name: ASCII, lower case, ``-`` between words."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9_]+", "-", text).strip("-_")[:60].strip("-_")
    return text or fallback


def unique(base: str, taken: set[str]) -> str:
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    taken.add(name)
    return name


def _code_entry(code_id: str, node: RCode, used: set[str]) -> dict[str, Any]:
    fields = parse_description(node.description)
    entry: dict[str, Any] = {"id": code_id, "label": node.name or code_id.rsplit("/", 1)[-1]}
    if not node.codable and node.guid not in used:  # coded anyway: keep the codings valid
        entry["codable"] = False
    degree = whole_number(fields.get("degree", ""))
    if degree is not None and degree >= 1:
        entry["degree"] = degree
    for key in ("short", "definition", "when_to_use", "when_not_to_use", "example"):
        if fields.get(key):
            entry[key] = fields[key]
    if fields.get("aliases"):
        entry["aliases"] = [a.strip() for a in fields["aliases"].split(",") if a.strip()]
    return entry


def build_codebook(
    rp: RProject, used: set[str], title: str
) -> tuple[dict[str, Any], dict[str, str]]:
    """The codebook (as written to ``codebook.yaml``) and the code id of each code GUID."""
    families: dict[str, dict[str, Any]] = {}
    codes: list[dict[str, Any]] = []
    ids: dict[str, str] = {}
    is_family = [bool(r.children or not r.codable) and r.guid not in used for r in rp.codes]
    family_roots = [r for r, f in zip(rp.codes, is_family, strict=True) if f]
    loose = [r for r, f in zip(rp.codes, is_family, strict=True) if not f]
    taken: set[str] = set()
    placed: list[tuple[str, RCode]] = []
    for root in family_roots:
        tag = id_tag(root.description)
        fid = tag if tag and ID_RE.match(tag) and "/" not in tag and tag not in taken else None
        fid = unique(fid or slug(root.name, "famille"), taken)
        fields = parse_description(root.description)
        fam: dict[str, Any] = {"label": root.name or fid}
        if is_yes(fields.get("ordered", "")):
            fam["ordered"] = True
        if is_yes(fields.get("exclusive", "")):
            fam["exclusive"] = True
        if fields.get("definition"):
            fam["definition"] = fields["definition"]
        families[fid] = fam
        ids[root.guid] = fid
        placed.append((fid, root))
    if loose:
        fid = unique(LOOSE_FAMILY, taken)
        families[fid] = {
            "label": "Codes",
            "definition": "Top-level codes of "
            f"{rp.origin or 'the imported file'}, gathered in one family.",
        }
        placed.append((fid, RCode(guid="", name="", codable=False, description="", children=loose)))

    def walk(parent_id: str, nodes: list[RCode]) -> None:
        siblings: set[str] = set()
        tagged: list[str | None] = []
        for node in nodes:  # ids pcrcode wrote are reserved first, so slugs avoid them
            tag = id_tag(node.description) or ""
            parent, _, part = tag.rpartition("/")
            if ID_RE.match(tag) and parent == parent_id and part not in siblings:
                siblings.add(part)
                tagged.append(part)
            else:
                tagged.append(None)
        for node, own in zip(nodes, tagged, strict=True):
            part = own or unique(slug(node.name, "code"), siblings)
            code_id = f"{parent_id}/{part}"
            ids[node.guid] = code_id
            codes.append(_code_entry(code_id, node, used))
            walk(code_id, node.children)

    for fid, root in placed:
        walk(fid, root.children)
    codebook: dict[str, Any] = {"pcrcode": 1, "title": title or "Projet importé"}
    m = re.search(r"^language:\s*(\S+)\s*$", rp.description, re.MULTILINE)
    if m:
        codebook["language"] = m.group(1)
    codebook["families"] = families
    codebook["codes"] = codes
    return codebook, ids
