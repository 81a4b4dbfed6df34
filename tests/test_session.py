"""``pcrcode code``: the interactive session, driven by scripted input, and its pure core."""

from __future__ import annotations

import builtins
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from pcrcode.coding.session import CodingSession, match_codes, resolve_ref
from pcrcode.files.codebook import load_codebook
from tests.conftest import ROOT, run_cli, snapshot
from tests.golden import assert_golden


def records(path: Path) -> list[dict[str, object]]:
    return [
        json.loads(line[2:])
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("- {")
    ]


def session(small: Path, script: list[str], *args: str) -> tuple[int, str, str]:
    run = run_cli(["code", *args], cwd=small, input="".join(f"{line}\n" for line in script))
    assert run.exception is None
    return run.exit_code, run.stdout, run.stderr


def test_scripted_session(small: Path) -> None:
    script = [
        "mut",  # a unique prefix of a path part
        "sect",  # ambiguous: intra- and inter-sectorielle
        "mutualisaton",  # unknown: the closest id
        "logique/reseau",  # not codable: its children
        "res, intra",  # two codes at once
        "m Le local, pas encore.",  # memo on the two codes just added
        "-mut",  # remove, by prefix among the codes applied
        "",  # Enter: next
        'part "la fête de quartier"',  # a span of the turn
        'mut "le garage"',  # a quote not in the turn
        "p",
        "n",
        "n",
        "n",
        "n",  # previous, then past the end
        "g 9",
        "g 1",
        "? mut",
        "q",
    ]
    code, out, err = session(small, script, "epicerie", "--coder", "zoe", "--from", "3")
    assert (code, err) == (0, "")
    assert_golden("session/scripted.txt", out)
    assert max(len(line) for line in out.splitlines()) <= 80
    assert out.endswith("zoe on epicerie: 4 coding(s) added, 1 removed, 1 memo(s); all saved.\n")
    got = [
        (r["segment"], r["code"], r.get("quote"), r.get("memo"))
        for r in records(small / "codings" / "zoe" / "epicerie.yaml")
    ]
    assert got == [
        (3, "logique/reseau/affinitaire", None, "Le local, pas encore."),
        (3, "portee/intra-sectorielle", None, "Le local, pas encore."),
        (4, "forme/partenariat", "la fête de quartier", None),
    ]


@pytest.mark.parametrize(
    ("line", "reply"),
    [
        ("sect", "! 'sect' is ambiguous: portee/intra-sectorielle, portee/inter-sectorielle"),
        ("partenairat", "! unknown code 'partenairat'; closest: forme/partenariat"),
        ("cooperation", "! unknown code 'cooperation'; type ? to list the codes"),
        ("zzz", "! unknown code 'zzz'; type ? to list the codes"),
        ("mut zzz", "! unknown code 'zzz'; type ? to list the codes"),  # all or nothing
        ("-mut", "! forme/mutualisation is not applied to this segment"),
        ('part "le garage"', "! the quote 'le garage' is not in the segment"),
        (
            'part "on"',
            "! the quote 'on' occurs more than once in the segment: quote a few more words",
        ),
        ('"la fête"', '! name the code(s) for the quote: CODE "exact words"'),
    ],
)
def test_bad_commands_write_nothing(small: Path, line: str, reply: str) -> None:
    before = snapshot(small)
    s = CodingSession(small, "epicerie", "zoe", start=4)
    result = s.handle(line)
    assert result.text == f"{reply}\n  (nothing saved)"
    assert not result.done
    assert snapshot(small) == before


def test_every_command_is_saved_at_once(small: Path) -> None:
    s = CodingSession(small, "velo", "zoe", start=2)
    path = small / "codings" / "zoe" / "velo.yaml"
    assert s.handle("mut").text == "+ forme/mutualisation\n  ✓ forme/mutualisation (Mutualisation)"
    # on disk before any quit: a crash now loses nothing
    assert [(r["segment"], r["code"]) for r in records(path)] == [(2, "forme/mutualisation")]
    s.handle("m Un camion partagé")
    assert records(path)[0]["memo"] == "Un camion partagé"
    s.handle("-mut")
    assert not path.exists()  # the last coding removed: no file left


def test_end_of_input_ends_the_session(small: Path) -> None:
    code, out, err = session(small, ["immo"], "velo", "--coder", "zoe", "--from", "2")
    assert (code, err) == (0, "")
    assert out.endswith("zoe on velo: 1 coding(s) added, 0 removed, 0 memo(s); all saved.\n")
    assert [r["code"] for r in records(small / "codings" / "zoe" / "velo.yaml")] == [
        "objet/immobilier"
    ]


