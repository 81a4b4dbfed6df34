"""Reading ``findings.yaml`` with line/col positions, and validating it against the codebook, the
registry and the coders, without evaluating any finding (what ``pcrcode check`` runs).

Problems go to a :class:`~pcrcode.files.diagnostics.Diagnostics` as ``path:line:col`` findings
with a rule id (listed in ``pcrcode.project_checks.RULES``); a finding with an error is
left out of the declaration returned.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pcrcode.errors import FileFormatError, PcrcodeError, did_you_mean
from pcrcode.files.codebook import ID_RE
from pcrcode.files.diagnostics import Diagnostics
from pcrcode.files.yaml_reading import LDict, LList, loads, read_text
from pcrcode.findings import model as m
from pcrcode.findings.axes import AxisInfo, axis_info
from pcrcode.model import Project

FINDINGS_FILE = "findings.yaml"
_TOP_KEYS = ("pcrcode", "findings")
_COMMON = ("id", "statement", "kind", "unit", "coders", "among", "line")
_BY_KIND: dict[str, tuple[str, ...]] = {
    m.SHARE: ("value", "at_least", "at_most", "min_cases"),
    m.ABSENT: ("value", "min_cases"),
    m.PRESENT: ("value", "min_count", "min_cases"),
    m.IMPLICATION: ("if", "then", "direction", "at_least", "at_most", "min_cases"),
    m.COMPARISON: ("measure", "by", "reaching", "higher", "lower", "min_cases"),
}
_REQUIRED: dict[str, tuple[str, ...]] = {
    m.SHARE: ("value",),
    m.ABSENT: ("value",),
    m.PRESENT: ("value",),
    m.IMPLICATION: ("if", "then"),
    m.COMPARISON: ("measure", "higher", "lower"),
}
_ALL_KEYS = tuple(dict.fromkeys([*_COMMON, *(k for keys in _BY_KIND.values() for k in keys)]))
_CONDITION_KEYS = ("axis", "is", "at_least", "at_most", "has", "all", "any", "not")


@dataclass(frozen=True)
class Declaration:
    path: Path
    findings: tuple[m.Finding, ...]


def findings_path(root: Path) -> Path:
    return root / FINDINGS_FILE


def load_declaration(project: Project, diag: Diagnostics) -> Declaration | None:
    """The project's findings (None when it has no findings.yaml); problems go to ``diag``."""
    path = findings_path(project.root)
    if not path.exists():
        return None
    try:
        data = loads(read_text(path), path)
    except FileFormatError as exc:
        rule = "encoding" if "UTF-8" in exc.message else "syntax"
        diag.error(path, (exc.line or 1, exc.col or 1), exc.message, rule)
        return Declaration(path, ())
    return Declaration(path, tuple(_Reader(project, path, diag).top(data)))


