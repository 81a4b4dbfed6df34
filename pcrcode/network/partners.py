"""Partner ids as people type them: a registry id, or a unique prefix of one."""

from __future__ import annotations

from collections.abc import Sequence

from pcrcode.errors import UnknownItem, UsageError, suggest
from pcrcode.model import Registry


def partner_ids(registry: Registry) -> list[str]:
    return sorted([*registry.structures, *registry.actors])


def resolve_partner(registry: Registry, typed: str) -> str:
    """The registry id ``typed`` names: itself, or the only id it begins."""
    known = partner_ids(registry)
    if typed in registry.structures or typed in registry.actors:
        return typed
    starting = [k for k in known if k.startswith(typed)] if typed else []
    if len(starting) == 1:
        return starting[0]
    if len(starting) > 1:
        shown = ", ".join(starting[:5]) + (", ..." if len(starting) > 5 else "")
        raise UsageError(f"partner '{typed}' is ambiguous: {shown}; type more of the id")
    hint = suggest(typed, known)
    raise UnknownItem(
        f"unknown partner '{typed}'{hint} (partners are the structures and actors of "
        "structures.yaml)"
    )


def resolve_partners(
    registry: Registry, typed: Sequence[str], case: str | None = None
) -> tuple[str, ...]:
    """Sorted, unique partner ids; a case cannot be its own partner."""
    found = {resolve_partner(registry, t) for t in typed}
    if case is not None and case in found:
        raise UsageError(
            f"'{case}' is the structure of this interview: a partner is another structure "
            "or an actor"
        )
    return tuple(sorted(found))
