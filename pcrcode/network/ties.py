"""Ties between structures, from the partners named on codings, and the figures of the network.

A tie is (interviewed structure, partner): the structure of the interview whose coded segments
name the partner. What the tie *is* comes from every code on those segments (by the counted
coders): the codes of each family, the highest degree reached in each ordered family, the
segments as evidence. Its scope is measured, not judged: intra-sectoral when both ends have the
same value of the sector attribute the project declares, inter-sectoral when they differ,
unknown when one end has none (an actor without a sector).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pcrcode.errors import UsageError
from pcrcode.model import Actor, Code, Codebook, NetworkSpec, Project, Registry, Structure
from pcrcode.reports.corpus import Corpus

INTRA, INTER, UNKNOWN = "intra", "inter", "unknown"


@dataclass
class Tie:
    structure: str
    partner: str
    segments: set[tuple[str, int]] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)
    scope: str = UNKNOWN
    judged: tuple[str, ...] = ()  # codes of the declared scope family on its segments

    def highest(self, codebook: Codebook, family: str) -> Code | None:
        found = [
            codebook.codes[c]
            for c in self.codes
            if c in codebook.codes and codebook.codes[c].family == family
        ]
        ranked = [c for c in found if c.degree is not None]
        return max(ranked, key=lambda c: c.degree or 0) if ranked else None

    def family_codes(self, codebook: Codebook, family: str, depth: int | None = 1) -> list[str]:
        found = set()
        for c in self.codes:
            if c in codebook.codes and codebook.codes[c].family == family:
                parts = c.split("/")
                found.add("/".join(parts[: depth + 1]) if depth else c)
        return sorted(found)


@dataclass(frozen=True)
class Network:
    project: Project
    ties: tuple[Tie, ...]
    spec: NetworkSpec
    description: str  # whose codings count

    @property
    def codebook(self) -> Codebook:
        return self.project.codebook

    @property
    def registry(self) -> Registry:
        return self.project.registry

    def nodes(self) -> list[str]:
        return sorted({n for t in self.ties for n in (t.structure, t.partner)})


def node_value(node: Structure | Actor | None, attribute: str | None, codebook: Codebook) -> Any:
    if node is None or attribute is None:
        return None
    return node.value(attribute, codebook)


def _scope(registry: Registry, codebook: Codebook, spec: NetworkSpec, tie: Tie) -> str:
    a = node_value(registry.node(tie.structure), spec.sector, codebook)
    b = node_value(registry.node(tie.partner), spec.sector, codebook)
    if a is None or b is None or a == "" or b == "":
        return UNKNOWN
    return INTRA if a == b else INTER


def build_network(corpus: Corpus) -> Network:
    project = corpus.project
    spec = project.registry.network or NetworkSpec()
    ties: dict[tuple[str, str], Tie] = {}
    for segment in corpus.segments:
        if segment.structure is None:
            continue
        partners = {p for c in segment.codings for p in c.partners}
        for partner in sorted(partners):
            if partner == segment.structure:
                continue
            tie = ties.setdefault((segment.structure, partner), Tie(segment.structure, partner))
            tie.segments.add(segment.key)
            tie.codes.update(segment.codes)
    for tie in ties.values():
        tie.scope = _scope(project.registry, project.codebook, spec, tie)
        if spec.scope is not None:
            tie.judged = tuple(tie.family_codes(project.codebook, spec.scope, depth=None))
    ordered = tuple(ties[k] for k in sorted(ties))
    return Network(project, ordered, spec, corpus.selection.describe())


@dataclass(frozen=True)
class TieFilter:
    where: Sequence[tuple[str, str]] = ()  # attribute=value on either end
    codes: Sequence[str] = ()  # the tie's segments carry this code (or one under it)
    minimum: Code | None = None  # highest degree in this code's family at least its degree
    ego: str | None = None
    depth: int = 1


def filter_network(network: Network, how: TieFilter) -> Network:
    codebook = network.codebook
    kept = []
    for tie in network.ties:
        if how.where and not all(_end_matches(network, tie, a, v) for a, v in how.where):
            continue
        if how.codes and not all(
            any(c == code or c.startswith(code + "/") for c in tie.codes) for code in how.codes
        ):
            continue
        if how.minimum is not None:
            top = tie.highest(codebook, how.minimum.family)
            if top is None or (top.degree or 0) < (how.minimum.degree or 0):
                continue
        kept.append(tie)
    if how.ego is not None:
        kept = _ego(kept, how.ego, how.depth)
    return Network(network.project, tuple(kept), network.spec, network.description)


def _end_matches(network: Network, tie: Tie, attribute: str, value: str) -> bool:
    return any(
        str(node_value(network.registry.node(end), attribute, network.codebook)) == value
        for end in (tie.structure, tie.partner)
    )


def _ego(ties: Iterable[Tie], centre: str, depth: int) -> list[Tie]:
    ties = list(ties)
    neighbours: dict[str, set[str]] = defaultdict(set)
    for t in ties:
        neighbours[t.structure].add(t.partner)
        neighbours[t.partner].add(t.structure)
    reached, frontier = {centre}, {centre}
    for _ in range(depth):
        frontier = {n for f in frontier for n in neighbours[f]} - reached
        reached |= frontier
    return [t for t in ties if t.structure in reached and t.partner in reached]


def check_filter(project: Project, how: TieFilter) -> None:
    """Names in a filter that the project does not have: a usage error, before any work."""
    registry = project.registry
    if how.ego is not None and registry.node(how.ego) is None:
        from pcrcode.network.partners import resolve_partner

        resolve_partner(registry, how.ego)  # raises with a did-you-mean
    for attribute, _ in how.where:
        if attribute not in project.codebook.attributes:
            raise UsageError(
                f"unknown attribute '{attribute}' in a tie filter (attributes: "
                f"{', '.join(project.codebook.attributes)})",
                about="where",
            )
    if how.depth < 1:
        raise UsageError("the ego depth is a number of steps from 1")
