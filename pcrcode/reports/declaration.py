"""The declared synthesis: ``synthesis.yaml`` at the project root says what the synthesis
report contains (title, profile columns, sections in order with their headings). Without the
file, :func:`default_synthesis` declares a useful report from the codebook alone.

The file format is documented in the README ("The synthesis report"). Every problem is a
finding with its line and column (``check``); ``report`` refuses to run on any of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from pcrcode.errors import FileFormatError, PcrcodeError, did_you_mean
from pcrcode.files.diagnostics import ERROR, Diagnostics, Finding
from pcrcode.files.yaml_reading import LDict, LList, load_file
from pcrcode.model import Codebook, Project, Registry
from pcrcode.reports import document as doc

SYNTHESIS_FILE = "synthesis.yaml"

# Profile column kinds: the key that names the column's target.
ATTRIBUTE, HIGHEST, DOMINANT, PRESENT, ABSENT = (
    "attribute",
    "highest",
    "dominant",
    "present",
    "absent",
)
COLUMN_KINDS = (ATTRIBUTE, HIGHEST, DOMINANT, PRESENT, ABSENT)
SUMMARIES = ("max", "dominant")  # FAMILY:max, FAMILY:dominant crosstab axes

_TOP_KEYS = ("pcrcode", "title", "quotes", "profile", "sections", "vignettes")
_COLUMN_KEYS = ("id", "heading", "terminal", *COLUMN_KINDS)
_SECTION_KEYS = {
    doc.CENSUS: ("rows", "columns"),
    doc.COUNTS: ("attribute",),
    doc.FREQUENCIES: ("family",),
    doc.CROSSTAB: ("rows", "columns"),
    doc.PROFILES: ("columns",),
    doc.NEVER_CODED: ("family",),
    doc.CASES: ("present", "absent", "at_most", "columns"),
    doc.FINDINGS: (),  # the findings themselves are declared in findings.yaml
}
_COMMON_KEYS = ("id", "kind", "heading", "note")


@dataclass(frozen=True)
class Column:
    """A profile column: an attribute's value, or a summary of one family's codes on a case."""

    id: str
    kind: str  # one of COLUMN_KINDS
    target: str  # the attribute or family id
    heading: str = ""  # empty: the attribute's or family's label
    terminal: bool = True  # shown in the 80-column terminal table too
    texts: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # see Synthesis


@dataclass(frozen=True)
class SectionSpec:
    id: str
    kind: str
    heading: str = ""  # empty: a heading from the message catalogue
    note: str = ""
    rows: str = ""  # census, crosstab: an axis name
    columns: tuple[str, ...] = ()  # crosstab: one axis; profiles, cases: column ids
    attribute: str = ""  # counts
    family: str = ""  # frequencies, never_coded
    present: tuple[str, ...] = ()  # cases: codes all found on the case
    absent: tuple[str, ...] = ()  # cases: codes none found on the case
    at_most: str = ""  # cases: highest code of its (ordered) family at most this one
    line: int = 0
    texts: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # see Synthesis


@dataclass(frozen=True)
class Synthesis:
    title: str  # empty: the codebook's title
    profile: tuple[Column, ...]
    sections: tuple[SectionSpec, ...]
    quotes: int = 3
    declared: bool = False  # read from synthesis.yaml
    path: Path | None = None
    # A title, heading or note may be given per language ({fr: ..., en: ...}): field ->
    # language -> text; :meth:`localized` picks them (the plain fields hold the first).
    texts: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # Cases presented as worked examples (the HTML report's vignettes), in this order.
    vignettes: tuple[str, ...] = ()

    def localized(self, language: str) -> Synthesis:
        """The synthesis with its titles, headings and notes in ``language`` where given."""
        return replace(
            _pick(self, language),
            profile=tuple(_pick(c, language) for c in self.profile),
            sections=tuple(_pick(s, language) for s in self.sections),
        )

    def column(self, column_id: str) -> Column | None:
        for c in self.profile:
            if c.id == column_id:
                return c
        return None

    def rank_family(self) -> str | None:
        """The ordered family whose degree ranks key quotes: the first ``highest`` column's."""
        return next((c.target for c in self.profile if c.kind == HIGHEST), None)


