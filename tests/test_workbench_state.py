"""The workbench's pure state (:mod:`pcrcode.coding.workbench_state`), without Textual."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pcrcode.coding.workbench_state import Workbench, sentences, words
from pcrcode.errors import ConflictError, PcrcodeError, UsageError
from tests.conftest import run_cli, snapshot
from tests.test_span import SEG4


def records(root: Path, coder: str, interview: str = "epicerie") -> list[dict[str, object]]:
    path = root / "codings" / coder / f"{interview}.yaml"
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line[2:]) for line in lines if line.startswith("- {")]


def test_sentences_and_words() -> None:
    text = "Oui. Le local, on le partage ! Et puis… voilà"
    assert [text[a:b] for a, b in sentences(text)] == [
        "Oui.",
        "Le local, on le partage !",
        "Et puis… voilà",  # a pause: "voilà" does not start a sentence
    ]
    assert [("l’atelier vélo-cargo")[a:b] for a, b in words("l’atelier vélo-cargo")] == [
        "l’atelier",
        "vélo-cargo",
    ]


def test_opening_state(small: Path) -> None:
    wb = Workbench(small, "epicerie", "zoe")
    assert (wb.number, wb.count, wb.selection) == (1, 6, None)
    assert wb.skip == {"Camille"}  # the front matter's interviewer
    assert wb.status() == "zoe · turn 1/6 · 0/6 coded · saved · skip Camille"


def test_navigation_skips_the_interviewer(small: Path) -> None:
    wb = Workbench(small, "epicerie", "zoe")
    wb.step(1)
    assert wb.number == 2  # Léa
    wb.step(1)
    assert wb.number == 4  # turn 3 is Camille's
    wb.toggle_skipping()
    wb.step(-1)
    assert wb.number == 3
    assert wb.step(-1) == "turn 2"
    wb.go(1)
    assert wb.step(-1) == "first turn"
    with pytest.raises(UsageError, match="turns 1-6, not 9"):
        wb.go(9)


def test_next_uncoded_and_next_with_code(small: Path) -> None:
    wb = Workbench(small, "epicerie", "camille")  # camille coded 2, 4 and 6
    assert wb.number == 1
    with pytest.raises(UsageError, match="no other turn uncoded"):
        wb.next_uncoded()  # 1, 3, 5 are uncoded but the interviewer's
    wb.toggle_skipping()
    wb.next_uncoded()
    assert wb.number == 3
    wb.next_with_code("territ")
    assert wb.number == 4
    wb.next_with_code("forme")  # a family prefix names its codes
    assert wb.number == 2


def test_search_selects_the_hit(small: Path) -> None:
    wb = Workbench(small, "epicerie", "zoe")
    wb.search("la fete")  # accents need not be typed
    assert wb.number == 4
    assert wb.selection is not None
    assert SEG4[wb.selection[0] : wb.selection[1]] == "la fête"
    with pytest.raises(UsageError, match="no other turn containing garage"):
        wb.search("garage")


def test_select_sentence_apply_undo_redo(small: Path) -> None:
    wb = Workbench(small, "epicerie", "zoe", start=4)
    assert (
        wb.select("sentence")
        == "selected «Le local, on le partage avec l'atelier vélo [/] mais chacun…»"
    )
    wb.select("sentence")
    assert wb.selection is not None and SEG4[slice(*wb.selection)] == "Enfin, on se croise."
    wb.extend("sentence")
    assert (
        SEG4[slice(*wb.selection)]
        == "Enfin, on se croise.\n\nEt puis on a fait la fête de quartier ensemble, pour les "
        "gens d'ici."
    )
    wb.extend("sentence", -1)
    assert SEG4[slice(*wb.selection)] == "Enfin, on se croise."
    assert wb.command("part")[0] == "+ forme/partenariat on «Enfin, on se croise.»"
    [rec] = records(small, "zoe")
    start = SEG4.index("Enfin")
    assert (rec["start"], rec["end"], rec["quote"]) == (start, start + 20, "Enfin, on se croise.")
    assert wb.status() == "zoe · turn 4/6 · 1/6 coded · saved · skip Camille"
    assert wb.undo() == "undone: + forme/partenariat on «Enfin, on se croise.»"
    assert records(small, "zoe") == []
    assert wb.redo().startswith("redone: + forme/partenariat")
    assert len(records(small, "zoe")) == 1
    with pytest.raises(UsageError, match="nothing to redo"):
        wb.redo()


def test_words_extend(small: Path) -> None:
    wb = Workbench(small, "epicerie", "zoe", start=4)
    wb.select("word")
    wb.extend("word")
    assert wb.selection is not None and SEG4[slice(*wb.selection)] == "Le local"
    wb.select("word")
    assert wb.selection is not None and SEG4[slice(*wb.selection)] == "on"
    wb.select("word", -1)
    assert wb.selection is not None and SEG4[slice(*wb.selection)] == "local"
    assert wb.clear_selection() == "whole turn"


def test_remove_takes_only_the_whole_turn_coding(small: Path) -> None:
    wb = Workbench(small, "epicerie", "yanis", start=4)
    # yanis has forme/partenariat on a span of turn 4, not on the whole turn
    with pytest.raises(UsageError, match="it is on a span: select it first"):
        wb.command("-forme/partenariat")
    wb.command("forme/partenariat")  # now on the whole turn too
    assert wb.command("-forme/partenariat")[0] == "- forme/partenariat"
    left = [
        r for r in records(small, "yanis") if r["segment"] == 4 and r["code"] == "forme/partenariat"
    ]
    assert [r["quote"] for r in left] == ["on a fait la fête de quartier ensemble"]


def test_label_words_and_several_codes(small: Path) -> None:
    wb = Workbench(small, "epicerie", "zoe", start=2)
    assert wb.command("reseau affin")[0] == "+ logique/reseau/affinitaire on turn 2"
    assert wb.command("mut, territ")[0] == "+ forme/mutualisation, logique/territoriale on turn 2"
    assert wb.command("mut")[0] == "already applied: nothing changed"
    assert wb.command("q") == ("quit", True)
    assert wb.counts()["logique"] == 2


def test_memo_on_the_turns_codings(small: Path) -> None:
    wb = Workbench(small, "epicerie", "zoe", start=2)
    with pytest.raises(UsageError, match="code the turn"):
        wb.command("m une note")
    wb.command("mut")
    assert wb.command("m une note")[0] == "memo on 1 coding(s)"
    assert records(small, "zoe")[0]["memo"] == "une note"
    wb.undo()
    assert "memo" not in records(small, "zoe")[0]


def test_bad_commands_write_nothing(small: Path) -> None:
    before = snapshot(small)
    wb = Workbench(small, "epicerie", "zoe", start=2)
    for line in ("zzz", "-mut", "sect", "forme", "g 99", "m "):
        with pytest.raises(PcrcodeError):
            wb.command(line)
    assert snapshot(small) == before


def test_undo_refuses_when_the_file_changed(small: Path) -> None:
    wb = Workbench(small, "epicerie", "zoe", start=2)
    wb.command("mut")
    run = run_cli(["tag", "epicerie", "2", "forme/partenariat", "--coder", "zoe"], cwd=small)
    assert run.exit_code == 0
    before = snapshot(small)
    with pytest.raises(ConflictError, match="changed since it was read"):
        wb.undo()
    assert snapshot(small) == before


def test_adjudication(small: Path) -> None:
    wb = Workbench(small, "epicerie", "camille", compare="yanis", into="consensus")
    assert wb.disagreements() == [2, 4, 6]
    wb.next_disagreement()
    assert wb.number == 2
    assert wb.accept("theirs") == "consensus ← yanis on turn 2"
    wb.next_disagreement()
    assert wb.number == 4
    wb.accept("mine")
    got = sorted((r["segment"], r["code"]) for r in records(small, "consensus"))
    assert got == [
        (2, "forme/echange-informations"),
        (2, "objet/information-competences"),
        (4, "forme/partenariat"),
        (4, "logique/territoriale"),
        (4, "objet/immobilier"),
        (4, "portee/inter-sectorielle"),
    ]
    wb.undo()
    wb.undo()
    assert records(small, "consensus") == []


def test_into_needs_compare(small: Path) -> None:
    with pytest.raises(
        UsageError, match="adjudication needs two coders: name the one to compare with too"
    ):
        Workbench(small, "epicerie", "zoe", into="consensus")


def test_interviewer_named_in_full_skips_the_first_name_speaker(example: Path) -> None:
    # jardins-du-drac: "interviewer: Camille Arnaud", turns by "Camille"
    wb = Workbench(example, "jardins-du-drac", "zoe", skip_speakers=["Martine"])
    assert wb.skipped_speakers == {"Camille", "Martine"}
    wb.toggle_skipping()
    wb2 = Workbench(example, "jardins-du-drac", "zoe")
    assert wb2.skipped_speakers == {"Camille"}
    assert wb2.step(1) == "turn 2"  # Martine's
    assert wb2.interview.turns[1].speaker == "Martine"


def test_a_pause_is_not_the_end_of_a_sentence() -> None:
    text = "Ben... avec beaucoup de monde. Enfin, non."
    assert [text[a:b] for a, b in sentences(text)] == [
        "Ben... avec beaucoup de monde.",
        "Enfin, non.",
    ]