def test_ctrl_c_keeps_what_was_saved(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def lines() -> Iterator[str]:
        yield "aff"
        raise KeyboardInterrupt

    feed = lines()
    monkeypatch.setattr(builtins, "input", lambda prompt="": next(feed))
    run = run_cli(["code", "epicerie", "--coder", "zoe", "--from", "6"], cwd=small)
    assert run.exit_code == 130
    assert run.stdout.endswith(
        "zoe on epicerie: 1 coding(s) added, 0 removed, 0 memo(s); all saved.\n"
    )
    assert [r["code"] for r in records(small / "codings" / "zoe" / "epicerie.yaml")] == [
        "logique/reseau/affinitaire"
    ]


def test_memo_on_an_uncoded_segment_is_a_segment_memo(small: Path) -> None:
    s = CodingSession(small, "epicerie", "zoe", start=5)
    reply = s.handle("memo Relance polie, rien à coder.")
    [memo_file] = (small / "memos" / "interview" / "epicerie").iterdir()
    assert reply.text.startswith(
        f"memo on segment 5 saved (memos/interview/epicerie/{memo_file.name})\n"
    )
    assert reply.text.endswith("  note (zoe): Relance polie, rien à coder.")
    assert "segment: 5\n" in memo_file.read_text(encoding="utf-8")
    assert s.handle("m").text == "! write the memo after m: m TEXT"


def test_shows_the_coders_codes_spans_and_memos(small: Path) -> None:
    s = CodingSession(small, "epicerie", "yanis", start=4)
    assert s.show_turn() == (
        "── 4/6 · Léa " + "─" * 67 + "\n"
        "Le local, on le partage avec l'atelier vélo [/] mais chacun fait son truc.\n"
        "Enfin, on se croise.\n\n"
        "Et puis on a fait la fête de quartier ensemble, pour les gens d'ici.\n"
        "  ✓ forme/mutualisation (Mutualisation)\n"
        "  ✓ forme/partenariat (Partenariat) «on a fait la fête de quartier ensemble»\n"
        "  ✓ objet/immobilier (Immobilier)\n"
        "  ✓ portee/inter-sectorielle (Inter-sectorielle)"
    )


def test_help_lists_the_codebook(small: Path) -> None:
    s = CodingSession(small, "velo", "zoe")
    text = s.handle("?").text
    assert_golden("session/help.txt", text + "\n")
    assert s.handle("? logique").text == (
        "logique: Logique\n"
        "  logique/reseau              [groups its children] Se regrouper en réseau.\n"
        "  logique/reseau/affinitaire  Le lien social.\n"
        "  logique/territoriale        Répondre aux besoins d'un territoire."
    )
    assert s.handle("?sect").text == (
        "! 'sect' is ambiguous: portee/intra-sectorielle, portee/inter-sectorielle"
    )


def test_reference_matching_on_the_example_codebook() -> None:
    codebook = load_codebook(ROOT)

    def ids(ref: str) -> list[str]:
        return [c.id for c in match_codes(codebook, ref)]

    assert ids("mut") == ["forme/mutualisation"]
    assert ids("forme/mutualisation") == ["forme/mutualisation"]
    assert ids("f/mut") == ["forme/mutualisation"]
    assert ids("aff") == ["logique/reseau/affinitaire"]
    # a non-codable node gives way to its codable children
    assert ids("logique/res") == ["logique/reseau/affinitaire", "logique/reseau/politique"]
    # a word inside a hyphenated part, when no whole part matches
    assert ids("sect") == ["portee/intra-sectorielle", "portee/inter-sectorielle"]
    assert ids("MUT") == ["forme/mutualisation"]
    assert resolve_ref(codebook, "integr").code is not None
    assert resolve_ref(codebook, "int").message == (
        "'int' is ambiguous: forme/integration, portee/intra-sectorielle, portee/inter-sectorielle"
    )


def test_completion(small: Path) -> None:
    s = CodingSession(small, "epicerie", "camille", start=4)
    assert s.complete("forme/") == [
        "forme/echange-informations",
        "forme/partenariat",
        "forme/mutualisation",
    ]
    assert s.complete("mut") == ["forme/mutualisation"]
    assert s.complete("log") == ["logique/reseau/affinitaire", "logique/territoriale"]
    # removal completes among the codes applied to the turn
    assert s.complete("-o") == ["-objet/immobilier"]
    assert s.complete("-") == [
        "-forme/partenariat",
        "-logique/territoriale",
        "-objet/immobilier",
        "-portee/inter-sectorielle",
    ]
    assert s.complete("zzz") == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["epicerie", "--coder", "zoe", "--from", "9"],
            "interviews/epicerie.md: interview 'epicerie' has segments 1-6, not 9",
        ),
        (
            ["epicery", "--coder", "zoe"],
            "unknown interview 'epicery' (did you mean 'epicerie'?); see `pcrcode interviews list`",
        ),
        (
            ["epicerie", "--coder", "Zoé L"],
            "bad coder name 'Zoé L': use a-z, 0-9, - and _, it names a folder (e.g. 'zoe-l')",
        ),
    ],
)
def test_bad_start_says_one_line(small: Path, args: list[str], message: str) -> None:
    before = snapshot(small)
    code, out, err = session(small, ["mut"], *args)
    assert (code, out) == (2, "")
    assert err == f"pcrcode: error: {message}\n"
    assert snapshot(small) == before
