"""``pcrcode code``: the interactive coding session, a line-oriented loop around
:class:`pcrcode.coding.session.CodingSession`.

It reads one line at a time with ``input()`` (readline editing and Tab completion when stdin is a
terminal), so it works over ssh, in any terminal of 80 columns or more, and from a script.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from pcrcode.cli.common import (
    CoderOpt,
    RoundOpt,
    complete_coder,
    complete_interview,
    project_root,
    resolve_coder,
)

if TYPE_CHECKING:
    from pcrcode.coding.session import CodingSession


app = typer.Typer()


@app.command("code")
def code(
    ctx: typer.Context,
    interview: Annotated[
        str,
        typer.Argument(
            help="Interview id (file name without extension).", autocompletion=complete_interview
        ),
    ],
    coder: CoderOpt = None,
    coding_round: RoundOpt = None,
    start: Annotated[
        int, typer.Option("--from", min=1, metavar="N", help="Start at segment N.")
    ] = 1,
    plain: Annotated[
        bool, typer.Option("--plain", help="The line session, even in a terminal.")
    ] = False,
    compare: Annotated[
        str | None,
        typer.Option(
            "--compare",
            metavar="CODER",
            help="Show this coder's codes beside yours.",
            autocompletion=complete_coder,
        ),
    ] = None,
    into: Annotated[
        str | None,
        typer.Option(
            "--into",
            metavar="CODER",
            autocompletion=complete_coder,
            help="Adjudicate: accept either coder's codes of a turn into this coder.",
        ),
    ] = None,
    skip_speaker: Annotated[
        list[str] | None,
        typer.Option(
            "--skip-speaker",
            metavar="SPEAKER",
            help="Skip this speaker's turns (the front matter's interviewer always is).",
        ),
    ] = None,
) -> None:
    """Code an interview: a full-screen workbench in a terminal, else a line session.

    In a terminal: the transcript with coding stripes, a code tree, a command bar (: then a code
    prefix or label words, -CODE, m TEXT), selection by sentence (s) or word (w), undo (ctrl+z),
    search (/), next uncoded turn (u); ? lists the keys. With --plain, or input from a pipe, the
    line session: type code ids (a prefix is enough, Tab completes), -CODE to remove, CODE
    "words" to code part of the turn, m TEXT for a memo, Enter/n next, p previous, g N go to N,
    ? help, q quit. Every change is saved at once.

    With the example project's ids:

    Example: pcrcode code jardins-du-drac --coder camille --compare yanis --into consensus
    """
    import shutil

    from pcrcode.coding.session import CodingSession
    from pcrcode.errors import ExitCode, UsageError

    root = project_root(ctx)
    if not plain and _terminal():
        from pcrcode.cli.workbench.run import run_workbench

        run_workbench(
            root,
            interview,
            resolve_coder(coder, root, coding_round),
            start=start,
            compare=compare,
            into=into,
            skip_speakers=skip_speaker or [],
        )
        return
    if compare or into or skip_speaker:
        raise UsageError(
            "--compare, --into and --skip-speaker belong to the workbench: run in a terminal, "
            "without --plain"
        )
    width = min(shutil.get_terminal_size((80, 24)).columns, 100)
    session = CodingSession(
        root, interview, resolve_coder(coder, root, coding_round), start=start, width=width - 1
    )
    tty = sys.stdin.isatty()
    if tty:
        _readline(session)
    _say(session.opening())
    try:
        while True:
            try:
                line = input(session.prompt())
            except EOFError:
                _say("\n" + session.summary())
                return
            except UnicodeDecodeError:  # a terminal in Latin-1: the session goes on
                line = "\udcff"
            if not _is_utf8(line):
                _say(NOT_UTF8)
                continue
            if not tty:
                _say(line)  # a scripted session reads like a terminal one
            reply = session.handle(line)
            _say(reply.text)
            if reply.done:
                return
    except KeyboardInterrupt:
        _say("\n" + session.summary())
        raise typer.Exit(int(ExitCode.INTERRUPTED)) from None


def _terminal() -> bool:
    """The workbench needs a person at a terminal: scripts and pipes get the line session."""
    return sys.stdin.isatty() and sys.stdout.isatty()


NOT_UTF8 = (
    "that line is not UTF-8 (a terminal set to another encoding?): nothing was saved; set the "
    "terminal to UTF-8, then type it again"
)


def _is_utf8(line: str) -> bool:
    # Bytes that are not UTF-8 reach Python as lone surrogates, which no file can hold.
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _say(text: str) -> None:
    from pcrcode.cli.output.rows import visible

    sys.stdout.write(visible(text) + "\n")
    sys.stdout.flush()


def _readline(session: CodingSession) -> None:
    try:
        import readline
    except ImportError:  # pragma: no cover - Windows without pyreadline
        return
    matches: list[str] = []

    def complete(text: str, state: int) -> str | None:
        nonlocal matches
        if state == 0:
            matches = session.complete(text)
        return matches[state] if state < len(matches) else None

    readline.set_completer_delims(" \t,")
    readline.set_completer(complete)
    if "libedit" in (readline.__doc__ or ""):  # macOS
        readline.parse_and_bind("bind ^I rl_complete")
    else:
        readline.parse_and_bind("tab: complete")
