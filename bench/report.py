"""Writing bench/RESULTS.md from the measurements of bench/run.py and the notes in NOTES.md."""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from scale_targets import FLOOR, scale_section, start_up_floor

BENCH = Path(__file__).resolve().parent

HELP_MS, TAG_MS, COLD_S, WARM_S, SCALE, MEMORY_MB, VS_QC = 100, 150, 1.0, 0.3, 10, 300, 10
GATED = ("check", "crosstab", "report")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}"


def _cell(row: Any, floor: float | None) -> list[str]:
    if row.timing is None:
        return ["not available", "", "", "", "", "", ""]
    t = row.timing
    if t.error:
        return [f"failed: {t.error}".replace("|", "\\|"), "", "", "", "", "", ""]
    return [
        _ms(t.median),
        f"×{t.median / floor:.1f}" if floor else "",
        _ms(min(t.times)),
        _ms(max(t.times)),
        _ms(statistics.median(t.cpu)),
        f"{t.peak_mb:.0f}",
        str(len(t.times)),
    ]


def _find(rows: list[Any], command: str, mode: str) -> Any:
    for row in rows:
        if (
            row.command == command
            and row.mode == mode
            and row.timing is not None
            and not row.timing.error
        ):
            return row.timing
    return None


def _verdict(ok: bool | None) -> str:
    return {True: "met", False: "**not met**", None: "not measured"}[ok]


def targets(results: dict[int, tuple[dict[str, int], list[Any]]]) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    # --help does not read the project: one figure, the median of every run at every size.
    helps = [
        x for _, rows in results.values() if (t := _find(rows, "--help", "-")) for x in t.times
    ]
    help_ms = statistics.median(helps) * 1000 if helps else None
    out.append(
        (
            f"`pcrcode --help` ≤ {HELP_MS} ms",
            f"{help_ms:.0f} ms (median of {len(helps)} runs)" if help_ms else "-",
            _verdict(help_ms <= HELP_MS if help_ms else None),
        )
    )
    tags = {n: t.median for n, (_, rows) in results.items() if (t := _find(rows, "tag", "-"))}
    out.append(
        (
            f"`tag` ≤ {TAG_MS} ms at every size",
            ", ".join(f"{_ms(v)} ms at {n:,}" for n, v in tags.items()),
            _verdict(max(tags.values()) * 1000 <= TAG_MS if tags else None),
        )
    )
    rows_1000 = results.get(1000, ({}, []))[1]
    for mode, limit in (("cold", COLD_S), ("warm", WARM_S)):
        for command in GATED:
            t = _find(rows_1000, command, mode)
            out.append(
                (
                    f"`{command}` {mode} ≤ {limit:g} s at 1,000 interviews",
                    f"{_ms(t.median)} ms" if t else "-",
                    _verdict(t.median <= limit if t else None),
                )
            )
    if 10000 in results and 1000 in results:
        worst: tuple[float, str] | None = None
        for row in results[10000][1]:
            big = _find(results[10000][1], row.command, row.mode)
            small = _find(rows_1000, row.command, row.mode)
            if big and small and row.command not in ("--help", FLOOR):
                ratio = big.median / small.median
                if worst is None or ratio > worst[0]:
                    worst = (ratio, f"{row.command} {row.mode}".replace(" -", ""))
        out.append(
            (
                f"10,000 interviews ≤ {SCALE}× the 1,000 figure",
                f"worst: {worst[1]} ×{worst[0]:.1f}" if worst else "-",
                _verdict(worst[0] <= SCALE if worst else None),
            )
        )
        peak = max(
            (
                (r.timing.peak_mb, r.command)
                for r in results[10000][1]
                if r.timing is not None and r.timing.times and r.command != FLOOR
            ),
            default=None,
        )
        out.append(
            (
                f"peak memory ≤ {MEMORY_MB} MB at 10,000",
                f"highest: {peak[1]} {peak[0]:.0f} MB" if peak else "-",
                _verdict(peak[0] <= MEMORY_MB if peak else None),
            )
        )
    else:
        out.append(
            (
                f"10,000 interviews ≤ {SCALE}× the 1,000 figure; ≤ {MEMORY_MB} MB",
                "run with --large",
                _verdict(None),
            )
        )
    return out


