"""The disagreements behind the agreement figures: where some coders applied a code and
others did not, quoted by their text."""

from __future__ import annotations

import dataclasses
import functools
import operator
from dataclasses import dataclass

from pcrcode.agreement.data import AgreementData, Row

DISAGREEMENT_KEYS = (
    "interview",
    "segment",
    "speaker",
    "start",
    "end",
    "code",
    "applied_by",
    "not_applied_by",
    "quote",
)


@dataclass(frozen=True)
class Disagreement:
    interview: str
    segment: int
    speaker: str
    start: int | None  # character unit only
    end: int | None
    code: str
    applied_by: tuple[str, ...]
    not_applied_by: tuple[str, ...]
    quote: str

    def row(self) -> Row:
        return {
            "interview": self.interview,
            "segment": self.segment,
            "speaker": self.speaker,
            "start": self.start,
            "end": self.end,
            "code": self.code,
            "applied_by": list(self.applied_by),
            "not_applied_by": list(self.not_applied_by),
            "quote": self.quote,
        }


def disagreements(data: AgreementData) -> list[Disagreement]:
    """One per (unit run, code) where some coders applied the code and others did not.

    With the character unit, adjacent characters of a segment where the same coders applied
    the code make one disagreement, quoted by their text.
    """
    found: list[Disagreement] = []
    last: dict[str, int] = {}  # code -> index in found of its latest disagreement
    coders, character = data.coders, data.unit == "character"
    reported = [(code, data.index.bit(code)) for code in data.codes]
    any_reported = functools.reduce(operator.or_, (bit for _, bit in reported), 0)
    for iid in data.interviews:
        for turn, start, end, masks in data.index.runs(iid, coded=True):
            # Codes some coders applied and others did not: in the union, not in the
            # intersection.
            split = functools.reduce(operator.or_, masks) & ~functools.reduce(operator.and_, masks)
            if not split & any_reported:
                continue
            for code, bit in reported:
                if not split & bit:
                    continue
                by = tuple(c for c, m in zip(coders, masks, strict=True) if m & bit)
                prev = found[last[code]] if code in last else None
                if (
                    character
                    and prev is not None
                    and prev.end == start
                    and (prev.interview, prev.segment, prev.applied_by) == (iid, turn.number, by)
                ):
                    found[last[code]] = dataclasses.replace(
                        prev, end=end, quote=turn.text[prev.start or 0 : end]
                    )
                    continue
                not_by = tuple(c for c in coders if c not in by)
                if character:
                    found.append(
                        Disagreement(
                            iid,
                            turn.number,
                            turn.speaker,
                            start,
                            end,
                            code,
                            by,
                            not_by,
                            turn.text[start:end],
                        )
                    )
                else:
                    found.append(
                        Disagreement(
                            iid, turn.number, turn.speaker, None, None, code, by, not_by, turn.text
                        )
                    )
                last[code] = len(found) - 1
    order = {c: i for i, c in enumerate(data.codes)}
    return sorted(found, key=lambda d: (d.interview, d.segment, d.start or 0, order[d.code]))
