"""Codebook evolution without losing codings: ``codebook rename``, ``merge`` and ``move``.

Each operation rewrites ``codebook.yaml`` (surgically, see
:mod:`pcrcode.codebook_ops.comment_keeping_yaml`) and every coding file that uses an affected code,
in one all-or-nothing step (:mod:`pcrcode.files.transaction`). The old id stays in the codebook as
an alias of the new one, so scripts and codings written elsewhere keep working (``check`` warns
``alias-used`` for codings still on an alias).

A rename and a move are the same operation: a code and everything under it get a new id prefix
(``logique/reseau`` -> ``logique/lien`` renames ``logique/reseau/affinitaire`` as well). When the
parent changes, the entries are moved after the new parent's last descendant, so that parents
stay before their children. A merge removes the first code's entry, makes its id (and its own
aliases) aliases of the second, and recodes its codings; a segment that ends up with the same code
twice keeps one coding (the earliest, with both memos).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pcrcode.codebook_ops.comment_keeping_yaml import CodebookText
from pcrcode.errors import ConflictError, PcrcodeError, UnknownItem, UsageError, suggest
from pcrcode.files import codings as codings_io
from pcrcode.files import transaction
from pcrcode.files.codebook import CODEBOOK_FILE, ID_RE, parse_codebook
from pcrcode.files.coding_updates import read_for_update
from pcrcode.files.diagnostics import Diagnostics
from pcrcode.files.yaml_reading import decode, is_inside, loads
from pcrcode.model import Code, Codebook, Coding, Family

CHANGE_KEYS = ("file", "action", "old", "new", "codings")


@dataclass(frozen=True)
class Change:
    """One line of what an operation changes (or would change, with ``--dry-run``)."""

    file: str
    action: str  # rename | move | alias | remove | drop-degree | recode | deduplicate | ...
    old: str
    new: str
    codings: int | None = None

    def as_row(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in CHANGE_KEYS}


@dataclass(frozen=True)
class Plan:
    changes: tuple[Change, ...]
    files: dict[Path, str | None]  # new text of every file to rewrite (None: remove it)
    base: dict[Path, bytes | None]  # the bytes each was computed from
    notes: tuple[str, ...] = ()


@dataclass
class _State:
    root: Path
    codebook: Codebook
    text: CodebookText
    raw: bytes
    codings: dict[Path, tuple[bytes, list[Coding]]]


def rename(root: Path, old: str, new: str, dry_run: bool = False) -> Plan:
    """Give a code (and the codes under it) a new id; the old ids become aliases."""
    return _run(root, dry_run, lambda s: _relabel(s, s.codebook.resolve(old), new.strip("/")))


def move(root: Path, code: str, parent: str, dry_run: bool = False) -> Plan:
    """Put a code (and the codes under it) under another parent code or family."""

    def build(state: _State) -> Plan:
        moved = state.codebook.resolve(code)
        target = _parent(state.codebook, parent.strip().strip("/"))
        if target == moved.id or target.startswith(moved.id + "/"):
            raise ConflictError(
                f"cannot move '{moved.id}' under itself or one of its sub-codes ('{target}')"
            )
        if target == (moved.parent or moved.family):
            raise UsageError(f"'{moved.id}' is already under '{target}'")
        return _relabel(state, moved, f"{target}/{moved.id.rsplit('/', 1)[-1]}")

    return _run(root, dry_run, build)


def _parent(cb: Codebook, key: str) -> str:
    if key in cb.families:
        return key
    if key in cb.codes or key in cb.aliases:
        return cb.resolve(key).id
    hint = suggest(key, [*cb.families, *cb.codes])
    raise UnknownItem(
        f"unknown parent '{key}': name a code or a family ({', '.join(cb.families)}){hint}"
    )


def merge(root: Path, source: str, target: str, dry_run: bool = False) -> Plan:
    """Recode every coding of ``source`` as ``target`` and remove ``source`` from the codebook."""

    def build(state: _State) -> Plan:
        cb = state.codebook
        a, b = cb.resolve(source), cb.resolve(target)
        if a.id == b.id:
            raise UsageError(f"'{source}' and '{target}' are the same code")
        kids = cb.children(a.id)
        if kids:
            raise ConflictError(
                f"'{a.id}' has sub-codes ({', '.join(k.id for k in kids)}): "
                "merge or move them first"
            )
        if not b.codable:
            raise ConflictError(
                f"'{b.id}' is not codable (it groups other codes): merge into one of its children"
            )
        text = state.text
        entry_a, entry_b = text.entry(a.id), text.entry(b.id)
        entry_a.deleted = True
        new_aliases = [x for x in (*b.aliases, a.id, *a.aliases) if x != b.id]
        text.set_aliases(entry_b, list(dict.fromkeys(new_aliases)))
        changes = [
            Change(CODEBOOK_FILE, "remove", a.id, b.id),
            Change(CODEBOOK_FILE, "alias", a.id, b.id),
        ]
        changes += [Change(CODEBOOK_FILE, "alias", x, b.id) for x in a.aliases]
        recode = {old: b.id for old in (a.id, *a.aliases)}
        return _finish(state, recode, changes, {a.id: b.id})

    return _run(root, dry_run, build)


# --- the shared machinery -----------------------------------------------------------------


def _run(root: Path, dry_run: bool, build: Callable[[_State], Plan]) -> Plan:
    if dry_run:
        return build(_read_state(root))
    paths = [root / CODEBOOK_FILE, *codings_io.coding_files(root)]
    with transaction.exclusive(root, paths) as notes:
        plan = build(_read_state(root))
        transaction.commit(root, plan.files, plan.base)
    return replace(plan, notes=tuple(notes))


def _read_state(root: Path) -> _State:
    path = root / CODEBOOK_FILE
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PcrcodeError(f"cannot read: {exc.strerror}", path) from None
    text = decode(raw, path)
    codebook = parse_codebook(loads(text, path), path, Diagnostics(root))
    for where, problem in codings_io.layout_problems(root):
        # The codings such a file stands for would keep the old id: refuse, as for a coding
        # file that cannot be read, before anything is written.
        raise PcrcodeError(f"{problem}; nothing was changed", where, 1)
    codings: dict[Path, tuple[bytes, list[Coding]]] = {}
    for file in codings_io.coding_files(root):
        data = file.read_bytes()
        codings[file] = (
            data,
            read_for_update(root, file, "changing the codebook", duplicates=True),
        )
    return _State(root, codebook, CodebookText(text, path), raw, codings)


def _relabel(state: _State, code: Code, new: str) -> Plan:
    """Rename ``code`` to ``new``, its descendants with it; relocate them if the parent changes."""
    cb = state.codebook
    family, parent = _check_new_id(cb, code, new)
    tree = cb.descendants(code.id)
    mapping = {c.id: new + c.id[len(code.id) :] for c in tree}
    _check_ids_free(cb, mapping)
    text = state.text
    degree = text.entry(code.id).data.get("degree")
    if family.ordered and new.count("/") == 1:
        _check_degree_free(cb, family, code, degree, mapping)
    relocate = parent != (code.parent or code.family)
    anchor = _anchor(cb, parent, set(mapping)) if relocate else None
    changes: list[Change] = []
    family_id = family.id
    for c in tree:
        entry = text.entry(c.id)
        new_id = mapping[c.id]
        text.set_id(entry, new_id)
        aliases = [a for a in c.aliases if a != new_id]
        text.set_aliases(entry, [*aliases, c.id])
        changes.append(Change(CODEBOOK_FILE, "move" if relocate else "rename", c.id, new_id))
        changes.append(Change(CODEBOOK_FILE, "alias", c.id, new_id))
        if not family.ordered and c.family != family_id and "degree" in entry.data:
            text.drop_key(entry, "degree")
            changes.append(
                Change(CODEBOOK_FILE, "drop-degree", new_id, f"family '{family_id}' is not ordered")
            )
        if relocate:
            entry.moved_after = anchor or _last_kept(text, set(mapping))
    recode = dict(mapping)
    for alias, target in cb.aliases.items():
        if target in mapping and alias not in mapping.values():
            recode[alias] = mapping[target]
    return _finish(state, recode, changes, mapping)


def _check_new_id(cb: Codebook, code: Code, new: str) -> tuple[Family, str]:
    """The family and parent of ``new``, a valid id for ``code`` under an existing parent."""
    if not ID_RE.match(new) or "/" not in new:
        raise UsageError(
            f"bad code id '{new}': a path under a family, of a-z, 0-9, - and _ parts (family/code)"
        )
    if new == code.id:
        raise UsageError(f"'{code.id}' already has this id")
    if new.startswith(code.id + "/"):
        raise ConflictError(f"cannot move '{code.id}' under itself ('{new}')")
    family_id = new.split("/", 1)[0]
    family = cb.family(family_id)
    parent = new.rsplit("/", 1)[0]
    if parent != family_id and parent not in cb.codes:
        raise UnknownItem(
            f"parent '{parent}' of '{new}' does not exist: create it in codebook.yaml first"
        )
    return family, parent


def _check_ids_free(cb: Codebook, mapping: dict[str, str]) -> None:
    """No new id may be another code's id, or an old id (alias) of another code."""
    for old_id, new_id in mapping.items():
        if new_id in cb.codes:
            raise ConflictError(
                f"'{new_id}' already exists: choose another id, or "
                f"`pcrcode codebook merge {old_id} {new_id}`"
            )
        owner = cb.aliases.get(new_id)
        if owner is not None and owner != old_id:
            raise ConflictError(
                f"'{new_id}' is an old id of '{owner}' (an alias): choose another id"
            )