def qc_section(
    qc: dict[str, Any],
    results: dict[int, tuple[dict[str, int], list[Any]]],
) -> tuple[list[str], list[tuple[str, str, str]]]:
    from qcbench import SHARED

    lines = ["## Side by side with qc", ""]
    verdicts: list[tuple[str, str, str]] = []
    if qc.get("problem"):
        lines += [f"qc could not be run: {qc['problem']}", ""]
        return lines, [(f"≥ {VS_QC}× faster than qc", qc["problem"], _verdict(None))]
    lines += [
        f"qc {qc['version']} (`qualitative-coding`, in bench/.venv-qc), loaded with the same "
        "corpus (see bench/qcbench.py: `qc init`, then qc's own tables written as its "
        "`register_document` and `update_coded_lines` do; checked identical to qc's API on "
        "10 interviews). Times are medians in ms; ratio = qc / pcrcode "
        "(pcrcode cold, i.e. without its cache, and warm).",
        "",
        "| interviews | compared | qc command | qc ms | qc MB | pcrcode command | "
        "pcrcode cold ms | pcrcode warm ms | ratio cold | ratio warm |",
        "|---:|---|---|---:|---:|---|---:|---:|---:|---:|",
    ]
    worst: dict[str, tuple[float, float]] = {}  # lowest ratios, pcrcode cold and warm
    for n, data in qc["sizes"].items():
        if "problem" in data:
            lines.append(f"| {n:,} | {data['problem']} |||||||||")
            continue
        rows = results[n][1]
        for label, command, args in SHARED:
            q = data["timings"].get(label)
            if q is None:
                continue  # left out of this run (--only)
            qc_cmd = "qc " + " ".join(a if "{" not in a else "out.qdpx" for a in args)
            cold = _find(rows, command, "cold") or _find(rows, command, "-")
            warm = _find(rows, command, "warm") or cold
            if q.error:
                bound = ""
                if "timed out" in q.error and cold and warm:
                    # qc took at least the time-out: the ratios are lower bounds.
                    limit = float(q.error.split("after ")[1].split(" s")[0])
                    bound = (
                        f" `pcrcode {command}` | {_ms(cold.median)} | {_ms(warm.median)} |"
                        f" > ×{limit / cold.median:.1f} | > ×{limit / warm.median:.1f}"
                    )
                    _lowest(worst, label, limit / cold.median, limit / warm.median)
                elif "timed out" in q.error:
                    bound = f" `pcrcode {command}` | failed | failed | | "
                lines.append(
                    f"| {n:,} | {label} | `{qc_cmd}` | {q.error} | |"
                    + (bound + " |" if bound else " | | | | | |")
                )
                continue
            cmd_args = next((r for r in rows if r.command == command), None)
            shown = f"pcrcode {command}" if cmd_args else command
            if cold is None or warm is None:
                lines.append(
                    f"| {n:,} | {label} | `{qc_cmd}` | {_ms(q.median)} | "
                    f"{q.peak_mb:.0f} | `{shown}` | not available ||||"
                )
                continue
            rc, rw = q.median / cold.median, q.median / warm.median
            _lowest(worst, label, rc, rw)
            lines.append(
                f"| {n:,} | {label} | `{qc_cmd}` | {_ms(q.median)} | {q.peak_mb:.0f} |"
                f" `{shown}` | {_ms(cold.median)} | {_ms(warm.median)} | ×{rc:.1f} | "
                f"×{rw:.1f} |"
            )
    lines.append("")
    # qc keeps a database built at import; pcrcode's equivalent is its cache: the verdict is on
    # the warm figure, the cold one (a first run on a fresh checkout) is shown beside it.
    for label, (cold_ratio, warm_ratio) in worst.items():
        verdicts.append(
            (
                f"≥ {VS_QC}× faster than qc: {label}",
                f"lowest ratio ×{warm_ratio:.1f} warm (×{cold_ratio:.1f} cold)",
                _verdict(warm_ratio >= VS_QC),
            )
        )
    return lines, verdicts


def _lowest(
    worst: dict[str, tuple[float, float]],
    label: str,
    cold: float,
    warm: float,
) -> None:
    old = worst.get(label, (cold, warm))
    worst[label] = (min(old[0], cold), min(old[1], warm))


def write_results(
    path: Path,
    info: dict[str, str],
    load: tuple[Any, Any],
    results: dict[int, tuple[dict[str, int], list[Any]]],
    qc: dict[str, Any] | None,
    argv: str,
) -> None:
    written = ", then ".join(f"`{f'python bench/run.py {a}'.rstrip()}`" for a in argv.split("\n"))
    merged = " (merged: each later run's figures replace the earlier's)" if "\n" in argv else ""
    lines = [
        "# pcrcode benchmark",
        "",
        f"Written by {written}{merged} — do not edit by hand; "
        "the analysis comes from bench/NOTES.md.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v} |" for k, v in info.items()]
    lines += [
        f"| load average (1, 5, 15 min) | before {_load(load[0])}; after {_load(load[1])} |",
        "",
    ]
    qc_lines: list[str] = []
    qc_verdicts: list[tuple[str, str, str]] = []
    if qc is not None:
        qc_lines, qc_verdicts = qc_section(qc, results)
    lines += ["## Targets", "", "| target | measured (medians) | |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in targets(results) + qc_verdicts]
    lines.append("")
    lines += scale_section(results, qc)
    measured = start_up_floor(results)
    floor = measured[0] if measured else None
    for n, (stats, rows) in results.items():
        lines += [
            f"## {n:,} interviews",
            "",
            f"{stats['structures']:,} structures, {stats['interviews']:,} interviews, "
            f"{stats['turns']:,} turns, {stats['codings']:,} codings by two coders, "
            f"{stats['bytes'] / 1e6:.1f} MB of project files.",
            "",
            "| command | cache | median ms | × floor | min ms | max ms | CPU ms | peak MB | runs |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in rows:
            name = f'python -c "{FLOOR}"' if row.command == FLOOR else row.command
            lines.append(f"| `{name}` | {row.mode} | " + " | ".join(_cell(row, floor)) + " |")
        lines.append("")
    lines += qc_lines
    notes = BENCH / "NOTES.md"
    if notes.exists():
        lines += [notes.read_text(encoding="utf-8").rstrip(), ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def _load(values: tuple[float, float, float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)
