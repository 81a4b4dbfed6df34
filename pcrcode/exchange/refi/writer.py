"""Importing a REFI-QDA file into a new pcrcode project on disk, all or nothing.

The project is built in a hidden folder beside the target and renamed into place at the end: an
error or an interruption leaves nothing half-written, and nothing is ever written outside the
target (archive entries are read into memory, never extracted).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import defaultdict
from pathlib import Path

from pcrcode.choices import OffsetUnit
from pcrcode.errors import ConflictError, FileFormatError
from pcrcode.exchange.refi.archive import open_archive
from pcrcode.exchange.refi.describe import plain, yaml_text
from pcrcode.exchange.refi.imported import NewInterview, NewProject
from pcrcode.exchange.refi.importer import decode_text, import_codebook, import_refi
from pcrcode.exchange.refi.reader import RSource, read_codebook, read_project
from pcrcode.exchange.refi.xml import parse
from pcrcode.files import atomic
from pcrcode.files import codings as codings_io
from pcrcode.files.codebook import CODEBOOK_FILE
from pcrcode.files.diagnostics import Diagnostics
from pcrcode.files.registry import REGISTRY_FILE
from pcrcode.files.transcripts import INTERVIEWS_DIR, parse_markdown, parse_yaml_transcript
from pcrcode.model import Coding

CODEBOOK_HEADER = (
    "# pcrcode codebook imported from {origin}.\n"
    '# Check it with `pcrcode check`; see the README, "File formats".\n'
)
REGISTRY_HEADER = "# pcrcode registry imported from {origin}: the cases as structures.\n"
GITIGNORE = "# pcrcode's cache, index and lock files: local, never shared\n.pcrcode/\n"


def codebook_text(new: NewProject) -> str:
    header = CODEBOOK_HEADER.format(origin=new.report.origin or "a REFI-QDA file")
    return header + yaml_text(plain(new.codebook))


def registry_text(new: NewProject) -> str:
    header = REGISTRY_HEADER.format(origin=new.report.origin or "a REFI-QDA file")
    return header + yaml_text({"pcrcode": 1, "structures": plain(new.structures)})


def transcript_text(interview: NewInterview) -> tuple[str, str]:
    """(file extension, text): Markdown when every turn has a speaker and the Markdown reads back
    to the same turns, YAML otherwise (text without speakers, odd speaker names)."""
    meta = plain(interview.meta)
    wanted = list(interview.turns)
    where = Path(f"{interview.id}.md")
    if all(speaker for speaker, _ in wanted):
        body = []
        for speaker, text in wanted:
            first, *rest = text.split("\n\n")
            body.append(f"**{speaker}:** {first}".rstrip())
            body.extend(rest)
        md = "---\n" + yaml_text(meta) + "---\n\n" + "\n\n".join(body) + "\n"
        _, turns = parse_markdown(md, where, Diagnostics())
        if [(t.speaker, t.text) for t in turns] == wanted:
            return ".md", md
    data = {**meta, "turns": [{"speaker": s, "text": t} for s, t in wanted]}
    text = yaml_text(data)
    _, turns = parse_yaml_transcript(text, where.with_suffix(".yaml"), Diagnostics())
    if [(t.speaker, t.text) for t in turns] != wanted:
        raise FileFormatError(
            f"interview '{interview.id}' cannot be written back faithfully", where
        )
    return ".yaml", text


def write_tree(new: NewProject, folder: Path) -> None:
    """Every file of the new project under ``folder`` (which exists and is empty)."""
    (folder / INTERVIEWS_DIR).mkdir()
    (folder / codings_io.CODINGS_DIR).mkdir()
    (folder / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    (folder / REGISTRY_FILE).write_text(registry_text(new), encoding="utf-8")
    for interview in new.interviews:
        ext, text = transcript_text(interview)
        (folder / INTERVIEWS_DIR / f"{interview.id}{ext}").write_text(text, encoding="utf-8")
    groups: dict[tuple[str, str], list[Coding]] = defaultdict(list)
    for c in new.codings:
        groups[(c.coder, c.interview)].append(c)
    for (coder, iid), items in sorted(groups.items()):
        path = codings_io.coding_path(folder, coder, iid)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(codings_io.render(coder, iid, items), encoding="utf-8")
    (folder / CODEBOOK_FILE).write_text(codebook_text(new), encoding="utf-8")


def _check_target(target: Path) -> None:
    if os.path.lexists(target) and not target.exists():
        raise ConflictError(
            f"'{target}' is a symbolic link that leads nowhere (to '{os.readlink(target)}'): "
            "import into a new or empty folder, or remove the link; nothing was written"
        )
    if target.exists() and not target.is_dir():
        raise ConflictError(f"'{target}' exists and is not a folder")
    if target.is_dir() and any(target.iterdir()):
        raise ConflictError(
            f"'{target}' is not empty: import into a new or empty folder; nothing was written"
        )


def install(new: NewProject, target: Path) -> None:
    """Write the project into ``target``: staged beside it, renamed at the end."""
    target = target.absolute()
    _check_target(target)
    if target.is_symlink():  # a link to an empty folder: the project goes where it leads
        target = Path(os.path.realpath(target))
    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.import-", dir=parent))
    try:
        # mkdtemp makes 0700, which would close the project to the group it is shared with:
        # the mode of the empty folder it replaces, else what the umask allows.
        mode = os.stat(target).st_mode & 0o7777 if target.is_dir() else 0o777 & ~atomic.umask()
        os.chmod(stage, mode)
        write_tree(new, stage)
        _check_target(target)
        if target.is_dir():
            target.rmdir()
        os.rename(stage, target)
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)


def read_qdpx(path: Path, offset_unit: OffsetUnit = OffsetUnit.auto) -> NewProject:
    """Read and convert a ``.qdpx`` (nothing is written)."""
    with open_archive(path) as archive:
        qde = archive.find_project()
        where = f"{path}:{qde}"
        root = parse(archive.read(qde), where)
        used = {qde}

        def entry_text(reference: str) -> bytes | None:
            entry = archive.find_source(reference) if reference else None
            if entry is None:
                return None
            used.add(entry)
            return archive.read(entry)

        def note_text(reference: str) -> str | None:
            data = entry_text(reference)
            return decode_text(data) if data is not None else None

        def source_text(source: RSource) -> bytes | None:
            return entry_text(source.path)

        rp = read_project(root, where, note_text)
        new = import_refi(rp, source_text, offset_unit)
        for source in rp.sources:
            rich = archive.find_source(source.rich_path) if source.rich_path else None
            used.update(e for e in (rich, archive.find_source(source.path or "-")) if e)
        stray = [n for n in archive.names() if n not in used and not n.endswith("/")]
    if stray:
        new.report.discarded.append(
            f"{len(stray)} stray file(s) in the archive: {', '.join(stray)}"
        )
    return new


def read_qdc(path: Path) -> NewProject:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise FileFormatError("no such file", path) from None
    except OSError as exc:
        raise FileFormatError(f"cannot read: {exc.strerror}", path) from None
    if data.startswith(b"PK\x03\x04"):
        raise FileFormatError(
            "this is a zip archive (a .qdpx project?): use `pcrcode import qdpx`", path
        )
    return import_codebook(read_codebook(parse(data, str(path)), str(path)))


def import_qdpx(path: Path, target: Path, offset_unit: OffsetUnit = OffsetUnit.auto) -> NewProject:
    """A new project in ``target`` (new or empty) from a ``.qdpx``; ``offset_unit``: the unit of
    its character positions (auto: chosen per source)."""
    _check_target(target)
    new = read_qdpx(path, offset_unit)
    install(new, target)
    return new


def import_qdc(path: Path, folder: Path) -> NewProject:
    """``folder/codebook.yaml`` from a ``.qdc``; refuses to replace a codebook."""
    dest = folder / CODEBOOK_FILE
    if os.path.lexists(dest):  # a link too: a codebook is never written through a link here
        raise ConflictError(
            f"'{dest}' already exists: import into another folder, or move it "
            "away first; nothing was written"
        )
    new = read_qdc(path)
    atomic.write_text(dest, codebook_text(new))
    return new
