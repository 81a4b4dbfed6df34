"""Reading ``.qdpx`` archives without trusting them; the entries, spools and files exports write.

Nothing is ever extracted to disk: entries are read into memory, by name, after checking the
whole archive. Refused: entry names that are absolute or climb out with ``..`` (a "zip slip"),
encrypted entries, and archives whose declared sizes are far beyond anything a project needs or
far beyond their compressed size (a "zip bomb"); the bytes actually read are capped by the
declared size as well, so a header that lies cannot make pcrcode read more.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pcrcode.errors import FileFormatError

MAX_ENTRY_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_RATIO = 100  # uncompressed / compressed, for entries above RATIO_FLOOR
RATIO_FLOOR = 8 * 1024 * 1024
MAX_ENTRIES = 100_000
_DRIVE_RE = re.compile(r"^[A-Za-z]:")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def entry_info(name: str) -> zipfile.ZipInfo:
    """An entry pcrcode writes: deflated at zlib's default level (6: level 9 took much longer for
    little less, bench/NOTES.md), fixed date and Unix permissions, so that two
    exports of the same project are byte-identical."""
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    # The level travels with the entry (`ZipFile.open(info, "w")` ignores the archive's);
    # Python 3.13 renamed the attribute, and keeps the old name as an alias.
    setattr(info, "compress_level" if hasattr(info, "compress_level") else "_compresslevel", 6)
    return info


def unsafe_name(name: str) -> str | None:
    """Why an entry name is refused, or None when it is safe."""
    if "\x00" in name:
        return "a NUL character"
    if name.startswith(("/", "\\")) or _DRIVE_RE.match(name):
        return "an absolute path"
    if ".." in re.split(r"[/\\]", name):
        return "'..' (it would climb out of the folder)"
    return None


@dataclass
class Archive:
    """An opened, checked ``.qdpx``; use as a context manager."""

    path: Path
    zip: zipfile.ZipFile
    infos: dict[str, zipfile.ZipInfo] = field(default_factory=dict)

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *_: object) -> None:
        self.zip.close()

    def read(self, name: str) -> bytes:
        """The bytes of an entry, never more than it declares (nor than the caps)."""
        info = self.infos[name]
        limit = min(info.file_size, MAX_ENTRY_BYTES)
        chunks: list[bytes] = []
        size = 0
        try:
            with self.zip.open(info) as handle:
                while True:
                    chunk = handle.read(min(1 << 20, limit + 1 - size))
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > limit:
                        raise FileFormatError(
                            f"entry '{name}' holds more than it declares: refused as a zip bomb",
                            self.path,
                        )
                    chunks.append(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
            raise FileFormatError(f"cannot read entry '{name}': {exc}", self.path) from None
        return b"".join(chunks)

    def find_project(self) -> str:
        """The ``.qde`` entry, whatever its name (``project.qde`` is not guaranteed)."""
        found = [
            n for n in self.infos if n.lower().endswith(".qde") and not n.startswith("__MACOSX/")
        ]
        if not found:
            raise FileFormatError(
                "no .qde file in the archive: is it a REFI-QDA project?", self.path
            )
        top = [n for n in found if "/" not in n.strip("/")]
        choice = top if top else found
        if len(choice) > 1:
            named = [n for n in choice if PurePosixPath(n).name.lower() == "project.qde"]
            if len(named) != 1:
                raise FileFormatError(
                    f"several .qde files in the archive ({', '.join(choice)}): "
                    "which one is the project?",
                    self.path,
                )
            return named[0]
        return choice[0]

    def find_source(self, reference: str) -> str | None:
        """The entry a ``plainTextPath`` points to: ``internal://X``, ``X`` or ``sources/X``,
        with the ``sources/`` folder matched in any case; None when the archive lacks it."""
        ref = reference.strip()
        for prefix in ("internal://", "relative://", "file://"):
            if ref.lower().startswith(prefix):
                ref = ref[len(prefix) :]
                break
        ref = ref.replace("\\", "/").lstrip("/")
        if not ref or unsafe_name(ref):
            return None
        wanted = [ref.lower()]
        if not ref.lower().startswith("sources/"):
            wanted.insert(0, f"sources/{ref.lower()}")
        lower = {n.lower(): n for n in self.infos}
        for name in wanted:
            if name in lower:
                return lower[name]
        base = PurePosixPath(ref).name.lower()
        candidates = [n for n in self.infos if PurePosixPath(n).name.lower() == base]
        return candidates[0] if len(candidates) == 1 else None

    def names(self) -> list[str]:
        return sorted(self.infos)


def open_archive(path: Path) -> Archive:
    """Open and check a ``.qdpx``; :class:`FileFormatError` for anything refused."""
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise FileFormatError("no such file", path) from None
    except IsADirectoryError:
        raise FileFormatError("is a folder, expected a .qdpx file", path) from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileFormatError(
            f"not a REFI-QDA project (a .qdpx is a zip archive): {exc}", path
        ) from None
    try:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise FileFormatError(f"{len(infos)} entries in the archive: refused", path)
        total = 0
        checked: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            why = unsafe_name(info.filename)
            if why:
                raise FileFormatError(f"archive entry '{info.filename}' has {why}: refused", path)
            if info.flag_bits & 0x1:
                raise FileFormatError(f"archive entry '{info.filename}' is encrypted", path)
            if info.is_dir():
                continue
            total += info.file_size
            ratio_bad = info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            )
            if info.file_size > MAX_ENTRY_BYTES or total > MAX_TOTAL_BYTES or ratio_bad:
                raise FileFormatError(
                    f"archive entry '{info.filename}' declares {info.file_size} bytes from "
                    f"{info.compress_size} compressed: refused as a zip bomb",
                    path,
                )
            if info.filename in checked:
                raise FileFormatError(f"archive entry '{info.filename}' appears twice", path)
            checked[info.filename] = info
    except BaseException:
        zf.close()
        raise
    return Archive(path=path, zip=zf, infos=checked)


# --- Writing ---------------------------------------------------------------------------------


class Spool:
    """Bytes put aside in order, read back by key: in memory, then in a temporary file."""

    def __init__(self, folder: Path | None, max_size: int) -> None:
        self.file = tempfile.SpooledTemporaryFile(  # noqa: SIM115 (kept open: see close)
            max_size=max_size, dir=None if folder is None else str(folder)
        )
        self.where: dict[str, tuple[int, int]] = {}
        self.size = 0

    def add(self, key: str, data: bytes) -> None:
        self.where[key] = (self.size, len(data))
        self.file.write(data)
        self.size += len(data)

    def get(self, key: str) -> bytes:
        offset, length = self.where[key]
        self.file.seek(offset)
        data = self.file.read(length)
        self.file.seek(0, io.SEEK_END)
        return data

    def chunks(self, size: int = 1 << 20) -> Iterator[bytes]:
        self.file.seek(0)
        while chunk := self.file.read(size):
            yield chunk

    def close(self) -> None:
        self.file.close()
