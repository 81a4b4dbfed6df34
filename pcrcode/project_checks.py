"""The linter behind ``pcrcode check``: every rule that needs more than one file at a time.

Rules that concern a single file (YAML syntax, unknown keys, duplicate code ids, missing
definitions...) are reported by the loaders themselves; this module crosses the codebook, the
registry, the transcripts and the codings. Rule ids are listed in the README.
"""

from __future__ import annotations

from pathlib import Path

from pcrcode.errors import FileFormatError, did_you_mean
from pcrcode.files.cache_codec import pack_order
from pcrcode.files.diagnostics import Diagnostics, Finding
from pcrcode.model import Codebook, Coding, Project, as_codings
from pcrcode.project import Progress, load_project

RULES: dict[str, str] = {
    "syntax": "a file is not valid YAML, or its front matter is broken",
    "encoding": "a file is not UTF-8",
    "outside-project": "a transcript or coding file is a symbolic link leading out of the project",
    "empty-file": "an empty coding file (pcrcode never writes one: truncated by a tool?)",
    "unknown-key": "a key pcrcode does not know (a typo?), with a did-you-mean",
    "missing-key": "a required key is missing (a code's id, a census' rows...)",
    "bad-value": "a value of the wrong kind (text where a number is expected...)",
    "bad-id": "an id that is not a lowercase path of a-z, 0-9, - and _",
    "duplicate-id": "two codes, structures or transcripts with the same id",
    "missing-definition": "a code or family without a definition",
    "incomplete-code": "a code without label, short definition, when to use, when not, example",
    "unknown-parent": "a code whose family or parent code does not exist",
    "bad-degree": "a degree missing, repeated or misplaced in an ordered family",
    "unknown-value": "an attribute value outside the codebook's declaration (values, type)",
    "missing-attribute": "a case without an attribute the codebook marks required",
    "duplicate-attribute": "a case giving the same attribute twice (top level and attributes:)",
    "grouping-incomplete": "a grouping (derived attribute) that does not map every value",
    "synthesis-unknown-attribute": "synthesis.yaml names an attribute the project does not have",
    "synthesis-unknown-family": "synthesis.yaml names a code family the codebook does not have",
    "synthesis-unknown-code": "synthesis.yaml names a code the codebook does not have",
    "synthesis-unknown-axis": "a crosstab axis of synthesis.yaml is no attribute nor family",
    "synthesis-unknown-column": "synthesis.yaml lists a profile column it does not declare",
    "synthesis-unknown-case": "synthesis.yaml names a vignette case the registry does not have",
    "synthesis-not-ordered": "synthesis.yaml asks the highest code of a family not ordered",
    "missing-file": "structures.yaml is missing",
    "unknown-structure": "a transcript names a structure that is not in the registry",
    "missing-transcript": "a structure marked interviewed has no transcript",
    "not-interviewed": "a transcript exists for a structure marked not interviewed",
    "empty-transcript": "a transcript without turns",
    "text-outside-turns": "text before the first turn, which belongs to no segment",
    "misplaced-codings": "a coding file whose header names another coder or interview",
    "unknown-interview": "codings of an interview that has no transcript",
    "unknown-segment": "a coding of a segment the transcript does not have",
    "unknown-code": "a coding with a code the codebook does not have",
    "alias-used": "a coding uses an old code id kept as an alias",
    "not-codable": "a coding with a family or a node marked codable: false",
    "stale-fingerprint": "the segment's text changed since it was coded",
    "stale-quote": "a span coding whose quote is no longer at its place in the segment",
    "missing-fingerprint": "a coding without its segment fingerprint",
    "duplicate-coding": "the same code applied twice to the same segment by the same coder",
    "census-mismatch": "declared census totals differ from the registry's counts",
    "merge-conflict": "a coding removed on one branch and changed on the other (merge-file)",
    "git-merge-driver": "a git repository without pcrcode's merge driver (`pcrcode git setup`)",
    "unknown-partner": "a coding names a partner that is neither a structure nor an actor",
    "self-partner": "a coding names the interview's own structure as its partner",
    "scope-contradiction": "a scope code that the partners' declared sectors contradict",
    "memo": "a memo on a code, interview or structure that does not exist, or a broken memo file",
    "finding-unknown": "a finding names a code, attribute, family, value or coder the project "
    "does not have",
    "finding-threshold": "a finding's threshold is outside [0, 1], or a count is below 1",
    "finding-not-exclusive": "a finding reads a family's single value on a segment, but the "
    "family is not exclusive",
    "finding-not-ordered": "a finding compares degrees on a family that is not ordered",
}


