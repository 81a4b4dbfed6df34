"""The targets of issue 20 (a derived index, so that queries stay near start-up time at 10,000
interviews), each decided from the medians of one run of bench/run.py.

Every target line reads ``met``, ``**not met**`` (a figure over its limit, or a pcrcode command
that failed: its error is shown), ``not available`` (the command or the index does not exist in
this version) or ``not measured`` (a size, a command or qc left out of the run, or qc timed out
below the bound the target needs). A target made of several checks takes the worst of them.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

FLOOR = "import typer, yaml, rich"  # the start-up floor's row: `python -c FLOOR`
SIZES = (10, 100, 1000, 10000)
SMALL, LARGE = 1000, 10000
WARM_REPORTS = ("frequencies", "crosstab", "cooccurrence", "profile csv", "report")
MEMORY_REPORTS = (
    "frequencies",
    "profile",
    "profile csv",
    "crosstab",
    "cooccurrence",
    "retrieve",
    "report",
    "report html",
    "agreement",
)
REPORT_FLOORS = 3.0  # warm reports at 10,000: at most this many times the floor
TAG_FLOORS = 2.0
VS_QC = 10.0
SCALE = 10.0  # cold at 10,000 at most this many times cold at 1,000
MEMORY_MB = 150.0
INDEX_SHARE = 0.20

MET, NOT_MET, NOT_AVAILABLE, NOT_MEASURED = "met", "**not met**", "not available", "not measured"
_WORST_FIRST = (NOT_MET, NOT_AVAILABLE, NOT_MEASURED, MET)
SHOWN = {"profile csv": "profile --format csv", "report html": "report --format html"}

Results = Mapping[int, tuple[Mapping[str, int], list[Any]]]  # size -> (stats, run.Row list)
Line = tuple[str, str, str]  # target, measured, verdict


@dataclass(frozen=True)
class Figure:
    """A median in seconds and a peak in MB, or why there is none."""

    seconds: float = 0.0
    peak_mb: float = 0.0
    problem: str = ""  # "not available", "not measured", "failed: ..." or qc's own problem
    bound: float | None = None  # qc timed out: it takes at least this many seconds


@dataclass(frozen=True)
class Check:
    verdict: str
    text: str


def combine(checks: Iterable[Check]) -> str:
    verdicts = {c.verdict for c in checks}
    return next((v for v in _WORST_FIRST if v in verdicts), NOT_MEASURED)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def _line(target: str, checks: list[Check]) -> Line:
    return target, "; ".join(c.text for c in checks) or "-", combine(checks)


def shown(command: str) -> str:
    return SHOWN.get(command, command)


def figure(results: Results, n: int, command: str, mode: str) -> Figure:
    """pcrcode's ``command`` in ``mode`` (cold, warm or -) at ``n`` interviews."""
    if n not in results:
        return Figure(problem="not measured")
    for row in results[n][1]:
        if row.command != command or (row.mode != mode and row.timing is not None):
            continue
        if row.timing is None:
            return Figure(problem="not available")
        if row.timing.error:
            return Figure(problem=f"failed: {row.timing.error}")
        return Figure(row.timing.median, row.timing.peak_mb)
    return Figure(problem="not measured")


def qc_figure(qc: Mapping[str, Any] | None, n: int, label: str) -> Figure:
    """qc's figure for the comparison ``label`` (qcbench.SHARED) at ``n`` interviews."""
    if qc is None:
        return Figure(problem="not measured (run with --vs-qc)")
    if qc.get("problem"):
        return Figure(problem=f"not run: {qc['problem']}")
    size = qc["sizes"].get(n)
    if size is None or "problem" in size:
        return Figure(problem=size["problem"] if size else "not measured")
    timing = size["timings"].get(label)
    if timing is None:
        return Figure(problem="not measured")
    if "timed out" in timing.error:
        limit = float(timing.error.split("after ")[1].split(" s")[0])
        return Figure(problem=timing.error, bound=limit)
    if timing.error:
        return Figure(problem=f"failed: {timing.error}")
    return Figure(timing.median, timing.peak_mb)


def start_up_floor(results: Results) -> tuple[float, int] | None:
    """The median of every floor run of the run, at every size, and how many runs."""
    times = [
        t
        for _, rows in results.values()
        for row in rows
        if row.command == FLOOR and row.timing is not None and not row.timing.error
        for t in row.timing.times
    ]
    return (statistics.median(times), len(times)) if times else None


