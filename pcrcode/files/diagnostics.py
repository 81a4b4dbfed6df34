"""Findings: what the loaders and the linter report about a project, one per problem."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pcrcode.errors import did_you_mean

if TYPE_CHECKING:
    from pcrcode.files.yaml_reading import LDict

ERROR = "error"
WARNING = "warning"
_ONE_LINE = str.maketrans({"\n": "\\n", "\r": "\\r", "\u2028": "\\u2028", "\u2029": "\\u2029"})


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at one place: ``path:line:col: severity: message [rule]``."""

    path: str
    line: int
    col: int
    severity: str
    message: str
    rule: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.severity}: {self.message} [{self.rule}]"

    def as_record(self) -> dict[str, str | int]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": self.severity,
            "rule": self.rule,
            "message": self.message,
        }


@dataclass
class Diagnostics:
    """Collects findings while a project loads; paths are shown relative to the project root."""

    root: Path | None = None
    findings: list[Finding] = field(default_factory=list)

    def rel(self, path: Path | str) -> str:
        p = Path(path)
        if self.root is not None:
            # The path as named first: a symlink must be shown where it is, not where it points.
            try:
                return p.absolute().relative_to(self.root.absolute()).as_posix()
            except ValueError:
                pass
            try:
                return p.resolve().relative_to(self.root.resolve()).as_posix()
            except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop
                pass
        return p.as_posix()

    def add(
        self,
        severity: str,
        path: Path | str,
        pos: tuple[int, int] | int | None,
        message: str,
        rule: str,
    ) -> None:
        if pos is None:
            line, col = 1, 1
        elif isinstance(pos, int):
            line, col = pos, 1
        else:
            line, col = pos
        # One finding, one line: a key or a value quoted in the message may hold a line break.
        message = message.translate(_ONE_LINE)
        self.findings.append(Finding(self.rel(path), line, col, severity, message, rule))

    def error(
        self, path: Path | str, pos: tuple[int, int] | int | None, message: str, rule: str
    ) -> None:
        self.add(ERROR, path, pos, message, rule)

    def warning(
        self, path: Path | str, pos: tuple[int, int] | int | None, message: str, rule: str
    ) -> None:
        self.add(WARNING, path, pos, message, rule)

    def unknown_keys(
        self,
        path: Path | str,
        mapping: LDict,
        allowed: Sequence[str],
        where: str,
        advice: str = "",
        severity: str = ERROR,
    ) -> None:
        """A finding (``unknown-key``) at each key of ``mapping`` that is not ``allowed``, naming
        the closest allowed key: "unknown key 'x' in ``where``", then ``advice``."""
        for key in mapping:
            if key not in allowed:
                self.add(
                    severity,
                    path,
                    mapping.pos(key),
                    f"unknown key '{key}' in {where}{did_you_mean(str(key), allowed)}{advice}",
                    "unknown-key",
                )

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    def sorted(self) -> list[Finding]:
        return sorted(set(self.findings))
