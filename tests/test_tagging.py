"""`pcrcode tag`, `untag` and `codings`: round trips, coder resolution, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pcrcode.cli.tagging import parse_segments
from tests.conftest import Run, run_cli, snapshot


def tag(project: Path, *args: str, coder: str = "alice") -> Run:
    return run_cli(["--project", str(project), "tag", *args, "--coder", coder])


def codings_json(project: Path, *args: str) -> list[dict[str, object]]:
    result = run_cli(["--project", str(project), "codings", "--format", "json", *args])
    assert result.exit_code == 0, result.stderr
    data: list[dict[str, object]] = json.loads(result.stdout)
    return data


def test_tag_then_codings_json_round_trips(small: Path) -> None:
    result = run_cli(
        [
            "--project",
            str(small),
            "tag",
            "velo",
            "2,4",
            "forme/partenariat",
            "logique/territoriale",
            "--coder",
            "alice",
            "--memo",
            "à revoir [sic]",
        ]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == (
        "alice: + forme/partenariat on velo 2\n"
        "alice: + logique/territoriale on velo 2\n"
        "alice: + forme/partenariat on velo 4\n"
        "alice: + logique/territoriale on velo 4\n"
    )
    rows = codings_json(small, "--coder", "alice")
    assert [(r["interview"], r["segment"], r["code"], r["coder"], r["memo"]) for r in rows] == [
        ("velo", 2, "forme/partenariat", "alice", "à revoir [sic]"),
        ("velo", 2, "logique/territoriale", "alice", "à revoir [sic]"),
        ("velo", 4, "forme/partenariat", "alice", "à revoir [sic]"),
        ("velo", 4, "logique/territoriale", "alice", "à revoir [sic]"),
    ]
    from pcrcode.files.transcripts import load_interview
    from pcrcode.model import fingerprint

    turns = load_interview(small, "velo").turns
    assert rows[0]["fp"] == fingerprint(turns[1].text)
    assert rows[2]["fp"] == fingerprint(turns[3].text)
    assert all(str(r["at"]).endswith("Z") for r in rows)
    # The written file is the documented one-coding-a-line layout, and check stays clean.
    text = (small / "codings" / "alice" / "velo.yaml").read_text(encoding="utf-8")
    assert text.count('\n- {"segment": ') == 4
    check = run_cli(["--project", str(small), "check"])
    assert (check.exit_code, check.stdout) == (0, "")


def test_untag_removes_and_round_trips(small: Path) -> None:
    tag(small, "velo", "2-4", "forme/partenariat")
    result = run_cli(
        ["--project", str(small), "untag", "velo", "3", "forme/partenariat", "--coder", "alice"]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "alice: - forme/partenariat on velo 3\n"
    rows = codings_json(small, "--coder", "alice")
    assert [r["segment"] for r in rows] == [2, 4]
    run_cli(
        ["--project", str(small), "untag", "velo", "2,4", "forme/partenariat", "--coder", "alice"]
    )
    assert not (small / "codings" / "alice" / "velo.yaml").exists()


def test_tagging_twice_changes_nothing(small: Path) -> None:
    tag(small, "velo", "2", "forme/partenariat")
    before = snapshot(small)
    result = tag(small, "velo", "2", "forme/partenariat")
    assert result.exit_code == 0
    assert result.stderr == "alice: already coded, nothing changed\n"
    assert snapshot(small) == before


def test_coder_from_environment_then_git(small: Path, tmp_path: Path) -> None:
    result = run_cli(
        ["--project", str(small), "tag", "velo", "2", "forme/partenariat"],
        env={"PCRCODE_CODER": "emilie"},
    )
    assert result.exit_code == 0, result.stderr
    assert (small / "codings" / "emilie" / "velo.yaml").exists()
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text("[user]\n\tname = Émilie Durand\n", encoding="utf-8")
    result = run_cli(
        ["--project", str(small), "tag", "velo", "2", "forme/partenariat"],
        env={"GIT_CONFIG_GLOBAL": str(gitconfig), "GIT_CONFIG_NOSYSTEM": "1"},
        cwd=small,
    )
    assert result.exit_code == 0, result.stderr
    assert (small / "codings" / "emilie-durand" / "velo.yaml").exists()
    result = run_cli(
        ["--project", str(small), "tag", "velo", "2", "forme/partenariat"],
        env={
            "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_CONFIG_SYSTEM": "/dev/null",
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": str(small),
        },
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "pcrcode: error: who is coding? pass --coder NAME or set "
        "PCRCODE_CODER (git's user.name is not set either)\n"
    )


def test_codings_filters(small: Path) -> None:
    rows = codings_json(small, "--interview", "epicerie", "--code", "forme")
    assert {r["code"] for r in rows} == {
        "forme/echange-informations",
        "forme/partenariat",
        "forme/mutualisation",
    }
    assert {r["interview"] for r in rows} == {"epicerie"}
    csv_out = run_cli(
        [
            "--project",
            str(small),
            "codings",
            "--format",
            "csv",
            "--coder",
            "camille",
            "--interview",
            "velo",
        ]
    )
    lines = csv_out.stdout.splitlines()
    assert lines[0] == "interview,segment,code,coder,at,fp,memo,start,end,quote,with"
    assert len(lines) == 1 + 4


@pytest.mark.parametrize(
    ("spec", "expected"),
    [("7", [7]), ("7-9", [7, 8, 9]), ("7,12", [7, 12]), ("3-5, 9", [3, 4, 5, 9]), ("2,2", [2])],
)
def test_segment_specs(spec: str, expected: list[int]) -> None:
    assert parse_segments(spec) == expected


BAD_TAGS = [
    (
        ["nope", "2", "forme/partenariat"],
        2,
        "pcrcode: error: unknown interview 'nope'; see `pcrcode interviews list`\n",
    ),
    (
        ["velo", "9", "forme/partenariat"],
        2,
        "pcrcode: error: segment 9 is out of range: the interview has segments 1-4\n",
    ),
    (
        ["velo", "0", "forme/partenariat"],
        2,
        "pcrcode: error: bad segment range '0': segments are numbered from 1\n",
    ),
    (
        ["velo", "2-x", "forme/partenariat"],
        2,
        "pcrcode: error: bad segments '2-x': write 7, 7-9 or 7,12\n",
    ),
    (
        ["velo", "2", "forme/partenaria"],
        2,
        "pcrcode: error: unknown code 'forme/partenaria'; did you mean forme/partenariat, "
        "forme/mutualisation?\n",
    ),
    (
        ["velo", "2", "logique/reseau"],
        2,
        "pcrcode: error: 'logique/reseau' is not codable (it groups other codes): use "
        "logique/reseau/affinitaire\n",
    ),
    (
        ["velo", "2", "forme"],
        2,
        "pcrcode: error: 'forme' is a code family, not a code: use forme/echange-informations, "
        "forme/partenariat, forme/mutualisation\n",
    ),
    (
        ["velo", "2", "forme/partenariat", "--quote", "absent words"],
        2,
        "pcrcode: error: the quote 'absent words' is not in the segment\n",
    ),
    (
        ["../velo", "2", "forme/partenariat"],
        2,
        "pcrcode: error: unknown interview '../velo' (did you mean 'velo'?); see "
        "`pcrcode interviews list`\n",
    ),
]


@pytest.mark.parametrize(("args", "code", "message"), BAD_TAGS)
def test_bad_tag_is_one_line_and_writes_nothing(
    small: Path, args: list[str], code: int, message: str
) -> None:
    before = snapshot(small)
    result = run_cli(["--project", str(small), "tag", *args, "--coder", "alice"])
    assert result.exception is None
    assert (result.exit_code, result.stdout, result.stderr) == (code, "", message)
    assert snapshot(small) == before


def test_bad_coder_name_is_refused(small: Path) -> None:
    before = snapshot(small)
    result = run_cli(
        ["--project", str(small), "tag", "velo", "2", "forme/partenariat", "--coder", "../../etc"]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "pcrcode: error: bad coder name '../../etc': use a-z, 0-9, - and _, "
        "it names a folder (e.g. 'etc')\n"
    )
    assert snapshot(small) == before


def test_untag_of_absent_coding_is_an_error(small: Path) -> None:
    before = snapshot(small)
    result = run_cli(
        ["--project", str(small), "untag", "velo", "2", "forme/partenariat", "--coder", "camille"]
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "pcrcode: error: nothing to remove: camille has not applied "
        "forme/partenariat to segment(s) 2 of 'velo'\n"
    )
    assert snapshot(small) == before


def test_tag_refuses_a_broken_coding_file(small: Path) -> None:
    path = small / "codings" / "camille" / "velo.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "- {segment: [\n", encoding="utf-8")
    before = snapshot(small)
    result = run_cli(
        ["--project", str(small), "tag", "velo", "2", "forme/partenariat", "--coder", "camille"]
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("pcrcode: error: ")
    assert "velo.yaml:12" in result.stderr
    assert result.stderr.count("\n") == 1
    assert snapshot(small) == before


def test_tag_with_a_non_utf8_transcript(small: Path) -> None:
    path = small / "interviews" / "velo.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("latin-1"))
    result = run_cli(
        ["--project", str(small), "tag", "velo", "2", "forme/partenariat", "--coder", "alice"]
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "pcrcode: error: " + str(path) + ":9: not valid UTF-8 (byte 0xe7); save the file as UTF-8\n"
    )
    assert not (small / "codings" / "alice").exists()


def test_interrupted_write_leaves_the_file_as_it_was(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A KeyboardInterrupt in the middle of the write: the old file stays whole, no temp left."""
    import os

    before = snapshot(small)

    def interrupted(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("pcrcode.files.atomic.os.replace", interrupted)
    result = run_cli(
        ["--project", str(small), "tag", "velo", "2", "forme/partenariat", "--coder", "camille"]
    )
    assert result.exit_code == 130
    assert result.stderr == "pcrcode: interrupted; nothing was half-written\n"
    assert snapshot(small) == before
    assert not [p for p in os.listdir(small / "codings" / "camille") if p.endswith(".tmp")]


# -- the core API: segment numbers, not the command line's "7-9,12" ---------------------------


def test_core_tag_and_untag_take_segment_numbers(small: Path) -> None:
    from pcrcode.coding.tagging import tag as core_tag
    from pcrcode.coding.tagging import untag as core_untag

    added = core_tag(
        small, "velo", [4, 3, 4], ["forme/partenariat"], "zoe", at="2026-01-02T03:04:05Z"
    )
    assert [(c.segment, c.code) for c in added.added] == [
        (3, "forme/partenariat"),
        (4, "forme/partenariat"),
    ]
    rows = codings_json(small, "--coder", "zoe")
    assert [(r["segment"], r["code"], r["at"]) for r in rows] == [
        (3, "forme/partenariat", "2026-01-02T03:04:05Z"),
        (4, "forme/partenariat", "2026-01-02T03:04:05Z"),
    ]
    removed = core_untag(small, "velo", [3], ["forme/partenariat"], "zoe")
    assert [(c.segment, c.code) for c in removed.removed] == [(3, "forme/partenariat")]
    assert [r["segment"] for r in codings_json(small, "--coder", "zoe")] == [4]


@pytest.mark.parametrize(
    ("segments", "error", "message"),
    [
        ([9], "UnknownItem", "segment 9 is out of range: the interview has segments 1-4"),
        ([2, 7, 5], "UnknownItem", "segment 5 is out of range: the interview has segments 1-4"),
        ([0, 2], "UnknownItem", "segment 0 does not exist: segments are numbered from 1"),
        ([], "UsageError", "name at least one segment"),
    ],
)
def test_core_tag_names_the_segment_that_does_not_exist(
    small: Path, segments: list[int], error: str, message: str
) -> None:
    from pcrcode.coding.tagging import tag as core_tag
    from pcrcode.coding.tagging import untag as core_untag
    from pcrcode.errors import PcrcodeError

    before = snapshot(small)
    for call in (core_tag, core_untag):
        with pytest.raises(PcrcodeError) as caught:
            call(small, "velo", segments, ["forme/partenariat"], "camille")
        assert (type(caught.value).__name__, str(caught.value)) == (error, message)
    assert snapshot(small) == before


def test_core_tag_refuses_the_text_of_a_range(small: Path) -> None:
    """A str is a sequence too ('2-3' would be read as 2, '-', 3): the core says what it wants."""
    from pcrcode.coding.tagging import tag as core_tag

    with pytest.raises(
        TypeError, match=r"segments are numbers, e.g. \[7, 8, 9\], not the text '2-3'"
    ):
        core_tag(small, "velo", "2-3", ["forme/partenariat"], "zoe")  # type: ignore[arg-type]


def test_core_untag_writes_the_segments_as_ranges(small: Path) -> None:
    from pcrcode.coding.tagging import untag as core_untag
    from pcrcode.errors import ConflictError

    with pytest.raises(ConflictError) as caught:
        core_untag(small, "velo", [3, 1, 2], ["forme/partenariat"], "camille")
    assert str(caught.value) == (
        "nothing to remove: camille has not applied forme/partenariat to segment(s) 1-3 of 'velo'"
    )


@pytest.mark.parametrize(
    ("numbers", "text"),
    [([7], "7"), ([7, 8, 9], "7-9"), ([7, 8, 9, 12], "7-9,12"), ([1, 3, 4, 6], "1,3-4,6")],
)
def test_segment_ranges(numbers: list[int], text: str) -> None:
    from pcrcode.coding.tagging import segment_ranges

    assert segment_ranges(numbers) == text
    assert parse_segments(text) == numbers  # and the CLI reads them back