def _problem(label: str, f: Figure) -> Check:
    if f.problem == "not available":
        return Check(NOT_AVAILABLE, f"{label}: not available")
    if f.problem.startswith("not measured"):
        return Check(NOT_MEASURED, f"{label}: not measured")
    return Check(NOT_MET, f"{label}: {f.problem}")


def within_floor(label: str, f: Figure, floor: float | None, times: float) -> Check:
    """``f`` at most ``times`` the start-up floor."""
    if f.problem:
        return _problem(label, f)
    if floor is None:
        return Check(NOT_MEASURED, f"{label}: {_ms(f.seconds)}, no floor measured")
    ratio = f.seconds / floor
    return Check(MET if ratio <= times else NOT_MET, f"{label}: {_ms(f.seconds)} = ×{ratio:.1f}")


def faster_than_qc(label: str, ours: Figure, theirs: Figure) -> Check:
    """pcrcode at least VS_QC times faster than qc (ratio qc / pcrcode)."""
    if ours.problem:
        return _problem(label, ours)
    if theirs.bound is not None:
        ratio = theirs.bound / ours.seconds
        text = f"{label}: > ×{ratio:.1f} (qc timed out after {theirs.bound:.0f} s)"
        return Check(MET if ratio >= VS_QC else NOT_MEASURED, text)
    if theirs.problem:
        return Check(NOT_MEASURED, f"{label}: qc {theirs.problem}")
    ratio = theirs.seconds / ours.seconds
    text = f"{label}: ×{ratio:.1f} ({_ms(ours.seconds)} vs {_ms(theirs.seconds)})"
    return Check(MET if ratio >= VS_QC else NOT_MET, text)


def _size(n: int) -> str:
    return f"{n:,}"


def report_targets(
    results: Results, qc: Mapping[str, Any] | None, floor: float | None
) -> list[Line]:
    lines: list[Line] = []
    for command in WARM_REPORTS:
        name = shown(command)
        big = figure(results, LARGE, command, "warm")
        lines.append(
            _line(
                f"warm `{name}` at 10,000 interviews ≤ {REPORT_FLOORS:g}× the floor",
                [within_floor(_size(LARGE), big, floor, REPORT_FLOORS)],
            )
        )
        checks = [
            faster_than_qc(
                _size(n), figure(results, n, command, "warm"), qc_figure(qc, n, "statistics")
            )
            for n in (SMALL, LARGE)
        ]
        lines.append(
            _line(
                f"warm `{name}` ≥ {VS_QC:g}× faster than `qc codes stats`, 1,000 and 10,000", checks
            )
        )
    retrieve = faster_than_qc(
        _size(LARGE),
        figure(results, LARGE, "retrieve", "warm"),
        qc_figure(qc, LARGE, "find / retrieve"),
    )
    lines.append(
        _line(
            f"warm `retrieve` of one code at 10,000 ≥ {VS_QC:g}× faster than `qc codes find` "
            "(both to a file)",
            [retrieve],
        )
    )
    export = [
        faster_than_qc(
            _size(n),
            figure(results, n, "export qdpx", "warm"),
            qc_figure(qc, n, "REFI-QDA export"),
        )
        for n in SIZES
    ]
    lines.append(_line(f"warm `export qdpx` ≥ {VS_QC:g}× `qc export` at every size", export))
    return lines


def cold_scaling(results: Results) -> Line:
    """Every command's cold median at 10,000 at most SCALE times its cold median at 1,000."""
    target = f"cold at 10,000 ≤ {SCALE:g}× cold at 1,000, every command"
    if LARGE not in results or SMALL not in results:
        return target, "run with 1,000 and 10,000 interviews", NOT_MEASURED
    commands = [r.command for r in results[LARGE][1] if r.mode == "cold"]
    ratios: list[tuple[float, str]] = []
    checks: list[Check] = []
    for command in dict.fromkeys(commands):
        big, small = (
            figure(results, LARGE, command, "cold"),
            figure(results, SMALL, command, "cold"),
        )
        if big.problem or small.problem:
            which = big if big.problem else small
            checks.append(_problem(f"{command} at {_size(LARGE if big.problem else SMALL)}", which))
            continue
        ratio = big.seconds / small.seconds
        ratios.append((ratio, command))
        checks.append(Check(MET if ratio <= SCALE else NOT_MET, ""))
    texts = [c.text for c in checks if c.text]
    if ratios:
        worst = max(ratios, key=lambda r: r[0])
        over = [f"{c} ×{r:.1f}" for r, c in sorted(ratios, reverse=True) if r > SCALE]
        texts.insert(0, f"worst: {worst[1]} ×{worst[0]:.1f}")
        if over:
            texts.insert(1, f"over ×{SCALE:g}: {', '.join(over)}")
    return target, "; ".join(texts) or "no command measured cold", combine(checks)


