"""What the registry declares: the cases (structures), the other actors, the census and the
cooperation network."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pcrcode.errors import UnknownItem, suggest
from pcrcode.model.codebook import Codebook


@dataclass(frozen=True)
class Structure:
    """A case (a structure of the registry), interviewed or not, with its attribute values
    (``extra``: declared and free attributes alike, derived ones aside)."""

    id: str
    name: str
    interviewed: bool
    extra: Mapping[str, Any] = field(default_factory=dict)
    line: int = 0
    aliases: tuple[str, ...] = ()  # other names the interviews use for it ("la Métro")

    def value(self, attribute: str, codebook: Codebook | None = None) -> Any:
        """The value of an attribute, derived ones (groupings) included."""
        if codebook is not None and attribute in codebook.attributes:
            attr = codebook.attributes[attribute]
            if attr.derived_from is not None:
                base = self.value(attr.derived_from, codebook)
                return attr.mapping.get(base) if isinstance(base, str) else None
        return self.extra.get(attribute)


@dataclass(frozen=True)
class Census:
    """Declared totals (from a publication) to check the registry against."""

    rows: str
    columns: str
    cells: Mapping[str, Mapping[str, tuple[int, int | None]]]  # row -> col -> (total, interviewed)
    source: str = ""
    positions: Mapping[tuple[str, str], tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Actor:
    """A partner that is not a case of the census (a local authority, a federation...): named
    by codings (``tag --with``), never profiled or counted as a case."""

    id: str
    name: str
    kind: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)
    line: int = 0
    aliases: tuple[str, ...] = ()

    def value(self, attribute: str, codebook: Codebook | None = None) -> Any:
        return self.extra.get(attribute)


@dataclass(frozen=True)
class NetworkSpec:
    """What the project declares for its cooperation network (``network:`` in the registry):
    the case attribute that says a node's sector, the code family that judges a relation's
    scope and its intra- and inter-sectoral codes, and the attribute that colours nodes."""

    sector: str | None = None
    scope: str | None = None
    intra: str | None = None
    inter: str | None = None
    group: str | None = None
    positions: Mapping[str, tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Registry:
    structures: Mapping[str, Structure]
    census: Census | None = None
    path: Path | None = None
    actors: Mapping[str, Actor] = field(default_factory=dict)
    network: NetworkSpec | None = None

    def node(self, node_id: str) -> Structure | Actor | None:
        """A structure or an actor: the ends of a relation."""
        return self.structures.get(node_id) or self.actors.get(node_id)

    def get(self, structure_id: str) -> Structure:
        if structure_id in self.structures:
            return self.structures[structure_id]
        hint = suggest(structure_id, self.structures)
        raise UnknownItem(f"unknown structure '{structure_id}'{hint}")
