"""``pcrcode import transcript``: the exports researchers receive -> pcrcode interviews.

One module per format family (:mod:`.plain` for ``Speaker`` lines, Otter, Rev, Descript, Zoom's
saved captions and Markdown; :mod:`.cues` for WebVTT and SRT; :mod:`.docx` for Word and Teams
documents; :mod:`.otr` for oTranscribe), all producing :class:`.model.Parsed`. :mod:`.labels`
decides which labels are speakers, :mod:`.build` makes the turns, :mod:`.render` the file,
:mod:`.write` writes it (or replaces it and reanchors its codings).
"""

from __future__ import annotations

from pcrcode.transcript_import.importer import ImportContext, import_transcript
from pcrcode.transcript_import.model import Imported, Options

__all__ = ["ImportContext", "Imported", "Options", "import_transcript"]