def tag_target(results: Results, floor: float | None) -> Line:
    checks = [
        within_floor(_size(n), figure(results, n, "tag", "-"), floor, TAG_FLOORS) for n in SIZES
    ]
    return _line(f"`tag` (with its index update) ≤ {TAG_FLOORS:g}× the floor at every size", checks)


def memory_target(results: Results) -> Line:
    target = f"peak memory ≤ {MEMORY_MB:g} MB, every report at 10,000 (cold and warm)"
    if LARGE not in results:
        return target, "run with --large", NOT_MEASURED
    peaks: list[tuple[float, str]] = []
    checks: list[Check] = []
    unmeasured: dict[str, None] = {}  # left out of the run (--only): named once, in order
    for command in MEMORY_REPORTS:
        for mode in ("cold", "warm"):
            f = figure(results, LARGE, command, mode)
            if f.problem == "not available":
                break  # a report this version does not have
            if f.problem == "not measured":
                unmeasured[shown(command)] = None
                checks.append(Check(NOT_MEASURED, ""))
            elif f.problem:
                checks.append(_problem(f"{shown(command)} {mode}", f))
            else:
                peaks.append((f.peak_mb, f"{shown(command)} {mode}"))
                checks.append(Check(MET if f.peak_mb <= MEMORY_MB else NOT_MET, ""))
    texts = [c.text for c in checks if c.text]
    if peaks:
        top = max(peaks, key=lambda p: p[0])  # the first of equals
        over = [name for mb, name in sorted(peaks, reverse=True) if mb > MEMORY_MB]
        texts.insert(0, f"highest: {top[1]} {top[0]:.0f} MB")
        if over:
            texts.insert(1, f"{len(over)} over: {', '.join(over)}")
    if unmeasured:
        texts.append(f"not measured: {', '.join(unmeasured)}")
    return target, "; ".join(texts) or "-", combine(checks)


def index_target(results: Results) -> Line:
    """The index (.pcrcode/index.sqlite) at most INDEX_SHARE of the project's files."""
    target = (
        f"index ≤ {INDEX_SHARE:.0%} of the project's files "
        "(interviews, codings, codebook, registry)"
    )
    checks: list[Check] = []
    for n, (stats, _) in sorted(results.items()):
        files = stats.get("project_bytes")
        if not files:
            continue  # measured before the runner recorded it
        index = stats.get("index_bytes")
        if index is None:
            checks.append(Check(NOT_AVAILABLE, f"{_size(n)}: no index"))
            continue
        share = index / files
        text = f"{_size(n)}: {index / 1e6:.1f} of {files / 1e6:.1f} MB ({share:.0%})"
        checks.append(Check(MET if share <= INDEX_SHARE else NOT_MET, text))
    return _line(target, checks)


def scale_targets(results: Results, qc: Mapping[str, Any] | None) -> list[Line]:
    measured = start_up_floor(results)
    floor = measured[0] if measured else None
    return [
        *report_targets(results, qc, floor),
        cold_scaling(results),
        tag_target(results, floor),
        memory_target(results),
        index_target(results),
    ]


def scale_section(results: Results, qc: Mapping[str, Any] | None) -> list[str]:
    """The Markdown section of RESULTS.md for issue 20's targets."""
    measured = start_up_floor(results)
    floor_text = (
        f"{_ms(measured[0])} (median of {measured[1]} runs over the sizes of this run)"
        if measured
        else "not measured"
    )
    lines = [
        "## Targets of issue 20 (scale)",
        "",
        f'Start-up floor: `python -c "{FLOOR}"` with pcrcode\'s interpreter, {floor_text}. '
        "×N = N times the floor; ratios to qc are qc / pcrcode (pcrcode warm).",
        "",
        "| target | measured (medians) | |",
        "|---|---|---|",
    ]
    lines += [
        f"| {a} | {b.replace('|', chr(92) + '|')} | {c} |" for a, b, c in scale_targets(results, qc)
    ]
    return [*lines, ""]
