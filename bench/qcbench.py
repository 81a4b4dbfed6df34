"""The same corpus in qc (``qualitative-coding`` on PyPI), for ``bench/run.py --vs-qc``.

qc keeps a project as ``settings.yaml``, a ``corpus/`` folder of ``.txt`` documents, a
``codebook.yaml`` tree and a SQLite database of coded lines (each linked to the paragraph that
holds it). Recording codings through qc itself means ``qc code``, which opens each document in an
editor, or its Python API at about 0.1 s per document and coder: hours for 10,000 interviews. So
the project is created with ``qc init`` and the rows are then written straight into qc's own
tables, exactly as ``QCCorpus.register_document`` and ``QCCorpus.update_coded_lines`` write them
(``verify`` checks it on a small corpus by loading it through qc's API and comparing the tables).

Each pcrcode turn becomes one line ``Speaker: text`` followed by a blank line, so a segment is a
qc line and a qc paragraph; a pcrcode coding (segment, code) becomes a coded line. Code ids map to
their last part (``forme/partenariat`` -> ``partenariat``), unique in the default codebook.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from measure import Timing, measure, run_env

BENCH = Path(__file__).resolve().parent
VENV = BENCH / ".venv-qc"
QC = VENV / "bin" / "qc"
LOADER_VERSION = "1"

# (what is compared, pcrcode command name in run.py, qc arguments)
SHARED = [
    ("start-up", "--help", ["--help"]),
    ("statistics", "frequencies", ["codes", "stats"]),
    ("code crosstab", "cooccurrence", ["codes", "crosstab"]),
    ("find / retrieve", "retrieve", ["codes", "find", "achat-vente"]),
    ("REFI-QDA export", "export qdpx", ["export", "{qdpx}"]),
]
# The pcrcode commands (run.py's names) whose targets need each qc figure: `run.py --only`
# runs a qc command when one of them is chosen. Issue 20 holds every warm report to
# `qc codes stats`.
NEEDED_BY = {
    "start-up": {"--help"},
    "statistics": {"frequencies", "crosstab", "cooccurrence", "profile csv", "report"},
    "code crosstab": {"cooccurrence"},
    "find / retrieve": {"retrieve"},
    "REFI-QDA export": {"export qdpx"},
}


def chosen(only: list[str] | None) -> list[tuple[str, str, list[str]]]:
    """The SHARED comparisons that the pcrcode commands ``only`` (None: all) need."""
    return [s for s in SHARED if only is None or NEEDED_BY[s[0]] & set(only)]


def ensure_qc() -> str:
    """Install qc into bench/.venv-qc if needed; '' when it runs, else why it does not."""
    if not QC.exists():
        print(f"installing qualitative-coding into {VENV} ...", file=sys.stderr)
        try:
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
            subprocess.run(
                [str(VENV / "bin" / "pip"), "install", "-q", "qualitative-coding"], check=True
            )
        except (OSError, subprocess.CalledProcessError) as exc:
            return f"installing qc failed: {exc}"
    probe = subprocess.run([str(QC), "version"], capture_output=True, text=True, check=False)
    if probe.returncode != 0:
        return f"`qc version` fails: {(probe.stderr or probe.stdout).strip()[-300:]}"
    return ""


def qc_version() -> str:
    probe = subprocess.run([str(QC), "version"], capture_output=True, text=True, check=False)
    return probe.stdout.strip()


def _name(code_id: str) -> str:
    return code_id.rsplit("/", 1)[-1]


def codebook_tree(codebook: Any) -> str:
    """qc's codebook: a YAML list of names and {name: [children]}."""
    lines: list[str] = []

    def node(name: str, children: list[str], indent: int) -> None:
        pad = "    " * indent
        if children:
            lines.append(f"{pad}- {name}:")
            for kid in children:
                node(_name(kid), [c.id for c in codebook.children(kid)], indent + 1)
        else:
            lines.append(f"{pad}- {name}")

    for family in codebook.families:
        top = [c.id for c in codebook.codes.values() if c.family == family and c.depth == 1]
        node(family, top, 0)
    return "\n".join(lines) + "\n"


