"""The parse cache's payloads: model objects as plain tuples (``marshal`` can store them, and
cannot run code hidden in a cache file), and back. The packs themselves are kept by
:mod:`pcrcode.files.cache`."""

from __future__ import annotations

import datetime
import sys
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path
from typing import Any, TypeVar

from pcrcode.files.cache import Key, ProjectCache, bucket, no_gc
from pcrcode.files.diagnostics import Finding
from pcrcode.files.yaml_reading import LDict, LList
from pcrcode.model import (
    FINGERPRINT_SIZE,
    Actor,
    Attribute,
    Census,
    Code,
    Codebook,
    Coding,
    Family,
    Interview,
    NetworkSpec,
    Registry,
    Structure,
    Turn,
    fingerprint,
)

T = TypeVar("T")


def encode_findings(findings: Iterable[Finding]) -> tuple[tuple[Any, ...], ...]:
    return tuple((f.path, f.line, f.col, f.severity, f.message, f.rule) for f in findings)


def decode_findings(data: Iterable[tuple[Any, ...]]) -> list[Finding]:
    return [Finding(*item) for item in data]


class Unencodable(Exception):
    """A value the cache does not store (the file is then parsed each time)."""


def plain(value: Any) -> Any:
    """A YAML value as marshal data: scalars as they are, everything else as a tagged tuple
    (YAML gives no tuples, so a tuple is always a tag). Deliberately not pickle: a cache file
    is data inside the project (a shared folder, a repository), and unpickling it could run
    code."""
    if value is None or type(value) in (str, int, float, bool, bytes):
        return value
    if isinstance(value, LDict):
        return (
            "LD",
            value.line,
            value.col,
            tuple((plain(k), plain(v)) for k, v in value.items()),
            tuple((plain(k), pos) for k, pos in value.key_pos.items()),
        )
    if isinstance(value, LList):
        return ("LL", value.line, value.col, tuple(plain(v) for v in value), tuple(value.item_pos))
    if isinstance(value, datetime.datetime):
        return ("DT", value.isoformat())
    if isinstance(value, datetime.date):
        return ("D", value.isoformat())
    if type(value) is dict:
        return ("M", tuple((plain(k), plain(v)) for k, v in value.items()))
    if type(value) is list:
        return ("L", tuple(plain(v) for v in value))
    if type(value) in (set, frozenset):
        return ("S", tuple(plain(v) for v in value))
    raise Unencodable(type(value).__name__)


def unplain(value: Any) -> Any:
    if type(value) is not tuple:
        return value
    tag = value[0]
    if tag == "LD":
        mapping = LDict()
        mapping.line, mapping.col = value[1], value[2]
        for k, v in value[3]:
            mapping[unplain(k)] = unplain(v)
        mapping.key_pos = {unplain(k): tuple(pos) for k, pos in value[4]}
        return mapping
    if tag == "LL":
        items = LList()
        items.line, items.col = value[1], value[2]
        items.extend(unplain(v) for v in value[3])
        items.item_pos = [tuple(pos) for pos in value[4]]
        return items
    if tag == "DT":
        return datetime.datetime.fromisoformat(value[1])
    if tag == "D":
        return datetime.date.fromisoformat(value[1])
    if tag == "M":
        return {unplain(k): unplain(v) for k, v in value[1]}
    if tag == "L":
        return [unplain(v) for v in value[1]]
    if tag == "S":
        return {unplain(v) for v in value[1]}
    raise ValueError(f"unknown tag {tag!r} in a cache entry")


def _field(value: Any) -> Any:
    return ("T", value) if type(value) is tuple else plain(value)


def _unfield(value: Any) -> Any:
    return value[1] if type(value) is tuple and value[0] == "T" else unplain(value)


def _encode_items(items: Iterable[Any]) -> tuple[tuple[Any, ...], ...]:
    return tuple(tuple(_field(getattr(item, f.name)) for f in fields(item)) for item in items)


def _decode_items(cls: type[T], data: Iterable[tuple[Any, ...]]) -> dict[str, T]:
    built = (cls(*(_unfield(v) for v in values)) for values in data)
    return {item.id: item for item in built}  # type: ignore[attr-defined]


def encode_codebook(codebook: Codebook) -> Any:
    """A parsed codebook: quick to parse, but parsing it imports PyYAML, which a command served
    from the cache otherwise never does (bench/NOTES.md)."""
    return (
        codebook.title,
        _encode_items(codebook.families.values()),
        _encode_items(codebook.codes.values()),
        _encode_items(codebook.attributes.values()),
        plain(dict(codebook.aliases)),
        codebook.language,
    )


def decode_codebook(data: Any, path: Path) -> Codebook:
    title, families, codes, attributes, aliases, language = data
    return Codebook(
        title=title,
        families=_decode_items(Family, families),
        codes=_decode_items(Code, codes),
        attributes=_decode_items(Attribute, attributes),
        aliases=unplain(aliases),
        language=language,
        path=path,
    )


