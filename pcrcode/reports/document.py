"""The synthesis report as a document: a title, a few preamble lines and an ordered list of
sections. Each section has an id, a kind, a heading and a note in the study's language, and the
records of its kind. Every renderer (Markdown, terminal tables, JSON, CSV, HTML) walks this
model; none recomputes a number.

Section kinds and the keys of their records (``Section.records``), documented in the README
("The synthesis report") and in ``/work/wt/SYNTHESIS_MODEL.md``:

- ``census``: one record per cell, margins included: row, row_label, col, col_label, total,
  interviewed (``data["mismatches"]``: the cells where the declared totals disagree);
- ``counts``: one record per value of one attribute: value, label, total, interviewed;
- ``frequencies``: one record per code of a family: code, label, depth, codings, segments,
  interviews, structures;
- ``crosstab``: one record per cell, margins included: row, row_label, col, col_label, count,
  percent (``data["table"]``: the :class:`~pcrcode.reports.crosstab.Crosstab`);
- ``profiles``: one record per case: structure, name, interviewed, interviews, coded_segments,
  then one key per declared column (``data["columns"]``: id, heading, kind, family or
  attribute, terminal);
- ``never_coded``: one record per codable code of a family that no segment carries: code,
  label, degree;
- ``cases``: one record per case meeting the section's condition (co-present codes, highest
  degree at most a code): structure, name, then one key per listed column.

- ``findings``: one record per finding of ``findings.yaml``, as ``pcrcode findings --format
  json`` writes it (id, statement, kind, unit, check, status, reason, figures, supporting,
  contradicting, breaking, line) plus ``status_label`` in the study's language; ``data``:
  headers, rows, summary (see ``pcrcode.findings.section``).

Sections added by other parts of pcrcode (``network``) follow the same shape: a kind, records,
and whatever ``data`` their renderer needs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

CENSUS = "census"
COUNTS = "counts"
FREQUENCIES = "frequencies"
CROSSTAB = "crosstab"
PROFILES = "profiles"
NEVER_CODED = "never_coded"
CASES = "cases"
FINDINGS = "findings"  # built by pcrcode.findings.section from findings.yaml
KINDS = (CENSUS, COUNTS, FREQUENCIES, CROSSTAB, PROFILES, NEVER_CODED, CASES, FINDINGS)

# Keys of the report's JSON object that a section id may not take.
RESERVED_IDS = ("title", "language", "coders", "summary", "sections", "preamble")


@dataclass(frozen=True)
class Section:
    """One section of the report.

    ``records`` is what JSON and CSV write (tidy, one record per row or cell); ``data`` holds
    what a renderer needs beyond them (the crosstab object, the profile columns).
    """

    id: str
    kind: str
    heading: str
    note: str = ""
    records: Sequence[Mapping[str, Any]] = ()
    data: Mapping[str, Any] = field(default_factory=dict)

    def header(self) -> dict[str, Any]:
        """The section's entry in the JSON's ``sections`` list (its records are under its id)."""
        return {"id": self.id, "kind": self.kind, "heading": self.heading, "note": self.note}


@dataclass(frozen=True)
class Document:
    """The whole report: what every renderer walks."""

    title: str
    language: str
    preamble: Sequence[str]  # the summary lines under the title, in the study's language
    sections: Sequence[Section]
    summary: Mapping[str, Any] = field(default_factory=dict)
    coders: Mapping[str, Any] = field(default_factory=dict)

    def section(self, section_id: str) -> Section:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(section_id)

    def as_dict(self) -> dict[str, Any]:
        """The JSON report: title, language, coders, summary, the sections' headers, then the
        records of each section under its id."""
        data: dict[str, Any] = {
            "title": self.title,
            "language": self.language,
            "coders": dict(self.coders),
            "summary": dict(self.summary),
            "sections": [s.header() for s in self.sections],
        }
        for s in self.sections:
            data[s.id] = [dict(r) for r in s.records]
        return data
