"""The pcrcode command line: a thin layer that parses arguments, calls the core and renders.

Errors from the core (:class:`pcrcode.errors.PcrcodeError`) become one line on stderr and the
exit code of the contract, here and nowhere else.
"""

from __future__ import annotations

import sys
from typing import Any

import typer
from typer.core import TyperGroup

from pcrcode import __version__
from pcrcode.errors import ExitCode, PcrcodeError


def _say_error(exc: PcrcodeError) -> None:
    from pcrcode.render import visible

    message = exc.message
    if exc.path is not None:
        message = f"{exc.where(_relative(exc.path))}: {message}"
    # One line, whatever the message carries (a code id typed with a line break...).
    one_line = visible(message).replace("\r", "\\r").replace("\n", "\\n")
    sys.stderr.write(f"pcrcode: error: {one_line}\n")
    sys.stderr.flush()


def _relative(path: object) -> str:
    """A path as the user would type it: relative to the working directory when inside it."""
    import os
    from pathlib import Path

    p = Path(os.path.abspath(str(path)))  # not resolve(): a symlink is shown where it sits
    try:
        return p.relative_to(Path(os.path.abspath(Path.cwd()))).as_posix()
    except (ValueError, OSError):
        return os.fspath(p)


class PcrcodeGroup(TyperGroup):
    """Turns pcrcode errors into one line on stderr and the contract's exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except PcrcodeError as exc:
            _say_error(exc)
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            sys.stderr.write("pcrcode: interrupted; nothing was half-written\n")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except BrokenPipeError:
            # `pcrcode ... | head`: the reader left; not an error worth a traceback.
            sys.stderr.close()
            raise typer.Exit(int(ExitCode.OK)) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pcrcode {__version__}")
        raise typer.Exit()


app = typer.Typer(
    name="pcrcode",
    cls=PcrcodeGroup,
    help="Code interview transcripts with a codebook, from a terminal.\n\n"
    "Run inside a project (a folder with codebook.yaml) or pass --project DIR.\n\n"
    "Example: pcrcode check && pcrcode report",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root(
    ctx: typer.Context,
    project: str | None = typer.Option(
        None, "--project", "-p", metavar="DIR",
        help="The project folder (default: the nearest folder upward with codebook.yaml).",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    ctx.obj = {"project": project}


def _register() -> None:
    """Compose the command modules; the order is the order of `pcrcode --help`."""
    # Modules imported for their side effect attach commands to a shared sub-app
    # (codebook, import, export); the others register theirs on `app`.
    from pcrcode.cli import (  # noqa: F401
        agreement,
        apps,
        autocode,
        check,
        codebook,
        evolution,
        exchange,
        init,
        interviews,
        memos,
        reanchor,
        reports,
        session,
        tagging,
        transcript_import,
    )

    init.register(app)
    check.register(app)
    app.add_typer(interviews.app, name="interviews")
    app.add_typer(codebook.app, name="codebook")
    tagging.register(app)
    session.register(app)
    autocode.register(app)
    memos.register(app)
    reanchor.register(app)
    reports.register(app)
    app.add_typer(agreement.app, name="agreement")
    app.add_typer(apps.import_app, name="import")
    app.add_typer(apps.export_app, name="export")


_register()


def main() -> None:
    """Entry point of the ``pcrcode`` script."""
    # A short-lived process that builds many long-lived, acyclic objects: the cyclic garbage
    # collector only rescans them (15-20% of a command on a large project, bench/RESULTS.md).
    __import__("gc").disable()
    try:
        app()
    except KeyboardInterrupt:  # raised outside a command (while parsing)
        sys.stderr.write("pcrcode: interrupted\n")
        sys.exit(int(ExitCode.INTERRUPTED))