def check_project(root: Path, progress: Progress | None = None) -> list[Finding]:
    """Every finding on the project at ``root``, sorted by file and line."""
    diag = Diagnostics(root)
    try:
        project = load_project(root, diag, progress=progress, aliases=False)
    except FileFormatError as exc:  # no codebook, nothing else can be checked
        rule = "encoding" if "UTF-8" in exc.message else "syntax"
        diag.error(exc.path or "codebook.yaml", (exc.line or 1, exc.col or 1), exc.message, rule)
        return diag.sorted()
    check_links(project, diag)
    check_codings(project, diag)
    check_census(project, diag)
    check_memos(project, diag)
    check_findings(project, diag)
    check_git(root, diag)
    check_synthesis(project, diag)
    return diag.sorted()


def check_synthesis(project: Project, diag: Diagnostics) -> None:
    """synthesis.yaml against the codebook and the registry (its own findings)."""
    from pcrcode.reports.declaration import load_synthesis

    try:
        load_synthesis(project.root, project.codebook, project.registry, diag)
    except FileFormatError as exc:
        rule = "encoding" if "UTF-8" in exc.message else "syntax"
        diag.error(exc.path or "synthesis.yaml", (exc.line or 1, exc.col or 1), exc.message, rule)


def check_git(root: Path, diag: Diagnostics) -> None:
    """In a git repository, coding and memo files should merge by content, not by line."""
    from pcrcode.git.setup import ATTRIBUTES_FILE, problems

    for problem in problems(root):
        diag.warning(
            root / ATTRIBUTES_FILE,
            1,
            f"{problem}: git would merge coding files line by line and stop on conflicts; "
            "run `pcrcode git setup`",
            "git-merge-driver",
        )


def check_links(project: Project, diag: Diagnostics) -> None:
    registry = project.registry
    with_transcript: set[str] = set()
    for interview in project.interviews.values():
        sid = interview.structure
        if sid is None:
            continue
        with_transcript.add(sid)
        structure = registry.structures.get(sid)
        if structure is None:
            if registry.path is not None and registry.path.exists():
                diag.error(
                    interview.path,
                    interview.structure_line,
                    f"structure '{sid}' is not in structures.yaml"
                    f"{did_you_mean(sid, registry.structures)}",
                    "unknown-structure",
                )
        elif not structure.interviewed:
            diag.warning(
                interview.path,
                interview.structure_line,
                f"structure '{sid}' has a transcript but is marked interviewed: false "
                "in structures.yaml",
                "not-interviewed",
            )
    for structure in registry.structures.values():
        if structure.interviewed and structure.id not in with_transcript:
            diag.error(
                registry.path or "structures.yaml",
                structure.line,
                f"structure '{structure.id}' is marked interviewed but no transcript names it",
                "missing-transcript",
            )


def check_codings(project: Project, diag: Diagnostics) -> None:
    # Runs once per coding (100,000 on a 1,000-interview project): the common case (a known,
    # codable code on an existing segment with its fingerprint) takes a few lookups, against
    # fingerprints kept with the cached transcript (no turn is built). Interviews are taken in
    # the order their text is stored, with their coders' codings, and let go once checked: a
    # 10,000-interview project is never all in memory.
    codebook = project.codebook
    codable = {cid for cid, code in codebook.codes.items() if code.codable}
    files = as_codings(project.codings)
    coders: dict[str, list[str]] = {}
    for iv, coder, _ in files.files():
        coders.setdefault(iv, []).append(coder)
    interviews = project.interviews
    for iv in sorted(coders, key=lambda name: pack_order(interviews.get(name))):
        interview = interviews.get(iv)
        fingerprints = None if interview is None else interview.fingerprints()
        for coder in dict.fromkeys(coders[iv]):
            # Duplicates are looked for within each (coder, interview), and reported once, at
            # the second occurrence.
            applied: set[tuple[int, str, int | None, int | None]] = set()
            stale: list[Coding] = []
            reported: set[tuple[int, str, int | None, int | None]] = set()
            taken = files.take(iv, coder)
            if any(c.partners for c in taken):
                from pcrcode.network.checks import check_partners

                check_partners(project, interview, taken, diag)
            for coding in taken:
                key = (coding.segment, coding.code, coding.start, coding.end)
                if key in applied:
                    if key not in reported:
                        reported.add(key)
                        diag.error(
                            coding.path or "codings",
                            (coding.line, 3),
                            f"'{coding.code}' is applied twice to segment "
                            f"{coding.segment} by {coding.coder}",
                            "duplicate-coding",
                        )
                else:
                    applied.add(key)
                if interview is None or fingerprints is None:
                    diag.error(
                        coding.path or "codings",
                        (coding.line, 3),
                        f"no transcript for interview '{coding.interview}'"
                        f"{did_you_mean(coding.interview, interviews)}",
                        "unknown-interview",
                    )
                elif coding.segment > len(fingerprints):
                    diag.error(
                        coding.path or "codings",
                        (coding.line, 3),
                        f"interview '{coding.interview}' has {len(fingerprints)} "
                        f"segments, not {coding.segment}",
                        "unknown-segment",
                    )
                elif (
                    coding.fingerprint != fingerprints[coding.segment - 1]
                    or not coding.fingerprint
                    or coding.start is not None
                ):
                    _check_text(
                        coding,
                        fingerprints[coding.segment - 1],
                        interview.text_of(coding.segment),
                        diag,
                        stale,
                    )
                if coding.code not in codable:
                    _check_code(coding, codebook, diag)
            _report_stale(stale, diag)
        if interview is not None:
            interview.release_turns()


