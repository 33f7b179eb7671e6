"""Where an export may be written, and writing it so that a failure never costs a file.

An export goes to a temporary file in the target's folder, is flushed to disk, and only
then takes the target's name (``os.replace``, atomic on POSIX): an export that fails half
way (a full disk, a bad ``--where``, Ctrl+C) leaves the earlier file as it was. The
archive itself, its ``-wal``/``-shm``/``-journal`` files, any other SQLite database and any
WARC file are refused as targets, whatever the path is called.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import stat
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

SQLITE_HEADER = b"SQLite format 3\x00"
WARC_HEADER = b"WARC/"
# Files SQLite keeps beside a database while it is written (WAL, shared memory, rollback
# journal); the crawl lock sits there too.
ARCHIVE_COMPANIONS = ("-wal", "-shm", "-journal", ".lock")


class OutputError(Exception):
    """The export cannot be written where asked, with the reason for the user."""


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def _kind_of(path: Path) -> str | None:
    """What a file holds, when it is something an export must never replace."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
        if head.startswith(SQLITE_HEADER):
            return "SQLite database"
        if head.startswith(WARC_HEADER):
            return "WARC file"
        if head.startswith(b"\x1f\x8b"):
            with gzip.open(path, "rb") as handle:
                if handle.read(len(WARC_HEADER)) == WARC_HEADER:
                    return "WARC file"
    except (OSError, EOFError, zlib.error):
        return None
    return None


def check_target(out: Path, archive: Path) -> Path:
    """The file to write for ``--out out``, or an OutputError saying why not."""
    if _same_file(out, archive):
        raise OutputError(f"{out} is the archive being exported; choose another --out.")
    for suffix in ARCHIVE_COMPANIONS:
        if _same_file(out, Path(f"{archive.resolve()}{suffix}")):
            raise OutputError(f"{out} belongs to the archive {archive}; choose another --out.")
    target = out.resolve()  # through symbolic links: replace the file, not the link
    if target.is_dir():
        raise OutputError(f"{target} is a folder; give a file name with --out.")
    if not target.parent.is_dir():
        raise OutputError(f"there is no folder {target.parent}; create it or choose another.")
    kind = _kind_of(target) if target.is_file() else None
    if kind:
        raise OutputError(f"{out} is a {kind}, not an export; choose another --out.")
    return target


def _permissions_for(target: Path) -> int:
    """The target's own mode, or what ``open()`` would give a new file under the umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def replacing(target: Path, *, binary: bool = False) -> Iterator[IO]:
    """A file object whose content becomes ``target`` only if the block ends without error.

    A device or pipe (``/dev/stdout``, ``/dev/full``) is written in place: it has no earlier
    content to keep, and replacing it would put a plain file where the device was.
    """
    mode = "wb" if binary else "w"
    text = {} if binary else {"encoding": "utf-8", "newline": ""}
    try:
        if target.exists() and not target.is_file():
            with open(target, mode, **text) as handle:
                yield handle
            return
        fd, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".part"
        )
    except OSError as error:
        raise OutputError(f"could not write {target}: {error}") from error
    try:
        with os.fdopen(fd, mode, **text) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, _permissions_for(target))
        os.replace(temporary, target)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise OutputError(f"could not write {target}: {error}") from error
        raise
