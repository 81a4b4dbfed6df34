"""Pieces shared by the command modules: project lookup, options, output formats."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

if TYPE_CHECKING:  # types only: a command imports the core when it runs, not at start-up
    from pcrcode.errors import PcrcodeError
    from pcrcode.files.diagnostics import Finding
    from pcrcode.index.loading import Indexed
    from pcrcode.model import Project


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


class ReportFormat(StrEnum):
    """``report``'s outputs: the data formats, and the page for people (html, pdf)."""

    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"
    html = "html"
    pdf = "pdf"


class ListFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


FormatOpt = Annotated[
    Format, typer.Option("--format", "-f", help="Output: table, csv, json or markdown.")
]
ListFormatOpt = Annotated[
    ListFormat, typer.Option("--format", "-f", help="Output: table, csv or json.")
]


# What Tab completes (`pcrcode completion`): names read cheaply from the project at hand, never
# a full load: file and folder names, ids found by a pattern in the YAML files. A Tab must answer
# at once on a project of thousands of interviews, and never print an error.
def _completion_root(ctx: typer.Context) -> Path | None:
    import os

    explicit = ctx.find_root().params.get("project") or os.environ.get("PCRCODE_PROJECT")
    if explicit:
        return Path(explicit) if (Path(explicit) / "codebook.yaml").is_file() else None
    here = Path.cwd()
    return next((f for f in (here, *here.parents) if (f / "codebook.yaml").is_file()), None)


def _matching(names: list[str], incomplete: str) -> list[str]:
    # After a comma (agreement's --coder camille,ya), the last name, the others kept.
    done, comma, last = incomplete.rpartition(",")
    return sorted(done + comma + n for n in set(names) if n.startswith(last))


# A transcript's file name endings (pcrcode.files.transcripts.EXTENSIONS, not imported: heavy).
TRANSCRIPT_SUFFIXES = (".md", ".yaml", ".yml")


def _entries(ctx: typer.Context, folder: str, suffixes: tuple[str, ...] = ()) -> list[str]:
    """The names in ``folder`` of the project: files with these endings (without them), or the
    folders when ``suffixes`` is empty."""
    import os

    root = _completion_root(ctx)
    if root is None:
        return []
    try:
        with os.scandir(root / folder) as found:
            entries = [e for e in found if not e.name.startswith(".")]
            if not suffixes:
                return [e.name for e in entries if e.is_dir()]
            return [
                os.path.splitext(e.name)[0]
                for e in entries
                if os.path.splitext(e.name)[1] in suffixes and e.is_file()
            ]
    except OSError:
        return []


def _ids(ctx: typer.Context, file: str, section: str) -> list[str]:
    """The ``id:`` values in one top-level section of a YAML file (block or flow style)."""
    import re

    root = _completion_root(ctx)
    try:
        text = (root / file).read_text(encoding="utf-8") if root else ""
    except (OSError, UnicodeError):
        return []
    part = re.search(rf"^{section}:.*?(?=^\S|\Z)", text, flags=re.M | re.S)
    return re.findall(
        r"(?<![\w-])id:[ \t]*[\"']?([a-z0-9_-]+(?:/[a-z0-9_-]+)*)", part.group() if part else ""
    )


def complete_interview(ctx: typer.Context, incomplete: str) -> list[str]:
    return _matching(_entries(ctx, "interviews", TRANSCRIPT_SUFFIXES), incomplete)


def complete_coder(ctx: typer.Context, incomplete: str) -> list[str]:
    return _matching(_entries(ctx, "codings"), incomplete)


def complete_code(ctx: typer.Context, incomplete: str) -> list[str]:
    return _matching(_ids(ctx, "codebook.yaml", "codes"), incomplete)


def complete_family(ctx: typer.Context, incomplete: str) -> list[str]:
    families = [code.split("/", 1)[0] for code in _ids(ctx, "codebook.yaml", "codes")]
    return _matching(families, incomplete)


def complete_code_or_family(ctx: typer.Context, incomplete: str) -> list[str]:
    return sorted({*complete_code(ctx, incomplete), *complete_family(ctx, incomplete)})