def build(pcrcode_project: Path, folder: Path) -> None:
    """A qc project at ``folder`` holding the corpus and codings of ``pcrcode_project``."""
    from pcrcode.files.diagnostics import Diagnostics
    from pcrcode.project import load_project

    project = load_project(pcrcode_project, Diagnostics(pcrcode_project), cache=False)
    names = [_name(c) for c in project.codebook.codes]
    if len(set(names)) != len(names):
        raise SystemExit("code names are not unique by their last part: adapt qcbench._name")
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    subprocess.run([str(QC), "init"], cwd=folder, check=True, capture_output=True, env=run_env())
    (folder / "codebook.yaml").write_text(codebook_tree(project.codebook), encoding="utf-8")
    db = sqlite3.connect(folder / "qualitative_coding.sqlite3")
    db.execute("PRAGMA synchronous = OFF")
    coded: dict[tuple[str, str], set[tuple[int, str]]] = {}
    for c in project.codings:
        coded.setdefault((c.interview, c.coder), set()).add((2 * (c.segment - 1), _name(c.code)))
    db.executemany("INSERT INTO coder(name) VALUES (?)", [(c,) for c in project.coders()])
    db.executemany(
        "INSERT INTO code(name) VALUES (?)",
        [(n,) for n in sorted({n for s in coded.values() for _, n in s})],
    )
    location_id = line_id = 0
    for index_id, (iid, interview) in enumerate(sorted(project.interviews.items()), start=1):
        text = "".join(f"{t.speaker}: {' '.join(t.text.split())}\n\n" for t in interview.turns)
        data = text.encode("utf-8")
        name = f"{iid}.txt"
        (folder / "corpus" / name).write_bytes(data)
        db.execute(
            "INSERT INTO document(file_path, file_hash) VALUES (?, ?)",
            (name, hashlib.sha1(data).hexdigest()),
        )  # qc's own hash
        db.execute(
            "INSERT INTO document_index(id, name, time_series, document_id) "
            "VALUES (?, 'paragraphs', 0, ?)",
            (index_id, name),
        )
        paragraph: dict[int, int] = {}
        count = len(interview.turns)
        for n in range(count):
            location_id += 1
            # iter_paragraph_lines: a paragraph runs to the next one; the last one ends at EOF.
            start, end = 2 * n, 2 * n + 2
            db.execute(
                "INSERT INTO location(id, start_line, end_line, document_index_id) "
                "VALUES (?, ?, ?, ?)",
                (location_id, start, end, index_id),
            )
            paragraph[start] = location_id
        for coder in project.coders():
            for line, code in sorted(coded.get((iid, coder), ())):
                line_id += 1
                db.execute(
                    "INSERT INTO coded_line(id, line, coder_id, code_id) VALUES (?, ?, ?, ?)",
                    (line_id, line, coder, code),
                )
                db.execute(
                    "INSERT INTO coded_line_location_association(coded_line_id, "
                    "location_id) VALUES (?, ?)",
                    (line_id, paragraph[line]),
                )
    db.commit()
    db.close()
    check = subprocess.run(
        [str(QC), "check"], cwd=folder, capture_output=True, text=True, env=run_env(), check=False
    )
    if check.returncode != 0 or "rror" in check.stdout + check.stderr:
        raise SystemExit(
            f"qc check fails on the generated qc project: {check.stdout}{check.stderr}"
        )


def project(
    n: int, seed: int, out: Path, pcrcode_project: Callable[[int, int, Path], Path]
) -> Path:
    source = pcrcode_project(n, seed, out)
    folder = out / f"qc{n}"
    stamp = (source / ".generated").read_text() + f" qc-loader {LOADER_VERSION}"
    stamp_file = folder / ".generated"
    if not stamp_file.exists() or stamp_file.read_text() != stamp:
        print(f"loading {n} interviews into qc at {folder} ...", file=sys.stderr)
        # In a process of its own: a child's ru_maxrss starts from its parent's peak (Linux
        # carries it over at exec), so the runner must not load a large project itself.
        subprocess.run([sys.executable, __file__, "build", str(source), str(folder)], check=True)
        stamp_file.write_text(stamp)
    return folder


