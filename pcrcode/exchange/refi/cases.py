"""Cases, variables and users from another program as pcrcode structures, attributes, coders.

Cases become structures and their variables attributes (the variables pcrcode wrote with a
schema in their description become the codebook's attributes again; NVivo's ``Cases:`` prefix is
dropped). A source in no case gets a structure of its own, with the variables MAXQDA writes on the
source; a source in a case passes its variables to the case's structure where it has none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pcrcode.exchange.refi.codetree import slug, unique
from pcrcode.exchange.refi.describe import id_tag, parse_attribute_description
from pcrcode.exchange.refi.imported import NewInterview
from pcrcode.exchange.refi.reader import RProject
from pcrcode.files.codebook import ID_RE

DEFAULT_CODER = "import"


def _variable_id(name: str, taken: set[str]) -> str:
    # NVivo prefixes the classification: "Cases:Age group".
    bare = name.split(":", 1)[1] if ":" in name and not name.endswith(":") else name
    return unique(slug(bare.strip(), "variable"), taken)


@dataclass
class Variables:
    ids: dict[str, str]  # variable GUID -> attribute id
    derived: set[str]  # attributes computed from another one: not stored per structure


def read_variables(rp: RProject, codebook: dict[str, Any]) -> Variables:
    taken: set[str] = set()
    ids: dict[str, str] = {}
    derived: set[str] = set()
    attributes: dict[str, Any] = {}
    for var in rp.variables.values():
        vid = _variable_id(var.name, taken)
        ids[var.guid] = vid
        schema = parse_attribute_description(var.description)
        if schema is not None:
            attr: dict[str, Any] = {
                "label": str(schema.get("label") or vid),
                "values": {str(k): str(v) for k, v in schema["values"].items()},
            }
            if "from" in schema and isinstance(schema.get("map"), dict):
                attr = {
                    "label": attr["label"],
                    "from": str(schema["from"]),
                    "map": {str(k): str(v) for k, v in schema["map"].items()},
                    "values": attr["values"],
                }
                derived.add(vid)
            attributes[vid] = attr
    if attributes:
        codebook["attributes"] = attributes
    return Variables(ids, derived)


def _structure(
    sid: str, name: str, values: dict[str, Any], derived: set[str], interviewed: bool
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": sid,
        "name": name or sid,
        "statut": str(values.get("statut", "")),
        "domaine": str(values.get("domaine", "")),
    }
    flag = values.get("interviewed")
    entry["interviewed"] = flag if isinstance(flag, bool) else interviewed
    extra = {
        k: v
        for k, v in values.items()
        if k not in ("statut", "domaine", "interviewed") and k not in derived
    }
    if extra:
        entry["attributes"] = extra
    return entry


def coders(rp: RProject) -> Callable[[str], str]:
    taken: set[str] = set()
    names = {g: unique(slug(n, f"user-{g[:8]}"), taken) for g, n in rp.users.items()}
    default = names.get(rp.creating_user, DEFAULT_CODER)

    def coder(user: str) -> str:
        if not user:
            return default
        if user not in names:
            names[user] = unique(slug("", f"user-{user[:8]}"), taken)
        return names[user]

    return coder


def structures(
    rp: RProject,
    interviews: list[NewInterview],
    variables: Variables,
    member: dict[str, set[str]],
    source_values: dict[str, dict[str, Any]],
    warnings: list[str],
) -> list[dict[str, Any]]:
    """The structures of the new project; links each interview to its own (in its meta)."""
    taken: set[str] = set()
    sid_of: dict[str, str] = {}
    entries: dict[str, dict[str, Any]] = {}
    linked = {g for cases in member.values() for g in cases}
    for case in rp.cases:
        tag = id_tag(case.description)
        own = tag if tag and ID_RE.match(tag) and "/" not in tag and tag not in taken else ""
        sid = unique(own or slug(case.name, "structure"), taken)
        sid_of[case.guid] = sid
        values = {variables.ids[g]: v for g, v in case.values if g in variables.ids}
        entries[sid] = _structure(sid, case.name, values, variables.derived, case.guid in linked)
    order = [c.guid for c in rp.cases]
    for interview in interviews:
        cases = sorted(member.get(interview.id, set()), key=order.index)
        values = source_values.get(interview.id, {})
        if cases:
            sid = sid_of[cases[0]]
            if len(cases) > 1:
                warnings.append(
                    f"interview '{interview.id}' belongs to several cases "
                    f"({', '.join(sid_of[c] for c in cases)}): linked to '{sid}'"
                )
            entry = entries[sid]
            extra = entry.setdefault("attributes", {})
            for key, value in values.items():
                if key not in extra and key not in variables.derived:
                    extra[key] = value
            if not extra:
                del entry["attributes"]
        else:
            sid = unique(interview.id, taken)
            entries[sid] = _structure(
                sid,
                str(interview.meta.get("title") or interview.id),
                values,
                variables.derived,
                True,
            )
        interview.meta = {"structure": sid, **interview.meta}
    return list(entries.values())
