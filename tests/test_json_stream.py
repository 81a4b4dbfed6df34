"""Rows written as they come: the bytes of the whole list written at once (JSON, CSV), for
`codings` and `retrieve`; the rows themselves in the order of one sort."""

from __future__ import annotations

import csv
import io
import json
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pcrcode.cli.output.json_stream import json_document, json_text, write_json, write_json_array
from pcrcode.project import load_project
from pcrcode.reports.listings import coding_rows
from tests.conftest import run_cli

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(st.characters(codec="utf-8"))
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=5), inner, max_size=4),
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(value=VALUES)
def test_json_text_is_json_dumps(value: Any) -> None:
    assert json_text(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_json_text_hands_other_values_to_json() -> None:
    value = {"a": [{1: "one", None: [2.5]}]}
    assert json_text(value) == json.dumps(value, ensure_ascii=False, indent=2)
    with pytest.raises(TypeError):
        json_text({"a": {1, 2}})


def written(write: Any, *args: Any, **kwargs: Any) -> str:
    with redirect_stdout(io.StringIO()) as out:
        write(*args, **kwargs)
    return out.getvalue()


@settings(max_examples=100, deadline=None)
@given(items=st.lists(VALUES, max_size=5))
def test_write_json_array_is_the_whole_list(items: list[Any]) -> None:
    streamed = written(write_json_array, iter(items))
    assert streamed == written(write_json, items) == json_document(items)


def test_long_arrays_are_written_in_batches() -> None:
    items = [{"text": "\x9b" + "é" * 1000, "n": i} for i in range(300)]
    assert written(write_json_array, items) == written(write_json, items)


def test_coding_rows_come_in_the_order_of_one_sort(small: Path) -> None:
    project = load_project(small)
    rows = coding_rows(project)
    assert not isinstance(rows, list)
    listed = list(rows)
    expected = sorted(
        project.codings, key=lambda c: (c.interview, c.segment, c.code, c.coder, c.start or -1)
    )
    assert [
        (r["interview"], r["segment"], r["code"], r["coder"], r["start"], r["memo"]) for r in listed
    ] == [(c.interview, c.segment, c.code, c.coder, c.start, c.memo) for c in expected]
    assert list(coding_rows(project, coder="yanis")) == [r for r in listed if r["coder"] == "yanis"]


@pytest.mark.parametrize(
    "args", [[], ["--coder", "camille"], ["--interview", "epicerie"], ["--code", "forme"]]
)
def test_codings_json_and_csv_are_the_rows(small: Path, args: list[str]) -> None:
    rows = list(
        coding_rows(
            load_project(small),
            interview=args[1] if "--interview" in args else None,
            code=args[1] if "--code" in args else None,
            coder=args[1] if "--coder" in args else None,
        )
    )
    assert rows
    out = run_cli(["--project", str(small), "codings", *args, "--format", "json"])
    assert out.exit_code == 0 and out.exception is None
    assert out.stdout == json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    out = run_cli(["--project", str(small), "codings", *args, "--format", "csv"])
    assert out.exit_code == 0 and out.exception is None
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\n")
    writer.writerow(rows[0])
    writer.writerows([["" if v is None else v for v in r.values()] for r in rows])
    assert out.stdout == expected.getvalue()


def test_no_coding_is_an_empty_list(tmp_path: Path) -> None:
    assert run_cli(["init", str(tmp_path / "p")]).exit_code == 0
    out = run_cli(["--project", str(tmp_path / "p"), "codings", "--format", "json"])
    assert (out.exit_code, out.stdout) == (0, "[]\n")
    out = run_cli(["--project", str(tmp_path / "p"), "codings", "--format", "csv"])
    assert out.stdout == "interview,segment,code,coder,at,fp,memo,start,end,quote\n"
