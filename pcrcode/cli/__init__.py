"""The pcrcode command line: a thin layer that parses arguments, calls the core and renders.

Errors from the core (:class:`pcrcode.errors.PcrcodeError`) become one line on stderr and the
exit code of the contract, here and nowhere else.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, MutableMapping
from importlib import import_module
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperCommand, TyperGroup
from typer.main import get_command_name, get_group

from pcrcode import __version__
from pcrcode.errors import ExitCode, PcrcodeError

if TYPE_CHECKING:
    from typer.models import TyperInfo


def _say_error(exc: PcrcodeError) -> None:
    from pcrcode.cli.common import error_message
    from pcrcode.cli.output.rows import visible

    message = error_message(exc)
    if exc.path is not None:
        message = f"{exc.where(_relative(exc.path))}: {message}"
    # One line, whatever the message carries (a code id typed with a line break...).
    one_line = visible(message).replace("\r", "\\r").replace("\n", "\\n")
    sys.stderr.write(f"pcrcode: error: {one_line}\n")
    sys.stderr.flush()


# Click's base exception, reached through Typer (which bundles its own Click: never imported).
_CLICK_ERROR: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"
)


def _say_usage(exc: Any) -> None:
    # Escapes typed on the command line are shown, never sent (without importing Rich here:
    # `pcrcode tga` stays as fast as --help).
    message = " ".join(str(exc.format_message()).split())
    message = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
    ctx = getattr(exc, "ctx", None)
    hint = f" (see `{ctx.command_path} --help`)" if ctx is not None else ""
    sys.stderr.write(f"pcrcode: error: {message}{hint}\n")
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


class PcrcodeCommand(TyperCommand):
    """A command whose usage line names arguments as Click and POSIX do: required ones bare,
    optional ones in square brackets (Typer would write ``{interview}``); their words come
    from :func:`_name_values`."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                word = param.metavar or ""
                pieces.append(word if param.required else f"[{word}]")
        return pieces


def _name_values(command: Any) -> None:
    """Every value in the help of ``command`` (and of its subcommands) named one way (as the
    README's tour says): an upper-case word (INTERVIEW, CODE..., ATTR=VALUE), an option's choice
    as its values in square brackets ([table|csv|json]); Typer would write
    ``{kind}:<code|...>`` or ``<str>``. Options declare their word; arguments default to their
    name, choices to their values (tests/test_cli_surface.py checks every parameter)."""
    for param in command.params:
        choices = getattr(param.type, "choices", None)
        if param.param_type_name == "argument":  # a word, its choices said in its help
            word = param.metavar or (param.name or "").upper()
            param.metavar = word + ("..." if param.nargs != 1 and not word.endswith("...") else "")
        elif param.metavar is None and choices is not None:
            param.metavar = f"[{'|'.join(map(str, choices))}]"
    for sub in getattr(command, "commands", {}).values():
        _name_values(sub)