T = TypeVar("T", Column, SectionSpec, "Synthesis")


def _pick(item: T, language: str) -> T:
    lang = language.split("_", 1)[0]
    chosen: dict[str, Any] = {k: v[lang] for k, v in item.texts.items() if lang in v}
    return replace(item, **chosen) if chosen else item


def category_attributes(codebook: Codebook) -> list[str]:
    return [a.id for a in codebook.attributes.values() if a.values]


def default_profile(codebook: Codebook) -> tuple[Column, ...]:
    """Without a declaration: the required category attributes, the highest code of each ordered
    family, the codes of each other family present."""
    cols = [
        Column(a.id, ATTRIBUTE, a.id)
        for a in codebook.attributes.values()
        if a.values and a.required and a.derived_from is None
    ]
    for f in codebook.families.values():
        cols.append(Column(f.id, HIGHEST if f.ordered else PRESENT, f.id))
    return tuple(cols)


def default_synthesis(codebook: Codebook) -> Synthesis:
    """Case counts by each category attribute, per-family frequencies, each category attribute
    by each family, profiles."""
    sections: list[SectionSpec] = []
    attrs = category_attributes(codebook)
    sections.extend(SectionSpec(f"cases_by_{a}", doc.COUNTS, attribute=a) for a in attrs)
    sections.extend(
        SectionSpec(f"frequencies_{f}", doc.FREQUENCIES, family=f) for f in codebook.families
    )
    sections.append(SectionSpec("profiles", doc.PROFILES))
    sections.extend(
        SectionSpec(f"{a}_x_{f}", doc.CROSSTAB, rows=a, columns=(f,))
        for a in attrs
        for f in codebook.families
    )
    return Synthesis("", default_profile(codebook), tuple(sections))


def load_synthesis(
    root: Path, codebook: Codebook, registry: Registry, diag: Diagnostics
) -> Synthesis:
    """The project's declared synthesis (its findings go to ``diag``), or the default one."""
    path = root / SYNTHESIS_FILE
    if not path.exists():
        return default_synthesis(codebook)
    data = load_file(path)
    if data is None:
        return default_synthesis(codebook)
    if not isinstance(data, LDict):
        raise FileFormatError("synthesis.yaml must be a mapping with 'sections'", path, 1)
    return _Parser(path, codebook, registry, diag).parse(data)