class _Reader:
    def __init__(self, project: Project, path: Path, diag: Diagnostics) -> None:
        self.project = project
        self.path = path
        self.diag = diag
        self.errors = 0

    def error(self, pos: tuple[int, int], message: str, rule: str) -> None:
        self.errors += 1
        self.diag.error(self.path, pos, message, rule)

    def top(self, data: Any) -> list[m.Finding]:
        if data is None:
            return []
        if not isinstance(data, LDict):
            self.error(
                (1, 1), "findings.yaml must be a mapping with a 'findings' list", "bad-value"
            )
            return []
        for key in data:
            if key not in _TOP_KEYS:
                hint = did_you_mean(str(key), _TOP_KEYS)
                self.error(
                    data.pos(key), f"unknown key '{key}' in findings.yaml{hint}", "unknown-key"
                )
        raw = data.get("findings", LList())
        if not isinstance(raw, LList):
            self.error(data.pos("findings"), "'findings' must be a list", "bad-value")
            return []
        found: list[m.Finding] = []
        seen: dict[str, int] = {}
        for index, entry in enumerate(raw):
            finding = self.finding(entry, raw.pos(index), seen)
            if finding is not None:
                found.append(finding)
        return found

    def finding(self, entry: Any, pos: tuple[int, int], seen: dict[str, int]) -> m.Finding | None:
        if not isinstance(entry, LDict):
            self.error(pos, "a finding must be a mapping with id, statement, kind", "bad-value")
            return None
        before = self.errors
        fid = entry.get("id")
        if not isinstance(fid, str) or not ID_RE.match(fid) or "/" in fid:
            self.error(pos, f"bad or missing finding id {fid!r}: use a-z, 0-9, - and _", "bad-id")
            return None
        if fid in seen:
            self.error(
                entry.pos("id"),
                f"finding '{fid}' is declared twice (first at line {seen[fid]})",
                "duplicate-id",
            )
        seen.setdefault(fid, entry.pos("id")[0])
        kind = self.choice(entry, "kind", m.KINDS, None)
        unit = self.choice(entry, "unit", m.UNITS, m.CASE)
        statement = entry.get("statement")
        if not isinstance(statement, str) or not statement.strip():
            self.error(
                pos, f"finding '{fid}' needs a statement (the finding as written)", "missing-key"
            )
        if kind is None or unit is None:
            return None
        self.keys(entry, fid, kind)
        finding = self.build(entry, fid, str(statement), kind, unit)
        return finding if self.errors == before else None

    def choice(
        self, entry: LDict, key: str, choices: tuple[str, ...], default: str | None
    ) -> str | None:
        value = entry.get(key, default)
        if value is None:
            self.error(entry.pos("id"), f"missing '{key}' ({', '.join(choices)})", "missing-key")
            return None
        if value not in choices:
            hint = did_you_mean(str(value), choices)
            self.error(
                entry.pos(key),
                f"unknown {key} '{value}' (one of {', '.join(choices)}){hint}",
                "bad-value",
            )
            return None
        return str(value)

    def keys(self, entry: LDict, fid: str, kind: str) -> None:
        allowed = (*_COMMON, *_BY_KIND[kind])
        for key in entry:
            if key in allowed:
                continue
            if key in _ALL_KEYS:
                self.error(
                    entry.pos(key), f"'{key}' does not apply to {_a(kind)} finding", "unknown-key"
                )
            else:
                hint = did_you_mean(str(key), _ALL_KEYS)
                self.error(
                    entry.pos(key), f"unknown key '{key}' in finding '{fid}'{hint}", "unknown-key"
                )
        for key in _REQUIRED[kind]:
            if key not in entry:
                self.error(entry.pos("kind"), f"{_a(kind)} finding needs '{key}'", "missing-key")

    def build(self, entry: LDict, fid: str, statement: str, kind: str, unit: str) -> m.Finding:
        cond = _Conditions(self, unit)
        coders, all_coders = self.coders(entry)
        at_least, at_most = self.bounds(entry, kind)
        direction = self.choice(entry, "direction", (m.SUFFICIENT, m.NECESSARY), m.SUFFICIENT)
        by = self.choice(entry, "by", (m.MEDIAN, m.SHARE_REACHING), m.MEDIAN)
        measure, reaching = self.measure(entry, unit, by) if kind == m.COMPARISON else ("", "")
        return m.Finding(
            id=fid,
            statement=statement.strip(),
            kind=kind,
            unit=unit,
            coders=coders,
            all_coders=all_coders,
            among=cond.optional(entry, "among"),
            value=cond.optional(entry, "value"),
            if_=cond.optional(entry, "if"),
            then=cond.optional(entry, "then"),
            direction=direction or m.SUFFICIENT,
            at_least=at_least,
            at_most=at_most,
            min_cases=self.count(entry, "min_cases"),
            min_count=self.count(entry, "min_count"),
            measure=measure,
            by=by or m.MEDIAN,
            reaching=reaching,
            higher=cond.optional(entry, "higher"),
            lower=cond.optional(entry, "lower"),
            line=entry.line,
        )

    def coders(self, entry: LDict) -> tuple[tuple[str, ...], bool]:
        raw = entry.get("coders", "main")
        if raw in ("main", "all"):
            return (), raw == "all"
        names = [raw] if isinstance(raw, str) else raw
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            self.error(
                entry.pos("coders"), "coders: main, all, or a list of coder names", "bad-value"
            )
            return (), False
        known = self.project.coders()
        for name in names:
            if name not in known:
                hint = did_you_mean(name, known)
                self.error(
                    entry.pos("coders"),
                    f"no codings by coder '{name}' (coders: "
                    f"{', '.join(known) or 'none yet'}){hint}",
                    "finding-unknown",
                )
        return tuple(names), False

    def bounds(self, entry: LDict, kind: str) -> tuple[float | None, float | None]:
        found = [self.threshold(entry, k) for k in ("at_least", "at_most")]
        if kind in (m.SHARE, m.IMPLICATION):
            given = [k for k in ("at_least", "at_most") if k in entry]
            if len(given) != 1:
                what = "both" if given else "neither"
                self.error(
                    entry.pos("kind"),
                    f"{_a(kind)} finding needs exactly one of at_least, at_most (it has {what})",
                    "missing-key",
                )
        return found[0], found[1]

    def threshold(self, entry: LDict, key: str) -> float | None:
        value = entry.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(
                entry.pos(key),
                f"{key} must be a number between 0 and 1, not {value!r}",
                "bad-value",
            )
            return None
        if not 0 <= value <= 1:
            self.error(
                entry.pos(key),
                f"{key} {value:g} is outside [0, 1]: write a share (0.6 for 60 %)",
                "finding-threshold",
            )
            return None
        return float(value)

    def count(self, entry: LDict, key: str) -> int:
        value = entry.get(key, 1)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.error(
                entry.pos(key),
                f"{key} must be a whole number of at least 1, not {value!r}",
                "finding-threshold",
            )
            return 1
        return value

    def measure(self, entry: LDict, unit: str, by: str | None) -> tuple[str, str]:
        name = entry.get("measure")
        if not isinstance(name, str):
            return "", ""
        info = self.axis(name, unit, entry.pos("measure"))
        if info is None:
            return name, ""
        if not info.ordered:
            self.error(
                entry.pos("measure"),
                f"measure '{name}' has no order: use an ordered family's FAMILY:max",
                "finding-not-ordered",
            )
        reaching = entry.get("reaching")
        if by == m.SHARE_REACHING and reaching is None:
            self.error(
                entry.pos("by"),
                "by: share needs 'reaching: CODE' (a degree to reach)",
                "missing-key",
            )
        if reaching is not None:
            self.value_of(info, str(reaching), entry.pos("reaching"))
        return name, "" if reaching is None else str(reaching)

    def axis(self, name: str, unit: str, pos: tuple[int, int]) -> AxisInfo | None:
        try:
            return axis_info(self.project, name, unit)
        except PcrcodeError as exc:
            self.error(pos, exc.message, getattr(exc, "rule", "finding-unknown"))
            return None

    def value_of(self, info: AxisInfo, value: str, pos: tuple[int, int]) -> None:
        if value not in info.values:
            hint = did_you_mean(value, info.values)
            self.error(
                pos,
                f"'{value}' is not a value of {info.name} (values: {', '.join(info.values)}){hint}",
                "finding-unknown",
            )


