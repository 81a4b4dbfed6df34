"""Importing one file into a project: read, find the turns, render, check, write."""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from pcrcode.errors import ConflictError, PcrcodeError, UsageError, suggest
from pcrcode.transcript_import.model import Imported, Options


@dataclass(frozen=True)
class ImportContext:
    """What every import into one project needs, loaded once for a batch."""

    root: Path
    language: str
    structures: frozenset[str] | None  # None: the project has no registry

    @classmethod
    def load(cls, root: Path) -> ImportContext:
        from pcrcode.files.codebook import load_codebook
        from pcrcode.files.diagnostics import Diagnostics
        from pcrcode.files.registry import REGISTRY_FILE, load_registry

        codebook = load_codebook(root, Diagnostics(root))
        if not (root / REGISTRY_FILE).exists():
            return cls(root, codebook.language, None)
        registry = load_registry(root, codebook, Diagnostics(root))
        return cls(root, codebook.language, frozenset(registry.structures))

    def check_structure(self, structure: str) -> None:
        from pcrcode.files.codebook import ID_RE

        if not ID_RE.match(structure) or "/" in structure:
            raise UsageError(f"bad structure id '{structure}': a-z, 0-9 and -")
        if self.structures is not None and structure not in self.structures:
            hint = suggest(structure, self.structures)
            raise UsageError(f"unknown structure '{structure}'{hint}")


def interview_id(source: Path, given: str | None) -> str:
    from pcrcode.files.codebook import ID_RE
    from pcrcode.files.coder_names import slug

    iid = given if given is not None else slug(source.stem)
    if not iid or not ID_RE.match(iid) or "/" in iid:
        raise UsageError(
            f"bad interview id '{iid}': give one with a-z, 0-9, - and _", about="interview_id"
        )
    return iid


def import_transcript(
    context: ImportContext,
    source: Path,
    options: Options | None = None,
    structure: str | None = None,
    given_id: str | None = None,
    language: str | None = None,
    dry_run: bool = False,
    replace: bool = False,
) -> Imported:
    """Read ``source`` and write ``interviews/<id>.md``; an existing interview only with
    ``replace``."""
    from pcrcode.files.transcripts import EXTENSIONS, INTERVIEWS_DIR
    from pcrcode.transcript_import import build, read, render, write

    options = options or Options()
    root = context.root
    iid = interview_id(source, given_id)
    path = root / INTERVIEWS_DIR / f"{iid}.md"
    existing = [root / INTERVIEWS_DIR / f"{iid}{ext}" for ext in EXTENSIONS]
    existing = [p for p in existing if p.exists()]
    if existing and not replace:
        raise write.exists(iid, existing[0].name)
    if existing and existing[0] != path:
        raise ConflictError(
            f"interview '{iid}' is a YAML transcript (interviews/{existing[0].name}): only "
            "Markdown interviews are replaced; delete it or import under another id",
            about="replace",
        )
    if structure is not None:
        context.check_structure(structure)
    else:
        structure = _default_structure(context, iid, path if existing else None)
    data = read.read_bytes(source)
    parsed, kind = read.parse_source(data, source, options)
    built = build.build(parsed, options, str(source))
    parsed.meta["date"] = render.find_date(parsed.meta.get("date", ""), source.stem)
    body = render.render(
        built.turns,
        structure,
        parsed.meta,
        language or context.language,
        source.name,
        built.interviewer,
    )
    render.check_round_trip(body, path, built.turns)
    reanchored = None
    if not dry_run and existing:
        reanchored = write.replace(root, path, body, iid)
    elif not dry_run:
        write.create(path, body, iid)
    counts = Counter(t.speaker for t in built.turns)
    return Imported(
        interview=iid,
        source=source,
        path=path,
        text=body,
        kind=kind,
        speakers=tuple((name, counts[name]) for name in counts),
        turns=len(built.turns),
        labels=tuple(sorted(parsed.accepted.items(), key=lambda kv: -kv[1])),
        merged=tuple(built.merged),
        dropped=tuple(built.dropped),
        opening=tuple(built.opening),
        ignored=tuple(parsed.ignored),
        skipped=tuple(parsed.skipped),
        written=not dry_run,
        replaced=bool(existing),
        reanchored=reanchored,
    )


def _default_structure(context: ImportContext, iid: str, old: Path | None) -> str | None:
    """The structure of the interview replaced, else the one named like the interview."""
    if old is not None:
        from pcrcode.files.diagnostics import Diagnostics
        from pcrcode.files.transcripts import parse_interview

        with contextlib.suppress(PcrcodeError):
            return parse_interview(old, Diagnostics()).structure or None
    if context.structures is not None and iid in context.structures:
        return iid
    return None