def complete_structure(ctx: typer.Context, incomplete: str) -> list[str]:
    return _matching(_ids(ctx, "structures.yaml", "structures"), incomplete)


# The options several commands share, declared once.
CoderOpt = Annotated[
    str | None,
    typer.Option(
        "--coder",
        "-c",
        metavar="CODER",
        help="Coder name (default: $PCRCODE_CODER, else git user.name).",
        autocompletion=complete_coder,
    ),
]
CoderFilterOpt = Annotated[
    str | None,
    typer.Option(
        "--coder",
        "-c",
        metavar="CODER",
        help="Only this coder's codings.",
        autocompletion=complete_coder,
    ),
]
CodersOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--coder",
        "-c",
        metavar="CODER",
        help="Count only this coder's codings (repeatable; several coders are merged "
        "per segment). Default: each interview's main coder, the one who coded the "
        "most interviews.",
        autocompletion=complete_coder,
    ),
]
AllCodersOpt = Annotated[
    bool, typer.Option("--all-coders", help="Merge every coder's codings per segment.")
]
InterviewsOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--interview",
        "-i",
        metavar="INTERVIEW",
        help="Only this interview (repeatable; default: all).",
        autocompletion=complete_interview,
    ),
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", "-n", help="List what would change; write nothing.")
]
RoundOpt = Annotated[
    int | None,
    typer.Option(
        "--round",
        min=1,
        metavar="N",
        help="Coding round (default: $PCRCODE_ROUND, else 1); round N is coder CODER@N.",
    ),
]


def resolve_coder(
    explicit: str | None, cwd: Path | None = None, coding_round: int | None = None
) -> str:
    """Who is coding: ``--coder``, else ``$PCRCODE_CODER``, else git's ``user.name`` (slugged);
    in round ``coding_round`` (``--round``, else ``$PCRCODE_ROUND``) when it is 2 or more."""
    import os

    from pcrcode.errors import UsageError
    from pcrcode.files.coder_names import slug, valid_coder_name
    from pcrcode.model import ROUND_MARK, with_round

    if coding_round is None and os.environ.get("PCRCODE_ROUND"):
        coding_round = _round(os.environ["PCRCODE_ROUND"])
    name = explicit or os.environ.get("PCRCODE_CODER")
    if not name:
        git_name = _git_user(cwd)
        if not git_name:
            raise UsageError(
                "who is coding? pass --coder NAME or set PCRCODE_CODER "
                "(git's user.name is not set either)"
            )
        if not slug(git_name):
            raise UsageError(
                f"git's user.name '{git_name}' gives no usable coder name (a-z, 0-9, - and _): "
                "pass --coder NAME or set PCRCODE_CODER"
            )
        name = slug(git_name)
    name = valid_coder_name(name)
    if coding_round is not None and coding_round > 1:
        if ROUND_MARK in name:
            raise UsageError(f"'{name}' names a round already: drop --round, or the '@' part")
        return with_round(name, coding_round)
    return name


def _round(text: str) -> int:
    from pcrcode.errors import UsageError, whole_number

    number = whole_number(text)
    if number is None or number < 1:
        raise UsageError(f"bad round '{text}' in PCRCODE_ROUND: a number from 1")
    return number


