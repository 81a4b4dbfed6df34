"""The workbench app (Textual) driven headless by its pilot: every key, and pinned screenshots.

Screenshots are SVG files under tests/golden/workbench/ (Textual pinned in pyproject.toml, so
they are stable); PCRCODE_UPDATE_GOLDEN=1 rewrites them, and the README shows one of them.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from pcrcode.cli.workbench.app import KEYS, HelpScreen, WorkbenchApp
from pcrcode.cli.workbench.turns import wrap_offsets
from pcrcode.coding.workbench_state import Workbench
from tests.golden import assert_golden
from tests.test_span import SEG4

Script = Callable[[WorkbenchApp, Pilot[None]], Awaitable[None]]


def drive(bench: Workbench, script: Script, size: tuple[int, int] = (80, 24)) -> WorkbenchApp:
    app = WorkbenchApp(bench)

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await script(app, pilot)

    asyncio.run(main())
    return app


def records(root: Path, coder: str = "zoe") -> list[dict[str, object]]:
    path = root / "codings" / coder / "epicerie.yaml"
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line[2:]) for line in lines if line.startswith("- {")]


def status(app: WorkbenchApp) -> str:
    return str(app.query_one("#status", Static).render())


def test_wrap_offsets_cover_the_text() -> None:
    lines = wrap_offsets(SEG4, 30)
    assert all(b - a <= 30 for a, b in lines)
    words = " ".join(SEG4[a:b] for a, b in lines if b > a).split()
    assert words == SEG4.split()  # nothing lost, nothing repeated


def test_move_select_code_undo_redo(small: Path) -> None:
    bench = Workbench(small, "epicerie", "zoe")

    async def script(app: WorkbenchApp, pilot: Pilot[None]) -> None:
        await pilot.press("j")
        assert bench.number == 2  # the interviewer's turn 3 is skipped
        await pilot.press("j")
        assert bench.number == 4
        await pilot.press("k")
        assert bench.number == 2
        await pilot.press("j", "s", "s")
        assert bench.selection is not None
        assert SEG4[slice(*bench.selection)] == "Enfin, on se croise."
        await pilot.press("colon", *"part", "enter")
        assert app.message == "+ forme/partenariat on «Enfin, on se croise.»"
        assert status(app) == "zoe · turn 4/6 · 1/6 coded · saved · skip Camille"
        assert [r["quote"] for r in records(small)] == ["Enfin, on se croise."]
        await pilot.press("ctrl+z")
        assert app.message.startswith("undone:")
        assert records(small) == []
        await pilot.press("ctrl+y")
        assert len(records(small)) == 1
        await pilot.press("q")

    app = drive(bench, script)
    assert app.return_code == 0


def test_selection_keys(small: Path) -> None:
    bench = Workbench(small, "epicerie", "zoe", start=4)

    async def script(app: WorkbenchApp, pilot: Pilot[None]) -> None:
        def selected() -> str:
            assert bench.selection is not None
            return SEG4[slice(*bench.selection)]

        await pilot.press("w")
        assert selected() == "Le"
        await pilot.press("e")
        assert selected() == "Le local"
        await pilot.press("E")
        assert selected() == "Le"
        await pilot.press("w", "W")
        assert selected() == "Le"
        await pilot.press("escape", "s", "x")
        assert selected().startswith("Le local") and selected().endswith("se croise.")
        await pilot.press("X")
        assert selected().endswith("son truc.")
        await pilot.press("s", "S")
        assert selected().startswith("Le local")
        await pilot.press("escape")
        assert bench.selection is None

    drive(bench, script)


def test_command_bar_keys(small: Path) -> None:
    bench = Workbench(small, "epicerie", "zoe", start=2)

    async def script(app: WorkbenchApp, pilot: Pilot[None]) -> None:
        bar = app.query_one("#bar", Input)
        await pilot.press("c", *"mut", "enter")
        assert app.message == "+ forme/mutualisation on turn 2"
        await pilot.press("m")
        assert bar.has_focus and bar.value == "m "
        await pilot.press(*"vu", "enter")
        assert app.message == "memo on 1 coding(s)"
        await pilot.press("minus")
        assert bar.value == "-"
        await pilot.press(*"mut", "enter")
        assert app.message == "- forme/mutualisation"
        await pilot.press("enter", *"zzz", "enter")
        assert app.message.startswith("unknown code 'zzz'")
        await pilot.press("colon", "escape")
        assert not bar.has_focus and bar.value == ""
        await pilot.press("colon", *"q", "enter")

    app = drive(bench, script)
    assert app.return_code == 0
    assert records(small) == []


def test_search_uncoded_code_and_skip_keys(small: Path) -> None:
    bench = Workbench(small, "epicerie", "camille")  # camille coded 2, 4, 6

    async def script(app: WorkbenchApp, pilot: Pilot[None]) -> None:
        await pilot.press("slash", *"on se", "enter")
        assert bench.number == 2  # "on se passe les infos"
        await pilot.press("n")
        assert bench.number == 4
        await pilot.press("N")
        assert bench.number == 2
        await pilot.press("u")
        assert app.message == "no other turn uncoded"  # 1, 3, 5 are Camille's
        await pilot.press("i")
        assert app.message == "showing Camille"
        await pilot.press("u")
        assert bench.number == 3
        await pilot.press("greater_than_sign", *"affin", "enter")
        assert bench.number == 6
        await pilot.press("g")
        assert bench.number == 1
        await pilot.press("G")
        assert bench.number == 6

    drive(bench, script)


def test_page_keys_scroll_a_long_turn(small: Path) -> None:
    path = small / "interviews" / "epicerie.md"
    long_turn = " ".join(f"Phrase numéro {n} du long tour." for n in range(200))
    path.write_text(path.read_text(encoding="utf-8") + f"\n**Léa:** {long_turn}\n", "utf-8")
    bench = Workbench(small, "epicerie", "zoe", start=7)

    async def script(app: WorkbenchApp, pilot: Pilot[None]) -> None:
        scroll = app.query_one("#transcript")
        top = scroll.scroll_y
        await pilot.press("space")
        await pilot.pause()
        assert scroll.scroll_y > top
        await pilot.press("b")
        await pilot.pause()
        assert scroll.scroll_y == top
        assert bench.number == 7  # paging reads, it does not move the current turn

    drive(bench, script)


def test_tree_definition_compare_and_adjudication_keys(small: Path) -> None:
    bench = Workbench(small, "epicerie", "camille", compare="yanis", into="consensus")

    async def script(app: WorkbenchApp, pilot: Pilot[None]) -> None:
        await pilot.press("t")
        assert app.query_one("#side").display
        await pilot.press("down", "down", "enter")  # the first code of the first family
        definition = str(app.query_one("#definition", Static).render())
        assert definition.startswith("forme/echange-informations — Échange d'informations")
        assert "When to use: Partage de pratiques." in definition
        await pilot.press("t")
        await pilot.press("d")
        assert bench.number == 2
        await pilot.press("2")
        assert app.message == "consensus ← yanis on turn 2"
        await pilot.press("d", "1")
        assert app.message == "consensus ← camille on turn 4"
        assert {r["segment"] for r in records(small, "consensus")} == {2, 4}
        await pilot.press("v")
        assert bench.compare is None
        await pilot.press("v")
        assert bench.compare == "yanis"

    drive(bench, script)


def test_help_lists_every_key(small: Path) -> None:
    bench = Workbench(small, "epicerie", "zoe")

    async def script(app: WorkbenchApp, pilot: Pilot[None]) -> None:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = str(app.screen.query_one("#help-text", Static).render())
        for keys, what in KEYS:
            assert what in shown and keys in shown
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)

    drive(bench, script)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_screenshots(example: Path, size: tuple[int, int]) -> None:
    bench = Workbench(example, "jardins-du-drac", "camille", compare="yanis", start=4)

    async def script(app: WorkbenchApp, pilot: Pilot[None]) -> None:
        await pilot.press("s")
        await pilot.pause()
        assert_golden(f"workbench/compare-{size[0]}x{size[1]}.svg", app.export_screenshot())

    drive(bench, script, size)


def test_code_opens_the_workbench_only_at_a_terminal(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pcrcode.cli import session
    from pcrcode.cli.workbench import run
    from tests.conftest import run_cli

    opened: list[tuple[str, str, str | None]] = []

    def fake(
        root: Path, interview: str, coder: str, *, compare: str | None = None, **kw: object
    ) -> None:
        opened.append((interview, coder, compare))

    monkeypatch.setattr(run, "run_workbench", fake)
    monkeypatch.setattr(session, "_terminal", lambda: True)
    got = run_cli(["code", "epicerie", "--coder", "zoe", "--compare", "yanis"], cwd=small)
    assert (got.exit_code, got.stdout, got.stderr) == (0, "", "")
    assert opened == [("epicerie", "zoe", "yanis")]
    # --plain keeps the line session even at a terminal
    got = run_cli(["code", "epicerie", "--coder", "zoe", "--plain"], cwd=small, input="q\n")
    assert got.exit_code == 0 and got.stdout.startswith("epicerie · 2026-03-02 · 6 segments")
    assert len(opened) == 1


def test_workbench_options_in_a_pipe_are_refused(small: Path) -> None:
    from tests.conftest import run_cli, snapshot

    before = snapshot(small)
    got = run_cli(["code", "epicerie", "--coder", "zoe", "--compare", "yanis"], cwd=small, input="")
    assert (got.exit_code, got.stdout) == (2, "")
    assert got.stderr == (
        "pcrcode: error: --compare, --into and --skip-speaker belong to the workbench: run in a "
        "terminal, without --plain\n"
    )
    assert snapshot(small) == before


def test_codebook_colours_colour_the_stripes(small: Path) -> None:
    from pcrcode.cli.workbench.turns import code_colour, family_colours
    from tests.conftest import run_cli

    path = small / "codebook.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("    label: Logique\n", "    label: Logique\n    color: '#ff8800'\n")
    text = text.replace(
        "  - id: portee/intra-sectorielle\n", "  - id: portee/intra-sectorielle\n    color: red\n"
    )
    path.write_text(text, encoding="utf-8")
    bench = Workbench(small, "epicerie", "zoe")
    colours = family_colours(bench)
    assert colours["logique"] == "#ff8800"
    assert code_colour(bench, colours, "logique/territoriale") == "#ff8800"
    assert code_colour(bench, colours, "portee/intra-sectorielle") == "red"
    assert code_colour(bench, colours, "portee/inter-sectorielle") == colours["portee"] != "red"
    path.write_text(text.replace("'#ff8800'", "'orange!'"), encoding="utf-8")
    got = run_cli(["check"], cwd=small)
    assert got.exit_code == 1
    assert "bad color 'orange!': write a colour name (green, bright_blue) or #rrggbb" in got.stdout
