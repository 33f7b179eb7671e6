"""The archive's writer lock: one writer at a time, whichever command writes.

Every writer takes it before it opens the archive for writing: ``thinkscrape crawl``, the
archive pipeline of every crawl (so a plain ``scrapy crawl`` and the replay crawl of
``reextract`` and the demo too), and ``renormalize``. It is an OS file lock (``filelock``)
on ``<db>.lock``, so a writer that dies, even by SIGKILL, releases it with its process, and
the process that holds it is always the one writing.

Within one process the lock is shared and counted: ``thinkscrape crawl`` holds it, and the
pipeline of the crawl it runs in the same process takes it again without waiting for itself.

A holder can hand the lock down to a child process it starts (``thinkscrape crawl`` of
several sites runs one child per site): the child inherits the lock file's descriptor
(``inheritance``) and is told its number in ``THINKSCRAPE_WRITER_LOCK``. The child's
``acquire`` then checks that this descriptor is the lock file and holds its lock, and
counts the lock as taken. The environment variable alone grants nothing: without the held
descriptor the child takes the lock as any writer does. Since an OS file lock belongs to the
open file, not to a process, the child keeps holding it even if its parent is killed.
"""

from __future__ import annotations

import os
import sys
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


# "<descriptor>:<lock file>" of a writer lock a parent process handed down (see `inheritance`).
INHERITED_LOCK_ENV = "THINKSCRAPE_WRITER_LOCK"

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
        if self.path is None or self.inherited():
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
        # An inherited lock is never unlocked here: the parent's descriptor shares it, and
        # unlocking would free it for every writer while the parent still counts on it.
        if self.path is not None and self.path in _locks:
            _locks[self.path].release()

    def inheritance(self) -> tuple[int, dict[str, str]] | None:
        """The descriptor and environment a child process needs to share the held lock.

        Pass the descriptor with ``subprocess.Popen(pass_fds=...)`` and the environment
        with ``env=``; None for an in-memory archive (no lock) or a lock not held here.
        """
        if self.path is None or self.path not in _locks or not _locks[self.path].is_locked:
            return None
        descriptor = getattr(getattr(_locks[self.path], "_context", None), "lock_file_fd", None)
        if not isinstance(descriptor, int):
            return None
        return descriptor, {INHERITED_LOCK_ENV: f"{descriptor}:{self.path}"}

    def inherited(self) -> bool:
        """Whether this process holds the lock through a descriptor its parent handed down."""
        descriptor, _, path = os.environ.get(INHERITED_LOCK_ENV, "").partition(":")
        if self.path is None or not descriptor.isdigit() or Path(path) != self.path:
            return False
        if sys.platform == "win32":  # no flock: nothing can have been handed down
            return False
        import fcntl

        try:
            if not os.path.samestat(os.fstat(int(descriptor)), os.stat(self.path)):
                return False
            # Succeeds at once on the open file that already holds the lock; fails
            # (EWOULDBLOCK) on any other open file while another writer holds it.
            fcntl.flock(int(descriptor), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

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