def _check_degree_free(
    cb: Codebook, family: Family, code: Code, degree: object, mapping: dict[str, str]
) -> None:
    """A code moved to the top of an ordered family needs a degree no other code there has."""
    if not isinstance(degree, int):
        raise ConflictError(
            f"family '{family.id}' is ordered: give '{code.id}' a degree "
            "(degree: N in codebook.yaml) before moving it there"
        )
    for other in cb.family_codes(family.id):
        if other.depth == 1 and other.degree == degree and other.id not in mapping:
            raise ConflictError(
                f"'{other.id}' already has degree {degree} in family "
                f"'{family.id}': change one of the degrees first"
            )


def _anchor(cb: Codebook, parent: str, moving: set[str]) -> str | None:
    """The entry after which codes moved under ``parent`` go: its last descendant."""
    last = None
    for c in cb.codes.values():
        if c.id not in moving and (c.id == parent or c.id.startswith(parent + "/")):
            last = c.id
    return last


def _last_kept(text: CodebookText, moving: set[str]) -> str:
    kept = [e.id for e in text.entries if e.id not in moving and not e.deleted]
    return kept[-1] if kept else ""


def _finish(
    state: _State, recode: dict[str, str], changes: list[Change], expect: dict[str, str]
) -> Plan:
    """Rewrite the codings, check the edited codebook, and assemble the plan."""
    root = state.root
    cb_path = root / CODEBOOK_FILE
    new_text = state.text.render()
    _verify(state, new_text, expect)
    files: dict[Path, str | None] = {cb_path: new_text}
    base: dict[Path, bytes | None] = {cb_path: state.raw}
    for path, (data, found) in state.codings.items():
        rel = Path(path).relative_to(root).as_posix()
        recoded: Counter[tuple[str, str]] = Counter()
        kept: dict[tuple[str, int, str, int, int], Coding] = {}
        touched: set[tuple[str, int, str, int, int]] = set()
        others: list[Coding] = []
        dropped: Counter[str] = Counter()
        for coding in found:
            new_code = recode.get(coding.code)
            if new_code is not None:
                recoded[(coding.code, new_code)] += 1
                coding = replace(coding, code=new_code)
            key = coding.key
            if key not in kept:
                kept[key] = coding
                if new_code is not None:
                    touched.add(key)
            elif new_code is not None or key in touched:
                kept[key] = combine(kept[key], coding)
                dropped[coding.code] += 1
            else:
                others.append(coding)  # an old duplicate: `check` reports it, leave it
        if not recoded:
            continue
        for (old, new), n in sorted(recoded.items()):
            changes.append(Change(rel, "recode", old, new, n))
        for code, n in sorted(dropped.items()):
            changes.append(Change(rel, "deduplicate", code, "", n))
        coder, interview = path.parent.name, path.stem
        files[path] = codings_io.render(coder, interview, [*kept.values(), *others])
        base[path] = data
    _move_memos(state, expect, changes, files, base)
    _recode_findings(state, recode, changes, files, base)
    return Plan(tuple(changes), files, base)


