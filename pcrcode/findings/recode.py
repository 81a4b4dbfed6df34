"""findings.yaml follows the codebook: ``codebook rename``, ``merge`` and ``move`` rewrite the code
ids it names (in ``is``, ``at_least``, ``reaching`` values and ``has`` queries), in the same
all-or-nothing step as the codings (see :mod:`pcrcode.codebook_ops.operations`).

The text is edited where the ids stand, comments and layout kept. An id is replaced only as a
whole: ``objet/immobilier`` is not touched inside ``objet/immobilier-partage``, and
``logique/reseau/*`` (a query's "below") follows ``logique/reseau``. The statements are prose: an
id written in one follows too, which is what a reader of the renamed codebook expects.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping


def recode_text(text: str, recode: Mapping[str, str]) -> tuple[str, Counter[tuple[str, str]]]:
    """``text`` with every code id of ``recode`` replaced, and how many of each."""
    done: Counter[tuple[str, str]] = Counter()
    if not recode:
        return text, done
    # Longest first, so that a code's descendants (also in ``recode``) match before it.
    ids = sorted(recode, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![\w/.-])(" + "|".join(re.escape(i) for i in ids) + r")(?![\w.-]|/(?!\*))"
    )

    def swap(match: re.Match[str]) -> str:
        old = match.group(1)
        done[(old, recode[old])] += 1
        return recode[old]

    return pattern.sub(swap, text), done
