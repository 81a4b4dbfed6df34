"""Time pcrcode's main commands as whole processes on generated projects; write bench/RESULTS.md.

    python bench/run.py                 # 10, 100 and 1,000 interviews
    python bench/run.py --large         # and 10,000
    python bench/run.py --vs-qc         # and the same corpus in qc (qualitative-coding)

Each command runs several times; the table gives the median, min and max wall time and the peak
memory (ru_maxrss of the child, from os.wait4). "cold" runs start without pcrcode's cache
(.pcrcode/cache removed before each run; the operating system's file cache stays warm), "warm"
runs with the cache of an identical previous run. A command that does not exist yet is reported
as "not available"; one that fails, with its error. Projects are generated under bench/out/
(kept between runs, regenerated when the generator or its arguments change).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(BENCH))
sys.modules.setdefault("run", sys.modules[__name__])  # qcbench imports this module as `run`

TAG_INTERVIEW = "s00001-e1"  # exists at every size (generate.py)
ENV = {
    "NO_COLOR": "1",
    "TERM": "dumb",
    "COLUMNS": "100",
    "PCRCODE_CODER": "",
    "PCRCODE_PROJECT": "",
    "LC_ALL": "C.UTF-8",
}


@dataclass
class Command:
    name: str
    args: list[str]
    cached: bool = True  # reads the whole project (so has a cold and a warm figure)
    restore: list[str] | None = None  # run after each timed run, untimed (tag -> untag)


def commands(qdpx: Path) -> list[Command]:
    tag = [TAG_INTERVIEW, "3", "forme/partenariat", "--coder", "bench"]
    return [
        Command("--help", ["--help"], cached=False),
        Command("check", ["check"]),
        Command("tag", ["tag", *tag], cached=False, restore=["untag", *tag]),
        Command("codings", ["codings", "--format", "csv"]),
        Command("frequencies", ["frequencies"]),
        Command("profile", ["profile"]),
        Command("crosstab", ["crosstab", "statut", "logique"]),
        Command("cooccurrence", ["cooccurrence"]),
        Command("retrieve", ["retrieve", "objet/achat-vente", "--context", "1"]),
        Command("report", ["report"]),
        # The working groups' page (issue 18): under 5 s and 10 MB on 1,000 interviews.
        Command("report html", ["report", "--format", "html", "-o", str(qdpx.parent / "r.html")]),
        Command("agreement", ["agreement"]),
        Command("export qdpx", ["export", "qdpx", str(qdpx)]),
    ]


@dataclass
class Timing:
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system seconds of the child
    rss_kb: list[int] = field(default_factory=list)
    error: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def peak_mb(self) -> float:
        return max(self.rss_kb) / 1024


TIMEOUT = 300.0  # seconds; --timeout


def spawn(
    argv: list[str],
    cwd: Path,
    env: dict[str, str],
    out: Path,
    err: Path,
) -> tuple[float, int, int, float]:
    """Run a process; (wall seconds, exit code, peak resident memory in KB, CPU seconds).
    A process still running after TIMEOUT seconds is killed (exit code -9)."""
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, str(out), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        (os.POSIX_SPAWN_OPEN, 2, str(err), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
    ]
    here = os.getcwd()
    os.chdir(cwd)  # posix_spawn has no cwd argument before Python 3.13
    try:
        started = time.perf_counter()
        pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
        timer = threading.Timer(TIMEOUT, os.kill, (pid, signal.SIGKILL))
        timer.start()
        try:
            _, status, usage = os.wait4(pid, 0)
        finally:
            timer.cancel()
        elapsed = time.perf_counter() - started
    finally:
        os.chdir(here)
    return (
        elapsed,
        os.waitstatus_to_exitcode(status),
        usage.ru_maxrss,
        usage.ru_utime + usage.ru_stime,
    )


def run_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PCRCODE_", "QC_"))}
    env.update(ENV)
    return env


def measure(
    argv: list[str],
    cwd: Path,
    runs: int,
    before: list[str] | None = None,
    restore: list[str] | None = None,
    clear: Path | None = None,
    ok: tuple[int, ...] = (0, 1),
) -> Timing:
    """``runs`` timed runs of ``argv``; ``clear`` removes that cache folder before each one."""
    timing = Timing()
    env = run_env()
    with tempfile.TemporaryDirectory() as tmp:
        out, err = Path(tmp) / "out", Path(tmp) / "err"
        if before is not None:  # an untimed run that leaves a warm cache
            spawn(before, cwd, env, out, err)
        for _ in range(runs):
            if clear is not None:
                shutil.rmtree(clear, ignore_errors=True)
            elapsed, code, rss, cpu = spawn(argv, cwd, env, out, err)
            if code == -signal.SIGKILL and elapsed >= TIMEOUT:
                timing.error = f"timed out: still running after {TIMEOUT:.0f} s"
                return timing
            if code not in ok:
                lines = err.read_text(errors="replace").strip().splitlines() or [f"exit {code}"]
                timing.error = f"exit {code}: {lines[-1][:160]}"
                return timing
            timing.times.append(elapsed)
            timing.cpu.append(cpu)
            timing.rss_kb.append(rss)
            if restore is not None:
                spawn(restore, cwd, env, out, err)
    return timing


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


def generator_stamp(n: int, seed: int) -> str:
    source = (BENCH / "generate.py").read_bytes()
    return f"{n} {seed} {hashlib.sha256(source).hexdigest()[:16]}"


def project(n: int, seed: int) -> Path:
    folder = OUT / f"p{n}"
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
    interviews = sorted((folder / "interviews").glob("*.md"))
    codings = sum(
        p.read_text(encoding="utf-8").count("\n- {") for p in (folder / "codings").glob("*/*.yaml")
    )
    turns = sum(p.read_text(encoding="utf-8").count("\n**") for p in interviews)
    registry = (folder / "structures.yaml").read_text(encoding="utf-8").count("\n  - id: ")
    size = sum(
        p.stat().st_size for p in folder.rglob("*") if p.is_file() and ".pcrcode" not in p.parts
    )
    return {
        "interviews": len(interviews),
        "structures": registry,
        "turns": turns,
        "codings": codings,
        "bytes": size,
    }


def pcrcode_exe() -> Path:
    """The console script beside this interpreter (not a pyenv shim, which adds ~40 ms)."""
    exe = Path(sys.executable).parent / "pcrcode"
    if exe.exists():
        return exe
    found = shutil.which("pcrcode")
    if found is None:
        sys.exit("pcrcode is not installed: pip install -e .")
    return Path(found)


# -- the run --------------------------------------------------------------------------------


@dataclass
class Row:
    command: str
    mode: str  # cold | warm | -
    timing: Timing | None  # None: not available


def bench_size(n: int, seed: int, runs: int) -> tuple[dict[str, int], list[Row]]:
    folder = project(n, seed)
    exe = pcrcode_exe()
    cache = folder / ".pcrcode" / "cache"
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        for cmd in commands(Path(tmp) / "bench.qdpx"):
            argv = [str(exe), *cmd.args]
            if not available(exe, cmd, folder):
                rows.append(Row(cmd.name, "-", None))
                print(f"  {n:>6} {cmd.name:<13} not available", file=sys.stderr)
                continue
            modes = (
                [("cold", cache, None), ("warm", None, argv)] if cmd.cached else [("-", None, None)]
            )
            for mode, clear, before in modes:
                restore = [str(exe), *cmd.restore] if cmd.restore else None
                if mode == "warm" and rows[-1].timing and "timed out" in rows[-1].timing.error:
                    rows.append(Row(cmd.name, mode, Timing(error=rows[-1].timing.error)))
                    continue  # its priming run would time out too
                timing = measure(argv, folder, runs, before=before, restore=restore, clear=clear)
                rows.append(Row(cmd.name, mode, timing))
                shown = timing.error or (
                    f"{timing.median * 1000:.0f} ms (cpu "
                    f"{statistics.median(timing.cpu) * 1000:.0f}), "
                    f"{timing.peak_mb:.0f} MB"
                )
                print(f"  {n:>6} {cmd.name:<13} {mode:<5} {shown}", file=sys.stderr)
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


def main() -> None:
    global TIMEOUT
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10, 100, 1000])
    parser.add_argument("--large", action="store_true", help="Also 10,000 interviews.")
    parser.add_argument("--runs", type=int, default=5, help="Timed runs per command and mode.")
    parser.add_argument("--large-runs", type=int, default=3, help="Runs at 10,000 interviews.")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--vs-qc", action="store_true", help="Compare with qc (installs it into bench/.venv-qc)."
    )
    parser.add_argument("--qc-runs", type=int, default=3)
    parser.add_argument(
        "--timeout",
        type=float,
        default=TIMEOUT,
        help="Kill a run after this many seconds (reported as timed out).",
    )
    parser.add_argument("--output", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument(
        "--rewrite",
        action="store_true",
        help="Measure nothing: write "
        "RESULTS.md again from the last measurements (bench/out/results.json), "
        "e.g. after editing bench/NOTES.md.",
    )
    args = parser.parse_args()
    TIMEOUT = args.timeout
    from report import write_results

    saved = OUT / "results.json"
    if args.rewrite:
        data = load_results(saved)
        write_results(args.output, *data)
        print(f"wrote {args.output} from {saved}", file=sys.stderr)
        return
    sizes = sorted(set(args.sizes + ([10000] if args.large else [])))
    info = machine()
    load_before = os.getloadavg()
    results: dict[int, tuple[dict[str, int], list[Row]]] = {}
    for n in sizes:
        runs = args.large_runs if n >= 10000 else args.runs
        results[n] = bench_size(n, args.seed, runs)
    qc_results = None
    if args.vs_qc:
        import qcbench

        qc_results = qcbench.run(sizes, args.seed, args.qc_runs, project)
    load_after = os.getloadavg()
    import resource

    # Linux carries a parent's peak resident memory over to the children it spawns: the
    # runner's own peak is a floor under every "peak MB" figure (it stays small by design).
    runner_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    info["runner peak memory (floor of the peak MB figures)"] = f"{runner_mb:.0f} MB"
    data = (info, (load_before, load_after), results, qc_results, " ".join(sys.argv[1:]))
    save_results(saved, *data)
    write_results(args.output, *data)
    print(f"wrote {args.output}", file=sys.stderr)


def _timing(t: Timing | None) -> dict[str, object] | None:
    return (
        None
        if t is None
        else {"times": t.times, "cpu": t.cpu, "rss_kb": t.rss_kb, "error": t.error}
    )


def _untiming(d: dict[str, Any] | None) -> Timing | None:
    return None if d is None else Timing(**d)


def save_results(
    path: Path,
    info: dict[str, str],
    load: object,
    results: dict[int, tuple[dict[str, int], list[Row]]],
    qc: dict[str, Any] | None,
    argv: str,
) -> None:
    import json

    qc_data = None
    if qc is not None:
        qc_data = dict(qc)
        qc_data["sizes"] = {
            str(n): (
                {"problem": v["problem"]}
                if "problem" in v
                else {"timings": {k: _timing(t) for k, t in v["timings"].items()}}
            )
            for n, v in qc["sizes"].items()
        }
    path.write_text(
        json.dumps(
            {
                "info": info,
                "load": load,
                "argv": argv,
                "qc": qc_data,
                "results": {
                    str(n): {
                        "stats": stats,
                        "rows": [
                            {"command": r.command, "mode": r.mode, "timing": _timing(r.timing)}
                            for r in rows
                        ],
                    }
                    for n, (stats, rows) in results.items()
                },
            },
            indent=1,
        ),
        encoding="utf-8",
    )


# What save_results writes and load_results reads back: report.write_results' arguments after
# the path (machine, load averages before and after, results per size, qc's, command line).
Saved = tuple[
    dict[str, str],
    tuple[Any, Any],
    dict[int, tuple[dict[str, int], list[Row]]],
    dict[str, Any] | None,
    str,
]


def load_results(path: Path) -> Saved:
    import json

    data = json.loads(path.read_text(encoding="utf-8"))
    results = {
        int(n): (
            v["stats"],
            [Row(r["command"], r["mode"], _untiming(r["timing"])) for r in v["rows"]],
        )
        for n, v in data["results"].items()
    }
    qc = data["qc"]
    if qc is not None:
        qc["sizes"] = {
            int(n): (
                {"problem": v["problem"]}
                if "problem" in v
                else {"timings": {k: _untiming(t) for k, t in v["timings"].items()}}
            )
            for n, v in qc["sizes"].items()
        }
    return data["info"], tuple(data["load"]), results, qc, data["argv"]


if __name__ == "__main__":
    main()
