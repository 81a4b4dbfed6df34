"""Safety: YAML is only loaded safely, nothing is written outside the project, the core stays free
of the terminal toolkits, and user text never drives the terminal."""

from __future__ import annotations

import ast
import json
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import pcrcode
from pcrcode.coding.tagging import tag, untag
from pcrcode.errors import PcrcodeError
from pcrcode.files import yaml_loaders, yaml_reading
from tests.conftest import DATA, ROOT, copy_project, run_cli, snapshot

PACKAGE = ROOT / "pcrcode"
# Every way PyYAML can build objects from text. Only pcrcode/files/yaml_loaders.py (behind
# yaml_reading.loads) may call them: it refuses
# tags (!!python/object), aliases (alias bombs) and duplicate keys, and keeps line numbers.
YAML_LOADERS = {
    "load",
    "safe_load",
    "full_load",
    "unsafe_load",
    "load_all",
    "safe_load_all",
    "full_load_all",
    "unsafe_load_all",
    "compose",
    "compose_all",
    "parse",
    "scan",
}
UNSAFE_NAMES = {
    "Loader",
    "FullLoader",
    "UnsafeLoader",
    "CLoader",
    "CFullLoader",
    "CUnsafeLoader",
    "Constructor",
    "FullConstructor",
    "UnsafeConstructor",
}


