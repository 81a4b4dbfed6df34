"""The network as records: ties, nodes with their centrality, and the share of inter-sectoral
ties by family code and by case attribute. networkx computes the centralities."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from pcrcode.model import Actor, Codebook, Structure
from pcrcode.network.ties import INTER, INTRA, Network, Tie, node_value

if TYPE_CHECKING:
    import networkx as nx


def _families(codebook: Codebook, network: Network) -> list[str]:
    return [f for f in codebook.families if f != network.spec.scope]


def kind_of(node: Structure | Actor | None) -> str:
    if isinstance(node, Actor):
        return node.kind or "actor"
    return "structure" if node is not None else "unknown"


def tie_record(network: Network, tie: Tie) -> dict[str, Any]:
    codebook = network.codebook
    highest: dict[str, Any] = {}
    for family in codebook.families.values():
        if family.ordered:
            top = tie.highest(codebook, family.id)
            highest[family.id] = None if top is None else {"code": top.id, "degree": top.degree}
    return {
        "structure": tie.structure,
        "partner": tie.partner,
        "partner_kind": kind_of(network.registry.node(tie.partner)),
        "scope": tie.scope,
        "judged": list(tie.judged),
        "weight": len(tie.segments),
        "segments": [f"{iv}#{n}" for iv, n in sorted(tie.segments)],
        "codes": {f: tie.family_codes(codebook, f) for f in _families(codebook, network)},
        "highest": highest,
    }


def graph(network: Network) -> nx.Graph[str]:
    """The undirected graph of the ties (two structures naming each other: one edge)."""
    import networkx as nx

    g: nx.Graph[str] = nx.Graph()
    for tie in network.ties:
        if g.has_edge(tie.structure, tie.partner):
            g[tie.structure][tie.partner]["weight"] += len(tie.segments)
        else:
            g.add_edge(tie.structure, tie.partner, weight=len(tie.segments))
    return g


def node_records(network: Network) -> list[dict[str, Any]]:
    import networkx as nx

    g = graph(network)
    degree = nx.degree_centrality(g) if len(g) > 1 else dict.fromkeys(g, 0.0)
    between = nx.betweenness_centrality(g) if len(g) > 2 else dict.fromkeys(g, 0.0)
    codebook, spec = network.codebook, network.spec
    scale = next((f.id for f in codebook.families.values() if f.ordered), None)
    by_node: dict[str, list[Tie]] = defaultdict(list)
    for tie in network.ties:
        by_node[tie.structure].append(tie)
        by_node[tie.partner].append(tie)
    records = []
    for node_id in sorted(g.nodes):
        node = network.registry.node(node_id)
        ties = by_node[node_id]
        known = [t for t in ties if t.scope in (INTRA, INTER)]
        by_degree: Counter[str] = Counter()
        if scale is not None:
            for t in ties:
                top = t.highest(codebook, scale)
                by_degree[top.id if top else "none"] += 1
        records.append(
            {
                "id": node_id,
                "name": node.name if node is not None else node_id,
                "kind": kind_of(node),
                "interviewed": bool(getattr(node, "interviewed", False)),
                "sector": node_value(node, spec.sector, codebook),
                "group": node_value(node, spec.group or spec.sector, codebook),
                "degree": g.degree(node_id),
                "ties": dict(sorted(by_degree.items())),
                "same_sector_share": (
                    round(sum(t.scope == INTRA for t in known) / len(known), 4) if known else None
                ),
                "degree_centrality": round(degree[node_id], 4),
                "betweenness": round(between[node_id], 4),
            }
        )
    return records


def scope_shares(network: Network) -> list[dict[str, Any]]:
    """Share of inter-sectoral ties among those of known scope, by the code of each family on
    the tie (at depth 1) and by each category attribute of the interviewed structure."""
    codebook = network.codebook
    groups: dict[tuple[str, str], list[Tie]] = defaultdict(list)
    for tie in network.ties:
        if tie.scope not in (INTRA, INTER):
            continue
        for family in _families(codebook, network):
            if codebook.families[family].ordered:
                continue
            for code in tie.family_codes(codebook, family):
                groups[(family, code)].append(tie)
        structure = network.registry.structures.get(tie.structure)
        for attribute in codebook.attributes.values():
            if getattr(attribute, "values", None) and structure is not None:
                value = structure.value(attribute.id, codebook)
                if value is not None:
                    groups[(attribute.id, str(value))].append(tie)
    return [
        {
            "by": by,
            "value": value,
            "ties": len(ties),
            "inter": sum(t.scope == INTER for t in ties),
            "share": round(sum(t.scope == INTER for t in ties) / len(ties), 4),
        }
        for (by, value), ties in sorted(groups.items())
    ]


def summary(network: Network) -> dict[str, Any]:
    scopes = Counter(t.scope for t in network.ties)
    known = scopes[INTRA] + scopes[INTER]
    return {
        "ties": len(network.ties),
        "nodes": len(network.nodes()),
        "structures": len({t.structure for t in network.ties}),
        "intra": scopes[INTRA],
        "inter": scopes[INTER],
        "unknown": scopes["unknown"],
        "inter_share": round(scopes[INTER] / known, 4) if known else None,
        "sector": network.spec.sector,
        "coders": network.description,
    }


def document(network: Network) -> dict[str, Any]:
    """The JSON of ``pcrcode network``: summary, ties, nodes, scope shares."""
    return {
        "summary": summary(network),
        "ties": [tie_record(network, t) for t in network.ties],
        "nodes": node_records(network),
        "scope_by": scope_shares(network),
    }
