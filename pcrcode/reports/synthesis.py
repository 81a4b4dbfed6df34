"""The synthesis report in one run: what the exploratory synthesis shows, computed from the
codings (census, profiles, logique by statut, portée by logique, objets by domaine, highest
forme by dominant logique, objets never pooled, shared premises without further pooling)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pcrcode.reports.axes import resolve_axis
from pcrcode.reports.census import CensusTable, census
from pcrcode.reports.corpus import Corpus
from pcrcode.reports.crosstab import Crosstab, crosstab
from pcrcode.reports.profile import FORME, LOGIQUE, OBJET, PORTEE, Profile, profiles

PREMISES = "objet/immobilier"
PARTNERSHIP = "forme/partenariat"


@dataclass(frozen=True)
class Crossing:
    key: str
    title: str
    note: str
    table: Crosstab


@dataclass(frozen=True)
class Report:
    corpus: Corpus
    census: CensusTable
    profiles: tuple[Profile, ...]
    crossings: tuple[Crossing, ...]
    never_pooled: tuple[dict[str, Any], ...]  # code, label, degree
    shared_premises: tuple[dict[str, Any], ...]  # structure, name, statut, highest_forme...
    depth: int | None = 1

    def summary(self) -> dict[str, Any]:
        corpus = self.corpus
        return {
            "structures": len(corpus.structures),
            "interviewed": sum(1 for s in corpus.structures if s.interviewed),
            "interviews": len(corpus.interviews),
            "coded_segments": len(corpus.segments),
            "codings": sum(len(s.codings) for s in corpus.segments),
            "where": [f.describe() for f in corpus.filters],
        }

    def as_dict(self) -> dict[str, Any]:
        """The JSON report: one key per section."""
        data: dict[str, Any] = {
            "coders": self.corpus.selection.as_dict(),
            "summary": self.summary(),
            "census": self.census.records(),
            "profiles": [p.row() for p in self.profiles],
        }
        for c in self.crossings:
            data[c.key] = c.table.records()
        data["never_pooled"] = list(self.never_pooled)
        data["shared_premises"] = list(self.shared_premises)
        return data

    def tidy(self) -> list[dict[str, Any]]:
        """Every number of the report as one record: section, row, col, measure, value."""
        out: list[dict[str, Any]] = []

        def add(section: str, row: Any, col: Any, measure: str, value: Any) -> None:
            out.append(
                {"section": section, "row": row, "col": col, "measure": measure, "value": value}
            )

        for r in self.census.records():
            add("census", r["row"], r["col"], "structures", r["total"])
            add("census", r["row"], r["col"], "interviewed", r["interviewed"])
        for p in self.profiles:
            add("profiles", p.structure.id, "coded_segments", "segments", p.coded_segments)
            add(
                "profiles",
                p.structure.id,
                "highest_degree",
                "degree",
                p.highest_forme.degree if p.highest_forme else None,
            )
        for c in self.crossings:
            for r in c.table.records():
                add(c.key, r["row"], r["col"], c.table.count, r["count"])
        for n in self.never_pooled:
            add("never_pooled", n["code"], "", "segments", 0)
        for s in self.shared_premises:
            add(
                "shared_premises", s["structure"], s["highest_forme"], "degree", s["highest_degree"]
            )
        return out


def _crossings(corpus: Corpus, depth: int | None) -> list[Crossing]:
    families = corpus.codebook.families
    wanted = [
        (
            "statut_x_logique",
            "statut",
            LOGIQUE,
            "Logique by statut",
            "structures; a structure counts once per logique found on its segments",
        ),
        (
            "logique_x_portee",
            LOGIQUE,
            PORTEE,
            "Portée by logique",
            "structures; both codes on one of its segments",
        ),
        (
            "domaine_x_objet",
            "domaine",
            OBJET,
            "Objets pooled by domaine",
            "structures; a structure counts once per objet found on its segments",
        ),
        (
            "forme_x_logique",
            f"{FORME}:max",
            f"{LOGIQUE}:dominant",
            "Highest forme by dominant logique",
            "structures; highest forme reached, logique of most coded segments (mixte: a tie)",
        ),
    ]
    found = []
    for key, rows, cols, title, note in wanted:
        needed = {a.partition(":")[0] for a in (rows, cols)} & {FORME, LOGIQUE, OBJET, PORTEE}
        if not needed <= set(families):
            continue
        table = crosstab(
            corpus, resolve_axis(corpus, rows, depth), resolve_axis(corpus, cols, depth)
        )
        found.append(Crossing(key, title, note, table))
    return found


def report(corpus: Corpus, depth: int | None = 1) -> Report:
    codebook = corpus.codebook
    every = profiles(corpus, every=True, depth=depth, quotes=0)
    found = [p for p in every if p.structure.interviewed or p.interviews]
    used = {c for s in corpus.segments for c in s.codes}
    never = tuple(
        {"code": c.id, "label": c.label, "degree": c.degree}
        for c in codebook.family_codes(OBJET)
        if c.codable and c.id not in used
    )
    limit = codebook.codes[PARTNERSHIP].degree if PARTNERSHIP in codebook.codes else 2
    premises = tuple(
        {
            "structure": p.structure.id,
            "name": p.structure.name,
            "statut": p.structure.statut,
            "highest_forme": p.highest_forme.id if p.highest_forme else None,
            "highest_degree": p.highest_forme.degree if p.highest_forme else None,
            "pooled": list(p.pooled),
        }
        for p in every
        if PREMISES in p.pooled
        and (p.highest_forme is None or (p.highest_forme.degree or 0) <= (limit or 2))
    )
    return Report(
        corpus,
        census(corpus),
        tuple(found),
        tuple(_crossings(corpus, depth)),
        never,
        premises,
        depth,
    )
