"""The workbench's Textual app: the transcript, a code tree, a status line and a command bar.

A thin layer: each key calls one method of :class:`pcrcode.coding.workbench_state.Workbench` and
redraws; the state's errors are shown in the status line, never raised.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static, Tree
from textual.widgets.tree import TreeNode

from pcrcode.cli.common import error_message
from pcrcode.cli.workbench.turns import Transcript, TurnClicked, code_colour, family_colours
from pcrcode.coding.workbench_state import Workbench
from pcrcode.errors import PcrcodeError
from pcrcode.model import Code

# (keys, what they do): the ? screen and the README list these.
KEYS = (
    ("j ↓ / k ↑", "next / previous turn"),
    ("space pgdn / b pgup", "scroll a page down / up (long turns)"),
    ("g / G", "first / last turn"),
    ("s / S", "select the next / previous sentence"),
    ("w / W", "select the next / previous word"),
    ("x / X", "extend / shrink the selection by a sentence"),
    ("e / E", "extend / shrink the selection by a word"),
    ("esc", "select the whole turn again"),
    (": or enter", "command bar: CODE, CODE, -CODE, m TEXT, g N, q"),
    ("c / - / m", "command bar starting with a code / -CODE / m memo"),
    ("ctrl+z / ctrl+y", "undo / redo (every change of the session)"),
    ("/ then n / N", "search; next / previous hit"),
    ("u", "next uncoded turn"),
    (">", "next turn with a code (type its prefix)"),
    ("i", "skip the interviewer's turns or not"),
    ("t", "show or hide the code tree (enter: definition)"),
    ("v", "show or hide the compared coder"),
    ("d", "next turn where the two coders differ"),
    ("1 / 2", "accept my / their codes of the turn into --into"),
    ("?", "this help"),
    ("q", "quit (everything is already saved)"),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark", "dismiss", "close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 76; max-height: 22; border: round $accent;
        background: $surface; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        text = Text()
        for keys, what in KEYS:
            text.append(f"{keys:<21}", style="bold")
            text.append(what + "\n")
        text.append("esc closes this help", style="dim")
        with VerticalScroll():
            yield Static(text, id="help-text")


class WorkbenchApp(App[None]):
    TITLE = "pcrcode"
    CSS = """
    Screen { layout: vertical; }
    #main { height: 1fr; }
    #transcript { width: 1fr; }
    #side { width: 36; display: none; border-left: solid $primary; }
    #side.shown { display: block; }
    #tree { height: 2fr; }
    #definition { height: 1fr; padding: 0 1; overflow-y: auto; }
    #status { height: 1; background: $primary; color: $text; padding: 0 1; }
    #message { height: 1; padding: 0 1; }
    #bar { height: 1; border: none; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+z", "undo", "undo", priority=True),
        Binding("ctrl+y", "redo", "redo", priority=True),
        Binding("j,down", "step(1)", "next", show=False),
        Binding("k,up", "step(-1)", "previous", show=False),
        Binding("space,pagedown", "page(1)", "page down", show=False),
        Binding("b,pageup", "page(-1)", "page up", show=False),
        Binding("g,home", "first", show=False),
        Binding("G,end", "last", show=False),
        Binding("s", "select('sentence', 1)", show=False),
        Binding("S", "select('sentence', -1)", show=False),
        Binding("w", "select('word', 1)", show=False),
        Binding("W", "select('word', -1)", show=False),
        Binding("x", "extend('sentence', 1)", show=False),
        Binding("X", "extend('sentence', -1)", show=False),
        Binding("e", "extend('word', 1)", show=False),
        Binding("E", "extend('word', -1)", show=False),
        Binding("escape", "clear", show=False),
        Binding("colon,enter", "bar('')", "command", show=False),
        Binding("c", "bar('')", show=False),
        Binding("minus", "bar('-')", show=False),
        Binding("m", "bar('m ')", show=False),
        Binding("slash", "bar('/')", show=False),
        Binding("greater_than_sign", "bar('>')", show=False),
        Binding("n", "search(False)", show=False),
        Binding("N", "search(True)", show=False),
        Binding("u", "uncoded", show=False),
        Binding("i", "skipping", show=False),
        Binding("t", "tree", show=False),
        Binding("v", "compare", show=False),
        Binding("d", "disagreement", show=False),
        Binding("1", "accept('mine')", show=False),
        Binding("2", "accept('theirs')", show=False),
        Binding("question_mark", "help", show=False),
        Binding("q", "quit", show=False),
    ]

    def __init__(self, bench: Workbench) -> None:
        super().__init__()
        self.bench = bench
        self.compare = bench.compare
        self.message = ""
        self.nodes: dict[str, TreeNode[str]] = {}

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield Transcript(self.bench)
            with Vertical(id="side"):
                yield self._tree()
                yield Static("", id="definition")
        yield Static("", id="message")
        yield Input(id="bar", placeholder="code, -code, m memo, /search, q", select_on_focus=False)
        yield Static("", id="status")

    def on_mount(self) -> None:
        self.query_one("#transcript").focus()
        self._show(f"{self.bench.interview.id}: ? lists the keys, : opens the command bar")
        self.call_after_refresh(self._to_current)

    # -- drawing ------------------------------------------------------------------------------

    def _tree(self) -> Tree[str]:
        bench = self.bench
        tree: Tree[str] = Tree("codebook", id="tree")
        tree.show_root = False
        for fid in bench.codebook.families:
            self.nodes[fid] = tree.root.add(fid, data=fid, expand=True)
        for code in bench.codebook.codes.values():
            parent = self.nodes.get(code.parent or "") or self.nodes.get(code.family)
            if parent is not None:
                self.nodes[code.id] = parent.add(code.id, data=code.id, expand=True)
        self._label_tree()
        return tree

    def _label_tree(self) -> None:
        """Each node: its last id part, its colour, how many codings it (and below) has."""
        bench = self.bench
        counts = bench.counts()
        colours = family_colours(bench)
        for key, node in self.nodes.items():
            leaf = key.split("/")[-1]
            node.set_label(
                Text(
                    f"{leaf} ({counts.get(key, 0)})",
                    style=code_colour(bench, colours, key) if "/" in key else colours.get(key, ""),
                )
            )

    def _show(self, message: str, error: bool = False) -> None:
        self.message = message
        # one line: a long message ends with … rather than losing its end to the next line
        text = Text(" ".join(message.split()), style="bold red" if error else "", no_wrap=True)
        text.overflow = "ellipsis"
        self.query_one("#message", Static).update(text)
        self.query_one("#status", Static).update(Text(self.bench.status()))

    def _redraw(self, numbers: set[int] | None = None) -> None:
        if numbers is not None:
            numbers |= self.bench.touched
        self.bench.touched.clear()
        self.query_one(Transcript).rebuild(numbers)

    def _to_current(self) -> None:
        self.query_one(Transcript).show_turn(self.bench.number)

    @on(TurnClicked)
    def _clicked(self, event: TurnClicked) -> None:
        self._run(lambda: self.bench.go(event.number), follow=False)

    def _run(
        self, action: Callable[[], str], *, follow: bool = True, changes: bool = False
    ) -> None:
        """Call the state, show its message (or its error), redraw what may have changed."""
        before = self.bench.number
        try:
            message = action()
        except PcrcodeError as exc:
            self._show(error_message(exc), error=True)
            return
        self._redraw({before, self.bench.number})
        if changes:
            self._refresh_tree()
        self._show(message)
        if follow and self.bench.number != before:
            self._to_current()

    def _refresh_tree(self) -> None:
        if self.query_one("#side", Vertical).has_class("shown"):
            self._label_tree()  # else when it is shown: relabelling costs a layout

    # -- actions ------------------------------------------------------------------------------

    def action_step(self, delta: int) -> None:
        self._run(lambda: self.bench.step(delta))

    def action_page(self, delta: int) -> None:
        scroll = self.query_one(Transcript)
        if delta > 0:
            scroll.scroll_page_down(animate=False)
        else:
            scroll.scroll_page_up(animate=False)

    def action_first(self) -> None:
        self._run(lambda: self.bench.go(1))

    def action_last(self) -> None:
        self._run(lambda: self.bench.go(self.bench.count))

    def action_select(self, unit: str, delta: int) -> None:
        self._run(lambda: self.bench.select(unit, delta))

    def action_extend(self, unit: str, delta: int) -> None:
        self._run(lambda: self.bench.extend(unit, delta))

    def action_clear(self) -> None:
        self._run(self.bench.clear_selection)

    def action_bar(self, start: str) -> None:
        bar = self.query_one("#bar", Input)
        bar.value = start
        bar.cursor_position = len(start)
        bar.focus()

    @on(Input.Submitted, "#bar")
    def _submitted(self, event: Input.Submitted) -> None:
        bar = self.query_one("#bar", Input)
        bar.value = ""
        self.query_one("#transcript").focus()
        line = event.value.strip()
        if line.startswith("?") and len(line) > 1:
            self._define(line[1:].strip())
            return
        done = False

        def run() -> str:
            nonlocal done
            message, done = self.bench.command(line)
            return message

        self._run(run, changes=True)
        if done:
            self.exit()

    def on_key(self, event: object) -> None:
        key = getattr(event, "key", "")
        bar = self.query_one("#bar", Input)
        if key == "escape" and bar.has_focus:
            bar.value = ""
            self.query_one("#transcript").focus()

    def action_undo(self) -> None:
        self._run(self.bench.undo, changes=True)

    def action_redo(self) -> None:
        self._run(self.bench.redo, changes=True)

    def action_search(self, back: bool) -> None:
        self._run(lambda: self.bench.search("", back=back))

    def action_uncoded(self) -> None:
        self._run(self.bench.next_uncoded)

    def action_skipping(self) -> None:
        self._run(self.bench.toggle_skipping)
        self._redraw()

    def action_tree(self) -> None:
        side = self.query_one("#side", Vertical)
        side.toggle_class("shown")
        if side.has_class("shown"):
            self._label_tree()
            self.query_one("#tree", Tree).focus()
        else:
            self.query_one("#transcript").focus()

    @on(Tree.NodeSelected)
    def _node(self, event: Tree.NodeSelected[str]) -> None:
        if event.node.data:
            self._define(event.node.data)

    def _define(self, ref: str) -> None:
        bench = self.bench
        if ref in bench.codebook.families:
            fam = bench.codebook.families[ref]
            text = Text(f"{fam.id} — {fam.label}\n", style="bold")
            text.append(fam.definition)
        else:
            try:
                text = definition(bench.resolve(ref, codable=False))
            except PcrcodeError as exc:
                self._show(error_message(exc), error=True)
                return
        self.query_one("#side", Vertical).add_class("shown")
        self.query_one("#definition", Static).update(text)
        self._show(f"definition of {ref}")

    def action_compare(self) -> None:
        if not self.compare:
            self._show("compare with another coder: pcrcode code ID --compare NAME", error=True)
            return
        self.bench.compare = None if self.bench.compare else self.compare
        self._redraw()
        self._show(f"comparing with {self.bench.compare}" if self.bench.compare else "my codes")

    def action_disagreement(self) -> None:
        self._run(self.bench.next_disagreement)

    def action_accept(self, side: str) -> None:
        self._run(lambda: self.bench.accept(side), changes=True)

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        self.exit()


def definition(code: Code) -> Text:
    """A code's entry: label, then when to use it, when not, an example (those declared)."""
    text = Text(f"{code.id} — {code.label}", style="bold")
    for title, body in (
        ("", code.short),
        ("Definition", code.definition),
        ("When to use", code.when_to_use),
        ("When not to use", code.when_not_to_use),
        ("Example", code.example),
    ):
        if body:
            text.append("\n")
            if title:
                text.append(f"{title}: ", style="bold")
            text.append(body)
    if not code.codable:
        text.append("\n(groups other codes: use a child)", style="dim")
    return text