class _Parser:
    def __init__(self, path: Path, codebook: Codebook, registry: Registry, diag: Diagnostics):
        self.path, self.codebook, self.diag = path, codebook, diag
        free = {k for s in registry.structures.values() for k in s.extra}
        self.attributes = [*codebook.attributes, *sorted(free - set(codebook.attributes))]
        self.cases = list(registry.structures)
        self.named: set[str] = set()  # every profile column id, valid or not (no cascade)

    def error(self, pos: tuple[int, int], message: str, rule: str) -> None:
        self.diag.error(self.path, pos, message, rule)

    def keys(self, mapping: LDict, allowed: Sequence[str], where: str) -> None:
        for key in mapping:
            if key not in allowed:
                hint = did_you_mean(str(key), allowed)
                self.error(mapping.pos(key), f"unknown key '{key}' in {where}{hint}", "unknown-key")

    def parse(self, data: LDict) -> Synthesis:
        self.keys(data, _TOP_KEYS, "synthesis.yaml")
        quotes = data.get("quotes", 3)
        if not isinstance(quotes, int) or isinstance(quotes, bool) or quotes < 0:
            self.error(data.pos("quotes"), "'quotes' must be a whole number", "bad-value")
            quotes = 3
        profile = self.profile(data)
        sections = self.sections(data, profile)
        title, texts = self.text(data, "title")
        vignettes = self.vignettes(data)
        return Synthesis(title, profile, sections, quotes, True, self.path, texts, vignettes)

    def vignettes(self, data: LDict) -> tuple[str, ...]:
        """The worked examples: ids of cases of the registry."""
        raw = data.get("vignettes")
        if raw is None:
            return ()
        if not isinstance(raw, LList):
            self.error(data.pos("vignettes"), "'vignettes' must be a list of case ids", "bad-value")
            return ()
        found: list[str] = []
        for i, item in enumerate(raw):
            case = str(item)
            if case in self.cases:
                found.append(case)
                continue
            hint = did_you_mean(case, self.cases)
            self.error(
                raw.pos(i), f"unknown case '{case}' in vignettes{hint}", "synthesis-unknown-case"
            )
        return tuple(found)

    def profile(self, data: LDict) -> tuple[Column, ...]:
        raw = data.get("profile")
        if raw is None:
            return default_profile(self.codebook)
        if not isinstance(raw, LList):
            self.error(data.pos("profile"), "'profile' must be a list of columns", "bad-value")
            return ()
        found: list[Column] = []
        for i, entry in enumerate(raw):
            column = self.column(entry, raw.pos(i), {c.id for c in found})
            if column is not None:
                found.append(column)
        return tuple(found)

    def column(self, entry: Any, pos: tuple[int, int], seen: set[str]) -> Column | None:
        if not isinstance(entry, LDict):
            self.error(pos, "a profile column must be a mapping with an id", "bad-value")
            return None
        self.keys(entry, _COLUMN_KEYS, "a profile column")
        kinds = [k for k in COLUMN_KINDS if k in entry]
        cid = str(entry.get("id") or (entry.get(kinds[0]) if kinds else ""))
        if len(kinds) != 1:
            self.error(
                pos, f"profile column '{cid}' needs one of {', '.join(COLUMN_KINDS)}", "bad-value"
            )
            return None
        if cid in seen:
            self.error(pos, f"duplicate profile column id '{cid}'", "duplicate-id")
            return None
        self.named.add(cid)
        kind = kinds[0]
        target = str(entry[kind])
        if kind == ATTRIBUTE:
            ok = self.attribute(target, entry.pos(kind))
        else:
            ok = self.family(target, entry.pos(kind), ordered=kind == HIGHEST)
        terminal = entry.get("terminal", True)
        if not ok:
            return None
        heading, texts = self.text(entry, "heading")
        return Column(cid, kind, target, heading, terminal is not False, texts)

    def text(self, entry: LDict, key: str) -> tuple[str, dict[str, dict[str, str]]]:
        """A text in the study's language, or one per language ({fr: ..., en: ...}): the
        first one given, and every one by language."""
        value = entry.get(key)
        if value is None:
            return "", {}
        if isinstance(value, LDict):
            texts = {str(lang): str(v).strip() for lang, v in value.items() if v is not None}
            if not texts or any(isinstance(v, dict | list) for v in value.values()):
                self.error(
                    entry.pos(key), f"'{key}' must be a text or one text per language", "bad-value"
                )
                return "", {}
            return next(iter(texts.values())), {key: texts}
        if isinstance(value, list):
            self.error(entry.pos(key), f"'{key}' must be a text", "bad-value")
            return "", {}
        return str(value).strip(), {}

    def attribute(self, name: str, pos: tuple[int, int]) -> bool:
        if name in self.attributes or name == "interviewed":
            return True
        hint = did_you_mean(name, self.attributes)
        self.error(pos, f"unknown attribute '{name}'{hint}", "synthesis-unknown-attribute")
        return False

    def family(self, name: str, pos: tuple[int, int], ordered: bool = False) -> bool:
        families = self.codebook.families
        if name not in families:
            hint = did_you_mean(name, families)
            self.error(pos, f"unknown code family '{name}'{hint}", "synthesis-unknown-family")
            return False
        if ordered and not families[name].ordered:
            self.error(
                pos,
                f"family '{name}' is not ordered: 'highest' needs 'ordered: true' in codebook.yaml",
                "synthesis-not-ordered",
            )
            return False
        return True

    def code(self, name: str, pos: tuple[int, int]) -> bool:
        if name in self.codebook.codes or name in self.codebook.aliases:
            return True  # an old id (a renamed code) stands for its current one
        hint = did_you_mean(name, self.codebook.codes)
        self.error(pos, f"unknown code '{name}'{hint}", "synthesis-unknown-code")
        return False

    def current(self, code: str) -> str:
        return self.codebook.aliases.get(code, code)

    def axis(self, name: str, pos: tuple[int, int]) -> bool:
        """A crosstab axis: an attribute, a family, FAMILY:max or FAMILY:dominant."""
        base, _, summary = name.partition(":")
        if summary:
            if summary not in SUMMARIES:
                self.error(pos, f"'{name}': use FAMILY:max or FAMILY:dominant", "bad-value")
                return False
            return self.family(base, pos, ordered=summary == "max")
        if name in self.codebook.families or name in self.attributes or name == "interviewed":
            return True
        hint = did_you_mean(name, [*self.attributes, *self.codebook.families])
        self.error(
            pos, f"unknown attribute or code family '{name}'{hint}", "synthesis-unknown-axis"
        )
        return False

    def sections(self, data: LDict, profile: tuple[Column, ...]) -> tuple[SectionSpec, ...]:
        raw = data.get("sections")
        if not isinstance(raw, LList):
            self.error(
                data.pos("sections") if "sections" in data else (1, 1),
                "synthesis.yaml needs a 'sections' list",
                "missing-key",
            )
            return ()
        found: list[SectionSpec] = []
        for i, entry in enumerate(raw):
            spec = self.section(entry, raw.pos(i), profile, {s.id for s in found})
            if spec is not None:
                found.append(spec)
        return tuple(found)

    def section(
        self, entry: Any, pos: tuple[int, int], profile: tuple[Column, ...], seen: set[str]
    ) -> SectionSpec | None:
        if not isinstance(entry, LDict):
            self.error(pos, "a section must be a mapping with an id and a kind", "bad-value")
            return None
        kind = str(entry.get("kind", ""))
        if kind not in _SECTION_KEYS:
            hint = did_you_mean(kind, doc.KINDS)
            where = entry.pos("kind") if "kind" in entry else pos
            self.error(
                where,
                f"unknown section kind '{kind}'{hint} (kinds: {', '.join(doc.KINDS)})",
                "bad-value",
            )
            return None
        self.keys(entry, (*_COMMON_KEYS, *_SECTION_KEYS[kind]), f"a {kind} section")
        sid = str(entry.get("id") or kind)
        if sid in seen or sid in doc.RESERVED_IDS:
            self.error(
                entry.pos("id") if "id" in entry else pos,
                f"section id '{sid}' is used twice or reserved",
                "duplicate-id",
            )
            return None
        values = _Values(entry)
        heading, heading_texts = self.text(entry, "heading")
        note, note_texts = self.text(entry, "note")
        ok = getattr(self, f"_check_{kind}")(entry, values, {c.id for c in profile})
        if not ok:
            return None
        return SectionSpec(
            sid,
            kind,
            heading,
            note,
            rows=values.one("rows"),
            columns=values.many("columns"),
            attribute=values.one("attribute"),
            family=values.one("family"),
            present=tuple(self.current(c) for c in values.many("present")),
            absent=tuple(self.current(c) for c in values.many("absent")),
            at_most=self.current(values.one("at_most")),
            line=pos[0],
            texts={**heading_texts, **note_texts},
        )

    def _check_census(self, entry: LDict, v: _Values, cols: set[str]) -> bool:
        return all(
            self.attribute(v.one(k), entry.pos(k)) for k in ("rows", "columns") if k in entry
        )

    def _check_counts(self, entry: LDict, v: _Values, cols: set[str]) -> bool:
        return self.required(entry, "attribute") and self.attribute(
            v.one("attribute"), entry.pos("attribute")
        )

    def _check_frequencies(self, entry: LDict, v: _Values, cols: set[str]) -> bool:
        return self.required(entry, "family") and self.family(v.one("family"), entry.pos("family"))

    _check_never_coded = _check_frequencies

    def _check_findings(self, entry: LDict, v: _Values, cols: set[str]) -> bool:
        return True  # findings.yaml is checked on its own (pcrcode.findings.declaration)

    def _check_crosstab(self, entry: LDict, v: _Values, cols: set[str]) -> bool:
        if not (self.required(entry, "rows") and self.required(entry, "columns")):
            return False
        return all(
            [
                self.axis(v.one("rows"), entry.pos("rows")),
                *(self.axis(c, entry.pos("columns")) for c in v.many("columns")),
            ]
        )

    def _check_profiles(self, entry: LDict, v: _Values, cols: set[str]) -> bool:
        return self.known_columns(entry, v, cols)

    def _check_cases(self, entry: LDict, v: _Values, cols: set[str]) -> bool:
        ok = self.known_columns(entry, v, cols)
        for key in ("present", "absent"):
            ok = all([ok, *(self.code(c, entry.pos(key)) for c in v.many(key))])
        top = v.one("at_most")
        if top and self.code(top, entry.pos("at_most")):
            family = self.codebook.codes[self.current(top)].family
            ok = self.family(family, entry.pos("at_most"), ordered=True) and ok
        elif top:
            ok = False
        return ok

    def known_columns(self, entry: LDict, v: _Values, cols: set[str]) -> bool:
        ok = True
        for c in v.many("columns"):
            if c not in cols and c not in self.attributes and c not in self.named:
                hint = did_you_mean(c, [*cols, *self.attributes])
                self.error(
                    entry.pos("columns"),
                    f"unknown profile column or attribute '{c}'{hint}",
                    "synthesis-unknown-column",
                )
                ok = False
        return ok

    def required(self, entry: LDict, key: str) -> bool:
        if key in entry:
            return True
        self.error(entry.pos("kind"), f"a {entry.get('kind')} section needs '{key}'", "missing-key")
        return False


