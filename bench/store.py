"""The benchmark's measurements on disk (results.json in the output folder), and merging two runs.

``run.py --rewrite`` writes RESULTS.md again from the file; ``run.py --merge`` keeps the figures
of the last run that a partial run (``--only``, ``--sizes``) did not measure again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, NamedTuple

from measure import Timing

SizeResults = dict[int, tuple[dict[str, int], list[Any]]]  # size -> (stats, run.Row list)


class Results(NamedTuple):
    info: dict[str, str]
    load: tuple[Any, Any]  # load averages before and after
    results: SizeResults
    qc: dict[str, Any] | None
    argv: str  # the runner's arguments; one line per run merged into these results


def _timing(t: Timing | None) -> dict[str, object] | None:
    return (
        None
        if t is None
        else {"times": t.times, "cpu": t.cpu, "rss_kb": t.rss_kb, "error": t.error}
    )


def _untiming(d: dict[str, Any] | None) -> Timing | None:
    return None if d is None else Timing(**d)


def save_results(path: Path, data: Results) -> None:
    qc_data = None
    if data.qc is not None:
        qc_data = dict(data.qc)
        qc_data["sizes"] = {
            str(n): (
                {"problem": v["problem"]}
                if "problem" in v
                else {"timings": {k: _timing(t) for k, t in v["timings"].items()}}
            )
            for n, v in data.qc["sizes"].items()
        }
    path.write_text(
        json.dumps(
            {
                "info": data.info,
                "load": data.load,
                "argv": data.argv,
                "qc": qc_data,
                "results": {
                    str(n): {
                        "stats": stats,
                        "rows": [
                            {"command": r.command, "mode": r.mode, "timing": _timing(r.timing)}
                            for r in rows
                        ],
                    }
                    for n, (stats, rows) in data.results.items()
                },
            },
            indent=1,
        ),
        encoding="utf-8",
    )


def load_results(path: Path) -> Results:
    from run import Row

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
    load = (data["load"][0], data["load"][1])
    return Results(data["info"], load, results, qc, data["argv"])


def merge_results(old: Results, new: Results) -> Results:
    """``old`` with every figure ``new`` measured replaced by ``new``'s (rows keep old's order)."""
    results = dict(old.results)
    for n, (stats, rows) in new.results.items():
        if n not in results:
            results[n] = (stats, rows)
            continue
        fresh = {(r.command, r.mode): r for r in rows}
        kept = [fresh.pop((r.command, r.mode), r) for r in results[n][1]]
        results[n] = (stats, kept + list(fresh.values()))
    return Results(
        new.info,
        new.load,
        dict(sorted(results.items())),
        _merge_qc(old.qc, new.qc),
        f"{old.argv}\n{new.argv}",
    )


def _merge_qc(old: dict[str, Any] | None, new: dict[str, Any] | None) -> dict[str, Any] | None:
    if new is None or new.get("problem"):
        return old if old is not None else new
    if old is None or old.get("problem"):
        return new
    sizes = dict(old["sizes"])
    for n, data in new["sizes"].items():
        before = sizes.get(n)
        if "problem" in data or before is None or "problem" in before:
            sizes[n] = data
        else:
            sizes[n] = {"timings": {**before["timings"], **data["timings"]}}
    return {**new, "sizes": dict(sorted(sizes.items()))}
