"""``pcrcode completion bash|zsh|fish``: the script a shell sources to complete pcrcode, and the
answers pcrcode gives when that script asks (each Tab runs ``pcrcode`` with
``_PCRCODE_COMPLETE`` set). The scripts and the shells' protocols are Typer's; the values come
from the ``complete_*`` functions of :mod:`pcrcode.cli.common`, and the command names from the
table of :mod:`pcrcode.cli`, so that a Tab imports no more than the command it completes.
Typer's completion lives in its private modules (it is meant to be switched on with
``add_completion``, which would add two options and slow every start): they are imported here
only, and only when completing.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from enum import StrEnum
from typing import Annotated, Any

import typer

PROG = "pcrcode"
COMPLETE_VAR = "_PCRCODE_COMPLETE"


class Shell(StrEnum):
    bash = "bash"
    zsh = "zsh"
    fish = "fish"


app = typer.Typer()


@app.command("completion")
def completion(
    shell: Annotated[Shell, typer.Argument(help="The shell: bash, zsh or fish.")],
) -> None:
    """Print the script that makes a shell complete pcrcode's commands and values.

    Tab then completes commands, options, choices and, read from the project at hand,
    interview ids, code ids, families, coders and structures. Install it once (README, "Shell
    completion"): bash, into ~/.local/share/bash-completion/completions/pcrcode; zsh, into a
    file that ~/.zshrc sources after compinit; fish, into ~/.config/fish/completions/.

    Example: pcrcode completion fish > ~/.config/fish/completions/pcrcode.fish
    """
    from typer._completion_shared import get_completion_script

    script = get_completion_script(prog_name=PROG, complete_var=COMPLETE_VAR, shell=shell.value)
    typer.echo(script)


def answer(group: Any, ctx_args: MutableMapping[str, Any], instruction: str) -> int:
    """Answer a shell: ``complete_bash`` as the scripts above ask (Typer's spelling), or Click's
    own ``bash_complete``; the completions go to stdout, the result is the exit code."""
    from typer._completion_classes import completion_init
    from typer.completion import shell_complete

    shell, _, action = instruction.partition("_")
    if shell in Shell.__members__:  # Click's order: SHELL_ACTION
        instruction = f"{action}_{shell}"
    completion_init()  # Typer's shell classes (left out with add_completion=False)
    _help_as_written()
    return shell_complete(group, ctx_args, PROG, COMPLETE_VAR, instruction)


def _help_as_written() -> None:
    """Typer's zsh and fish answers, the help beside each command and option shown as written:
    Typer first renders it with Rich (for markup pcrcode's help does not use), which costs more
    than the rest of a Tab (0.2 s instead of 0.08)."""
    from typer._click.shell_completion import CompletionItem, add_completion_class
    from typer._completion_classes import FishComplete, ZshComplete

    class Zsh(ZshComplete):
        def format_completion(self, item: CompletionItem) -> str:
            if not item.help:
                return super().format_completion(item)
            value, help_ = (_zsh_escape(str(text)) for text in (item.value, item.help))
            return f'"{value}":"{help_}"'

    class Fish(FishComplete):
        def format_completion(self, item: CompletionItem) -> str:
            if not item.help:
                return super().format_completion(item)
            return f"{item.value}\t{' '.join(item.help.split())}"

    add_completion_class(Zsh, Shell.zsh.value)
    add_completion_class(Fish, Shell.fish.value)


def _zsh_escape(text: str) -> str:
    # As Typer's ZshComplete escapes, for the `_arguments '*: :(("value":"help"))'` it answers.
    for char, escaped in (('"', '""'), ("'", "''"), ("$", "\\$"), ("`", "\\`"), (":", r"\\:")):
        text = text.replace(char, escaped)
    return text


def root_completions(group: Any, ctx: Any, incomplete: str) -> list[Any]:
    """After ``pcrcode``: the commands of the table with their summaries (building each one to
    read its help would import every command module), then the root's options."""
    from typer._click.shell_completion import CompletionItem  # the Click Typer bundles
    from typer.core import TyperGroup

    from pcrcode.cli import COMMANDS

    options = super(TyperGroup, group).shell_complete(ctx, incomplete)  # names of options
    names = [] if incomplete.startswith("-") else [n for n in COMMANDS if n.startswith(incomplete)]
    return [*(CompletionItem(name, help=COMMANDS[name][1]) for name in names), *options]
