"""Property-based tests of the loaders (hypothesis).

1. Any input - random bytes, YAML-ish text, random structures dumped as YAML, valid files mutated
   byte by byte - gives a valid object (with findings that name a path, a line and a column) or a
   :class:`FileFormatError` with a path and a line. Never another exception, never a traceback.
2. Writing then reading gives back the same data: coding files (``codings.render`` then
   ``codings.read``), transcripts (a writer of Markdown and YAML transcripts from random turns, read
   back as the same normalised turns), and decomposed (NFD) text reads as its composed form.

The loaders are listed once in ``LOADERS``: a new loader is one more entry.
"""

from __future__ import annotations

import os
import shutil
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pcrcode.errors import FileFormatError
from pcrcode.files import codings as codings_io
from pcrcode.files.codebook import ID_RE, load_codebook
from pcrcode.files.diagnostics import Diagnostics
from pcrcode.files.registry import load_registry
from pcrcode.files.transcripts import normalise, parse_interview
from pcrcode.model import Codebook, Coding, Interview, Registry
from pcrcode.project_checks import check_project

SMALL = Path(__file__).resolve().parent / "data" / "small"
# PCRCODE_FUZZ_EXAMPLES=5000 hunts longer (the defaults keep the suite fast).
EXAMPLES = int(os.environ.get("PCRCODE_FUZZ_EXAMPLES", "0"))


def budget(default: int) -> int:
    return EXAMPLES or default


FUZZ = settings(
    max_examples=budget(150),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One scratch project for the whole module (hypothesis reruns a test body many times)."""
    root = tmp_path_factory.mktemp("props")
    for name in ("codebook.yaml", "structures.yaml"):
        shutil.copy2(SMALL / name, root / name)
    (root / "interviews").mkdir()
    (root / "codings" / "camille").mkdir(parents=True)
    return root


def _small_codebook() -> Codebook:
    return load_codebook(SMALL, Diagnostics(SMALL))


@dataclass(frozen=True)
class Loader:
    """A loader under test: where its file goes, how to load it, what it returns, a seed file."""

    name: str
    rel: str
    load: Callable[[Path, Path, Diagnostics], Any]
    kind: type | tuple[type, ...]
    seed: str


LOADERS = [
    Loader(
        "codebook",
        "codebook.yaml",
        lambda root, path, diag: load_codebook(root, diag),
        Codebook,
        "codebook.yaml",
    ),
    Loader(
        "registry",
        "structures.yaml",
        lambda root, path, diag: load_registry(root, _small_codebook(), diag),
        Registry,
        "structures.yaml",
    ),
    Loader(
        "transcript-md",
        "interviews/x.md",
        lambda root, path, diag: parse_interview(path, diag),
        Interview,
        "interviews/epicerie.md",
    ),
    Loader(
        "transcript-yaml",
        "interviews/x.yaml",
        lambda root, path, diag: parse_interview(path, diag),
        Interview,
        "interviews/velo.yaml",
    ),
    Loader(
        "codings",
        "codings/camille/x.yaml",
        lambda root, path, diag: codings_io.read(path, diag),
        list,
        "codings/yanis/epicerie.yaml",
    ),
]
IDS = [loader.name for loader in LOADERS]


def load_or_refuse(root: Path, loader: Loader, data: bytes) -> Any:
    """Load ``data`` as ``loader``'s file: the object, or None when refused with a good error."""
    path = root / loader.rel
    original = None
    if loader.rel in ("codebook.yaml", "structures.yaml"):
        original = path.read_bytes()
    path.write_bytes(data)
    diag = Diagnostics(root)
    try:
        result = loader.load(root, path, diag)
    except FileFormatError as exc:
        assert exc.path is not None, f"no path in {exc!r}"
        assert exc.line is not None and exc.line >= 1, f"no line in {exc}"
        assert "\n" not in str(exc), f"a multi-line error: {exc!r}"
        return None
    finally:
        if original is not None:
            path.write_bytes(original)
        else:
            path.unlink()
    assert isinstance(result, loader.kind), result
    for finding in diag.findings:
        assert finding.path and finding.line >= 1 and finding.col >= 1, finding
        assert "\n" not in str(finding), f"a multi-line finding: {finding!r}"
    return result


# -- strategies -------------------------------------------------------------------------------

SNIPPETS = [
    "\n",
    "\n  ",
    "\n    ",
    "- ",
    ": ",
    ":",
    "{",
    "}",
    "[",
    "]",
    ", ",
    "'",
    '"',
    "#",
    "---",
    "...",
    "? ",
    "|",
    ">-",
    "&a ",
    "*a",
    "!!python/object:os.system ",
    "!!str ",
    "!x ",
    "\t",
    "%YAML 1.1",
    "~",
    "null",
    "true",
    "no",
    "1",
    "-3",
    "2026-03-02",
    "1e9",
    ".inf",
    "0x1f",
    "\\",
    "\u00e9",
    "e\u0301",
    "\x00",
    "\x1b[31m",
    "\x85",
    "\u2028",
    "\ufeff",
    "**A:** ",
    "**",
    "[rires]",
    "[/]",
    "id",
    "label",
    "codes",
    "families",
    "attributes",
    "values",
    "from",
    "map",
    "degree",
    "codable",
    "aliases",
    "ordered",
    "exclusive",
    "definition",
    "forme",
    "forme/partenariat",
    "structures",
    "census",
    "cells",
    "rows",
    "columns",
    "statut",
    "domaine",
    "interviewed",
    "structure",
    "turns",
    "speaker",
    "text",
    "codings",
    "segment",
    "code",
    "start",
    "end",
    "quote",
    "fp",
    "memo",
    "pcrcode",
    "interview",
    "coder",
    "camille",
    "x",
]
yamlish = st.lists(st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=5)), max_size=60).map(
    "".join
)

