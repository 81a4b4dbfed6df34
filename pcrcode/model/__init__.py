"""The domain model: frozen dataclasses for the codebook, the cases, the transcripts and codings.

Nothing here reads files (see :mod:`pcrcode.files`) or prints anything. One module per kind of
thing, the same names as the files that hold them on disk: :mod:`~pcrcode.model.codebook`,
:mod:`~pcrcode.model.registry`, :mod:`~pcrcode.model.transcripts`, :mod:`~pcrcode.model.codings`,
and :mod:`~pcrcode.model.project` for a whole loaded project. Every type is importable from
``pcrcode.model`` itself.
"""

from __future__ import annotations

from pcrcode.model.codebook import ATTRIBUTE_TYPES, Attribute, Code, Codebook, Family
from pcrcode.model.codings import (
    ROUND_MARK,
    Coding,
    Codings,
    CodingSource,
    as_codings,
    coder_round,
    coding_files,
    with_round,
)
from pcrcode.model.project import Project
from pcrcode.model.registry import Actor, Census, NetworkSpec, Registry, Structure
from pcrcode.model.transcripts import FINGERPRINT_SIZE, Interview, Turn, fingerprint

__all__ = [
    "ATTRIBUTE_TYPES",
    "FINGERPRINT_SIZE",
    "ROUND_MARK",
    "Actor",
    "Attribute",
    "Census",
    "Code",
    "Codebook",
    "Coding",
    "CodingSource",
    "Codings",
    "Family",
    "Interview",
    "NetworkSpec",
    "Project",
    "Registry",
    "Structure",
    "Turn",
    "as_codings",
    "coder_round",
    "coding_files",
    "fingerprint",
    "with_round",
]