@dataclass
class _Values:
    entry: Mapping[str, Any]
    _: dict[str, Any] = field(default_factory=dict)

    def one(self, key: str) -> str:
        value = self.entry.get(key)
        if isinstance(value, list):
            return str(value[0]) if value else ""
        return "" if value is None else str(value)

    def many(self, key: str) -> tuple[str, ...]:
        value = self.entry.get(key)
        if value is None:
            return ()
        if isinstance(value, list):
            return tuple(str(v) for v in value)
        return (str(value),)


# Findings on the cases' attributes that make any report on them wrong: ``report`` refuses.
ATTRIBUTE_RULES = ("missing-attribute", "grouping-incomplete")


def project_synthesis(project: Project, findings: Sequence[Finding] = ()) -> Synthesis:
    """The project's synthesis, or :class:`DataError` with the first problem ``check`` would
    report on it (or, among ``findings`` from loading, on the cases' attributes)."""
    diag = Diagnostics(project.root)
    synthesis = load_synthesis(project.root, project.codebook, project.registry, diag)
    wrong = [f for f in findings if f.rule in ATTRIBUTE_RULES and f.severity == ERROR]
    wrong += [f for f in diag.sorted() if f.severity == ERROR]
    if wrong:
        first = wrong[0]
        more = f" (and {len(wrong) - 1} more: see `pcrcode check`)" if len(wrong) > 1 else ""
        raise PcrcodeError(
            f"{first.message} [{first.rule}]{more}",
            first.path,
            first.line,
            first.col,
        )
    return synthesis
