"""Timing whole processes for the benchmark: spawn, wait, wall and CPU time, peak memory.

Shared by bench/run.py (pcrcode), bench/qcbench.py (qc) and bench/example.py.
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ENV = {
    "NO_COLOR": "1",
    "TERM": "dumb",
    "COLUMNS": "100",
    "PCRCODE_CODER": "",
    "PCRCODE_PROJECT": "",
    "LC_ALL": "C.UTF-8",
}
TIMEOUT = 300.0  # seconds; run.py --timeout sets it


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
    """The environment of a timed process: the runner's, less pcrcode's and qc's settings and
    less PYTHONDONTWRITEBYTECODE (set in some shells; without bytecode every module is compiled
    at every run, about 90 ms on `pcrcode --help`, which no installed pcrcode pays)."""
    skip = ("PCRCODE_", "QC_", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    env.update(ENV)
    return env


def remove(paths: Sequence[Path]) -> None:
    """Remove each path, a folder or a file, if it exists."""
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def measure(
    argv: list[str],
    cwd: Path,
    runs: int,
    before: list[str] | None = None,
    restore: list[str] | None = None,
    clear: Sequence[Path] = (),
    ok: tuple[int, ...] = (0, 1),
) -> Timing:
    """``runs`` timed runs of ``argv``; ``clear`` (folders or files) is removed before each one."""
    timing = Timing()
    env = run_env()
    with tempfile.TemporaryDirectory() as tmp:
        out, err = Path(tmp) / "out", Path(tmp) / "err"
        if before is not None:  # an untimed run that leaves a warm cache
            spawn(before, cwd, env, out, err)
        for _ in range(runs):
            remove(clear)
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
