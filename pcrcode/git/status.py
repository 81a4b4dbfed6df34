"""``pcrcode status``: where the team's coding stands, and what to do next.

What changed since a commit (the coding files and memos, compared record by record with the
version git holds), the codings whose text changed under them, the interviews each coder has not
coded yet, and the next step for each of those.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pcrcode.errors import FileFormatError, UsageError
from pcrcode.files import codings as codings_io
from pcrcode.files.diagnostics import Diagnostics
from pcrcode.files.yaml_reading import decode
from pcrcode.git.merge import Identity, identity
from pcrcode.git.setup import repository_root, run_git

STALE_RULES = ("stale-fingerprint", "stale-quote")
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # git's id of the empty tree


@dataclass
class Status:
    since: str
    in_git: bool
    codings: list[dict[str, Any]] = field(default_factory=list)  # coder, interview, counts
    memos: list[dict[str, Any]] = field(default_factory=list)  # path, change
    stale: list[dict[str, Any]] = field(default_factory=list)  # coder, interview, codings
    uncoded: list[dict[str, Any]] = field(default_factory=list)  # coder, interview
    coders: list[dict[str, Any]] = field(default_factory=list)  # coder, coded, interviews
    problems: int = 0  # errors `check` reports
    next: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.since if self.in_git else None,
            "git": self.in_git,
            "codings": self.codings,
            "memos": self.memos,
            "stale": self.stale,
            "coders": self.coders,
            "uncoded": self.uncoded,
            "errors": self.problems,
            "next": self.next,
        }


def _changed_files(repo: Path, project: Path, since: str) -> list[tuple[str, str]]:
    """(status letter, path from the repository's top) of coding and memo files changed since
    ``since``, untracked ones included."""
    if since == "HEAD" and run_git(repo, "rev-parse", "--verify", "-q", "HEAD").returncode != 0:
        since = EMPTY_TREE  # a repository without commits yet: everything is new
    inside = project.relative_to(repo).as_posix()
    folders = [f"{inside}/codings" if inside != "." else "codings"]
    folders.append(f"{inside}/memos" if inside != "." else "memos")
    diff = run_git(repo, "diff", "--name-status", "--no-renames", since, "--", *folders)
    if diff.returncode != 0:
        raise UsageError(
            f"unknown revision '{since}' to compare with: name a commit, a branch or a tag "
            f"({diff.stderr.strip().splitlines()[0] if diff.stderr.strip() else 'git said no'})",
            about="since",
        )
    found = []
    for line in diff.stdout.splitlines():
        letter, _, path = line.partition("\t")
        found.append((letter[:1], path))
    untracked = run_git(repo, "ls-files", "--others", "--exclude-standard", "--", *folders)
    found.extend(("A", path) for path in untracked.stdout.splitlines())
    return sorted(set(found), key=lambda item: item[1])


def _records(text: str, path: Path) -> dict[Identity, str]:
    """Identity -> memo of each coding of a coding file's text (unreadable: nothing)."""
    if not text.strip():
        return {}
    coder, interview = path.parent.name, path.stem
    try:
        found = codings_io.parse(text, path, coder, interview, Diagnostics())
    except FileFormatError:
        return {}
    return {identity(c): c.memo for c in found}


def _coding_change(repo: Path, since: str, letter: str, rel: str) -> dict[str, Any] | None:
    path = repo / rel
    if path.suffix not in (".yaml", ".yml") or path.parent.parent.name != "codings":
        return None
    old_text = "" if letter == "A" else run_git(repo, "show", f"{since}:{rel}").stdout
    try:
        new_text = decode(path.read_bytes(), path) if path.exists() else ""
    except (OSError, FileFormatError):
        new_text = ""
    old, new = _records(old_text, path), _records(new_text, path)
    return {
        "coder": path.parent.name,
        "interview": path.stem,
        "added": len(new.keys() - old.keys()),
        "removed": len(old.keys() - new.keys()),
        "memos_changed": sum(1 for k in new.keys() & old.keys() if new[k] != old[k]),
    }


def _changes(status: Status, repo: Path, project: Path) -> None:
    names = {"A": "added", "D": "removed"}
    changed = _changed_files(repo, project, status.since)
    since = status.since
    if since == "HEAD" and run_git(repo, "rev-parse", "--verify", "-q", "HEAD").returncode != 0:
        since = EMPTY_TREE
    for letter, rel in changed:
        change = _coding_change(repo, since, letter, rel)
        if change is not None:
            if change["added"] or change["removed"] or change["memos_changed"]:
                status.codings.append(change)
        elif rel.endswith(".md"):
            status.memos.append({"path": rel, "change": names.get(letter, "changed")})


def _work_left(status: Status, project: Path) -> None:
    from pcrcode.project import load_project
    from pcrcode.project_checks import check_project

    findings = check_project(project)
    status.problems = sum(1 for f in findings if f.severity == "error")
    stale: dict[tuple[str, str], int] = {}
    for f in findings:
        parts = f.path.split("/")
        if f.rule in STALE_RULES and len(parts) == 3 and parts[0] == "codings":
            key = (parts[1], Path(parts[2]).stem)
            stale[key] = stale.get(key, 0) + 1
    status.stale = [
        {"coder": c, "interview": i, "codings": n} for (c, i), n in sorted(stale.items())
    ]
    loaded = load_project(project, Diagnostics(project))
    done = {(coder, iv) for iv, coder, count in loaded.codings.files() if count}  # type: ignore[attr-defined]
    interviews = sorted(loaded.interviews)
    for coder in loaded.coders():
        left = [iv for iv in interviews if (coder, iv) not in done]
        status.coders.append(
            {"coder": coder, "coded": len(interviews) - len(left), "interviews": len(interviews)}
        )
        status.uncoded.extend({"coder": coder, "interview": iv} for iv in left)
    if any(f.rule == "git-merge-driver" for f in findings):
        status.next.append("pcrcode git setup: let git merge coding files by content")


def _next_steps(status: Status) -> None:
    if status.stale:
        n = sum(s["codings"] for s in status.stale)
        status.next.insert(0, f"pcrcode reanchor: {n} coding(s) on text that changed")
    if status.problems:
        status.next.append(f"pcrcode check: {status.problems} error(s) to fix")
    if status.in_git and status.since == "HEAD" and (status.codings or status.memos):
        status.next.append("git add codings memos && git commit: the work is not committed")
    for row in status.coders:
        left = [u["interview"] for u in status.uncoded if u["coder"] == row["coder"]]
        if left:
            status.next.append(
                f"pcrcode code {left[0]} --coder {row['coder']}: "
                f"{len(left)} interview(s) left for {row['coder']}"
            )


def project_status(project: Path, since: str = "HEAD") -> Status:
    project = project.resolve()
    repo = repository_root(project)
    status = Status(since=since, in_git=repo is not None)
    if repo is not None:
        _changes(status, repo, project)
    _work_left(status, project)
    _next_steps(status)
    return status