def _recode_findings(
    state: _State,
    recode: dict[str, str],
    changes: list[Change],
    files: dict[Path, str | None],
    base: dict[Path, bytes | None],
) -> None:
    """findings.yaml names codes too: it follows them (see pcrcode.findings.recode)."""
    from pcrcode.findings.declaration import findings_path
    from pcrcode.findings.recode import recode_text

    path = findings_path(state.root)
    if not path.is_file() or not is_inside(state.root, path):
        return
    data = path.read_bytes()
    text, done = recode_text(decode(data, path), recode)
    if not done:
        return
    files[path] = text
    base[path] = data
    for (old, new), n in sorted(done.items()):
        changes.append(Change(path.name, "recode-finding", old, new, n))


def _move_memos(
    state: _State,
    moved: dict[str, str],
    changes: list[Change],
    files: dict[Path, str | None],
    base: dict[Path, bytes | None],
) -> None:
    """Memos on a code follow it (memos/code/<id>/), in the same all-or-nothing step."""
    from pcrcode.files.memos import memo_folder

    root = state.root
    for old, new in moved.items():
        folder = memo_folder(root, "code", old)
        if not folder.is_dir() or not is_inside(root, folder):
            continue
        for memo in sorted(p for p in folder.iterdir() if p.suffix == ".md" and p.is_file()):
            target = memo_folder(root, "code", new) / memo.name
            if target.exists():
                raise ConflictError(
                    f"'{target.relative_to(root).as_posix()}' already exists: "
                    "rename one of the two memo files first"
                )
            data = memo.read_bytes()
            text = data.decode("utf-8", errors="strict")
            files[target] = re.sub(
                rf"(?m)^target:\s*{re.escape(old)}\s*$", f"target: {new}", text, count=1
            )
            base[target] = None
            files[memo] = None
            base[memo] = data
            changes.append(Change(memo.relative_to(root).as_posix(), "move-memo", old, new))


