"""``pcrcode tag``, ``pcrcode untag`` and ``pcrcode codings``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

from pcrcode.cli.common import (
    CoderFilterOpt,
    CoderOpt,
    ListFormat,
    ListFormatOpt,
    RoundOpt,
    complete_code,
    complete_interview,
    load,
    note,
    project_root,
    resolve_coder,
)
from pcrcode.errors import UnknownItem, UsageError

MAX_SEGMENTS = 100_000  # a transcript of a thousand hours has fewer turns
# Nine digits at most: past that no transcript has the segment, and int() of 5,000 digits fails.
_RANGE_RE = re.compile(r"^\s*(\d{1,9})\s*(?:-\s*(\d{1,9}))?\s*$")

CODING_KEYS = (
    "interview",
    "segment",
    "code",
    "coder",
    "at",
    "fp",
    "memo",
    "start",
    "end",
    "quote",
    "with",
)


app = typer.Typer()


def parse_segments(spec: str, count: int | None = None) -> list[int]:
    """``7``, ``7-9``, ``7,12`` or ``3-5,9`` -> sorted segment numbers; checks them against
    ``count`` when given."""
    numbers: set[int] = set()
    for part in spec.split(","):
        m = _RANGE_RE.match(part)
        if m is None:
            raise UsageError(f"bad segments '{spec}': write 7, 7-9 or 7,12")
        first = int(m.group(1))
        last = int(m.group(2)) if m.group(2) else first
        if first < 1:
            raise UsageError(f"bad segment range '{part.strip()}': segments are numbered from 1")
        if last < first:
            raise UsageError(
                f"bad segment range '{part.strip()}': write the smaller number first "
                f"({last}-{first})"
            )
        # Checked before the range is built: 1-999999999 is answered at once, not after
        # filling the memory.
        if count is not None and last > count:
            raise UnknownItem(
                f"segment {max(first, count + 1)} is out of range: the interview has "
                f"segments 1-{count}"
            )
        if last - first > MAX_SEGMENTS:
            raise UsageError(f"bad segment range '{part.strip()}': too many segments at once")
        numbers.update(range(first, last + 1))
    return sorted(numbers)


def _segments(root: Path, interview: str, spec: str) -> list[int]:
    """The segments typed (``7-9,12``) as numbers, checked against the interview's turns as they
    are read, so that a range past the end (``1-999999999``) is refused before it is built. A
    transcript without turns is left to the core, which says so."""
    from pcrcode.files.transcripts import load_interview

    return parse_segments(spec, len(load_interview(root, interview).turns) or None)


@app.command("tag")
def tag(
    ctx: typer.Context,
    interview: Annotated[
        str,
        typer.Argument(
            help="Interview id (file name without extension).", autocompletion=complete_interview
        ),
    ],
    segments: Annotated[str, typer.Argument(help="Segments: 7, 7-9 or 7,12.")],
    codes: Annotated[
        list[str],
        typer.Argument(metavar="CODE", help="One or more code ids.", autocompletion=complete_code),
    ],
    coder: CoderOpt = None,
    coding_round: RoundOpt = None,
    memo: Annotated[
        str, typer.Option("--memo", "-m", metavar="TEXT", help="A memo on these codings.")
    ] = "",
    quote: Annotated[
        str | None,
        typer.Option(
            "--quote",
            "-q",
            metavar="TEXT",
            help="Code only these words of the segment (typographic apostrophes, quotes, "
            "spaces, case and accents need not match; the exact text is stored).",
        ),
    ] = None,
    occurrence: Annotated[
        int | None,
        typer.Option(
            "--occurrence",
            min=1,
            metavar="N",
            help="The quote's Nth occurrence in the segment, when it occurs more than once.",
        ),
    ] = None,
    partners: Annotated[
        list[str] | None,
        typer.Option(
            "--with",
            metavar="PARTNER",
            help="A partner of the relation (a structure or actor id, or a unique prefix); "
            "repeatable.",
        ),
    ] = None,
) -> None:
    """Apply codes to segments of an interview.

    With the example project's ids:

    Example: pcrcode tag jardins-du-drac 7-9 forme/partenariat logique/reseau/affinitaire

    Example: pcrcode tag jardins-du-drac 12 forme/partenariat --with terre-et-paille
    """
    from pcrcode.coding.tagging import tag as do_tag

    root = project_root(ctx)
    coder_name = resolve_coder(coder, root, coding_round)  # a bad name is refused first
    result = do_tag(
        root,
        interview,
        _segments(root, interview, segments),
        codes,
        coder_name,
        memo=memo,
        quote=quote,
        partners=partners or (),
        occurrence=occurrence,
    )
    for c in result.added:
        span = f" «{c.quote}»" if c.quote else ""
        partners_note = f" with {', '.join(c.partners)}" if c.partners else ""
        note(f"{result.coder}: + {c.code} on {c.interview} {c.segment}{span}{partners_note}")
    if result.unchanged and not result.added:
        note(f"{result.coder}: already coded, nothing changed")


@app.command("untag")
def untag(
    ctx: typer.Context,
    interview: Annotated[
        str, typer.Argument(help="Interview id.", autocompletion=complete_interview)
    ],
    segments: Annotated[str, typer.Argument(help="Segments: 7, 7-9 or 7,12.")],
    codes: Annotated[
        list[str],
        typer.Argument(metavar="CODE", help="One or more code ids.", autocompletion=complete_code),
    ],
    coder: CoderOpt = None,
    coding_round: RoundOpt = None,
) -> None:
    """Remove a coder's codes from segments of an interview.

    With the example project's ids:

    Example: pcrcode untag jardins-du-drac 7 forme/partenariat
    """
    from pcrcode.coding.tagging import untag as do_untag

    root = project_root(ctx)
    coder_name = resolve_coder(coder, root, coding_round)
    result = do_untag(root, interview, _segments(root, interview, segments), codes, coder_name)
    for c in result.removed:
        note(f"{result.coder}: - {c.code} on {c.interview} {c.segment}")


@app.command("codings")
def codings(
    ctx: typer.Context,
    interview: Annotated[
        str | None,
        typer.Option(
            "--interview",
            "-i",
            metavar="INTERVIEW",
            help="Only this one.",
            autocompletion=complete_interview,
        ),
    ] = None,
    code: Annotated[
        str | None,
        typer.Option(
            "--code",
            metavar="CODE",
            help="Only this code and the codes under it.",
            autocompletion=complete_code,
        ),
    ] = None,
    coder: CoderFilterOpt = None,
    fmt: ListFormatOpt = ListFormat.table,
) -> None:
    """List codings, one per line.

    JSON/CSV keys: interview, segment, code, coder, at, fp, memo, start, end, quote, with
    (the partners: a list in JSON, joined by ';' in CSV).

    With the example project's ids:

    Example: pcrcode codings --interview jardins-du-drac --format json
    """
    from pcrcode.cli.output.csv_writer import write_csv
    from pcrcode.cli.output.rows import Column, emit
    from pcrcode.reports.listings import coding_rows

    project = load(ctx)
    rows = coding_rows(project, interview=interview, code=code, coder=coder)
    if fmt is ListFormat.json:  # written as the rows come: a million codings are not held
        from pcrcode.cli.output.json_stream import write_json_array

        write_json_array(rows)
    elif fmt is ListFormat.csv:
        write_csv(rows, CODING_KEYS)
    else:
        emit(
            fmt.value,
            list(rows),
            [
                Column("interview", "interview"),
                Column("segment", "seg", "right"),
                Column("code", "code"),
                Column("coder", "coder"),
                Column("memo", "memo"),
            ],
        )