class _Conditions:
    """Reads the conditions of one finding (``among``, ``value``, ``if``, ``then``...)."""

    def __init__(self, reader: _Reader, unit: str) -> None:
        self.reader = reader
        self.unit = unit

    def optional(self, entry: LDict, key: str) -> m.Condition | None:
        if key not in entry:
            return None
        return self.read(entry[key], entry.pos(key))

    def read(self, raw: Any, pos: tuple[int, int]) -> m.Condition | None:
        error = self.reader.error
        if not isinstance(raw, LDict) or not raw:
            error(
                pos,
                "a condition is a mapping: axis + is/at_least/at_most, has, all, any or not",
                "bad-value",
            )
            return None
        here = (raw.line, raw.col)
        for key in raw:
            if key not in _CONDITION_KEYS:
                hint = did_you_mean(str(key), _CONDITION_KEYS)
                error(raw.pos(key), f"unknown key '{key}' in a condition{hint}", "unknown-key")
                return None
        readers: dict[str, Callable[[LDict, tuple[int, int]], m.Condition | None]] = {
            "axis": self.axis,
            "has": self.has,
            "all": self.group,
            "any": self.group,
            "not": self.negation,
        }
        heads = [k for k in readers if k in raw]
        if len(heads) != 1:
            error(here, "a condition has exactly one of axis, has, all, any, not", "bad-value")
            return None
        return readers[heads[0]](raw, here)

    def axis(self, raw: LDict, here: tuple[int, int]) -> m.Condition | None:
        name = raw["axis"]
        tests = [k for k in ("is", "at_least", "at_most") if k in raw]
        if not isinstance(name, str) or len(tests) != 1:
            self.reader.error(
                here, "axis: NAME takes exactly one of is, at_least, at_most", "bad-value"
            )
            return None
        info = self.reader.axis(name, self.unit, raw.pos("axis"))
        if info is None:
            return None
        test = tests[0]
        wanted = raw[test]
        values = [wanted] if isinstance(wanted, str | int | bool) else wanted
        if not isinstance(values, list) or not values:
            self.reader.error(raw.pos(test), f"{test}: a value or a list of values", "bad-value")
            return None
        texts = [_text(v) for v in values]
        for v in texts:
            self.reader.value_of(info, v, raw.pos(test))
        if test == "is":
            return m.Is(name, tuple(texts), here)
        if not info.ordered:
            self.reader.error(
                raw.pos(test),
                f"{test} compares degrees, but '{name}' has no order: use is, or an ordered "
                "family's FAMILY:max",
                "finding-not-ordered",
            )
            return None
        return m.Reaches(name, texts[0], test == "at_least", here)

    def has(self, raw: LDict, here: tuple[int, int]) -> m.Condition | None:
        from pcrcode.reports.query import parse_query

        query = raw["has"]
        if len(raw) > 1 or not isinstance(query, str):
            self.reader.error(
                here, "has: takes a retrieve query (and nothing beside it)", "bad-value"
            )
            return None
        try:
            parse_query(query, self.reader.project.codebook)
        except PcrcodeError as exc:
            rule = (
                "bad-value" if exc.message.startswith(("malformed", "empty")) else "finding-unknown"
            )
            self.reader.error(raw.pos("has"), exc.message, rule)
            return None
        return m.Has(query, here)

    def group(self, raw: LDict, here: tuple[int, int]) -> m.Condition | None:
        key = "all" if "all" in raw else "any"
        items = raw[key]
        if len(raw) > 1 or not isinstance(items, LList) or not items:
            self.reader.error(here, f"{key}: takes a non-empty list of conditions", "bad-value")
            return None
        parts = [self.read(item, items.pos(i)) for i, item in enumerate(items)]
        if any(p is None for p in parts):
            return None
        kept = tuple(p for p in parts if p is not None)
        return m.AllOf(kept, here) if key == "all" else m.AnyOf(kept, here)

    def negation(self, raw: LDict, here: tuple[int, int]) -> m.Condition | None:
        if len(raw) > 1:
            self.reader.error(here, "not: takes one condition (and nothing beside it)", "bad-value")
            return None
        part = self.read(raw["not"], raw.pos("not"))
        return None if part is None else m.Not(part, here)


def _a(word: str) -> str:
    return f"{'an' if word[0] in 'aeiou' else 'a'} {word}"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def declared_findings(project: Project) -> Declaration | None:
    """The declaration for ``pcrcode findings``: its first problem is raised as one line
    (``findings.yaml:line:col: message [rule]``); None without findings.yaml."""
    diag = Diagnostics(project.root)
    declaration = load_declaration(project, diag)
    if diag.errors:
        first = diag.sorted()[0]
        more = len(diag.errors) - 1
        tail = f" (and {more} more: run `pcrcode check`)" if more else ""
        raise FileFormatError(
            f"{first.message} [{first.rule}]{tail}",
            declaration.path if declaration else None,
            first.line,
            first.col,
        )
    return declaration
