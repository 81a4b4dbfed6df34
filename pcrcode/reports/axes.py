"""What a crosstab axis (or a ``--where`` filter) can be, and per-structure summaries.

An axis is either

- a *structure axis*: every structure takes one value. A case attribute (``statut``,
  ``domaine``), a derived one (``categorie``), a free attribute of the registry (``commune``,
  ``creation``), ``interviewed`` (true/false), or a summary of the structure's codes:
  ``FAMILY:max`` (the highest code of an ordered family it reaches: ``forme:max``) and
  ``FAMILY:dominant`` (the code carried by most of its coded segments: ``logique:dominant``; ties
  give ``mixte``);
- a *code axis*: the codes of one or more families. At depth ``d`` a code counts as its ancestor
  at depth ``d`` (depth 1 rolls ``logique/reseau/affinitaire`` and ``.../politique`` into
  ``logique/reseau``); depth ``None`` keeps every codable code as itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pcrcode.errors import UnknownItem, UsageError, suggest
from pcrcode.model import Code, Codebook

if TYPE_CHECKING:
    from pcrcode.i18n import Messages
from pcrcode.reports.corpus import Corpus, Filter, value_text

MIXED = "mixte"
STRUCTURE, CODES = "structure", "codes"


@dataclass(frozen=True)
class Category:
    id: str
    label: str


@dataclass(frozen=True)
class Axis:
    id: str
    label: str
    kind: str  # structure | codes
    categories: tuple[Category, ...]
    values: Mapping[str, str] = field(default_factory=dict)  # structure id -> category id
    code_map: Mapping[str, str] = field(default_factory=dict)  # code id -> category id
    # Segments share a few hundred sets of codes (see corpus.build_corpus): each is mapped once.
    _seen: dict[frozenset[str], frozenset[str]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def of_codes(self, codes: Iterable[str]) -> frozenset[str]:
        """The categories a set of codes (one segment's) falls into."""
        if type(codes) is frozenset:
            found = self._seen.get(codes)
            if found is None:
                found = self._seen[codes] = frozenset(
                    [self.code_map[c] for c in codes if c in self.code_map]
                )
            return found
        return frozenset([self.code_map[c] for c in codes if c in self.code_map])

    def label_of(self, category: str) -> str:
        for c in self.categories:
            if c.id == category:
                return c.label
        return category


def ancestor(codebook: Codebook, code: Code, depth: int) -> Code:
    """The code's ancestor at ``depth`` (itself when it is not deeper)."""
    if code.depth <= depth:
        return code
    found = codebook.codes.get("/".join(code.id.split("/")[: depth + 1]))
    return found if found is not None else code


def code_axis(
    codebook: Codebook,
    families: Sequence[str],
    depth: int | None,
    axis_id: str | None = None,
    label: str | None = None,
) -> Axis:
    if depth is not None and depth < 1:
        raise UsageError(f"the depth must be 1 or more, not {depth}", about="depth")
    codes = [c for c in codebook.codes.values() if c.family in families]
    code_map: dict[str, str] = {}
    for c in codes:
        if depth is None:
            if c.codable:
                code_map[c.id] = c.id
        else:
            code_map[c.id] = ancestor(codebook, c, depth).id
    used = set(code_map.values())
    # A category is kept when it can be applied itself or gathers codes below it.
    categories = tuple(
        Category(c.id, c.label)
        for c in codes
        if c.id in used and (c.codable or any(v == c.id and k != c.id for k, v in code_map.items()))
    )
    kept = {c.id for c in categories}
    if axis_id is None:
        axis_id = families[0] if len(families) == 1 else "codes"
    if label is None:
        label = codebook.families[families[0]].label if len(families) == 1 else "Codes"
    return Axis(
        axis_id, label, CODES, categories, code_map={k: v for k, v in code_map.items() if v in kept}
    )


def segment_counts(axis: Axis, code_sets: Iterable[frozenset[str]]) -> Counter[str]:
    """Per category of a code axis, how many of these segments (their sets of codes) fall
    into it."""
    counts: Counter[str] = Counter()
    for codes, n in Counter(code_sets).items():  # each set of codes once
        for category in axis.of_codes(codes):
            counts[category] += n
    return counts


def highest(codebook: Codebook, family: str, code_sets: Iterable[frozenset[str]]) -> Code | None:
    """The code of highest degree (at depth 1) of an ordered family among these segments
    (their sets of codes, in segment order: of two codes of one degree, the first found)."""
    best: Code | None = None
    tops = _tops(codebook, family)
    distinct = dict.fromkeys(code_sets)  # each set of codes once
    reached = {tops[c].id: tops[c] for c in frozenset().union(*distinct) if c in tops}
    if not reached:
        return None
    top_degree = max((c.degree or 0) for c in reached.values())
    at_top = [c for c in reached.values() if (c.degree or 0) == top_degree]
    if len(at_top) == 1:  # else two codes of one degree: the first found, below
        return at_top[0]
    for codes in distinct:
        for cid in codes:
            top = tops.get(cid)
            if top is not None and (best is None or (best.degree or 0) < (top.degree or 0)):
                best = top
    return best


_TOPS: dict[tuple[int, str], tuple[Codebook, dict[str, Code]]] = {}


def _tops(codebook: Codebook, family: str) -> dict[str, Code]:
    """Code id -> its ancestor at depth 1, for the codes of ``family`` whose ancestor has a
    degree (what ``highest`` compares), computed once per codebook and family."""
    known = _TOPS.get((id(codebook), family))
    if known is not None and known[0] is codebook:
        return known[1]
    tops = {}
    for code in codebook.codes.values():
        if code.family == family:
            top = ancestor(codebook, code, 1)
            if top.degree is not None:
                tops[code.id] = top
    _TOPS.clear()  # one codebook at a time: no growth in a long-lived process
    _TOPS[(id(codebook), family)] = (codebook, tops)
    return tops


def dominant(counts: Mapping[str, int]) -> str | None:
    """The category with the most segments; ``mixte`` when several tie; None when empty."""
    if not counts or max(counts.values()) == 0:
        return None
    top = max(counts.values())
    winners = [k for k, v in counts.items() if v == top]
    return winners[0] if len(winners) == 1 else MIXED


def structure_attributes(corpus: Corpus) -> list[str]:
    """Every attribute a structure axis or ``--where`` accepts, except FAMILY:max/dominant."""
    names = list(corpus.codebook.attributes)
    extra = sorted(
        {k for s in corpus.project.registry.structures.values() for k in s.extra} - set(names)
    )
    return [*names, *extra, "interviewed"]


def resolve_axis(corpus: Corpus, name: str, depth: int | None = 1) -> Axis:
    """The axis called ``name``: a code family, an attribute or a FAMILY:max/dominant summary."""
    codebook = corpus.codebook
    if name in codebook.families:
        return code_axis(codebook, [name], depth)
    if ":" in name:
        return _summary_axis(corpus, name, depth)
    structures = corpus.project.registry.structures.values()
    if name == "interviewed":
        values = {s.id: "true" if s.interviewed else "false" for s in structures}
        return Axis(
            name,
            _tr(codebook)("Interviewed"),
            STRUCTURE,
            (
                Category("true", _tr(codebook)("interviewed")),
                Category("false", _tr(codebook)("not interviewed")),
            ),
            values=values,
        )
    if name in codebook.attributes:
        attr = codebook.attributes[name]
        values = {}
        for s in structures:
            v = value_text(s.value(name, codebook))
            if v is not None:
                values[s.id] = v
        declared = [Category(k, label) for k, label in attr.values.items()]
        others = sorted(set(values.values()) - set(attr.values))
        return Axis(
            name,
            attr.label,
            STRUCTURE,
            (*declared, *(Category(v, v) for v in others)),
            values=values,
        )
    if name in structure_attributes(corpus):
        values = {}
        for s in structures:
            v = value_text(s.extra.get(name))
            if v is not None:
                values[s.id] = v
        ordered = sorted(set(values.values()), key=_natural)
        return Axis(name, name, STRUCTURE, tuple(Category(v, v) for v in ordered), values=values)
    choices = [*structure_attributes(corpus), *codebook.families]
    hint = suggest(name, choices)
    raise UnknownItem(
        f"unknown attribute or code family '{name}' (attributes: "
        f"{', '.join(structure_attributes(corpus))}; families: {', '.join(codebook.families)}; "
        f"or FAMILY:max, FAMILY:dominant){hint}"
    )


def _tr(codebook: Codebook) -> Messages:
    from pcrcode.i18n import study_messages

    return study_messages(codebook.language)


def _natural(value: str) -> tuple[int, float, str]:
    try:
        return (0, float(value), value)
    except ValueError:
        return (1, 0.0, value)


def _summary_axis(corpus: Corpus, name: str, depth: int | None) -> Axis:
    codebook = corpus.codebook
    family_id, _, how = name.partition(":")
    family = codebook.family(family_id)
    structures = corpus.project.registry.structures
    if how == "max":
        if not family.ordered:
            raise UsageError(
                f"'{name}': {family_id} is not an ordered family; use {family_id}:dominant"
            )
        tops = sorted(
            (c for c in codebook.family_codes(family_id) if c.depth == 1 and c.degree is not None),
            key=lambda c: c.degree or 0,
        )
        values = {}
        for sid in structures:
            best = highest(codebook, family_id, corpus.codes_by_structure.get(sid, ()))
            if best is not None:
                values[sid] = best.id
        return Axis(
            name,
            _tr(codebook)("{family} (max)", family=family.label),
            STRUCTURE,
            tuple(Category(c.id, c.label) for c in tops),
            values=values,
        )
    if how == "dominant":
        axis = code_axis(codebook, [family_id], depth)
        values = {}
        for sid in structures:
            found = dominant(segment_counts(axis, corpus.codes_by_structure.get(sid, ())))
            if found is not None:
                values[sid] = found
        tr = _tr(codebook)
        return Axis(
            name,
            tr("{family} (dominant)", family=family.label),
            STRUCTURE,
            (*axis.categories, Category(MIXED, tr("Mixed (tie)"))),
            values=values,
        )
    raise UsageError(f"'{name}': after '{family_id}:' write max or dominant")


def parse_where(corpus: Corpus, specs: Sequence[str], depth: int | None = 1) -> list[Filter]:
    """``--where ATTR=VALUE`` (``ATTR=V1,V2`` for either; the same ATTR twice also means either;
    different attributes must all hold)."""
    wanted: dict[str, set[str]] = {}
    axes: dict[str, Axis] = {}
    for spec in specs:
        name, eq, raw = spec.partition("=")
        name, raw = name.strip(), raw.strip()
        if not eq or not name or not raw:
            raise UsageError(
                f"a structure filter is ATTR=VALUE (e.g. size=small), not '{spec}'", about="where"
            )
        axis = axes.get(name) or resolve_axis(corpus, name, depth)
        if axis.kind != STRUCTURE:
            raise UsageError(
                f"a structure filter takes an attribute; '{name}' is a code "
                "family (use `pcrcode retrieve` to select segments by code)",
                about="where",
            )
        axes[name] = axis
        ids = [c.id for c in axis.categories]
        for value in (v.strip() for v in raw.split(",")):
            if value not in ids:
                hint = suggest(value, ids)
                raise UnknownItem(
                    f"unknown value '{value}' of {name} (values: {', '.join(ids) or 'none'}){hint}",
                    about="where",
                )
            wanted.setdefault(name, set()).add(value)
    return [Filter(name, frozenset(values), axes[name].values) for name, values in wanted.items()]
