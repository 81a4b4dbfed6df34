"""The fixed lists a user picks from, shared by the core and the command line.

Each list is a ``StrEnum``: the CLI declares its option with it (Typer lists the values in
``--help`` and refuses any other), the core takes a member. A member *is* its string
(``Count.segments == "segments"``, ``f"{Count.segments}"`` is ``segments``), so it goes into JSON,
CSV, YAML and messages as the word itself. The core compares with ``==``, never ``is``: a plain
string from a notebook (``crosstab(..., count="segments")``) then means the same member.

Output formats only the command line knows (table, csv, json, markdown...) are in
``pcrcode/cli/common.py``. This module imports nothing but ``enum``: the CLI reads it to declare its
options, so ``pcrcode --help`` stays fast.
"""

from __future__ import annotations

from enum import StrEnum


class Count(StrEnum):
    """What a cross-tabulation cell counts (see :mod:`pcrcode.reports.crosstab`)."""

    structures = "structures"
    interviews = "interviews"
    segments = "segments"


class Percent(StrEnum):
    """What a cell's percentage is a share of: its row, its column or the grand total."""

    row = "row"
    col = "col"
    total = "total"


class CooccurrenceUnit(StrEnum):
    """What a co-occurrence cell counts: the segments, interviews or structures where two codes
    meet (always within one segment)."""

    segment = "segment"
    interview = "interview"
    structure = "structure"


class MemoKind(StrEnum):
    """What a memo is about. Memos on codings are the coding's own ``memo`` field; the others are
    files under ``memos/<kind>/``."""

    code = "code"
    interview = "interview"
    structure = "structure"
    coding = "coding"


class OffsetUnit(StrEnum):
    """What another program counted its character positions in (REFI-QDA import); ``auto``
    chooses per source, from the selections' quotes or word boundaries."""

    auto = "auto"
    codepoints = "codepoints"
    utf16 = "utf16"
    utf16_crlf = "utf16-crlf"
    codepoints_crlf = "codepoints-crlf"


class GraphFormat(StrEnum):
    """The network's file formats for graph tools: GraphML, GEXF, DOT, node-link JSON."""

    graphml = "graphml"
    gexf = "gexf"
    dot = "dot"
    node_link = "node-link"


class Split(StrEnum):
    """How an imported transcript is cut into segments: at each change of speaker, or at each
    paragraph."""

    turns = "turns"
    paragraphs = "paragraphs"


class Forge(StrEnum):
    """Where a team's project is hosted, for its CI configuration."""

    github = "github"
    gitlab = "gitlab"
