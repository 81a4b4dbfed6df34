"""No study in the code: no string literal of pcrcode/ (docstrings and help texts aside) names an
attribute, a family or a code of the example (PCR) study. Any study must work; the PCR study
lives in the example project's files, the docs and the tests."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

from tests.conftest import ROOT

PACKAGE = ROOT / "pcrcode"
WORDS = ("statut", "domaine", "categorie", "forme", "objet", "logique", "portee", "portée")


def example_names() -> set[str]:
    codebook = yaml.safe_load((ROOT / "codebook.yaml").read_text(encoding="utf-8"))
    names = set(WORDS) | set(codebook["families"]) | set(codebook["attributes"])
    names |= {c["id"] for c in codebook["codes"]}
    return names


def _documentation(tree: ast.AST) -> set[int]:
    """The ids of the string nodes that are docstrings or help texts (``help=...``)."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = body[0] if body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skip.add(id(first.value))
        if isinstance(node, ast.keyword) and node.arg in ("help", "short_help", "epilog"):
            skip.update(id(n) for n in ast.walk(node.value))
    return skip


def literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _documentation(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
    ]


def test_no_literal_names_the_example_study() -> None:
    names = example_names()
    pattern = re.compile(
        r"(?<![\w/-])("
        + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        + r")(?![\w-])"
    )
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for line, text in literals(path)
        if pattern.search(text)
    ]
    assert found == []


def test_the_walk_sees_literals_and_skips_documentation(tmp_path: Path) -> None:
    # The test above must be able to fail: a planted literal is found, its docstring is not.
    planted = tmp_path / "planted.py"
    planted.write_text(
        'def f(x=None):\n    """About statut."""\n    return x or "statut"\n', encoding="utf-8"
    )
    assert literals(planted) == [(3, "statut")]
