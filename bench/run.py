"""Time pcrcode's main commands as whole processes on generated projects; write bench/RESULTS.md.

    python bench/run.py                 # 10, 100 and 1,000 interviews
    python bench/run.py --large         # and 10,000
    python bench/run.py --vs-qc         # and the same corpus in qc (qualitative-coding)
    python bench/run.py --sizes 10000 --only frequencies,crosstab --merge   # a partial re-run

Each command runs several times; the table gives the median, min and max wall time and the peak
memory (ru_maxrss of the child, from os.wait4). "cold" runs start without pcrcode's cache and
index (.pcrcode/cache and .pcrcode/index.sqlite removed before each run; the operating system's
file cache stays warm), "warm" runs with those of an identical previous run. The start-up floor
(the same interpreter importing typer, yaml and rich) is measured at every size of the same run.
A command that does not exist yet is reported as "not available"; one that fails, with its
error. Projects are generated under the output folder (--out, else $PCRCODE_BENCH_OUT, else
bench/out/), kept between runs, regenerated when the generator or its arguments change.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT_ENV = "PCRCODE_BENCH_OUT"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(BENCH))
sys.modules.setdefault("run", sys.modules[__name__])  # bench/example.py imports it as `run`

import measure as measuring  # noqa: E402
from measure import Timing, measure, run_env  # noqa: E402
from scale_targets import FLOOR  # noqa: E402

TAG_INTERVIEW = "s00001-e1"  # exists at every size (generate.py)
FLOOR_RUNS = 5  # at least, at every size
CACHE = ".pcrcode/cache"
INDEX = ".pcrcode/index.sqlite"
INDEX_FILES = (INDEX, f"{INDEX}-wal", f"{INDEX}-shm", f"{INDEX}-journal")


@dataclass
class Command:
    name: str
    args: list[str]
    cached: bool = True  # reads the whole project (so has a cold and a warm figure)
    restore: list[str] | None = None  # run after each timed run, untimed (tag -> untag)
    prime: list[str] | None = None  # run once before the timed runs, untimed


def commands(qdpx: Path) -> list[Command]:
    tag = [TAG_INTERVIEW, "3", "forme/partenariat", "--coder", "bench"]
    return [
        Command("--help", ["--help"], cached=False),
        Command("check", ["check"]),
        # Primed by a report, so that the cache and the index exist and the tag pays for
        # keeping them up to date.
        Command("tag", ["tag", *tag], cached=False, restore=["untag", *tag], prime=["report"]),
        Command("codings", ["codings", "--format", "csv"]),
        Command("frequencies", ["frequencies"]),
        Command("profile", ["profile"]),
        Command("profile csv", ["profile", "--format", "csv"]),
        Command("crosstab", ["crosstab", "statut", "logique"]),
        Command("cooccurrence", ["cooccurrence"]),
        Command("retrieve", ["retrieve", "objet/achat-vente", "--context", "1"]),
        Command("report", ["report"]),
        # The working groups' page (issue 18): under 5 s and 10 MB on 1,000 interviews.
        Command("report html", ["report", "--format", "html", "-o", str(qdpx.parent / "r.html")]),
        Command("agreement", ["agreement"]),
        Command("export qdpx", ["export", "qdpx", str(qdpx)]),
    ]


COMMAND_NAMES = [c.name for c in commands(Path("x"))]


def parse_only(values: list[str] | None) -> list[str] | None:
    """The command names of ``--only a,b --only c`` (None: every command); unknown names exit."""
    if not values:
        return None
    names = [n.strip() for v in values for n in v.split(",") if n.strip()]
    unknown = [n for n in names if n not in COMMAND_NAMES]
    if unknown:
        sys.exit(
            f"run.py: error: --only: unknown command {', '.join(map(repr, unknown))}; "
            f"the commands are: {', '.join(COMMAND_NAMES)}"
        )
    return names


def available(exe: Path, cmd: Command, cwd: Path) -> bool:
    if cmd.name == "--help":
        return True
    words = cmd.args[:2] if cmd.args[0] == "export" else cmd.args[:1]
    probe = subprocess.run(
        [str(exe), *words, "--help"],
        cwd=cwd,
        env=run_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    return not (probe.returncode == 2 and "No such command" in probe.stderr)


# -- projects -------------------------------------------------------------------------------


def out_folder(given: Path | None) -> Path:
    """Where projects and results.json live: --out, else $PCRCODE_BENCH_OUT, else bench/out."""
    if given is not None:
        return given.resolve()
    if os.environ.get(OUT_ENV):
        return Path(os.environ[OUT_ENV]).resolve()
    return BENCH / "out"


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """One run at a time per output folder: two runs would time each other and share projects."""
    import fcntl

    out.mkdir(parents=True, exist_ok=True)
    with open(out / ".lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            sys.exit(f"run.py: error: another benchmark is using {out}; wait for it, or --out")
        yield


def generator_stamp(n: int, seed: int) -> str:
    source = (BENCH / "generate.py").read_bytes()
    return f"{n} {seed} {hashlib.sha256(source).hexdigest()[:16]}"


def project(n: int, seed: int, out: Path) -> Path:
    folder = out / f"p{n}"
    stamp_file = folder / ".generated"
    stamp = generator_stamp(n, seed)
    if not stamp_file.exists() or stamp_file.read_text() != stamp:
        print(f"generating {n} interviews in {folder} ...", file=sys.stderr)
        subprocess.run(
            [
                sys.executable,
                str(BENCH / "generate.py"),
                "--interviews",
                str(n),
                "--seed",
                str(seed),
                str(folder),
            ],
            check=True,
        )
        stamp_file.write_text(stamp)
        # Files younger than two seconds are not cached (pcrcode.files.cache.RACY_NS): let them age.
        time.sleep(2.1)
    return folder


def corpus_stats(folder: Path) -> dict[str, int]:
    """What the project holds; ``index_bytes`` only when the project has an index."""
    interviews = sorted((folder / "interviews").glob("*.md"))
    codings = sum(
        p.read_text(encoding="utf-8").count("\n- {") for p in (folder / "codings").glob("*/*.yaml")
    )
    turns = sum(p.read_text(encoding="utf-8").count("\n**") for p in interviews)
    registry = (folder / "structures.yaml").read_text(encoding="utf-8").count("\n  - id: ")
    size = sum(
        p.stat().st_size for p in folder.rglob("*") if p.is_file() and ".pcrcode" not in p.parts
    )
    stats = {
        "interviews": len(interviews),
        "structures": registry,
        "turns": turns,
        "codings": codings,
        "bytes": size,
        "project_bytes": project_bytes(folder),
    }
    index = index_bytes(folder)
    if index is not None:
        stats["index_bytes"] = index
    return stats


def project_bytes(folder: Path) -> int:
    """The bytes the index summarises: interviews/, codings/, the codebook and the registry."""
    files = [p for d in ("interviews", "codings") for p in (folder / d).rglob("*")]
    files += [folder / "codebook.yaml", folder / "structures.yaml"]
    return sum(p.stat().st_size for p in files if p.is_file())


def index_bytes(folder: Path) -> int | None:
    """The size of .pcrcode/index.sqlite with its write-ahead log; None without an index."""
    if not (folder / INDEX).is_file():
        return None
    return sum((folder / f).stat().st_size for f in INDEX_FILES[:2] if (folder / f).is_file())


def pcrcode_exe() -> Path:
    """The console script beside this interpreter (not a pyenv shim, which adds ~40 ms)."""
    exe = Path(sys.executable).parent / "pcrcode"
    if exe.exists():
        return exe
    found = shutil.which("pcrcode")
    if found is None:
        sys.exit("pcrcode is not installed: pip install -e .")
    return Path(found)


def interpreter(exe: Path) -> str:
    """The Python that runs the console script ``exe`` (its #! line), else this one."""
    try:
        first = exe.read_bytes()[:300].split(b"\n", 1)[0]
    except OSError:
        return sys.executable
    if first.startswith(b"#!"):
        words = first[2:].decode("utf-8", "replace").split()
        if words and Path(words[0]).name.startswith("python") and Path(words[0]).exists():
            return words[0]
    return sys.executable


# -- the run --------------------------------------------------------------------------------


@dataclass
class Row:
    command: str
    mode: str  # cold | warm | -
    timing: Timing | None  # None: not available


def _show(n: int, name: str, mode: str, timing: Timing) -> None:
    shown = timing.error or (
        f"{timing.median * 1000:.0f} ms (cpu {statistics.median(timing.cpu) * 1000:.0f}), "
        f"{timing.peak_mb:.0f} MB"
    )
    print(f"  {n:>6} {name:<13} {mode:<5} {shown}", file=sys.stderr)


def bench_size(
    n: int, seed: int, runs: int, out: Path, only: list[str] | None = None
) -> tuple[dict[str, int], list[Row]]:
    folder = project(n, seed, out)
    exe = pcrcode_exe()
    floor = [interpreter(exe), "-c", FLOOR]
    timing = measure(floor, folder, max(runs, FLOOR_RUNS), ok=(0,))
    rows = [Row(FLOOR, "-", timing)]
    _show(n, "floor", "-", timing)
    cold = [folder / CACHE, *(folder / f for f in INDEX_FILES)]
    with tempfile.TemporaryDirectory() as tmp:
        for cmd in commands(Path(tmp) / "bench.qdpx"):
            if only is not None and cmd.name not in only:
                continue
            argv = [str(exe), *cmd.args]
            if not available(exe, cmd, folder):
                rows.append(Row(cmd.name, "-", None))
                print(f"  {n:>6} {cmd.name:<13} not available", file=sys.stderr)
                continue
            prime = [str(exe), *cmd.prime] if cmd.prime else None
            modes = [("cold", cold, None), ("warm", [], argv)] if cmd.cached else [("-", [], prime)]
            for mode, clear, before in modes:
                restore = [str(exe), *cmd.restore] if cmd.restore else None
                if mode == "warm" and rows[-1].timing and "timed out" in rows[-1].timing.error:
                    rows.append(Row(cmd.name, mode, Timing(error=rows[-1].timing.error)))
                    continue  # its priming run would time out too
                timing = measure(argv, folder, runs, before=before, restore=restore, clear=clear)
                rows.append(Row(cmd.name, mode, timing))
                _show(n, cmd.name, mode, timing)
        # The index as a warm report leaves it (a cold run may have removed it last).
        measure([str(exe), "frequencies"], folder, 1)
    bench_dir = folder / "codings" / "bench"
    if bench_dir.is_dir() and not any(bench_dir.iterdir()):
        bench_dir.rmdir()  # left empty by tag/untag
    return corpus_stats(folder), rows


def machine() -> dict[str, str]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        from importlib.metadata import version

        typer_version = version("typer")
    except Exception:
        typer_version = "?"
    from pcrcode import __version__

    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    return {
        "CPU": model,
        "cores": str(os.cpu_count()),
        "memory": mem,
        "system": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "pcrcode": __version__,
        "typer": typer_version,
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
    }


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10, 100, 1000])
    parser.add_argument("--large", action="store_true", help="Also 10,000 interviews.")
    parser.add_argument("--runs", type=int, default=5, help="Timed runs per command and mode.")
    parser.add_argument(
        "--large-runs", type=int, default=3, help="Runs at 10,000 interviews (pcrcode and qc)."
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="NAMES",
        help=f"Only these commands, comma-separated (of: {', '.join(COMMAND_NAMES)}); "
        "the start-up floor is always measured, and with --vs-qc only the qc commands "
        "they are compared with.",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--vs-qc", action="store_true", help="Compare with qc (installs it into bench/.venv-qc)."
    )
    parser.add_argument("--qc-runs", type=int, default=3)
    parser.add_argument(
        "--timeout",
        type=float,
        default=measuring.TIMEOUT,
        help="Kill a run after this many seconds (reported as timed out).",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help=f"Folder of the generated projects and results.json (default: ${OUT_ENV}, "
        "else bench/out); share one between checkouts to generate the projects once.",
    )
    parser.add_argument("--output", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument(
        "--merge",
        action="store_true",
        help="Keep the figures of the last run (results.json in the output folder) that this "
        "run does not measure again, e.g. after --only or --sizes.",
    )
    parser.add_argument(
        "--rewrite",
        action="store_true",
        help="Measure nothing: write "
        "RESULTS.md again from the last measurements (results.json in the output folder), "
        "e.g. after editing bench/NOTES.md.",
    )
    args = parser.parse_args()
    if min(args.runs, args.large_runs, args.qc_runs) < 1:
        parser.error("--runs, --large-runs and --qc-runs must be at least 1")
    args.only = parse_only(args.only)
    return args


def main() -> None:
    args = arguments()
    measuring.TIMEOUT = args.timeout
    from report import write_results
    from store import Results, load_results, merge_results, save_results

    out = out_folder(args.out)
    saved = out / "results.json"
    if args.rewrite:
        write_results(args.output, *load_results(saved))
        print(f"wrote {args.output} from {saved}", file=sys.stderr)
        return
    sizes = sorted(set(args.sizes + ([10000] if args.large else [])))
    with locked(out):
        info = machine()
        load_before = os.getloadavg()
        results: dict[int, tuple[dict[str, int], list[Row]]] = {}
        for n in sizes:
            runs = args.large_runs if n >= 10000 else args.runs
            results[n] = bench_size(n, args.seed, runs, out, args.only)
        qc_results = None
        if args.vs_qc:
            import qcbench

            qc_results = qcbench.run(
                sizes, args.seed, (args.qc_runs, args.large_runs), out, args.only, project
            )
        load_after = os.getloadavg()
        import resource

        # Linux carries a parent's peak resident memory over to the children it spawns: the
        # runner's own peak is a floor under every "peak MB" figure (it stays small by design).
        runner_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        info["runner peak memory (floor of the peak MB figures)"] = f"{runner_mb:.0f} MB"
        data = Results(
            info, (load_before, load_after), results, qc_results, shlex.join(sys.argv[1:])
        )
        if args.merge and saved.exists():
            data = merge_results(load_results(saved), data)
        save_results(saved, data)
    write_results(args.output, *data)
    print(f"wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
