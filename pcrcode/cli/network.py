"""``pcrcode network``: the cooperation network the codings describe."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pcrcode.choices import GraphFormat
from pcrcode.cli.common import AllCodersOpt, CodersOpt, complete_code, complete_structure, note

if TYPE_CHECKING:
    from pcrcode.model import Code, Project
    from pcrcode.network.ties import Network


class NetworkFormat(StrEnum):
    """The listings' formats, and the files of the graph tools (the core's GraphFormat)."""

    table = "table"
    csv = "csv"
    json = "json"
    graphml = GraphFormat.graphml.value
    gexf = GraphFormat.gexf.value
    dot = GraphFormat.dot.value
    node_link = GraphFormat.node_link.value


app = typer.Typer()


@app.command("network")
def network(
    ctx: typer.Context,
    where: Annotated[
        list[str] | None,
        typer.Option(
            "--where",
            "-w",
            metavar="ATTR=VALUE",
            help="Keep ties whose structure or partner has this attribute value (repeatable: "
            "all must hold).",
        ),
    ] = None,
    code: Annotated[
        list[str] | None,
        typer.Option(
            "--code",
            metavar="CODE",
            autocompletion=complete_code,
            help="Keep ties whose segments carry this code (or one under it).",
        ),
    ] = None,
    minimum: Annotated[
        str | None,
        typer.Option(
            "--min",
            metavar="CODE",
            autocompletion=complete_code,
            help="Keep ties that reach at least this code's degree in its ordered family.",
        ),
    ] = None,
    ego: Annotated[
        str | None,
        typer.Option(
            "--ego",
            metavar="NODE",
            help="Only the ties around this structure or actor.",
            autocompletion=complete_structure,
        ),
    ] = None,
    depth: Annotated[
        int, typer.Option("--depth", min=1, metavar="N", help="Steps from --ego.")
    ] = 1,
    nodes: Annotated[
        bool, typer.Option("--nodes", help="The table lists the nodes and their centrality.")
    ] = False,
    coder: CodersOpt = None,
    all_coders: AllCodersOpt = False,
    fmt: Annotated[
        NetworkFormat,
        typer.Option(
            "--format",
            "-f",
            help="table, csv or json (ties, nodes, scope shares); graphml, gexf, dot or "
            "node-link for network tools.",
        ),
    ] = NetworkFormat.table,
) -> None:
    """The cooperation network: ties between structures and the partners their codings name.

    A tie is an interviewed structure and a partner named with `tag --with`; it carries the
    codes of its segments, its weight (coded segments) and its scope: intra when both ends
    share the sector attribute declared under network: in structures.yaml, inter otherwise,
    unknown when an end has none. JSON: summary, ties (structure, partner, partner_kind,
    scope, judged, weight, segments, codes, highest), nodes (id, name, kind, interviewed,
    sector, group, degree, ties, same_sector_share, degree_centrality, betweenness),
    scope_by (by, value, ties, inter, share).

    With the example project's ids:

    Example: pcrcode network --ego terre-et-paille --format graphml > reseau.graphml
    """
    from pcrcode.cli.reports import _corpus, _say_coders
    from pcrcode.network.ties import TieFilter, build_network, check_filter, filter_network

    corpus = _corpus(ctx, coder, all_coders, None)
    project = corpus.project
    how = TieFilter(
        where=[_pair(w) for w in where or ()],
        codes=[project.codebook.resolve(c).id for c in code or ()],
        minimum=_minimum(project, minimum),
        ego=_ego(project, ego),
        depth=depth,
    )
    check_filter(project, how)
    net = filter_network(build_network(corpus), how)
    if fmt.value in list(GraphFormat):
        from pcrcode.network.export import render

        sys.stdout.write(render(net, GraphFormat(fmt.value)))
    else:
        _write(net, fmt, nodes)
    _say_coders(corpus)
    if not net.ties:
        note("no ties: name partners on codings with `pcrcode tag ... --with ID`")
        raise typer.Exit(1)


def _pair(text: str) -> tuple[str, str]:
    from pcrcode.errors import UsageError

    attribute, sep, value = text.partition("=")
    if not sep or not attribute or not value:
        raise UsageError(f"--where takes ATTR=VALUE, not '{text}'")
    return attribute, value


def _minimum(project: Project, code: str | None) -> Code | None:
    if code is None:
        return None
    from pcrcode.errors import UsageError

    found = project.codebook.resolve(code)
    if found.degree is None:
        raise UsageError(f"--min needs a code of an ordered family (with a degree), not '{code}'")
    return found


def _ego(project: Project, typed: str | None) -> str | None:
    if typed is None:
        return None
    from pcrcode.network.partners import resolve_partner

    return resolve_partner(project.registry, typed)


def _write(net: Network, fmt: NetworkFormat, nodes: bool) -> None:
    from pcrcode.cli.output.csv_writer import write_csv
    from pcrcode.cli.output.json_stream import write_json
    from pcrcode.cli.output.rows import Column, emit
    from pcrcode.network.figures import document, node_records, tie_record

    if fmt is NetworkFormat.json:
        write_json(document(net))
        return
    # The ties alone need no graph: centralities (networkx) only for what shows them.
    doc = {"ties": [tie_record(net, t) for t in net.ties]}
    if nodes:
        rows = node_records(net)
        columns = [
            Column("id", "node"),
            Column("kind", "kind"),
            Column("degree", "degree", "right"),
            Column("same_sector_share", "same sector", "right"),
            Column("betweenness", "betweenness", "right"),
        ]
    else:
        rows = [_flat(t) for t in doc["ties"]]
        scales = [f"{family}:max" for family in (doc["ties"][0]["highest"] if doc["ties"] else {})]
        columns = [
            Column("structure", "structure"),
            Column("partner", "partner"),
            Column("scope", "scope"),
            *[Column(key, key) for key in scales[:1]],
            Column("weight", "segs", "right"),
        ]
    if fmt is NetworkFormat.csv:
        keys = list(rows[0]) if rows else [c.key for c in columns]
        write_csv(rows, keys)
    else:
        emit("table", rows, columns)


def _flat(tie: dict[str, Any]) -> dict[str, Any]:
    """A tie as one CSV row: lists joined by ';', one column per family."""
    row = {k: tie[k] for k in ("structure", "partner", "partner_kind", "scope", "weight")}
    row["judged"] = ";".join(tie["judged"])
    for family, top in tie["highest"].items():
        row[f"{family}:max"] = top["code"] if top else ""
    for family, codes in tie["codes"].items():
        row[family] = ";".join(codes)
    row["segments"] = ";".join(tie["segments"])
    return row
