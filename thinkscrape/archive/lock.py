"""The archive's writer lock: one writer at a time, whichever command writes.

Every writer takes it before it opens the archive for writing: ``thinkscrape crawl``, the
archive pipeline of every crawl (so a plain ``scrapy crawl`` and the replay crawl of
``reextract`` and the demo too), and ``renormalize``. It is an OS file lock (``filelock``)
on ``<db>.lock``, so a writer that dies, even by SIGKILL, releases it with its process, and
the process that holds it is always the one writing.

Within one process the lock is shared and counted: ``thinkscrape crawl`` holds it, and the
pipeline of the crawl it runs in the same process takes it again without waiting for itself.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout

from thinkscrape.archive.schema import check_writable, lock_path_for


class ArchiveLocked(Exception):
    """Another process holds the archive's writer lock."""

    def __init__(self, db_path: str | os.PathLike[str], lock_path: Path) -> None:
        super().__init__(
            f"Another crawl or archive job is writing to {db_path} (its lock {lock_path} is held)."
        )
        self.db_path = db_path
        self.lock_path = lock_path


# One FileLock per lock file in this process: a second FileLock on the same file would
# wait for the first, even in the same process.
_locks: dict[Path, FileLock] = {}


class WriterLock:
    """The writer lock of the archive at ``db_path`` (a no-op for an in-memory archive)."""

    def __init__(self, db_path: str | os.PathLike[str]) -> None:
        self.db_path = db_path
        lock_path = lock_path_for(db_path)
        self.path = None if lock_path is None else lock_path.resolve()

    def acquire(self, *, wait: bool = False) -> None:
        """Take the lock, waiting for its holder with ``wait``; else ``ArchiveLocked`` at once.

        Raises ``ArchiveError`` when the archive's folder cannot be written (no lock file
        can be made there, and no archive written either).
        """
        if self.path is None:
            return
        check_writable(Path(self.db_path))
        lock = _locks.get(self.path)
        if lock is None:
            lock = _locks[self.path] = FileLock(self.path, thread_local=False)
        try:
            lock.acquire(timeout=-1 if wait else 0)
        except Timeout:
            raise ArchiveLocked(self.db_path, self.path) from None

    def release(self) -> None:
        if self.path is not None and self.path in _locks:
            _locks[self.path].release()

    def __enter__(self) -> WriterLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()
