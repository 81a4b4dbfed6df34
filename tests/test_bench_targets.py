"""The benchmark's verdicts (bench/scale_targets.py, issue 20): met / not met from medians and the
start-up floor, with numbers worked out by hand; merging runs and choosing commands (bench/).

Nothing here times anything: the runs are made-up measurements.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import qcbench  # noqa: E402
import run  # noqa: E402
import scale_targets as st  # noqa: E402
from measure import Timing  # noqa: E402
from report import write_results  # noqa: E402
from store import Results, load_results, merge_results, save_results  # noqa: E402

Sizes = dict[int, tuple[dict[str, int], list[Any]]]
LARGE = 10000
MODES = ("cold", "warm")


def timed(*seconds: float, mb: float = 50.0) -> Timing:
    return Timing(times=list(seconds), cpu=list(seconds), rss_kb=[int(mb * 1024)] * len(seconds))


def row(command: str, mode: str, *seconds: float, mb: float = 50.0) -> run.Row:
    return run.Row(command, mode, timed(*seconds, mb=mb))


def floor_row(*seconds: float) -> run.Row:
    return row(st.FLOOR, "-", *seconds)


def stats(**extra: int) -> dict[str, int]:
    base = {"interviews": 1, "structures": 1, "turns": 1, "codings": 1, "bytes": 1}
    return {**base, **extra}


def qc_at(**by_size: dict[str, Timing]) -> dict[str, Any]:
    """qc results as qcbench.run returns them: keys like n1000 -> {label: Timing}."""
    sizes = {int(k[1:]): {"timings": v} for k, v in by_size.items()}
    return {"problem": "", "version": "qualitative-coding 1.7.8", "sizes": sizes}


def line(lines: list[st.Line], starts: str) -> st.Line:
    return next(x for x in lines if x[0].startswith(starts))


# -- the floor and single checks ---------------------------------------------------------------


def test_the_floor_is_the_median_of_every_floor_run_at_every_size() -> None:
    results: Sizes = {
        10: (stats(), [floor_row(0.040, 0.050, 0.060), row("--help", "-", 0.010)]),
        100: (stats(), [floor_row(0.045, 0.055), run.Row(st.FLOOR, "-", Timing(error="x"))]),
    }
    # 0.040 0.045 0.050 0.055 0.060: the median is 0.050, of 5 runs (the failed row adds none).
    assert st.start_up_floor(results) == (0.050, 5)
    assert st.start_up_floor({10: (stats(), [row("--help", "-", 0.01)])}) is None


def test_within_the_floor_is_inclusive_and_shows_the_ratio() -> None:
    at_limit = st.within_floor("10,000", st.Figure(0.150), 0.050, 3.0)
    assert at_limit == st.Check(st.MET, "10,000: 150 ms = ×3.0")
    over = st.within_floor("10,000", st.Figure(0.160), 0.050, 3.0)
    assert over == st.Check(st.NOT_MET, "10,000: 160 ms = ×3.2")
    no_floor = st.within_floor("10", st.Figure(0.160), None, 3.0)
    assert no_floor.verdict == st.NOT_MEASURED


def test_a_failed_command_is_not_met_with_its_error_and_a_missing_one_not_available() -> None:
    failed = st.within_floor("10", st.Figure(problem="failed: exit 2: no such option"), 0.05, 3)
    assert failed == st.Check(st.NOT_MET, "10: failed: exit 2: no such option")
    missing = st.within_floor("10", st.Figure(problem="not available"), 0.05, 3)
    assert missing == st.Check(st.NOT_AVAILABLE, "10: not available")


def test_faster_than_qc_is_the_ratio_qc_over_pcrcode() -> None:
    # 1.000 / 0.100 = 10.0: met (inclusive); 1.000 / 0.120 = 8.33: not met.
    assert st.faster_than_qc("1,000", st.Figure(0.100), st.Figure(1.000)) == st.Check(
        st.MET, "1,000: ×10.0 (100 ms vs 1,000 ms)"
    )
    assert st.faster_than_qc("1,000", st.Figure(0.120), st.Figure(1.000)).verdict == st.NOT_MET


def test_a_qc_time_out_is_a_lower_bound_that_proves_a_target_or_measures_nothing() -> None:
    # qc killed after 180 s: 180 / 14.175 = 12.7 is enough; 180 / 19.366 = 9.3 proves nothing.
    timed_out = st.Figure(problem="timed out: still running after 180 s", bound=180.0)
    assert st.faster_than_qc("10,000", st.Figure(14.175), timed_out) == st.Check(
        st.MET, "10,000: > ×12.7 (qc timed out after 180 s)"
    )
    assert st.faster_than_qc("10,000", st.Figure(19.366), timed_out).verdict == st.NOT_MEASURED


def test_qc_figures_say_why_they_are_missing() -> None:
    qc = qc_at(n1000={"statistics": Timing(error="timed out: still running after 300 s")})
    assert st.qc_figure(qc, 1000, "statistics").bound == 300.0
    assert st.qc_figure(qc, 1000, "find / retrieve").problem == "not measured"
    assert st.qc_figure(qc, 10, "statistics").problem == "not measured"
    assert st.qc_figure(None, 10, "statistics").problem.startswith("not measured")
    broken = {"problem": "installing qc failed: no network", "version": "", "sizes": {}}
    assert st.qc_figure(broken, 10, "statistics").problem.startswith("not run: installing")


def test_the_worst_verdict_wins() -> None:
    met, nm = st.Check(st.MET, ""), st.Check(st.NOT_MEASURED, "")
    assert st.combine([met, met]) == st.MET
    assert st.combine([met, nm]) == st.NOT_MEASURED
    assert st.combine([met, nm, st.Check(st.NOT_AVAILABLE, "")]) == st.NOT_AVAILABLE
    assert st.combine([nm, st.Check(st.NOT_MET, ""), met]) == st.NOT_MET
    assert st.combine([]) == st.NOT_MEASURED


# -- the target table --------------------------------------------------------------------------


def large_run() -> tuple[Sizes, dict[str, Any]]:
    """1,000 and 10,000 interviews, floor 50 ms; qc codes stats 0.886 s and 1.372 s."""
    small = [
        floor_row(0.050),
        row("check", "cold", 0.810),
        row("frequencies", "cold", 0.800),
        row("frequencies", "warm", 0.080),
        row("crosstab", "warm", 0.090),
    ]
    large = [
        floor_row(0.050),
        row("check", "cold", 8.308),
        row("frequencies", "cold", 6.400, mb=140),
        row("frequencies", "warm", 0.120, mb=150),
        row("crosstab", "warm", 0.200, mb=155),
        run.Row("report", "-", None),  # this version has no `report`
    ]
    results: Sizes = {
        1000: (stats(project_bytes=20_740_000), small),
        10000: (stats(project_bytes=207_400_000, index_bytes=41_480_000), large),
    }
    qc = qc_at(n1000={"statistics": timed(0.886)}, n10000={"statistics": timed(1.372)})
    return results, qc


def test_warm_reports_against_the_floor_and_qc_codes_stats() -> None:
    results, qc = large_run()
    lines = st.scale_targets(results, qc)
    # frequencies: 0.120 / 0.050 = 2.4 floors; 0.886 / 0.080 = 11.1 and 1.372 / 0.120 = 11.4.
    assert line(lines, "warm `frequencies` at 10,000") == (
        "warm `frequencies` at 10,000 interviews ≤ 3× the floor",
        "10,000: 120 ms = ×2.4",
        st.MET,
    )
    assert line(lines, "warm `frequencies` ≥") == (
        "warm `frequencies` ≥ 10× faster than `qc codes stats`, 1,000 and 10,000",
        "1,000: ×11.1 (80 ms vs 886 ms); 10,000: ×11.4 (120 ms vs 1,372 ms)",
        st.MET,
    )
    # crosstab: 0.200 / 0.050 = 4.0 floors; 1.372 / 0.200 = 6.9 at 10,000.
    assert line(lines, "warm `crosstab` at")[1:] == ("10,000: 200 ms = ×4.0", st.NOT_MET)
    assert line(lines, "warm `crosstab` ≥")[1:] == (
        "1,000: ×9.8 (90 ms vs 886 ms); 10,000: ×6.9 (200 ms vs 1,372 ms)",
        st.NOT_MET,
    )
    assert line(lines, "warm `report` at")[1:] == ("10,000: not available", st.NOT_AVAILABLE)
    assert line(lines, "warm `profile --format csv` at")[2] == st.NOT_MEASURED
    # No qc find, no export measured in this run.
    assert line(lines, "warm `retrieve`")[2] == st.NOT_MEASURED
    assert line(lines, "warm `export qdpx`")[2] == st.NOT_MEASURED


def test_cold_scaling_names_the_worst_command_and_those_over() -> None:
    results, _ = large_run()
    # check 8.308 / 0.810 = 10.26; frequencies 6.400 / 0.800 = 8.0.
    assert st.cold_scaling(results) == (
        "cold at 10,000 ≤ 10× cold at 1,000, every command",
        "worst: check ×10.3; over ×10: check ×10.3",
        st.NOT_MET,
    )
    results[10000][1][1] = run.Row("check", "cold", Timing(error="exit 1: boom"))
    _, measured, verdict = st.cold_scaling(results)
    assert (measured, verdict) == (
        "worst: frequencies ×8.0; check at 10,000: failed: exit 1: boom",
        st.NOT_MET,
    )
    del results[1000]
    assert st.cold_scaling(results)[2] == st.NOT_MEASURED


def test_peak_memory_of_every_report_at_10000() -> None:
    results, _ = large_run()
    # 140 and 150 MB are within 150 MB; crosstab's 155 MB is not; `report` is not available
    # (left out), the others were not measured in this run.
    unmeasured = (
        "not measured: profile, profile --format csv, crosstab, cooccurrence, retrieve, "
        "report --format html, agreement"
    )
    assert st.memory_target(results) == (
        "peak memory ≤ 150 MB, every report at 10,000 (cold and warm)",
        f"highest: crosstab warm 155 MB; 1 over: crosstab warm; {unmeasured}",
        st.NOT_MET,
    )
    results[10000][1][4] = row("crosstab", "warm", 0.2, mb=149)
    assert st.memory_target(results)[1:] == (
        f"highest: frequencies warm 150 MB; {unmeasured}",
        st.NOT_MEASURED,
    )
    every = [row(c, m, 0.1, mb=100) for c in st.MEMORY_REPORTS for m in MODES]
    every[-2] = row("agreement", "cold", 0.1, mb=150)
    assert st.memory_target({LARGE: (stats(), every)})[1:] == (
        "highest: agreement cold 150 MB",
        st.MET,
    )


def test_tag_within_twice_the_floor_at_every_size() -> None:
    results: Sizes = {
        n: (stats(), [floor_row(0.050), row("tag", "-", seconds)])
        for n, seconds in ((10, 0.098), (100, 0.088), (1000, 0.091), (10000, 0.080))
    }
    # 0.098 / 0.050 = 1.96 (shown ×2.0), 1.76, 1.82, 1.60: all within 2.
    assert st.tag_target(results, 0.050) == (
        "`tag` (with its index update) ≤ 2× the floor at every size",
        "10: 98 ms = ×2.0; 100: 88 ms = ×1.8; 1,000: 91 ms = ×1.8; 10,000: 80 ms = ×1.6",
        st.MET,
    )
    assert st.tag_target(results, 0.045)[2] == st.NOT_MET  # 0.098 / 0.045 = 2.18
    del results[100]
    assert st.tag_target(results, 0.050)[2] == st.NOT_MEASURED


def test_export_against_qc_at_every_size() -> None:
    results: Sizes = {
        n: (stats(), [row("export qdpx", "warm", seconds)])
        for n, seconds in ((10, 0.080), (100, 0.100), (1000, 1.000), (10000, 14.175))
    }
    qc = qc_at(
        n10={"REFI-QDA export": timed(0.918)},
        n100={"REFI-QDA export": timed(1.269)},
        n1000={"REFI-QDA export": timed(15.679)},
        n10000={"REFI-QDA export": Timing(error="timed out: still running after 180 s")},
    )
    lines = st.report_targets(results, qc, 0.050)
    # 0.918 / 0.080 = 11.5; 1.269 / 0.100 = 12.7; 15.679 / 1.000 = 15.7; 180 / 14.175 > 12.7.
    assert line(lines, "warm `export qdpx`")[1:] == (
        "10: ×11.5 (80 ms vs 918 ms); 100: ×12.7 (100 ms vs 1,269 ms); "
        "1,000: ×15.7 (1,000 ms vs 15,679 ms); 10,000: > ×12.7 (qc timed out after 180 s)",
        st.MET,
    )


def test_index_size_against_the_project_files() -> None:
    results, _ = large_run()
    # 41.48 / 207.4 MB = 20%: met (inclusive); 1,000 has no index: not available.
    assert st.index_target(results)[1:] == (
        "1,000: no index; 10,000: 41.5 of 207.4 MB (20%)",
        st.NOT_AVAILABLE,
    )
    results[1000][0]["index_bytes"] = 5_000_000  # 5 / 20.74 = 24%
    assert st.index_target(results)[1:] == (
        "1,000: 5.0 of 20.7 MB (24%); 10,000: 41.5 of 207.4 MB (20%)",
        st.NOT_MET,
    )


def test_results_md_has_both_target_tables_and_ratios_to_the_floor(tmp_path: Path) -> None:
    results, qc = large_run()
    out = tmp_path / "RESULTS.md"
    write_results(out, {"CPU": "test"}, ((0.0, 0.0, 0.0), (0.0, 0.0, 0.0)), results, qc, "--large")
    text = out.read_text(encoding="utf-8")
    assert text.index("## Targets\n") < text.index("## Targets of issue 20 (scale)")
    assert "50 ms (median of 2 runs over the sizes of this run)" in text
    assert "| `frequencies` | warm | 120 | ×2.4 | 120 | 120 | 120 | 150 | 1 |" in text
    assert "| `report` | - | not available |" in text
    assert "Written by `python bench/run.py --large` —" in text


# -- runs, merges, choices ---------------------------------------------------------------------


def test_a_partial_run_merges_into_the_last_one(tmp_path: Path) -> None:
    old = Results(
        {"date": "old"},
        ((1.0, 1.0, 1.0), (1.0, 1.0, 1.0)),
        {10: (stats(), [floor_row(0.05), row("check", "cold", 0.2), row("check", "warm", 0.1)])},
        qc_at(n10={"statistics": timed(0.9), "start-up": timed(0.8)}),
        "--sizes 10",
    )
    new = Results(
        {"date": "new"},
        ((2.0, 2.0, 2.0), (2.0, 2.0, 2.0)),
        {
            10: (stats(), [floor_row(0.06), row("check", "cold", 0.3)]),
            100: (stats(), [floor_row(0.07)]),
        },
        qc_at(n10={"statistics": timed(1.1)}),
        "--sizes 10 100 --only check",
    )
    path = tmp_path / "results.json"
    save_results(path, merge_results(old, new))
    merged = load_results(path)
    assert merged.info == {"date": "new"}
    assert merged.argv == "--sizes 10\n--sizes 10 100 --only check"
    rows = merged.results[10][1]
    assert [(r.command, r.mode, r.timing.times) for r in rows] == [
        (st.FLOOR, "-", [0.06]),
        ("check", "cold", [0.3]),
        ("check", "warm", [0.1]),
    ]
    assert list(merged.results) == [10, 100]
    assert merged.qc is not None
    timings = merged.qc["sizes"][10]["timings"]
    assert (timings["statistics"].times, timings["start-up"].times) == ([1.1], [0.8])


def test_only_takes_comma_separated_names_and_refuses_unknown_ones() -> None:
    assert run.parse_only(None) is None
    assert run.parse_only(["frequencies,crosstab", "export qdpx"]) == [
        "frequencies",
        "crosstab",
        "export qdpx",
    ]
    with pytest.raises(SystemExit, match="unknown command 'frequency'"):
        run.parse_only(["frequency"])


def test_only_runs_the_qc_commands_its_targets_compare_with() -> None:
    assert [s[0] for s in qcbench.chosen(["frequencies"])] == ["statistics"]
    assert [s[0] for s in qcbench.chosen(["cooccurrence", "export qdpx"])] == [
        "statistics",
        "code crosstab",
        "REFI-QDA export",
    ]
    assert qcbench.chosen(["check"]) == []
    assert len(qcbench.chosen(None)) == len(qcbench.SHARED)


def test_the_output_folder_comes_from_out_then_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(run.OUT_ENV, str(tmp_path / "shared"))
    assert run.out_folder(tmp_path / "given") == tmp_path / "given"
    assert run.out_folder(None) == tmp_path / "shared"
    monkeypatch.delenv(run.OUT_ENV)
    assert run.out_folder(None) == BENCH / "out"


def test_index_bytes_count_the_database_and_its_log(tmp_path: Path) -> None:
    assert run.index_bytes(tmp_path) is None
    (tmp_path / ".pcrcode").mkdir()
    (tmp_path / run.INDEX).write_bytes(b"x" * 1000)
    (tmp_path / f"{run.INDEX}-wal").write_bytes(b"x" * 24)
    assert run.index_bytes(tmp_path) == 1024
    (tmp_path / "interviews").mkdir()
    (tmp_path / "interviews" / "a.md").write_bytes(b"x" * 10)
    (tmp_path / "codebook.yaml").write_bytes(b"x" * 5)
    (tmp_path / "synthesis.yaml").write_bytes(b"x" * 7)  # not summarised by the index
    assert run.project_bytes(tmp_path) == 15
