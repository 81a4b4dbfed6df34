"""frequencies counts in one pass what the definition counts code by code: the definition kept
here as the reference, compared on the example and on projects with random codings."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from pcrcode.model import Coding
from pcrcode.project import load_project
from pcrcode.reports.corpus import Corpus, build_corpus
from pcrcode.reports.frequencies import frequencies
from pcrcode.reports.selection import select_coders


def by_definition(corpus: Corpus) -> list[dict[str, Any]]:
    codebook = corpus.codebook
    rows = []
    for code in codebook.codes.values():
        ids = {c.id for c in codebook.descendants(code.id)}
        segments = [s for s in corpus.segments if not ids.isdisjoint(s.codes)]
        rows.append(
            {
                "code": code.id,
                "label": code.label,
                "family": code.family,
                "depth": code.depth,
                "codable": code.codable,
                "codings": sum(1 for s in segments for c in s.codings if c.code in ids),
                "segments": len(segments),
                "interviews": len({s.interview for s in segments}),
                "structures": len({s.structure for s in segments if s.structure is not None}),
            }
        )
    return rows


@pytest.mark.parametrize("all_coders", [False, True])
def test_the_example_counts_as_defined(example: Path, all_coders: bool) -> None:
    project = load_project(example)
    corpus = build_corpus(project, select_coders(project, all_coders=all_coders))
    assert frequencies(corpus) == by_definition(corpus)
    assert any(not r["codable"] and r["segments"] for r in frequencies(corpus))  # parents count


@pytest.mark.parametrize("seed", range(20))
def test_random_codings_count_as_defined(example: Path, seed: int) -> None:
    project = load_project(example)
    rng = random.Random(seed)
    codes = [c.id for c in project.codebook.codes.values() if c.codable]
    interviews = sorted(project.interviews)
    made = [
        Coding(
            rng.choice(interviews),
            rng.randint(1, 6),
            rng.choice(codes),
            rng.choice(["camille", "yanis", "zoe"]),
        )
        for _ in range(rng.randint(0, 400))
    ]
    project = replace(project, codings=tuple(made))
    for all_coders in (False, True):
        corpus = build_corpus(project, select_coders(project, all_coders=all_coders))
        assert frequencies(corpus) == by_definition(corpus)
        for family in project.codebook.families:
            assert frequencies(corpus, [family]) == [
                r for r in by_definition(corpus) if r["family"] == family
            ]
