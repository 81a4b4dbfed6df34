"""What an import produces before anything is written: the new project and the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pcrcode.model import Coding


@dataclass
class ImportReport:
    origin: str = ""
    offsets: list[tuple[str, str]] = field(default_factory=list)  # interview, explanation
    discarded: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class NewInterview:
    id: str
    meta: dict[str, Any]
    turns: list[tuple[str, str]]  # (speaker, text)


@dataclass
class NewProject:
    codebook: dict[str, Any]
    structures: list[dict[str, Any]] = field(default_factory=list)
    interviews: list[NewInterview] = field(default_factory=list)
    codings: list[Coding] = field(default_factory=list)
    report: ImportReport = field(default_factory=ImportReport)