KEYS = [s for s in SNIPPETS if s.isidentifier() or "/" in s]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**12),
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(KEYS),
    st.dates(),
)
keys = st.one_of(
    st.sampled_from(KEYS), st.text(max_size=8), st.integers(-2, 5), st.booleans(), st.none()
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=25,
)


def mapping_of(*names: str) -> st.SearchStrategy[dict[Any, Any]]:
    """A mapping whose keys are mostly the ones the loader expects, with values of any shape."""
    return st.fixed_dictionaries({}, optional={n: values for n in names}).flatmap(
        lambda known: st.dictionaries(keys, values, max_size=2).map(
            lambda extra: {**extra, **known}
        )
    )


code_entries = st.lists(
    mapping_of("id", "label", "degree", "codable", "definition", "short", "aliases"), max_size=4
)
STRUCTURES = {
    "codebook": st.fixed_dictionaries(
        {},
        optional={
            "families": st.dictionaries(
                keys, mapping_of("label", "definition", "ordered", "exclusive"), max_size=3
            )
            | values,
            "codes": code_entries | values,
            "attributes": st.dictionaries(
                keys, mapping_of("label", "values", "from", "map"), max_size=3
            )
            | values,
            "title": values,
        },
    ),
    "registry": st.fixed_dictionaries(
        {},
        optional={
            "structures": st.lists(
                mapping_of("id", "name", "statut", "domaine", "interviewed", "attributes"),
                max_size=4,
            )
            | values,
            "census": mapping_of("rows", "columns", "cells", "source"),
            "pcrcode": values,
        },
    ),
    "transcript-yaml": st.fixed_dictionaries(
        {},
        optional={
            "structure": values,
            "id": values,
            "date": values,
            "participants": values,
            "illustrative": values,
            "turns": st.lists(mapping_of("speaker", "text", "time"), max_size=4) | values,
        },
    ),
    "codings": st.fixed_dictionaries(
        {},
        optional={
            "interview": values,
            "coder": values,
            "pcrcode": values,
            "codings": st.lists(
                mapping_of("segment", "code", "fp", "at", "memo", "start", "end", "quote"),
                max_size=4,
            )
            | values,
        },
    ),
}


def dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def as_markdown(data: Any) -> str:
    meta = {k: v for k, v in data.items() if k != "turns"} if isinstance(data, dict) else data
    return "---\n" + dump(meta) + "---\n\n**A:** texte\n"


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """A valid file damaged a few times: bytes deleted, inserted, replaced; lines moved."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(
            st.sampled_from(["delete", "insert", "replace", "dup-line", "swap-lines", "truncate"])
        )
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "delete":
            del data[at : at + draw(st.integers(1, 40))]
        elif op == "insert":
            data[at:at] = draw(
                st.binary(min_size=1, max_size=8) | st.sampled_from(SNIPPETS).map(str.encode)
            )
        elif op == "replace" and data:
            data[at] = draw(st.integers(0, 255))
        elif op == "truncate":
            del data[at:]
        else:
            lines = bytes(data).split(b"\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            if op == "dup-line":
                lines.insert(j, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            data = bytearray(b"\n".join(lines))
    return bytes(data)


# -- 1. any input: an object or a clean refusal -----------------------------------------------


@pytest.mark.parametrize("loader", LOADERS, ids=IDS)
@FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes(workdir: Path, loader: Loader, data: bytes) -> None:
    load_or_refuse(workdir, loader, data)


@pytest.mark.parametrize("loader", LOADERS, ids=IDS)
@FUZZ
@given(text=yamlish)
def test_yamlish_text(workdir: Path, loader: Loader, text: str) -> None:
    if loader.name == "transcript-md":
        text = "---\n" + text + "\n---\n\n" + text
    load_or_refuse(workdir, loader, text.encode("utf-8"))


@pytest.mark.parametrize("loader", LOADERS, ids=IDS)
@FUZZ
@given(data=st.data())
def test_random_structures(workdir: Path, loader: Loader, data: st.DataObject) -> None:
    strategy = STRUCTURES.get(loader.name, STRUCTURES["transcript-yaml"])
    value = data.draw(strategy | values)
    text = as_markdown(value) if loader.name == "transcript-md" else dump(value)
    load_or_refuse(workdir, loader, text.encode("utf-8"))


@pytest.mark.parametrize("loader", LOADERS, ids=IDS)
@FUZZ
@given(data=st.data())
def test_mutated_valid_files(workdir: Path, loader: Loader, data: st.DataObject) -> None:
    seed = (SMALL / loader.seed).read_bytes()
    load_or_refuse(workdir, loader, data.draw(mutated(seed)))


@settings(max_examples=budget(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_check_on_a_damaged_project_never_crashes(
    tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    root = tmp_path_factory.mktemp("damaged")
    shutil.copytree(SMALL, root, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".pcrcode"))
    files = sorted(p for p in root.rglob("*") if p.is_file())
    victim = data.draw(st.sampled_from(files))
    victim.write_bytes(data.draw(mutated(victim.read_bytes())))
    for finding in check_project(root):
        assert finding.path and finding.line >= 1 and finding.col >= 1, finding
        assert "\n" not in str(finding), f"a multi-line finding: {finding!r}"
    shutil.rmtree(root)


# -- 2. write then read -----------------------------------------------------------------------

ids = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,12}", fullmatch=True)
# Files are read as NFC (canonically composed) text, so the data generated is NFC too.
texts = st.text(max_size=30).map(lambda s: unicodedata.normalize("NFC", s))


@st.composite
def codings_of(draw: st.DrawFn, coder: str, interview: str) -> list[Coding]:
    result = []
    for _ in range(draw(st.integers(0, 8))):
        span = draw(st.none() | st.tuples(st.integers(0, 500), st.integers(1, 50)))
        start = end = None
        quote = ""
        if span is not None:
            start, end = span[0], span[0] + span[1]
            quote = draw(texts)
        result.append(
            Coding(
                interview=interview,
                segment=draw(st.integers(1, 10**6)),
                code=draw(texts.filter(bool)),
                coder=coder,
                at=draw(texts),
                fingerprint=draw(texts),
                memo=draw(texts),
                start=start,
                end=end,
                quote=quote,
            )
        )
    unique = {c.key: c for c in result}
    return list(unique.values())


@settings(max_examples=budget(200), deadline=None)
@given(data=st.data())
def test_codings_render_then_read(workdir: Path, data: st.DataObject) -> None:
    coder, interview = data.draw(ids), data.draw(ids)
    wanted = data.draw(codings_of(coder, interview))
    text = codings_io.render(coder, interview, wanted)
    path = workdir / "codings" / coder / f"{interview}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    diag = Diagnostics(workdir)
    got = codings_io.read(path, diag)
    path.unlink()
    assert diag.findings == []
    assert got == sorted(wanted, key=codings_io.sort_key)
    # The file is also plain YAML: a YAML reader sees the same records as pcrcode's fast path.
    records = yaml.safe_load(text)["codings"] or []
    assert [(r["segment"], r["code"], r.get("memo", "")) for r in records] == [
        (c.segment, c.code, c.memo) for c in got
    ]


# Turn text as people type it: words, accents, emoji, transcription marks, Markdown stars,
# control characters (but no line breaks: those are the writer's business).
WORDS = [
    "bonjour",
    "euh",
    "épicerie",
    "e\u0301te\u0301",
    "🚲",
    "👩🏽‍🌾",
    "[rires]",
    "[/]",
    "[inaudible]",
    "[bold]x[/bold]",
    "**",
    "*",
    "—",
    "«",
    "»",
    "'",
    '"',
    ":",
    "#",
    "---",
    "\x1b[31m",
    "\x07",
    "\x00",
    "\x7f",
    "\u200b",
    "\t",
    "  ",
    "\u00a0",
    "\x85",
    "\u2028",
]
words = st.lists(
    st.one_of(
        st.sampled_from(WORDS),
        st.text(st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=6),
    ),
    min_size=1,
    max_size=12,
).map(" ".join)
lines = st.lists(words, min_size=1, max_size=3)
speakers = st.text(
    st.characters(codec="utf-8", exclude_characters="*\r\n"), min_size=1, max_size=12
).filter(lambda s: s.strip() != "")


def _blank(line: str) -> bool:
    return line.strip() == ""


@st.composite
def turns(draw: st.DrawFn) -> list[tuple[str, list[list[str]]]]:
    """(speaker, paragraphs of lines) for a few turns."""
    result = []
    for _ in range(draw(st.integers(1, 5))):
        speaker = draw(speakers)
        paragraphs = draw(st.lists(lines, min_size=1, max_size=3))
        result.append((speaker, paragraphs))
    return result


def write_markdown(structure: str, spoken: list[tuple[str, list[list[str]]]]) -> str | None:
    """A Markdown transcript of ``spoken``; None when the text cannot be written unambiguously
    (a line that is blank would split a paragraph, a paragraph that starts like a turn...)."""
    out = ["---", f'structure: "{structure}"', "---", "", "# Titre de l'entretien", ""]
    for speaker, paragraphs in spoken:
        for index, paragraph in enumerate(paragraphs):
            if any(_blank(line) for line in paragraph):
                return None
            if index > 0 and paragraph[0].startswith("**"):
                return None
            first = paragraph[0]
            if index == 0:
                first = f"**{speaker}:** {first}"
            out.extend([first, *paragraph[1:], ""])
    return "\n".join(out)


def expected_turns(spoken: list[tuple[str, list[list[str]]]]) -> list[tuple[str, str]]:
    return [
        (
            unicodedata.normalize("NFC", speaker).strip(),
            normalise("\n\n".join("\n".join(p) for p in paragraphs)),
        )
        for speaker, paragraphs in spoken
    ]


@settings(
    max_examples=budget(200), deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)
@given(spoken=turns(), structure=ids)
def test_markdown_transcript_round_trip(workdir: Path, spoken: Any, structure: str) -> None:
    text = write_markdown(structure, spoken)
    assume(text is not None)
    assert text is not None
    path = workdir / "interviews" / "rt.md"
    path.write_text(text, encoding="utf-8")
    diag = Diagnostics(workdir)
    interview = parse_interview(path, diag)
    assert [(t.speaker, t.text) for t in interview.turns] == expected_turns(spoken)
    assert [t.number for t in interview.turns] == list(range(1, len(spoken) + 1))
    assert interview.structure == structure
    assert diag.findings == []
    # The same transcript typed with decomposed accents is the same interview.
    path.write_text(unicodedata.normalize("NFD", text), encoding="utf-8")
    again = parse_interview(path, Diagnostics(workdir))
    assert again.turns == interview.turns


@settings(max_examples=budget(150), deadline=None)
@given(spoken=turns(), structure=ids)
def test_yaml_transcript_round_trip(workdir: Path, spoken: Any, structure: str) -> None:
    data = {
        "structure": structure,
        "turns": [
            {"speaker": speaker, "text": "\n\n".join("\n".join(p) for p in paras)}
            for speaker, paras in spoken
        ],
    }
    path = workdir / "interviews" / "rt.yaml"
    # Escaped (allow_unicode=False): PyYAML writes a raw U+0085 in a plain scalar, which YAML
    # itself then reads as a line break; the writer must not be the one losing data.
    path.write_text(yaml.safe_dump(data, allow_unicode=False), encoding="utf-8")
    interview = parse_interview(path, Diagnostics(workdir))
    assert [(t.speaker, t.text) for t in interview.turns] == expected_turns(spoken)


def test_nfd_speaker_and_text_read_as_nfc(workdir: Path) -> None:
    path = workdir / "interviews" / "nfd.md"
    composed = "---\nstructure: epicerie\n---\n\n**Léa:** Une fête à l'épicerie.\n"
    path.write_text(unicodedata.normalize("NFD", composed), encoding="utf-8")
    (turn,) = parse_interview(path, Diagnostics(workdir)).turns
    assert (turn.speaker, turn.text) == ("Léa", "Une fête à l'épicerie.")
    # sha256 of the composed text, by hand: hashlib.sha256("Une fête à l'épicerie.".encode())
    assert turn.fingerprint == "91254073"


def test_a_structure_id_read_as_a_number_is_reported(workdir: Path) -> None:
    path = workdir / "interviews" / "num.md"
    path.write_text("---\nstructure: 010\n---\n\n**A:** b\n", encoding="utf-8")
    diag = Diagnostics(workdir)
    parse_interview(path, diag)
    assert [str(f) for f in diag.findings] == [
        "interviews/num.md:2:1: error: YAML reads the structure id as int 8: quote it "
        '(structure: "...") [bad-value]'
    ]


def test_ids_are_ascii() -> None:
    # Why NFD never matters for ids: they cannot hold an accent at all.
    assert ID_RE.match("forme/partenariat")
    assert not ID_RE.match("forme/e\u0301change")
    assert not ID_RE.match("forme/échange")