def _yaml_uses(path: Path) -> list[str]:
    """`yaml.<loader>(...)` calls and unsafe loader names used in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "yaml"
            and (node.attr in YAML_LOADERS or node.attr in UNSAFE_NAMES)
        ):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: yaml.{node.attr}")
        if isinstance(node, ast.ImportFrom) and node.module == "yaml":
            for alias in node.names:
                if alias.name in YAML_LOADERS | UNSAFE_NAMES:
                    found.append(
                        f"{path.relative_to(ROOT)}:{node.lineno}: from yaml import {alias.name}"
                    )
    return found


def test_yaml_is_loaded_only_by_yaml_loaders() -> None:
    uses = [
        use
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != PACKAGE / "files" / "yaml_loaders.py"
        for use in _yaml_uses(path)
    ]
    assert uses == []


def test_the_text_of_the_package_has_no_unsafe_yaml_call() -> None:
    # A second, cruder net than the AST: catches `yaml.load(` even in odd spellings.
    pattern = re.compile(r"yaml\.(unsafe_load|full_load|load)\s*\(|Loader\s*=\s*yaml\.Loader")
    hits = [
        f"{p.relative_to(ROOT)}: {m.group()}"
        for p in sorted(PACKAGE.rglob("*.py"))
        if p != PACKAGE / "files" / "yaml_loaders.py"
        for m in pattern.finditer(p.read_text("utf-8"))
    ]
    assert hits == []


def test_yamlio_loaders_are_safe_loaders() -> None:
    assert issubclass(yaml_loaders._Loader, yaml.SafeLoader | yaml.CSafeLoader)
    assert issubclass(yaml_loaders._PyLoader, yaml.SafeLoader)
    source = (PACKAGE / "files" / "yaml_loaders.py").read_text(encoding="utf-8")
    calls = [line.strip() for line in source.splitlines() if "yaml.load(" in line]
    assert calls == [
        "return yaml.load(source, Loader=_PyLoader if _may_nest_deeply(source) else _Loader)"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "'[' * 100_000 + ']' * 100_000",
        "'{' * 60_000",
        "'- ' * 60_000 + 'x'",
        "'a: ' + '[' * 30_000",
        "''.join(' ' * i + 'k:\\n' for i in range(2_500))",
    ],
    ids=["flow", "unclosed", "compact", "value", "block"],
)
def test_deep_nesting_is_refused_without_crashing(text: str) -> None:
    """libyaml's composer recurses in C: 20,000 nested levels overflow the stack and kill the
    process (SIGSEGV). Run in a subprocess so that a regression fails this test, not the run."""
    code = (
        "from pcrcode.files.yaml_reading import loads\n"
        "from pcrcode.errors import FileFormatError\n"
        "try:\n"
        f"    loads({text}, 'f.yaml')\n"
        "except FileFormatError as exc:\n"
        "    print(exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("f.yaml:"), out.stdout
    assert "nested too deeply" in out.stdout or "invalid YAML" in out.stdout


@pytest.mark.parametrize(
    "text",
    [
        "x: !!python/object/apply:os.system ['echo pwned']",
        "x: !!python/name:os.system",
        "x: !!python/object/new:subprocess.Popen [['true']]",
        "a: &a [1, 2]\nb: *a",
        "a: 1\na: 2",
    ],
)
def test_yamlio_refuses(text: str) -> None:
    with pytest.raises(PcrcodeError) as caught:
        yaml_reading.loads(text, "f.yaml")
    assert caught.value.line is not None


# -- nothing is written outside the project ---------------------------------------------------

OUTSIDE_ATTEMPTS = [
    ["tag", "../../x", "1", "forme/partenariat", "--coder", "camille"],
    ["tag", "../epicerie", "1", "forme/partenariat", "--coder", "camille"],
    ["tag", "/etc/passwd", "1", "forme/partenariat", "--coder", "camille"],
    ["tag", "epicerie", "1", "forme/partenariat", "--coder", "../x"],
    ["tag", "epicerie", "1", "forme/partenariat", "--coder", "../../x"],
    ["tag", "epicerie", "1", "forme/partenariat", "--coder", ".."],
    ["tag", "epicerie", "1", "forme/partenariat", "--coder", "a/b"],
    ["tag", "epicerie", "1", "forme/partenariat", "--coder", "/tmp/x"],
    ["tag", "epicerie", "1", "../forme/partenariat", "--coder", "camille"],
    ["untag", "../../x", "2", "forme/echange-informations", "--coder", "camille"],
    ["untag", "epicerie", "2", "forme/echange-informations", "--coder", "../camille"],
]


def _everything(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("args", OUTSIDE_ATTEMPTS, ids=" ".join)
def test_ids_cannot_lead_out_of_the_project(tmp_path: Path, args: list[str]) -> None:
    root = copy_project(DATA / "small", tmp_path / "deep" / "er" / "project")
    before = _everything(tmp_path)
    run = run_cli(args, cwd=root)
    assert run.exception is None
    assert run.exit_code != 0
    assert run.stderr.startswith("pcrcode: error: ") and run.stderr.count("\n") == 1
    after = {k: v for k, v in _everything(tmp_path).items() if "/.pcrcode/" not in f"/{k}"}
    assert after == {k: v for k, v in before.items() if "/.pcrcode/" not in f"/{k}"}


@pytest.mark.parametrize("coder", ["../x", "../../x", "..", "a/b", "../codings/camille", ""])
def test_the_core_refuses_a_coder_that_is_a_path(tmp_path: Path, coder: str) -> None:
    """A notebook calling pcrcode.coding.tagging directly gets the same protection as the CLI."""
    root = copy_project(DATA / "small", tmp_path / "project")
    before = snapshot(tmp_path)
    with pytest.raises(PcrcodeError):
        tag(root, "epicerie", [1], ["forme/partenariat"], coder)
    with pytest.raises(PcrcodeError):
        untag(root, "epicerie", [2], ["forme/echange-informations"], coder)
    assert snapshot(tmp_path) == before


def test_a_coding_folder_linked_outside_is_never_written(tmp_path: Path) -> None:
    root = copy_project(DATA / "small", tmp_path / "project")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / "codings" / "evil").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(PcrcodeError, match="outside the project"):
        tag(root, "epicerie", [1], ["forme/partenariat"], "evil")
    assert list(elsewhere.iterdir()) == []


def test_a_coding_file_linked_outside_is_neither_read_nor_written(tmp_path: Path) -> None:
    root = copy_project(DATA / "small", tmp_path / "project")
    outside = tmp_path / "theirs.yaml"
    outside.write_bytes((root / "codings" / "camille" / "velo.yaml").read_bytes())
    (root / "codings" / "camille" / "velo.yaml").unlink()
    (root / "codings" / "camille" / "velo.yaml").symlink_to(outside)
    before = outside.read_bytes()
    with pytest.raises(PcrcodeError, match="outside the project"):
        tag(root, "velo", [1], ["forme/partenariat"], "camille")
    assert outside.read_bytes() == before


# -- the core does not need a terminal --------------------------------------------------------


def core_modules() -> list[str]:
    """Every pcrcode module except the command line (pcrcode.cli.*, __main__),
    found on disk so that a module added later is covered without editing this test."""
    names = []
    for info in pkgutil.walk_packages(pcrcode.__path__, "pcrcode."):
        name = info.name
        if name == "pcrcode.cli" or name.startswith("pcrcode.cli.") or name == "pcrcode.__main__":
            continue
        names.append(name)
    return sorted(names)


TOOLKITS = ("typer", "rich", "click")


def _toolkits_after_importing(modules: list[str]) -> list[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({TOOLKITS!r}))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    result: list[str] = json.loads(out.stdout)
    return result


def test_the_core_imports_neither_typer_nor_rich_nor_click() -> None:
    modules = core_modules()
    assert "pcrcode.coding.tagging" in modules and "pcrcode.files.yaml_reading" in modules
    loaded = _toolkits_after_importing(modules)
    if loaded:  # name the modules at fault, one subprocess each (only when failing)
        guilty = [m for m in modules if _toolkits_after_importing([m])]
        pytest.fail(f"importing the core loads {loaded}: {guilty}")


# -- user text never drives the terminal ------------------------------------------------------

RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.mark.parametrize(
    "args",
    [
        ["tag", "\x1b]0;pwned\x07", "1", "forme/partenariat", "--coder", "camille"],
        ["tag", "epicerie", "1", "\x1b[2Jforme", "--coder", "camille"],
        ["interviews", "show", "\x9b31m"],
    ],
    ids=["interview", "code", "show"],
)
def test_escape_sequences_in_arguments_are_shown_not_sent(tmp_path: Path, args: list[str]) -> None:
    root = copy_project(DATA / "small", tmp_path / "project")
    run = run_cli(args, cwd=root)
    assert run.exit_code != 0
    assert not RAW_CONTROL.search(run.stdout + run.stderr), repr(run.stderr)
    assert "\\x1b" in run.stderr or "\\x9b" in run.stderr


def test_csv_on_a_terminal_shows_control_characters(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """CSV has no escapes: raw into a file or a pipe (it is data), made visible on a terminal."""
    from pcrcode.cli.output.csv_writer import write_csv

    rows = [{"text": "a\x1b[2Jb"}]
    write_csv(rows, ["text"])
    assert capsys.readouterr().out == "text\na\x1b[2Jb\n"
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    write_csv(rows, ["text"])
    assert capsys.readouterr().out == "text\na\\x1b[2Jb\n"
