"""`retrieve` writes its hits as they are found: the terminal text is the bytes Rich printed
(a heading, then indented paragraphs), in colour or not, at any width; nothing is written
before the query is known to match."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from pcrcode.cli.output import report_formats
from pcrcode.cli.output.rows import visible
from pcrcode.errors import PcrcodeError
from pcrcode.project import load_project
from pcrcode.reports.corpus import build_corpus
from pcrcode.reports.retrieve import Hit, iter_hits, retrieve
from pcrcode.reports.selection import select_coders
from tests.conftest import ROOT, console_text, run_cli


def rich_hits(console: Console, hits: list[Hit]) -> None:
    """How the hits were printed with Rich, one call per paragraph."""

    def indented(text: str, style: str = "") -> None:
        console.print(Padding(Text(visible(text), style=style), (0, 0, 0, 2), expand=False))

    for i, h in enumerate(hits):
        if i:
            console.print()
        console.print(
            Text(
                visible(f"{h.interview} {h.segment} · {h.speaker} · {', '.join(h.coders)}"),
                style="bold",
            )
        )
        for t in h.before:
            indented(f"{t.segment} {t.speaker}: {t.text}", "dim")
        indented(f"« {h.quote} »")
        for t in h.after:
            indented(f"{t.segment} {t.speaker}: {t.text}", "dim")
        indented(f"codes: {', '.join(h.codes)}", "green")
        for memo in h.memos:
            indented(f"memo: {memo}", "italic")


@pytest.fixture(scope="module")
def hits() -> list[Hit]:
    project = load_project(ROOT)
    found = retrieve(
        build_corpus(project, select_coders(project, (), True)),
        "forme OR objet OR logique OR portee",
        context=2,
    )
    # and the characters the fast layout leaves to Rich, among others
    odd = Hit(
        "x",
        1,
        None,
        "漢字",
        ("camille",),
        ("forme/partenariat",),
        (),
        ("memo\tavec tabulation", "[rires] \x1b[31m"),
        "un texte " * 30 + "漢字 " * 20,
        (),
    )
    return [*found[:25], odd, *found[-15:]]


@pytest.mark.parametrize("width", [20, 40, 80, 120, 200])
@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"force_terminal": True, "color_system": "256"},
        {"force_terminal": True, "no_color": True},
    ],
)
def test_terminal_text_is_rich_text(
    hits: list[Hit], width: int, settings: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def console() -> Console:
        return Console(
            file=io.StringIO(), width=width, highlight=False, markup=False, emoji=False, **settings
        )

    expected, actual = console(), console()
    rich_hits(expected, hits)
    monkeypatch.setattr(report_formats, "_console", lambda: actual)
    assert report_formats.show_hits("table", iter(hits)) == len(hits)
    assert console_text(actual) == console_text(expected)


def test_no_match_is_known_before_any_output(small: Path) -> None:
    project = load_project(small)
    corpus = build_corpus(project, select_coders(project))
    with pytest.raises(PcrcodeError, match="no coded segment matches"):
        iter_hits(corpus, "forme/mutualisation AND portee/inter-sectorielle")
    for fmt in ("csv", "json", "table", "markdown"):
        out = run_cli(
            ["retrieve", "forme/mutualisation AND portee/inter-sectorielle", "--format", fmt],
            cwd=small,
        )
        assert (out.exit_code, out.stdout) == (1, "")


def test_turns_are_read_only_for_interviews_with_hits(
    small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pcrcode.files import cache
    from pcrcode.files.cache_codec import CachedInterview

    monkeypatch.setattr(cache, "RACY_NS", 0)  # cache the fixture's fresh files
    monkeypatch.delenv(cache.DISABLE_ENV, raising=False)
    assert run_cli(["check"], cwd=small).exit_code == 0  # the cache, for the next load
    project = load_project(small)
    assert all(isinstance(iv, CachedInterview) for iv in project.interviews.values())
    corpus = build_corpus(project, select_coders(project))
    read: list[str] = []
    text = cache.ProjectCache.text

    def spy(self: cache.ProjectCache, rel: str, key: Any) -> Any:
        read.append(rel.rsplit("/", 1)[-1].split(".")[0])
        return text(self, rel, key)

    monkeypatch.setattr(cache.ProjectCache, "text", spy)
    hits = list(iter_hits(corpus, "objet/immobilier"))
    assert sorted(read) == sorted({h.interview for h in hits})  # each read once
    assert len(read) < len(project.interviews) and all(h.quote for h in hits)
    # No Turn object was built: the hits' texts were read from the cache, then let go.
    assert not any("turns" in vars(iv) for iv in project.interviews.values())
