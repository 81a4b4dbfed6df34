"""A loaded project: its codebook, registry, interviews and codings, with the lookups every
command uses (loading it is :mod:`pcrcode.project`'s)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pcrcode.errors import UnknownItem, suggest
from pcrcode.model.codebook import Codebook
from pcrcode.model.codings import Coding, Codings, coding_files
from pcrcode.model.registry import Registry, Structure
from pcrcode.model.transcripts import Interview


@dataclass(frozen=True)
class Project:
    root: Path
    codebook: Codebook
    registry: Registry
    interviews: Mapping[str, Interview]
    codings: Sequence[Coding]  # a Codings when loaded: decoded file by file, when needed

    def interview(self, interview_id: str) -> Interview:
        if interview_id in self.interviews:
            return self.interviews[interview_id]
        hint = suggest(interview_id, self.interviews, "; see `pcrcode interviews list`")
        raise UnknownItem(f"unknown interview '{interview_id}'{hint}")

    def structure_of(self, interview: Interview) -> Structure | None:
        if interview.structure is None:
            return None
        return self.registry.structures.get(interview.structure)

    def coders(self) -> list[str]:
        return sorted({coder for _, coder, count in coding_files(self.codings) if count})

    def iter_codings(
        self,
        interview: str | None = None,
        code: str | None = None,
        coder: str | None = None,
    ) -> Iterator[Coding]:
        prefix = None if code is None else code + "/"
        source: Iterable[Coding] = self.codings
        if isinstance(source, Codings) and (interview is not None or coder is not None):
            files = source  # only the files of that interview or coder are built
            pairs = dict.fromkeys(
                (iv, cd)
                for iv, cd, _ in files.files()
                if interview in (None, iv) and coder in (None, cd)
            )
            source = (c for iv, cd in pairs for c in files.of(iv, cd))
        for c in source:
            if interview is not None and c.interview != interview:
                continue
            if coder is not None and c.coder != coder:
                continue
            if code is not None and c.code != code and not c.code.startswith(prefix or ""):
                continue
            yield c
