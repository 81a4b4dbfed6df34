"""What a codebook declares: code families, codes and case attributes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pcrcode.errors import UnknownItem, suggest


@dataclass(frozen=True)
class Family:
    id: str
    label: str
    definition: str = ""
    ordered: bool = False
    exclusive: bool = False
    line: int = 0
    color: str = ""  # the workbench's stripes: a colour name or #rrggbb; "" for the palette's


@dataclass(frozen=True)
class Code:
    id: str
    label: str
    family: str
    parent: str | None
    codable: bool = True
    degree: int | None = None
    short: str = ""
    definition: str = ""
    when_to_use: str = ""
    when_not_to_use: str = ""
    example: str = ""
    aliases: tuple[str, ...] = ()
    line: int = 0
    color: str = ""  # overrides its family's colour in the workbench

    @property
    def depth(self) -> int:
        return self.id.count("/")


ATTRIBUTE_TYPES = ("category", "integer", "year", "text")


@dataclass(frozen=True)
class Attribute:
    """A case attribute the codebook declares: a category with its values (and their labels),
    an integer, a year or free text; or a grouping of another attribute's values (derived by a
    mapping). ``required``: every case must have it."""

    id: str
    label: str
    values: Mapping[str, str]  # value id -> label, in declared order (a category's)
    derived_from: str | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)
    line: int = 0
    type: str = "category"  # one of ATTRIBUTE_TYPES
    required: bool = False

    def label_of(self, value: str | None) -> str:
        if value is None:
            return ""
        return self.values.get(value, value)


@dataclass(frozen=True)
class Codebook:
    title: str
    families: Mapping[str, Family]
    codes: Mapping[str, Code]  # in declared order
    attributes: Mapping[str, Attribute]
    aliases: Mapping[str, str] = field(default_factory=dict)  # old id -> current id
    language: str = "fr"
    path: Path | None = None

    def resolve(self, code_id: str) -> Code:
        """The code with this id or alias; :class:`UnknownItem` with suggestions otherwise."""
        key = code_id.strip().strip("/")
        if key in self.codes:
            return self.codes[key]
        if key in self.aliases:
            return self.codes[self.aliases[key]]
        if key in self.families:
            top = ", ".join(c.id for c in self.codes.values() if c.family == key and c.depth == 1)
            raise UnknownItem(f"'{key}' is a code family, not a code: use {top}")
        hint = suggest(key, self.codes, "; see `pcrcode codebook show`")
        raise UnknownItem(f"unknown code '{code_id}'{hint}")

    def selector(self, code_or_family: str) -> str:
        """The id a filter matches on: a family id (all its codes) or a code id (with its
        descendants); aliases resolve to their current id."""
        key = code_or_family.strip().strip("/")
        if key in self.families:
            return key
        return self.resolve(key).id

    def children(self, code_id: str) -> list[Code]:
        return [c for c in self.codes.values() if c.parent == code_id]

    def descendants(self, code_id: str, include_self: bool = True) -> list[Code]:
        """The code and everything below it; a family id gives the whole family."""
        prefix = code_id + "/"
        return [
            c
            for c in self.codes.values()
            if c.id.startswith(prefix) or (include_self and c.id == code_id)
        ]

    def family_codes(self, family: str) -> list[Code]:
        return [c for c in self.codes.values() if c.family == family]

    def family(self, family_id: str) -> Family:
        if family_id in self.families:
            return self.families[family_id]
        hint = suggest(family_id, self.families)
        raise UnknownItem(
            f"unknown code family '{family_id}' (families: {', '.join(self.families)}){hint}"
        )

    def attribute(self, attr_id: str) -> Attribute:
        if attr_id in self.attributes:
            return self.attributes[attr_id]
        hint = suggest(attr_id, self.attributes)
        raise UnknownItem(
            f"unknown attribute '{attr_id}' (attributes: {', '.join(self.attributes)}){hint}"
        )
