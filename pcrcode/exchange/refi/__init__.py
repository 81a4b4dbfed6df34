"""Exchange with other QDA programs through REFI-QDA (``.qdc`` codebooks, ``.qdpx`` projects).

- :mod:`pcrcode.exchange.refi.xml`: safe XML parsing (no DTD, no entities) and element helpers;
- :mod:`pcrcode.exchange.refi.archive`: safe reading of ``.qdpx`` zip archives (paths, sizes);
- :mod:`pcrcode.exchange.refi.guids`: stable GUIDs and dates, so that two exports are
  byte-identical;
- :mod:`pcrcode.exchange.refi.describe`: code and attribute descriptions, built and parsed back;
- :mod:`pcrcode.exchange.refi.segments`: one text per interview, and turns found back in a foreign
  text;
- :mod:`pcrcode.exchange.refi.offsets`: which unit a tool counted character positions in;
- :mod:`pcrcode.exchange.refi.export`: writing ``.qdc`` and ``.qdpx`` (with
  :mod:`~pcrcode.exchange.refi.export_cases` for the cases and variables and
  :mod:`~pcrcode.exchange.refi.export_sources` for the sources, their selections and notes);
- :mod:`pcrcode.exchange.refi.reader`: a REFI-QDA document as plain records, tolerantly;
- :mod:`pcrcode.exchange.refi.importer` (with :mod:`~pcrcode.exchange.refi.codetree` for codes and
  :mod:`~pcrcode.exchange.refi.cases` for cases, variables, users): those records as a new project;
- :mod:`pcrcode.exchange.refi.writer`: the new project on disk, all or nothing.
"""

from __future__ import annotations

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