def combine(first: Coding, second: Coding) -> Coding:
    """Two codings that became the same (same coder, segment, code, span): keep the earliest,
    with both memos."""
    keep, other = (first, second) if (first.at or "~") <= (second.at or "~") else (second, first)
    memos = [m for m in dict.fromkeys((keep.memo, other.memo)) if m]
    return replace(keep, memo="\n\n".join(memos))


def _verify(state: _State, new_text: str, expect: dict[str, str]) -> None:
    """The edited codebook must load, with the new ids and aliases, and no new problem."""
    path = state.root / CODEBOOK_FILE
    before = Diagnostics(state.root)
    after = Diagnostics(state.root)
    parse_codebook(loads(decode(state.raw, path), path), path, before)
    try:
        edited = parse_codebook(loads(new_text, path), path, after)
    except PcrcodeError as exc:
        raise ConflictError(
            f"pcrcode could not edit the codebook safely ({exc.message}); nothing was written", path
        ) from None
    old_rules = Counter(f.rule for f in before.errors)
    for finding in after.errors:
        if old_rules[finding.rule] > 0:
            old_rules[finding.rule] -= 1
            continue
        raise ConflictError(
            f"the edited codebook would have a problem: {finding.message} "
            f"(line {finding.line}); nothing was written",
            path,
        )
    for old, new in expect.items():
        ok = new in edited.codes and edited.aliases.get(old) == new
        if not ok:
            raise ConflictError(
                f"pcrcode could not edit the codebook safely ('{old}' -> "
                f"'{new}'); nothing was written",
                path,
            )
