"""The code query language of ``pcrcode retrieve``.

    query   := or
    or      := and ("OR" and)*
    and     := not ("AND" not)*
    not     := "NOT" not | term
    term    := CODE | "(" or ")"

Operators are words (upper or lower case); NOT binds tightest, then AND, then OR. A CODE is a
code id or alias: it matches itself and every code below it (``logique/reseau`` matches
``logique/reseau/affinitaire``); ``FAMILY`` or ``FAMILY/*`` matches the whole family, and
``CODE/*`` the codes below CODE. A query is evaluated on one segment's set of codes. Errors give
the (1-based) column: a malformed query is a usage error (exit 2), an unknown code a data error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from pcrcode.errors import UnknownItem, UsageError, suggest
from pcrcode.model import Codebook

_TOKEN = re.compile(r"\s*(?:(\()|(\))|([^\s()]+))")
_OPERATORS = {"AND", "OR", "NOT"}


@dataclass(frozen=True)
class Term:
    text: str
    codes: frozenset[str]

    def matches(self, codes: frozenset[str]) -> bool:
        return not self.codes.isdisjoint(codes)

    def positive(self) -> frozenset[str]:
        return self.codes


@dataclass(frozen=True)
class Not:
    operand: Query

    def matches(self, codes: frozenset[str]) -> bool:
        return not self.operand.matches(codes)

    def positive(self) -> frozenset[str]:
        return frozenset()


@dataclass(frozen=True)
class And:
    left: Query
    right: Query

    def matches(self, codes: frozenset[str]) -> bool:
        return self.left.matches(codes) and self.right.matches(codes)

    def positive(self) -> frozenset[str]:
        return self.left.positive() | self.right.positive()


@dataclass(frozen=True)
class Or:
    left: Query
    right: Query

    def matches(self, codes: frozenset[str]) -> bool:
        return self.left.matches(codes) or self.right.matches(codes)

    def positive(self) -> frozenset[str]:
        return self.left.positive() | self.right.positive()


Query = Term | Not | And | Or


def _tokens(text: str) -> Iterator[tuple[str, int]]:
    """(token, 1-based column); the end of the query is ('', len+1)."""
    pos = 0
    while True:
        m = _TOKEN.match(text, pos)
        if m is None:
            break
        yield m.group(m.lastindex or 0), m.start(m.lastindex or 0) + 1
        pos = m.end()
    yield "", len(text) + 1


def parse_query(text: str, codebook: Codebook) -> Query:
    if not text.strip():
        raise UsageError("empty query: give a code id, e.g. family/code AND other/code")
    _parse(text, lambda token, col: frozenset())  # syntax errors first, then unknown codes
    return _parse(text, lambda token, col: _resolve(token, col, codebook))


def _parse(text: str, resolve: Callable[[str, int], frozenset[str]]) -> Query:
    tokens = list(_tokens(text))
    where = 0

    def peek() -> tuple[str, int]:
        return tokens[where]

    def fail(expected: str) -> UsageError:
        token, col = peek()
        found = f"'{token}'" if token else "the end of the query"
        return UsageError(
            f"malformed query '{text}' at column {col}: expected {expected}, found {found}"
        )

    def parse_or() -> Query:
        nonlocal where
        node = parse_and()
        while peek()[0].upper() == "OR":
            where += 1
            node = Or(node, parse_and())
        return node

    def parse_and() -> Query:
        nonlocal where
        node = parse_not()
        while peek()[0].upper() == "AND":
            where += 1
            node = And(node, parse_not())
        return node

    def parse_not() -> Query:
        nonlocal where
        if peek()[0].upper() == "NOT":
            where += 1
            return Not(parse_not())
        return parse_term()

    def parse_term() -> Query:
        nonlocal where
        token, col = peek()
        if token == "(":
            where += 1
            node = parse_or()
            if peek()[0] != ")":
                raise fail("')' or an operator (AND, OR)")
            where += 1
            return node
        if not token or token == ")" or token.upper() in _OPERATORS:
            raise fail("a code, NOT or '('")
        where += 1
        return Term(token, resolve(token, col))

    node = parse_or()
    if peek()[0]:
        raise fail("AND, OR or the end of the query")
    return node


def _resolve(token: str, col: int, codebook: Codebook) -> frozenset[str]:
    key = token.strip("/")
    below_only = key.endswith("/*")
    if below_only:
        key = key[:-2]
    if key in codebook.families:
        return frozenset(c.id for c in codebook.family_codes(key))
    key = codebook.aliases.get(key, key)
    if key not in codebook.codes:
        hint = suggest(key, [*codebook.codes, *codebook.families], "; see `pcrcode codebook show`")
        raise UnknownItem(f"unknown code '{token}' at column {col} of the query{hint}")
    return frozenset(c.id for c in codebook.descendants(key, include_self=not below_only))
