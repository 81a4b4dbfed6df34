"""The registry's network part: ``actors:`` (partners outside the census) and ``network:`` (what
the project declares for its cooperation network: sector attribute, scope family and codes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pcrcode.errors import did_you_mean
from pcrcode.files.codebook import ID_RE
from pcrcode.files.diagnostics import Diagnostics
from pcrcode.files.yaml_reading import LDict, LList
from pcrcode.model import Actor, Codebook, NetworkSpec, Structure

ACTOR_KEYS = ("id", "name", "kind", "attributes", "aliases")
NETWORK_KEYS = ("sector", "scope", "intra", "inter", "group")


def parse_actors(
    data: LDict, path: Path, diag: Diagnostics, codebook: Codebook, structures: dict[str, Structure]
) -> dict[str, Actor]:
    raw = data.get("actors", LList())
    if not isinstance(raw, LList):
        diag.error(path, data.pos("actors"), "'actors' must be a list", "bad-value")
        return {}
    declared = [a.id for a in codebook.attributes.values() if a.derived_from is None]
    actors: dict[str, Actor] = {}
    for index, entry in enumerate(raw):
        actor = _parse_actor(entry, raw.pos(index), path, diag, declared)
        if actor is None:
            continue
        if actor.id in structures or actor.id in actors:
            first = structures[actor.id].line if actor.id in structures else actors[actor.id].line
            what = "a structure" if actor.id in structures else "another actor"
            diag.error(
                path,
                (actor.line, 1),
                f"actor id '{actor.id}' is already {what} (line {first}): rename one of them",
                "duplicate-id",
            )
            continue
        actors[actor.id] = actor
    return actors


def _parse_actor(
    entry: Any, pos: tuple[int, int], path: Path, diag: Diagnostics, declared: list[str]
) -> Actor | None:
    if not isinstance(entry, LDict):
        diag.error(path, pos, "an actor must be a mapping with id, name and kind", "bad-value")
        return None
    allowed = (*ACTOR_KEYS, *declared)
    diag.unknown_keys(path, entry, allowed, "an actor")
    aid = entry.get("id")
    if not isinstance(aid, str) or not ID_RE.match(aid) or "/" in aid:
        diag.error(path, pos, f"bad or missing actor id {aid!r}: use a-z, 0-9, - and _", "bad-id")
        return None
    extra: dict[str, Any] = {k: entry[k] for k in entry if k in declared}
    more = entry.get("attributes", {})
    if isinstance(more, dict):
        extra.update({str(k): v for k, v in more.items() if not isinstance(v, dict | list)})
    return Actor(
        id=aid,
        name=str(entry.get("name") or aid),
        kind=str(entry.get("kind") or ""),
        extra=extra,
        line=entry.pos("id")[0],
        aliases=parse_aliases(entry, path, diag),
    )


def parse_aliases(entry: LDict, path: Path, diag: Diagnostics) -> tuple[str, ...]:
    """``aliases:``: the other names interviews give a structure or an actor."""
    raw = entry.get("aliases")
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(a, str) and a.strip() for a in raw):
        diag.error(path, entry.pos("aliases"), "'aliases' must be a list of names", "bad-value")
        return ()
    return tuple(raw)


def parse_network(data: LDict, path: Path, diag: Diagnostics, codebook: Codebook) -> NetworkSpec:
    raw = data.get("network")
    if not isinstance(raw, LDict):
        diag.error(path, data.pos("network"), "'network' must be a mapping", "bad-value")
        return NetworkSpec()
    diag.unknown_keys(path, raw, NETWORK_KEYS, "network")
    values = {k: str(raw[k]) for k in NETWORK_KEYS if raw.get(k) is not None}
    for key in ("sector", "group"):
        if key in values and values[key] not in codebook.attributes:
            diag.error(
                path,
                raw.pos(key),
                f"network {key} '{values[key]}' is not an attribute of the codebook"
                f"{did_you_mean(values[key], codebook.attributes)}",
                "unknown-value",
            )
    if "scope" in values and values["scope"] not in codebook.families:
        diag.error(
            path,
            raw.pos("scope"),
            f"network scope '{values['scope']}' is not a code family"
            f"{did_you_mean(values['scope'], codebook.families)}",
            "unknown-value",
        )
    for key in ("intra", "inter"):
        code = values.get(key)
        if code is not None and code not in codebook.codes:
            diag.error(
                path,
                raw.pos(key),
                f"network {key} code '{code}' is not in the codebook"
                f"{did_you_mean(code, codebook.codes)}",
                "unknown-code",
            )
    return NetworkSpec(**values, positions={k: raw.pos(k) for k in raw})
