"""Finding and loading a whole project: codebook, registry, transcripts and codings."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

from pcrcode.errors import FileFormatError, ProjectNotFound, did_you_mean
from pcrcode.files import cache as cache_io
from pcrcode.files import cache_codec
from pcrcode.files import codings as codings_io
from pcrcode.files.cache import ProjectCache, file_key
from pcrcode.files.cache import enabled as cache_enabled
from pcrcode.files.cached_parsing import DataFile, Parsed, cached, guard, parse_files
from pcrcode.files.codebook import CODEBOOK_FILE, load_codebook
from pcrcode.files.diagnostics import Diagnostics
from pcrcode.files.memos import MEMOS_DIR
from pcrcode.files.registry import REGISTRY_FILE, load_registry
from pcrcode.files.transcripts import INTERVIEWS_DIR, ignored_files, interview_files
from pcrcode.files.yaml_reading import OUTSIDE_PROJECT, is_inside
from pcrcode.model import Codebook, Codings, CodingSource, Interview, Project, Registry


def find_root(start: Path | None = None, explicit: Path | None = None) -> Path:
    """The project folder: ``explicit`` (``--project``), else the nearest folder upward holding
    ``codebook.yaml``, starting from ``start`` (the working directory) or ``$PCRCODE_PROJECT``."""
    if explicit is None and os.environ.get("PCRCODE_PROJECT"):
        explicit = Path(os.environ["PCRCODE_PROJECT"])
    if explicit is not None:
        if not (explicit / CODEBOOK_FILE).is_file():
            raise ProjectNotFound(
                f"no {CODEBOOK_FILE} in '{explicit}': is it a pcrcode project? "
                "(`pcrcode init DIR` creates one)"
            )
        return _state_inside(explicit.resolve())
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CODEBOOK_FILE).is_file():
            return _state_inside(folder)
    raise ProjectNotFound(
        f"no {CODEBOOK_FILE} here or in any parent folder of '{here}': run pcrcode inside a "
        "project, pass --project DIR, or create one with `pcrcode init`"
    )


STATE_DIR = ".pcrcode"


def _state_inside(root: Path) -> Path:
    """``root``, once sure that ``.pcrcode/`` (locks, cache, journal: written by every command)
    does not lead out of the project: a link there would send those writes elsewhere."""
    state = root / STATE_DIR
    if os.path.lexists(state) and not is_inside(root, state):
        raise FileFormatError(f"{OUTSIDE_PROJECT} (or delete it: pcrcode makes it again)", state)
    return root


Progress = Callable[[int, int], None]


def load_project(
    root: Path,
    diag: Diagnostics | None = None,
    *,
    progress: Progress | None = None,
    cache: bool | None = None,
    aliases: bool = True,
) -> Project:
    """Load everything. Problems in single files or items go to ``diag`` and the item is skipped,
    so that the linter can report them all; only an unreadable codebook is fatal.

    Each file's parse (and its findings) is kept in ``.pcrcode/cache/`` and reused while the file is
    unchanged (:mod:`pcrcode.files.cache`): the result is the same with or without it.
    ``cache=False`` or ``$PCRCODE_NO_CACHE=1`` bypasses it. ``progress(done, total)`` is called as
    files are read (the CLI draws a progress bar with it; the core prints nothing). Codings
    stored under an old code id count under the current one, unless ``aliases=False``
    (``check`` reports them).
    """
    diag = diag if diag is not None else Diagnostics(root)
    store = _open_cache(root, diag, cache)
    with cache_io.no_gc():
        project = _load(root, diag, store, progress)
    if aliases and project.codebook.aliases and isinstance(project.codings, Codings):
        project = replace(project, codings=project.codings.with_aliases(project.codebook.aliases))
    return project


def _open_cache(root: Path, diag: Diagnostics, wanted: bool | None) -> ProjectCache | None:
    if wanted is False or (wanted is None and not cache_enabled()):
        return None
    # Cached findings carry paths relative to the project root: only valid for such a diag.
    if diag.root is None or Path(diag.root).resolve() != root.resolve():
        return None
    return ProjectCache(root)


def _load(
    root: Path, diag: Diagnostics, store: ProjectCache | None, progress: Progress | None
) -> Project:
    codebook, registry = load_settings(root, diag, store)
    files = project_files(root)
    interviews, coding_files = _gather(diag, files, parse_files(root, diag, store, files, progress))
    return Project(
        root=root,
        codebook=codebook,
        registry=registry,
        interviews=interviews,
        codings=Codings(coding_files),
    )


def project_files(root: Path) -> list[DataFile]:
    """(is a transcript, path, path relative to the root) of every transcript, then every
    coding file: the order a project is loaded in."""
    files = [(True, p, f"{INTERVIEWS_DIR}/{p.name}") for p in interview_files(root)]
    files += [
        (False, p, f"{codings_io.CODINGS_DIR}/{p.parent.name}/{p.name}")
        for p in codings_io.coding_files(root)
    ]
    return files


def load_settings(
    root: Path, diag: Diagnostics, store: ProjectCache | None
) -> tuple[Codebook, Registry]:
    """The codebook and the registry (validated against the codebook, so cached under both
    files' stamps), and the findings of the project's layout."""
    codebook_path = root / CODEBOOK_FILE
    codebook_key = file_key(codebook_path) if store else None
    codebook = cached(
        diag,
        store,
        CODEBOOK_FILE,
        codebook_key,
        lambda local: load_codebook(root, local),
        cache_codec.encode_codebook,
        lambda data: cache_codec.decode_codebook(data, codebook_path),
    )
    registry_path = root / REGISTRY_FILE
    registry_key = file_key(registry_path, codebook_key) if store and codebook_key else None
    registry = cached(
        diag,
        store,
        REGISTRY_FILE,
        registry_key,
        lambda local: guard(local, partial(load_registry, root, codebook, local)),
        cache_codec.encode_registry,
        lambda data: cache_codec.decode_registry(data, registry_path),
    ) or Registry({})
    _layout(root, diag)
    return codebook, registry


def _gather(
    diag: Diagnostics, files: list[DataFile], parsed: list[Parsed]
) -> tuple[dict[str, Interview], list[tuple[str, str, int, CodingSource]]]:
    """The interviews by id and the coding files, from what was parsed, in file order; the
    files' findings go to ``diag``, with one for a second transcript of an interview."""
    interviews: dict[str, Interview] = {}
    coding_files: list[tuple[str, str, int, CodingSource]] = []
    for (is_transcript, path, _), (value, findings) in zip(files, parsed, strict=True):
        diag.findings.extend(findings)
        if value is None:
            continue
        if not is_transcript:
            coding_files.append((path.stem, path.parent.name, *value))
        elif value.id in interviews:
            diag.error(
                path,
                1,
                f"interview '{value.id}' also has the transcript "
                f"{diag.rel(interviews[value.id].path)}: keep one",
                "duplicate-id",
            )
        else:
            interviews[value.id] = value
    return interviews, coding_files


def _layout(root: Path, diag: Diagnostics) -> None:
    """Files pcrcode would not read, said rather than left out without a word."""
    for path in ignored_files(root):
        diag.warning(
            path,
            1,
            f"not read: transcripts end in .md, .yaml or .yml (lower case); rename it to "
            f"{path.stem}{path.suffix.lower() if path.suffix.lower() != '.txt' else '.md'}",
            "ignored-file",
        )
    for name, holds in ((INTERVIEWS_DIR, "<id>.md"), (MEMOS_DIR, "<kind>/<target>/<memo>.md")):
        # what it should hold would be left out without a word
        if os.path.lexists(root / name) and not (root / name).is_dir():
            message = f"not a folder, where pcrcode reads {name}/{holds}: move it away"
            diag.error(root / name, 1, message, "layout")
    for path, message in codings_io.layout_problems(root):
        diag.error(path, 1, message, "layout")


def unusable_codings(project: Project, diag: Diagnostics) -> None:
    """An error for each coding a report cannot count right: of a code the codebook does not
    have (nor as an old id), of an interview without a transcript, of a segment past its end.
    A report would otherwise count one coding fewer, or one on no text, without a word."""
    known = project.codebook.codes
    aliases = project.codebook.aliases
    turns: dict[str, int | None] = {}
    for coding in project.codings:
        where, pos = coding.path or codings_io.CODINGS_DIR, (coding.line, 3)
        if coding.code not in known and coding.code not in aliases:
            message = f"unknown code '{coding.code}'{did_you_mean(coding.code, known)}"
            diag.error(where, pos, message, "unknown-code")
        if coding.interview not in turns:
            interview = project.interviews.get(coding.interview)
            turns[coding.interview] = None if interview is None else interview.turn_count()
        count = turns[coding.interview]
        if count is None:
            diag.error(
                where,
                pos,
                f"no transcript for interview '{coding.interview}'"
                f"{did_you_mean(coding.interview, project.interviews)}",
                "unknown-interview",
            )
        elif coding.segment > count:
            message = f"interview '{coding.interview}' has {count} segments, not {coding.segment}"
            diag.error(where, pos, message, "unknown-segment")