def encode_registry(registry: Registry | None) -> Any:
    if registry is None:
        return None
    census = registry.census
    return (
        tuple(
            (s.id, s.name, s.interviewed, plain(dict(s.extra)), s.line, s.aliases)
            for s in registry.structures.values()
        ),
        None
        if census is None
        else (
            census.rows,
            census.columns,
            tuple((row, tuple(cols.items())) for row, cols in census.cells.items()),
            census.source,
            tuple(census.positions.items()),
        ),
        tuple(
            (a.id, a.name, a.kind, plain(dict(a.extra)), a.line, a.aliases)
            for a in registry.actors.values()
        ),
        None
        if registry.network is None
        else (
            tuple((k, getattr(registry.network, k)) for k in NETWORK_FIELDS),
            tuple(registry.network.positions.items()),
        ),
    )


NETWORK_FIELDS = ("sector", "scope", "intra", "inter", "group")


def decode_registry(data: Any, path: Path) -> Registry | None:
    if data is None:
        return None
    structures, census, actors, network = data
    return Registry(
        structures={
            sid: Structure(
                id=sid,
                name=name,
                interviewed=interviewed,
                extra=unplain(extra),
                line=line,
                aliases=tuple(aliases),
            )
            for sid, name, interviewed, extra, line, aliases in structures
        },
        census=None
        if census is None
        else Census(
            rows=census[0],
            columns=census[1],
            cells={row: {col: tuple(cell) for col, cell in cols} for row, cols in census[2]},
            source=census[3],
            positions={tuple(k): tuple(v) for k, v in census[4]},
        ),
        path=path,
        actors={
            aid: Actor(
                id=aid,
                name=name,
                kind=kind,
                extra=unplain(extra),
                line=line,
                aliases=tuple(aliases),
            )
            for aid, name, kind, extra, line, aliases in actors
        },
        network=None
        if network is None
        else NetworkSpec(**dict(network[0]), positions={k: tuple(v) for k, v in network[1]}),
    )


def encode_interview(interview: Interview | None) -> tuple[Any, Any]:
    """(head, turns) of an interview; the turns are stored apart from the rest."""
    if interview is None:
        return None, None
    head = (
        interview.id,
        interview.structure,
        interview.date,
        interview.interviewer,
        interview.participants,
        interview.language,
        interview.illustrative,
        plain(dict(interview.meta)),
        interview.structure_line,
    )
    turns = tuple((t.speaker, t.text, t.line, _fingerprint_of(t)) for t in interview.turns)
    return (*head, "".join([t[3] for t in turns])), turns


def _fingerprint_of(turn: Turn) -> str:
    # What Turn.fingerprint (a cached_property) gives, without its lock (Python 3.11): a cold
    # load fingerprints every turn of the project.
    attrs = turn.__dict__
    found = attrs.get("fingerprint")
    if found is None:
        found = attrs["fingerprint"] = fingerprint(turn.text)
    return str(found)


class _LazyTurns:
    """The ``turns`` of an interview read from the cache: built on first access."""

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        attrs = obj.__dict__
        with no_gc():
            raw = attrs.pop("_raw_turns", None) or _raw_turns(attrs)
            if raw is None:  # the text pack went missing or was rewritten since: parse the file
                from pcrcode.files.diagnostics import Diagnostics
                from pcrcode.files.transcripts import parse_interview

                cache = attrs["_turns_from"][0]
                turns = parse_interview(obj.path, Diagnostics(cache.root)).turns
            else:
                turns = build_turns(raw)
        attrs.pop("_raw_turns", None)
        attrs["turns"] = turns
        return turns


def _raw_turns(attrs: dict[str, Any]) -> Any | None:
    """The cached (speaker, text, line, fingerprint) of each turn, read once."""
    if "_raw_turns" in attrs:
        return attrs["_raw_turns"]
    cache, rel, key = attrs["_turns_from"]
    raw = attrs["_raw_turns"] = cache.text(rel, key)
    return raw


def pack_order(interview: Interview | None) -> int:
    """A key that sorts interviews as the cache stores their texts, so that a pass over them
    reads one pack at a time: the pack of an interview read from the cache, 0 for one parsed
    from its file, -1 for none."""
    if interview is None:
        return -1
    if isinstance(interview, CachedInterview):
        return bucket(interview.__dict__["_turns_from"][1])
    return 0