def _check_code(coding: Coding, codebook: Codebook, diag: Diagnostics) -> None:
    where = coding.path or "codings"
    pos = (coding.line, 3)
    code = codebook.codes.get(coding.code)
    if code is None and coding.code in codebook.aliases:
        current = codebook.aliases[coding.code]
        diag.warning(
            where,
            pos,
            f"'{coding.code}' is an old id of '{current}'; "
            "`pcrcode codebook rename` updates codings",
            "alias-used",
        )
        code = codebook.codes[current]
    if code is None:
        diag.error(
            where,
            pos,
            f"unknown code '{coding.code}'{did_you_mean(coding.code, codebook.codes)}",
            "unknown-code",
        )
    elif not code.codable:
        children = ", ".join(c.id for c in codebook.children(code.id)) or "its children"
        diag.error(where, pos, f"'{code.id}' is not codable: use {children}", "not-codable")


# One inserted turn makes every later coding of a file stale: past this many, one line says so.
STALE_LINES = 3


def _report_stale(stale: list[Coding], diag: Diagnostics) -> None:
    if len(stale) > STALE_LINES:
        first = stale[0]
        diag.error(
            first.path or "codings",
            (first.line, 3),
            f"{len(stale)} codings of '{first.interview}' by {first.coder} (the first at "
            "this line) no longer match their segment's text: the transcript was edited "
            "since (a turn inserted or removed?); run `pcrcode reanchor` to move them back "
            "onto their text",
            "stale-fingerprint",
        )
        return
    for coding in stale:
        diag.error(
            coding.path or "codings",
            (coding.line, 3),
            f"segment {coding.segment} of '{coding.interview}' changed since "
            f"it was coded with '{coding.code}': check the coding, then run "
            "`pcrcode reanchor` or tag it again",
            "stale-fingerprint",
        )


def _check_text(
    coding: Coding, fingerprint: str, text: str, diag: Diagnostics, stale: list[Coding]
) -> None:
    where = coding.path or "codings"
    pos = (coding.line, 3)
    if not coding.fingerprint:
        diag.warning(
            where,
            pos,
            f"coding of segment {coding.segment} has no fingerprint ('fp'): check that it is "
            f"on the right text, then `pcrcode tag {coding.interview} {coding.segment} "
            f"{coding.code} --coder {coding.coder}` records one",
            "missing-fingerprint",
        )
    elif coding.fingerprint != fingerprint:
        stale.append(coding)
    if (
        coding.start is not None
        and coding.end is not None
        and text[coding.start : coding.end] != coding.quote
    ):
        diag.error(
            where,
            pos,
            f"the quote of this span coding is no longer at "
            f"{coding.start}-{coding.end} of segment {coding.segment}",
            "stale-quote",
        )


def check_findings(project: Project, diag: Diagnostics) -> None:
    """findings.yaml, validated against the project without evaluating any finding."""
    from pcrcode.findings.declaration import load_declaration

    load_declaration(project, diag)


def check_memos(project: Project, diag: Diagnostics) -> None:
    from pcrcode.files.memos import problems

    for path, line, message in problems(project):
        diag.error(path, line, message, "memo")


def census_counts(project: Project, rows: str, columns: str) -> dict[str, dict[str, list[int]]]:
    """row -> column -> [total, interviewed], with 'total' margins."""
    counts: dict[str, dict[str, list[int]]] = {}
    for s in project.registry.structures.values():
        r = s.value(rows, project.codebook)
        c = s.value(columns, project.codebook)
        for rk in (str(r), "total"):
            for ck in (str(c), "total"):
                cell = counts.setdefault(rk, {}).setdefault(ck, [0, 0])
                cell[0] += 1
                cell[1] += int(s.interviewed)
    return counts


def check_census(project: Project, diag: Diagnostics) -> None:
    census = project.registry.census
    if census is None:
        return
    counts = census_counts(project, census.rows, census.columns)
    where = project.registry.path or "structures.yaml"
    for row, cols in census.cells.items():
        for col, (total, interviewed) in cols.items():
            have = counts.get(row, {}).get(col, [0, 0])
            pos = census.positions.get((row, col), (1, 1))
            if have[0] != total:
                diag.error(
                    where,
                    pos,
                    f"census {row} x {col}: declared {total} structures, "
                    f"the registry has {have[0]}",
                    "census-mismatch",
                )
            if interviewed is not None and have[1] != interviewed:
                diag.error(
                    where,
                    pos,
                    f"census {row} x {col}: declared {interviewed} "
                    f"interviewed, the registry has {have[1]}",
                    "census-mismatch",
                )