def _git_user(cwd: Path | None) -> str:
    import subprocess

    try:
        out = subprocess.run(
            ["git", "config", "user.name"],
            capture_output=True,
            text=True,
            timeout=5,
            cwd=cwd,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


# The options that carry the values the core's errors are about (``PcrcodeError.about``, in the
# core's words): the core says "the threshold must be above 0", the user reads "... (--threshold)".
# A concept has the same option in every command, so one table serves them all.
OPTIONS = {
    "adjudication": "--compare NAME --into CODER",
    "census_attributes": "--rows ATTR --cols ATTR",
    "compare": "--compare NAME",
    "context": "--context",
    "coder_choice": "--coder, --all-coders",
    "depth": "--depth",
    "encoding": "--encoding",
    "interview_id": "--id",
    "interviewer": "--interviewer",
    "interviews": "--interview",
    "memo_text": "--text, or the text on stdin",
    "occurrence": "--occurrence",
    "path": "--path",
    "pdf": "--format pdf, --format html",
    "quote": "--quote",
    "replace": "--replace, --id",
    "since": "--since",
    "skip_speaker": "--skip-speaker NAME",
    "source_format": "--from",
    "speaker_map": "--speaker-map",
    "speakers": "--speakers",
    "structure_from_name": "--structure-from-name, --mapping",
    "threshold": "--threshold",
    "where": "--where",
}


def error_message(exc: PcrcodeError) -> str:
    """A core error's message, followed by the option it is about when there is one."""
    option = OPTIONS.get(exc.about) if exc.about else None
    return f"{exc.message} ({option})" if option else exc.message


def project_root(ctx: typer.Context) -> Path:
    from pcrcode.project import find_root

    obj: dict[str, Any] = ctx.find_root().obj or {}
    explicit = obj.get("project")
    return find_root(explicit=Path(explicit) if explicit else None)


def load(ctx: typer.Context, findings: list[Finding] | None = None) -> Project:
    """Load the whole project; the first problem stops the command (exit 1), unless
    ``--skip-broken``, which goes on and says what was left out. ``findings`` receives the
    problems for a command that must refuse some of them itself."""
    from pcrcode.cli.output.progress import progress_bar
    from pcrcode.files.diagnostics import Diagnostics
    from pcrcode.project import load_project, unusable_codings

    root = project_root(ctx)
    diag = Diagnostics(root)
    with progress_bar("reading the project") as bar:
        project = load_project(root, diag, progress=bar)
    if findings is not None:
        findings.extend(diag.errors)
    unusable_codings(project, diag)
    _stop_or_warn(ctx, root, diag.errors)
    return project


def load_indexed(ctx: typer.Context, findings: list[Finding] | None = None) -> Indexed | None:
    """The project from its index (:mod:`pcrcode.index`), with :func:`load`'s rules; None when
    the index cannot answer: the command then calls :func:`load`, which reads the files."""
    from pcrcode.cli.output.progress import progress_bar
    from pcrcode.index.loading import load_indexed as from_index

    root = project_root(ctx)
    with progress_bar("reading the project") as bar:
        indexed = from_index(root, bar)
    if indexed is None:
        return None
    if findings is not None:
        findings.extend(indexed.errors)
    _stop_or_warn(ctx, root, indexed.errors)
    return indexed


def _stop_or_warn(ctx: typer.Context, root: Path, errors: list[Finding]) -> None:
    obj: dict[str, Any] = ctx.find_root().obj or {}
    if obj.get("skip_broken"):
        warn_problems(errors)
    elif blocking := [e for e in errors if e.rule not in DOCUMENTATION_RULES]:
        raise_broken(root, blocking)


# Problems of the codebook's documentation (a code without a definition, as projects imported
# from other tools have by the hundred): `check` reports them, but no number depends on them.
DOCUMENTATION_RULES = frozenset({"missing-definition"})


def raise_broken(root: Path, errors: list[Finding]) -> NoReturn:
    """A number computed without a file (or a coding) it needs would be wrong with exit 0:
    stop on the first problem, unless the user asked for partial results (--skip-broken)."""
    from pcrcode.errors import PcrcodeError

    first = errors[0]
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    raise PcrcodeError(
        f"{first.message}; nothing was computed{more}: `pcrcode check` lists every problem, "
        "`pcrcode --skip-broken ...` computes without what it cannot read",
        root / first.path,
        first.line,
    )


def warn_problems(errors: list[Finding]) -> None:
    if errors:
        files = sorted({e.path for e in errors})
        shown = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
        note(
            f"warning: --skip-broken: computed despite {len(errors)} problem(s) in {shown} (a "
            "file or coding that cannot be read is left out, an undeclared value is counted "
            "as it stands, and so is a coding of an unknown code, interview or segment); "
            f"first: {errors[0]}"
        )


def note(message: str) -> None:
    """A message for the person, on stderr (stdout carries only data)."""
    from pcrcode.cli.output.rows import visible

    sys.stderr.write(visible(message) + "\n")
