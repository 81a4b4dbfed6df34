"""The network for the tools analysts use: GraphML and GEXF (Gephi, Cytoscape, igraph; written
by networkx), DOT (Graphviz) and node-link JSON (d3). Nodes carry their attributes, edges the
codes of the tie (the highest of each ordered family, the others joined by ';'), its scope and
its weight (coded segments)."""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING, Any

from pcrcode.choices import GraphFormat
from pcrcode.network.figures import node_records, tie_record
from pcrcode.network.ties import Network

if TYPE_CHECKING:
    import networkx as nx


def _plain(value: Any) -> str | int | float | bool:
    """What GraphML and GEXF attributes can hold."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    if isinstance(value, dict):
        return ";".join(f"{k}={v}" for k, v in value.items())
    return str(value)


def _edge_attributes(network: Network, tie_rec: dict[str, Any]) -> dict[str, Any]:
    attrs: dict[str, Any] = {"scope": tie_rec["scope"], "weight": tie_rec["weight"]}
    for family, top in tie_rec["highest"].items():
        attrs[family] = top["code"] if top else ""
        attrs[f"{family}_degree"] = top["degree"] if top else 0
    for family, codes in tie_rec["codes"].items():
        if family not in tie_rec["highest"]:
            attrs[family] = ";".join(codes)
    attrs["segments"] = ";".join(tie_rec["segments"])
    return attrs


def directed_graph(network: Network) -> nx.DiGraph[str]:
    """Ties as edges from the interviewed structure to the partner it names."""
    import networkx as nx

    g: nx.DiGraph[str] = nx.DiGraph()
    codebook = network.codebook
    for rec in node_records(network):
        node = network.registry.node(rec["id"])
        # A missing value is left out (GEXF types an attribute by its first value).
        attrs = {k: _plain(v) for k, v in rec.items() if k not in ("id", "ties") and v is not None}
        for attribute in codebook.attributes:
            value = node.value(attribute, codebook) if node is not None else None
            if value is not None:
                attrs.setdefault(attribute, _plain(value))
        attrs["label"] = rec["name"]
        g.add_node(rec["id"], **attrs)
    for tie in network.ties:
        rec = tie_record(network, tie)
        g.add_edge(tie.structure, tie.partner, **_edge_attributes(network, rec))
    return g


def render(network: Network, fmt: GraphFormat) -> str:
    import networkx as nx

    g = directed_graph(network)
    if fmt == GraphFormat.graphml:
        out = io.BytesIO()
        nx.write_graphml(g, out, encoding="utf-8")
        return out.getvalue().decode("utf-8")
    if fmt == GraphFormat.gexf:
        out = io.BytesIO()
        nx.write_gexf(g, out, encoding="utf-8")
        return out.getvalue().decode("utf-8")
    if fmt == GraphFormat.node_link:
        return json.dumps(nx.node_link_data(g, edges="links"), ensure_ascii=False, indent=2) + "\n"
    return dot(g)


def _quote(value: Any) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def dot(g: nx.DiGraph[str]) -> str:
    """Graphviz's language, quoted so that any name or label is safe."""
    lines = ["digraph network {", "  node [shape=ellipse];"]
    for node in sorted(g.nodes):
        attrs: dict[str, Any] = dict(g.nodes[node])
        label = attrs.get("label", node)
        shape = "ellipse" if attrs.get("kind") == "structure" else "box"
        lines.append(f"  {_quote(node)} [label={_quote(label)}, shape={shape}];")
    for a, b in sorted(g.edges):
        edge: dict[str, Any] = dict(g.edges[a, b])
        extra = ", ".join(f"{k}={_quote(v)}" for k, v in sorted(edge.items()) if k != "segments")
        lines.append(f"  {_quote(a)} -> {_quote(b)} [{extra}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