def run(
    sizes: list[int],
    seed: int,
    runs: tuple[int, int],
    out: Path,
    only: list[str] | None,
    pcrcode_project: Callable[[int, int, Path], Path],
) -> dict[str, Any]:
    """qc's timings per size: ``runs`` is (runs below 10,000 interviews, runs at 10,000)."""
    problem = ensure_qc()
    result: dict[str, Any] = {"problem": problem, "version": "", "sizes": {}}
    if problem:
        return result
    result["version"] = qc_version()
    for n in sizes:
        try:
            folder = project(n, seed, out, pcrcode_project)
        except (SystemExit, subprocess.CalledProcessError, OSError) as exc:
            result["sizes"][n] = {"problem": f"loading the corpus into qc failed: {exc}"}
            continue
        timings: dict[str, Timing] = {}
        with tempfile.TemporaryDirectory() as tmp:
            for label, _, args in chosen(only):
                argv = [str(QC), *(a.format(qdpx=os.path.join(tmp, "qc.qdpx")) for a in args)]
                timing = measure(argv, folder, runs[0] if n < 10000 else runs[1], ok=(0,))
                timings[label] = timing
                shown = timing.error or f"{timing.median * 1000:.0f} ms, {timing.peak_mb:.0f} MB"
                print(f"  qc {n:>6} {label:<16} {shown}", file=sys.stderr)
        result["sizes"][n] = {"timings": timings}
    return result


def verify(pcrcode_project: Path) -> None:
    """Load a (small) corpus through qc's own API and compare its tables with ``build``'s."""
    fast = Path(tempfile.mkdtemp()) / "fast"
    build(pcrcode_project, fast)
    slow = Path(tempfile.mkdtemp()) / "slow"
    script = f"""
import shutil, sqlite3, subprocess, sys
from pathlib import Path
fast, slow = Path({str(fast)!r}), Path({str(slow)!r})
slow.mkdir()
subprocess.run([{str(QC)!r}, "init"], cwd=slow, check=True, capture_output=True)
shutil.copy(fast / "codebook.yaml", slow / "codebook.yaml")
from qualitative_coding.corpus import QCCorpus
import os
os.chdir(slow)
corpus = QCCorpus("settings.yaml")
rows = sqlite3.connect(fast / "qualitative_coding.sqlite3").execute(
    "SELECT d.document_id, c.coder_id, c.line, c.code_id FROM coded_line c JOIN "
    "coded_line_location_association a ON a.coded_line_id = c.id JOIN location l ON "
    "l.id = a.location_id JOIN document_index d ON d.id = l.document_index_id").fetchall()
with corpus.session():
    for doc in sorted((fast / "corpus").iterdir()):
        shutil.copy(doc, slow / "corpus" / doc.name)
        corpus.register_document(slow / "corpus" / doc.name)
    by = {{}}
    for doc, coder, line, code in rows:
        by.setdefault((doc, coder), []).append({{"line": line, "code_id": code}})
    for (doc, coder), data in sorted(by.items()):
        corpus.update_coded_lines(doc, coder, data)
"""
    subprocess.run([str(VENV / "bin" / "python"), "-c", script], check=True)
    queries = {
        "documents": "SELECT file_path, file_hash FROM document ORDER BY 1",
        "paragraphs": "SELECT d.document_id, l.start_line, l.end_line FROM location l JOIN "
        "document_index d ON d.id = l.document_index_id ORDER BY 1, 2",
        "coded lines": "SELECT d.document_id, c.coder_id, c.line, c.code_id, l.start_line FROM "
        "coded_line c JOIN coded_line_location_association a ON a.coded_line_id "
        "= c.id JOIN location l ON l.id = a.location_id JOIN document_index d "
        "ON d.id = l.document_index_id ORDER BY 1, 2, 3, 4",
    }
    for what, query in queries.items():
        a = sqlite3.connect(fast / "qualitative_coding.sqlite3").execute(query).fetchall()
        b = sqlite3.connect(slow / "qualitative_coding.sqlite3").execute(query).fetchall()
        if a != b:
            raise SystemExit(f"qc tables differ on {what}: {len(a)} rows vs {len(b)} through qc")
        print(f"  {what}: {len(a)} rows, identical to qc's own import", file=sys.stderr)


if __name__ == "__main__":
    sys.path.insert(0, str(BENCH.parent))  # pcrcode from this checkout, as run.py does
    if sys.argv[1] == "build":
        build(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        verify(Path(sys.argv[1]))