class CachedInterview(Interview):
    """An :class:`Interview` loaded from the cache, whose turns are read when first used.

    It compares equal to the same interview parsed from its file."""

    turns = _LazyTurns()

    def turns_built(self) -> bool:
        return "turns" in self.__dict__

    def release_turns(self) -> None:
        """Forget the turns (and text) read so far: a later use reads them again (from the
        transcript itself, as the cache hands a text out once). For a command that goes through
        every transcript once, so that it never holds them all."""
        attrs = self.__dict__
        attrs.pop("turns", None)
        if attrs.pop("_raw_turns", None) is None:
            cache, rel, _ = attrs["_turns_from"]
            cache.discard_text(rel)  # not read: its pack need not keep it for us

    def turn_count(self) -> int:
        if "turns" in self.__dict__:
            return len(self.__dict__["turns"])
        return len(self.__dict__["_fingerprints"]) // FINGERPRINT_SIZE

    def speaker_and_text(self, number: int) -> tuple[str, str]:
        attrs = self.__dict__
        if "turns" not in attrs:
            raw = _raw_turns(attrs)
            if raw is not None:
                return str(raw[number - 1][0]), str(raw[number - 1][1])
        return super().speaker_and_text(number)

    def text_of(self, number: int) -> str:
        attrs = self.__dict__
        if "turns" not in attrs:
            raw = _raw_turns(attrs)
            if raw is not None:  # without building every Turn of the interview
                return str(raw[number - 1][1])
        return super().text_of(number)

    def fingerprints(self) -> tuple[str, ...]:
        """Kept in the head of the cache entry (8 characters a turn): ``check`` compares them
        with the codings' without building the turns."""
        if "turns" in self.__dict__:
            return super().fingerprints()
        joined: str = self.__dict__["_fingerprints"]
        return tuple(
            joined[i : i + FINGERPRINT_SIZE] for i in range(0, len(joined), FINGERPRINT_SIZE)
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Interview):
            return NotImplemented
        return all(
            getattr(self, name) == getattr(other, name) for name in Interview.__dataclass_fields__
        )

    __hash__ = Interview.__hash__


_new = object.__new__
_setattr = object.__setattr__


def build_turns(raw: Iterable[tuple[str, str, int, str]]) -> tuple[Turn, ...]:
    turns = []
    for number, (speaker, text, line, fp) in enumerate(raw, start=1):
        turn = Turn(number, speaker, text, line)
        # The cached fingerprint, where Turn.fingerprint (a cached_property) keeps it. Built
        # this way (not by assigning a whole __dict__) the instance dict shares its keys with
        # the other turns', which saves memory on every turn of a project (bench/NOTES.md).
        turn.__dict__["fingerprint"] = fp
        turns.append(turn)
    return tuple(turns)


def decode_interview(
    head: tuple[Any, ...], path: Path, cache: ProjectCache, rel: str, key: Key
) -> Interview:
    (
        iid,
        structure,
        date,
        interviewer,
        participants,
        language,
        illustrative,
        meta,
        line,
        fingerprints,
    ) = head
    interview = _new(CachedInterview)
    _setattr(
        interview,
        "__dict__",
        {
            "id": iid,
            "path": path,
            "structure": structure,
            "date": date,
            "interviewer": interviewer,
            "participants": tuple(participants),
            "language": language,
            "illustrative": illustrative,
            "meta": unplain(meta),
            "structure_line": line,
            "_turns_from": (cache, rel, key),
            "_fingerprints": fingerprints,
        },
    )
    return interview


_CODING_SLOTS = (
    "interview",
    "segment",
    "code",
    "coder",
    "at",
    "fingerprint",
    "memo",
    "start",
    "end",
    "quote",
    "path",
    "line",
    "partners",
)


def encode_codings(codings: list[Coding] | None) -> tuple[tuple[Any, ...], ...] | None:
    if codings is None:
        return None
    strings: dict[str, str] = {}
    share = strings.setdefault  # equal strings stored once, and loaded as one object
    return tuple(
        (
            c.segment,
            sys.intern(c.code),
            share(c.at, c.at),
            share(c.fingerprint, c.fingerprint),
            c.memo,
            c.start,
            c.end,
            c.quote,
            c.line,
            c.partners,
        )
        for c in codings
    )


def decode_codings(data: Iterable[tuple[Any, ...]], path: Path) -> list[Coding]:
    interview, coder = sys.intern(path.stem), sys.intern(path.parent.name)
    setters = [getattr(Coding, name).__set__ for name in _CODING_SLOTS]
    (
        s_interview,
        s_segment,
        s_code,
        s_coder,
        s_at,
        s_fp,
        s_memo,
        s_start,
        s_end,
        s_quote,
        s_path,
        s_line,
        s_partners,
    ) = setters
    result = []
    for segment, code, at, fp, memo, start, end, quote, line, partners in data:
        # The slots of a frozen dataclass set directly: what Coding(...) does, without the
        # cost of its __init__ (bench/NOTES.md).
        c = _new(Coding)
        s_interview(c, interview)
        s_segment(c, segment)
        s_code(c, code)
        s_coder(c, coder)
        s_at(c, at)
        s_fp(c, fp)
        s_memo(c, memo)
        s_start(c, start)
        s_end(c, end)
        s_quote(c, quote)
        s_path(c, path)
        s_line(c, line)
        s_partners(c, tuple(partners))
        result.append(c)
    return result
