"""Which coders' codings count in a report.

Double coding exists to measure agreement, not to count twice: by default every interview counts
the codings of its *main coder*, the coder (among those who coded it) who coded the most
interviews of the project, ties going to the first name in alphabetical order; a coder who coded
an interview in several rounds (``camille``, ``camille@2``) counts with the latest round. A
project coded by one person per interview thus uses everything; the second coder's copies of
double-coded interviews and earlier rounds are left out. ``--coder NAME`` (repeatable) takes
exactly those coders instead, ``--all-coders`` all of them; codes applied by several selected
coders to one segment are merged (a union per segment: a segment carries a code when any
selected coder applied it).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pcrcode.errors import UnknownItem, UsageError, did_you_mean
from pcrcode.model import Coding, Project, coder_round, coding_files

MAIN, CHOSEN, ALL = "main", "chosen", "all"


@dataclass(frozen=True)
class CoderSelection:
    mode: str  # main | chosen | all
    per_interview: Mapping[str, tuple[str, ...]]  # interview -> coders whose codings count
    left_out: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # coder -> interviews

    @property
    def coders(self) -> tuple[str, ...]:
        return tuple(sorted({c for cs in self.per_interview.values() for c in cs}))

    def keeps(self, coding: Coding) -> bool:
        return coding.coder in self.per_interview.get(coding.interview, ())

    def as_dict(self) -> dict[str, object]:
        return {
            "mode": self.mode,
            "coders": list(self.coders),
            "left_out": {coder: list(ivs) for coder, ivs in sorted(self.left_out.items())},
            "description": self.describe(),
        }

    def _why_left_out(self, coder: str, interviews: Sequence[str]) -> str:
        if _later_round_counted(self, coder, interviews):
            return "interview coded again in a later round"
        return "double-coded interview"

    def describe(self, tr: Callable[..., str] | None = None) -> str:
        """One sentence saying whose codings are counted, for a caption or a stderr note
        (``tr``: a message catalogue, for a report in the study's language)."""
        t: Callable[..., str] = tr if tr is not None else _same
        if not self.per_interview:
            return t("codings: none yet")
        names = ", ".join(self.coders)
        if self.mode == ALL:
            return t("codings: all coders ({names}), merged per segment", names=names)
        if self.mode == CHOSEN:
            if len(self.coders) > 1:
                return t(
                    "codings: {names} only, merged per segment ({n} interviews)",
                    names=names,
                    n=len(self.per_interview),
                )
            return t(
                "codings: {names} only ({n} interviews)", names=names, n=len(self.per_interview)
            )
        if not self.left_out:
            return t("codings: {names}", names=names)
        outs = "; ".join(
            _left_out(t, coder, ivs, self._why_left_out(coder, ivs))
            for coder, ivs in sorted(self.left_out.items())
        )
        return t(
            "codings: the main coder of each interview ({names}); left out: {outs} "
            "(--coder NAME or --all-coders to change)",
            names=names,
            outs=outs,
        )


def _left_out(t: Callable[..., str], coder: str, interviews: Sequence[str], why: str) -> str:
    if why == "double-coded interview":
        if len(interviews) > 1:
            return t("{coder}'s {n} double-coded interviews", coder=coder, n=len(interviews))
        return t("{coder}'s {n} double-coded interview", coder=coder, n=1)
    if len(interviews) > 1:
        return t(
            "{coder}'s {n} interviews coded again in a later round", coder=coder, n=len(interviews)
        )
    return t("{coder}'s {n} interview coded again in a later round", coder=coder, n=1)


def _same(msgid: str, **fields: Any) -> str:
    return msgid.format(**fields) if fields else msgid


def _later_round_counted(selection: CoderSelection, coder: str, interviews: Sequence[str]) -> bool:
    person, number = coder_round(coder)
    return all(
        any(
            coder_round(c)[0] == person and coder_round(c)[1] > number
            for c in selection.per_interview.get(iv, ())
        )
        for iv in interviews
    )


def select_coders(
    project: Project, coders: Sequence[str] = (), all_coders: bool = False
) -> CoderSelection:
    by_interview: dict[str, set[str]] = defaultdict(set)
    for interview, coder, count in coding_files(project.codings):
        if count:
            by_interview[interview].add(coder)
    known = tuple(project.coders())
    if coders and all_coders:
        raise UsageError("name some coders or all of them, not both", about="coder_choice")
    for name in coders:
        if name not in known:
            raise UnknownItem(
                f"no codings by coder '{name}' (coders: "
                f"{', '.join(known) or 'none yet'}){did_you_mean(name, known)}"
            )
    if all_coders or coders:
        wanted = set(known) if all_coders else set(coders)
        chosen = {iv: tuple(sorted(cs & wanted)) for iv, cs in by_interview.items() if cs & wanted}
        return CoderSelection(ALL if all_coders else CHOSEN, chosen, {})
    # A person's coding rounds (camille, camille@2) count as one coder; the latest round of
    # an interview is the one that counts, the earlier ones are kept for intra-coder agreement.
    people = {iv: {coder_round(c)[0] for c in cs} for iv, cs in by_interview.items()}
    coverage = Counter(person for ps in people.values() for person in ps)
    main: dict[str, tuple[str, ...]] = {}
    left_out: dict[str, list[str]] = defaultdict(list)
    for iv in sorted(by_interview):
        person = sorted(people[iv], key=lambda p: (-coverage[p], p))[0]
        rounds = [c for c in by_interview[iv] if coder_round(c)[0] == person]
        latest = max(rounds, key=lambda c: coder_round(c)[1])
        main[iv] = (latest,)
        for other in sorted(by_interview[iv] - {latest}):
            left_out[other].append(iv)
    return CoderSelection(MAIN, main, {k: tuple(v) for k, v in left_out.items()})