class PcrcodeGroup(TyperGroup):
    """Turns pcrcode errors into one line on stderr and the contract's exit code, and imports a
    command's module only when that command is invoked (see :data:`COMMANDS`)."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.lazy = _LazyCommands(self, self.commands)
        self.commands = self.lazy

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)  # the names, without building the commands

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        # TyperGroup's layout. A command not built yet is stood in for by one carrying its
        # summary, which Click shortens to the width exactly as it would the real help.
        listed = []
        for name in self.list_commands(ctx):
            if self.lazy.is_built(name) or name not in COMMANDS:
                command = self.commands[name]
            else:
                command = TyperCommand(name, help=COMMANDS[name][1])
            if not command.hidden:
                listed.append((name, command))
        if listed:
            limit = formatter.width - 6 - max(len(name) for name, _ in listed)
            with formatter.section("Commands"):
                formatter.write_dl(
                    [(name, command.get_short_help_str(limit)) for name, command in listed]
                )

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Click's usage errors (a missing argument, an unknown option) in pcrcode's one-line
        format, ``pcrcode: error: ...``, with exit code 2."""
        run: Any = super().main
        if not kwargs.pop("standalone_mode", True):
            return run(*args, standalone_mode=False, **kwargs)
        try:
            code = run(*args, standalone_mode=False, **kwargs)
        except _CLICK_ERROR as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # `pcrcode memo`: the help, as asked
                exc.show()  # type: ignore[attr-defined]
            else:
                _say_usage(exc)
            sys.exit(exc.exit_code)  # type: ignore[attr-defined]
        except typer.Abort:
            sys.stderr.write("pcrcode: error: aborted\n")
            sys.exit(int(ExitCode.DATA))
        sys.exit(code if isinstance(code, int) else 0)

    def shell_complete(self, ctx: Any, incomplete: str) -> list[Any]:
        from pcrcode.cli.completion import root_completions

        return root_completions(self, ctx, incomplete)

    def _main_shell_completion(
        self, ctx_args: MutableMapping[str, Any], prog_name: str, complete_var: str | None = None
    ) -> None:
        # One variable whatever the program is called (`python -m pcrcode` too).
        instruction = os.environ.get("_PCRCODE_COMPLETE")
        if instruction:
            from pcrcode.cli.completion import answer

            sys.exit(answer(self, ctx_args, instruction))

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
            from pcrcode.cli.output.pipes import reader_left

            reader_left(sys.stdout)
            sys.stderr.close()
            raise typer.Exit(int(ExitCode.OK)) from None
        except OSError as exc:  # a full disk, a read-only project, a file where a folder is
            from pcrcode.errors import from_os_error

            _say_error(from_os_error(exc))
            raise typer.Exit(int(ExitCode.DATA)) from None
        except UnicodeEncodeError as exc:
            if "surrogates" not in str(exc):
                raise
            # Bytes that are not UTF-8 on the command line (a Latin-1 terminal): Python keeps
            # them as lone surrogates, which no file can hold.
            _say_error(
                PcrcodeError(
                    "the text given is not UTF-8 (a terminal set to another encoding?): set the "
                    "terminal to UTF-8, or pass the text from a UTF-8 file (--text from stdin)"
                )
            )
            raise typer.Exit(int(ExitCode.USAGE)) from None


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
        None,
        "--project",
        "-p",
        metavar="DIR",
        help="The project folder (default: the nearest folder upward with codebook.yaml).",
    ),
    skip_broken: bool = typer.Option(
        False,
        "--skip-broken",
        help="Compute reports without the files (and codings) that cannot be read, saying so "
        "on stderr, instead of stopping on the first one.",
    ),
    csv_safe: bool = typer.Option(
        False,
        "--csv-safe",
        help="In CSV output, write text that a spreadsheet would run as a formula (=, +, -, @) "
        "with a ' before it (also PCRCODE_CSV_SAFE=1).",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    ctx.obj = {"project": project, "skip_broken": skip_broken}
    if csv_safe:  # read where CSV is written (cli/output/csv_writer.py), as the variable is
        import os

        os.environ["PCRCODE_CSV_SAFE"] = "1"


# The commands, in the order of `pcrcode --help` (Typer lists commands before groups): the
# modules whose `app` declares each one, and the first paragraph of its help, which is all that
# the listing shows. A command's modules are imported when that command is invoked, not at
# start-up: building every command's parameters from its annotations cost more than the rest
# of `pcrcode --help` (tests/test_cli_startup.py checks this table against the modules).
#
# Each module under pcrcode/cli/ that declares commands exposes them in one Typer `app`, as the
# user types them: `pcrcode tag` is `app.command("tag")`, `pcrcode memo add` is the command
# `add` of the group `memo` added to `app`. A group may be declared in parts by several
# modules (`import`: exchange's REFI-QDA commands, then transcript_import's): the first part
# gives the group its help, the others add commands, in the table's order.
COMMANDS: dict[str, tuple[tuple[str, ...], str]] = {
    "init": (("init",), "Create a project: codebook.yaml, structures.yaml, interviews/, codings/."),
    "check": (("check",), "Lint the project: codebook, registry, transcripts and codings."),
    "tag": (("tagging",), "Apply codes to segments of an interview."),
    "untag": (("tagging",), "Remove a coder's codes from segments of an interview."),
    "codings": (("tagging",), "List codings, one per line."),
    "code": (
        ("session",),
        "Code an interview: a full-screen workbench in a terminal, else a line session.",
    ),
    "autocode": (
        ("autocode",),
        "Apply a code to every turn whose text matches a pattern (whole segments).",
    ),
    "reanchor": (("reanchor",), "Move codings back onto their text after transcripts were edited."),
    "profile": (
        ("reports",),
        "Profile structures: attributes, codes per family, the declared profile columns, key "
        "quotes.",
    ),
    "crosstab": (("reports",), "Cross-tabulate two attributes or code families, as a heatmap."),
    "census": (
        ("reports",),
        "The census: cases by two attributes, interviewed in parentheses.",
    ),
    "retrieve": (
        ("reports",),
        "Retrieve the coded segments whose codes satisfy a query, with their quotes.",
    ),
    "cooccurrence": (
        ("reports",),
        "The code x code co-occurrence matrix: units carrying both codes (a heatmap).",
    ),
    "frequencies": (
        ("reports",),
        "How often each code is used: codings, segments, interviews, structures (with a bar).",
    ),
    "report": (
        ("reports",),
        "The synthesis in one run: the sections synthesis.yaml declares, in the study's language.",
    ),
    "findings": (
        ("findings",),
        "Re-check the findings declared in findings.yaml against the codings: holds, fails.",
    ),
    "network": (
        ("network",),
        "The cooperation network: ties between structures and the partners their codings name.",
    ),
    "status": (
        ("git",),
        "What changed since the last commit: codings, memos, stale codings, what is left to code.",
    ),
    "merge-file": (
        ("git",),
        "Merge two versions of a coding or memo file by content (git's merge driver).",
    ),
    "completion": (
        ("completion",),
        "Print the script that makes a shell complete pcrcode's commands and values.",
    ),
    "interviews": (("interviews",), "List and read the interviews."),
    "codebook": (("codebook", "codebook_ops"), "Read (and evolve) the codebook."),
    "memo": (("memos",), "Write and read memos on codes, interviews, structures and codings."),
    "agreement": (
        ("agreement",),
        "Intercoder agreement: percent agreement, Cohen's kappa, Krippendorff's alpha.",
    ),
    "git": (("git",), "Set up a git repository for a pcrcode project."),
    "import": (
        ("exchange", "transcript_import"),
        "Bring data into pcrcode: REFI-QDA files, transcripts.",
    ),
    "export": (("exchange",), "Write the project for other tools: REFI-QDA, tidy CSV."),
}


def _build(name: str, root: PcrcodeGroup) -> Any:
    """The Click command (or group) ``name``, built alone, with the root's settings."""
    host = typer.Typer(
        rich_markup_mode=root.rich_markup_mode,
        suggest_commands=root.suggest_commands,
        pretty_exceptions_short=app.pretty_exceptions_short,
    )
    parts: list[TyperInfo] = []
    for module_name in COMMANDS[name][0]:
        declared: typer.Typer = import_module(f"pcrcode.cli.{module_name}").app
        # A module's app may declare several commands (reports has seven): build only this one.
        host.registered_commands += [
            c
            for c in declared.registered_commands
            if c.callback is not None and (c.name or get_command_name(c.callback.__name__)) == name
        ]
        parts += [g for g in declared.registered_groups if g.name == name]
    if parts:
        host.registered_groups.append(_joined(parts))
    _use_command_class(host)
    built = get_group(host).commands
    if name not in built:  # a KeyError would read as "No such command"
        raise RuntimeError(f"no module of {COMMANDS[name][0]} declares {name!r} in its app")
    _name_values(built[name])
    return built[name]


def _use_command_class(declared: typer.Typer) -> None:
    """Every command of ``declared`` and of its groups is built as a :class:`PcrcodeCommand`."""
    for command in declared.registered_commands:
        if command.cls in (None, TyperCommand):  # Typer's default
            command.cls = PcrcodeCommand
    for group in declared.registered_groups:
        if group.typer_instance is not None:
            _use_command_class(group.typer_instance)


def _joined(parts: list[TyperInfo]) -> TyperInfo:
    """One group from the parts several modules declare under its name: the first part (its
    help, its callback) with the commands of every part, in order."""
    if len(parts) == 1:
        return parts[0]
    from copy import copy

    group, first = copy(parts[0]), parts[0].typer_instance
    assert first is not None
    group.typer_instance = copy(first)
    group.typer_instance.registered_commands = [
        c for part in parts if part.typer_instance for c in part.typer_instance.registered_commands
    ]
    group.typer_instance.registered_groups = [
        g for part in parts if part.typer_instance for g in part.typer_instance.registered_groups
    ]
    return group


class _LazyCommands(MutableMapping[str, Any]):
    """The root group's commands: every name known at once, each built on first access."""

    def __init__(self, root: PcrcodeGroup, built: MutableMapping[str, Any]) -> None:
        self._root = root
        self._names = dict.fromkeys([*COMMANDS, *built])  # ordered, like Typer's dict
        self._built = dict(built)

    def is_built(self, name: str) -> bool:
        return name in self._built

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            if name not in self._names:
                raise KeyError(name)
            self._built[name] = _build(name, self._root)
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._names[name] = None
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._names[name]
        self._built.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def main() -> None:
    """Entry point of the ``pcrcode`` script."""
    # A short-lived process that builds many long-lived, acyclic objects: the cyclic garbage
    # collector only rescans them (a large part of a command on a large project: bench/NOTES.md).
    __import__("gc").disable()
    try:
        app()
    except KeyboardInterrupt:  # raised outside a command (while parsing)
        sys.stderr.write("pcrcode: interrupted\n")
        sys.exit(int(ExitCode.INTERRUPTED))
