"""One source file to :class:`.model.Parsed`, whatever its format."""

from __future__ import annotations

from pathlib import Path

from pcrcode.errors import FileFormatError
from pcrcode.transcript_import import detect
from pcrcode.transcript_import.model import Options, Parsed

# A transcript of three hours is about 200 kB of text (a .docx a few MB with its images);
# a file over this size is a recording or an export in the wrong folder.
MAX_BYTES = 50 * 1024 * 1024


def read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise FileFormatError("too large for a transcript (over 50 MB): a recording?", path)
        return path.read_bytes()
    except IsADirectoryError:
        raise FileFormatError("is a folder, expected a transcript file", path) from None
    except OSError as exc:
        raise FileFormatError(f"cannot read: {exc.strerror}", path) from None


def parse_source(data: bytes, path: Path, options: Options) -> tuple[Parsed, str]:
    """The turns found in ``data`` and the name of its format."""
    from pcrcode.transcript_import.decode import decode_source

    forced = options.source_format
    also = [item.partition("=")[0] for item in options.speaker_map]
    kind = forced or detect.sniff_binary(data, path)
    if kind is not None and detect.FAMILIES[kind] == "docx":
        from pcrcode.transcript_import.docx import parse_docx

        parsed, found = parse_docx(data, path, options.speakers, also)
        return parsed, forced or found
    text = decode_source(data, path, options.encoding)
    kind = forced or detect.detect(text, path)
    family = detect.FAMILIES[kind]
    if family == "cues":
        from pcrcode.transcript_import.cues import parse_cues

        return parse_cues(text, path, options.speakers, also), kind
    from pcrcode.transcript_import.plain import parse_lines

    if family == "otr":
        from pcrcode.transcript_import.otr import otr_lines

        lines, meta = otr_lines(text, path)
        parsed = parse_lines(lines, options.speakers, also=also)
        parsed.meta.update(meta)
        return parsed, kind
    numbered = list(enumerate(text.split("\n"), start=1))
    markdown = kind == "markdown"
    return parse_lines(numbered, options.speakers, markdown, also), kind
