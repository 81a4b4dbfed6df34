"""What ``check`` says about partners: unknown ids, a structure naming itself, and a scope code
that the partners' declared sectors contradict."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from pcrcode.files.diagnostics import Diagnostics, did_you_mean
from pcrcode.model import Coding, Interview, Project
from pcrcode.network.partners import partner_ids
from pcrcode.network.ties import node_value


def check_partners(
    project: Project, interview: Interview | None, codings: Sequence[Coding], diag: Diagnostics
) -> None:
    registry = project.registry
    structure = interview.structure if interview is not None else None
    for coding in codings:
        for partner in coding.partners:
            where, pos = coding.path or "codings", (coding.line, 3)
            if registry.node(partner) is None:
                diag.error(
                    where,
                    pos,
                    f"unknown partner '{partner}'{did_you_mean(partner, partner_ids(registry))}"
                    " (partners are the structures and actors of structures.yaml)",
                    "unknown-partner",
                )
            elif partner == structure:
                diag.warning(
                    where,
                    pos,
                    f"'{partner}' is the structure of this interview: a partner is another "
                    "structure or an actor",
                    "self-partner",
                )
    if structure is not None:
        _check_scope(project, structure, codings, diag)


def _check_scope(
    project: Project, structure: str, codings: Sequence[Coding], diag: Diagnostics
) -> None:
    spec, registry, codebook = project.registry.network, project.registry, project.codebook
    if spec is None or spec.sector is None or (spec.intra is None and spec.inter is None):
        return
    own = node_value(registry.node(structure), spec.sector, codebook)
    if own is None:
        return
    by_segment: dict[int, list[Coding]] = defaultdict(list)
    for coding in codings:
        by_segment[coding.segment].append(coding)
    for segment in by_segment.values():
        partners = sorted({p for c in segment for p in c.partners if registry.node(p)})
        sectors = {p: node_value(registry.node(p), spec.sector, codebook) for p in partners}
        known = {p: v for p, v in sectors.items() if v is not None}
        for coding in segment:
            current = codebook.aliases.get(coding.code, coding.code)
            if current == spec.intra:
                wrong = [p for p, v in known.items() if v != own]
                why = "intra-sectoral, but {} {} not in {} '{}' ({})"
            elif current == spec.inter and known and len(known) == len(partners):
                wrong = [p for p, v in known.items() if v == own]
                wrong = wrong if len(wrong) == len(known) else []
                why = "inter-sectoral, but {} {} in {} '{}' too ({})"
            else:
                continue
            if wrong:
                verb = "is" if len(wrong) == 1 else "are"
                sector_of = ", ".join(f"{p}: {known[p]}" for p in wrong)
                diag.warning(
                    coding.path or "codings",
                    (coding.line, 3),
                    f"'{coding.code}' says "
                    + why.format(", ".join(wrong), verb, spec.sector, own, sector_of),
                    "scope-contradiction",
                )
