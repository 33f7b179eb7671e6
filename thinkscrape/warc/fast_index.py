"""The index pass of direct re-extraction: every response record of the WARC files, each
kept decoded in a spool so that it is decompressed once, a large file read in parts by
several processes.

Reading a record means inflating its gzip member, and the only way to find where the next
member begins is to inflate this one to its end: one pass over a file is serial. A large
file is therefore cut into byte ranges; each part starts at the first record that begins
at or after its range (a gzip member that inflates to a WARC header) and reads on, with
warcio, to the first record that begins in the next range. The parts must meet exactly (the
record one stopped at is the one the next started at), else the file is read again, record
by record, by the careful walk that names damage (``WarcIndex``).
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import tempfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from w3lib.url import canonicalize_url
from warcio.archiveiterator import ArchiveIterator

from thinkscrape.warc.capture import FETCHED_FROM_FIELD
from thinkscrape.warc.check import FileReport, warcinfo_fields
from thinkscrape.warc.replay import IndexEntry, UrlKey, WarcIndex

# A file is read in parts only when each part is at least this large: a part costs a round
# trip to a worker process and a search for its first record.
PART_MIN = 4_000_000
GZIP_MAGIC = b"\x1f\x8b\x08"  # a gzip member's first bytes (deflate)

Read = tuple[int, list[tuple[str, str]], str, bytes]  # status, headers, WARC-Date, body


@dataclass(frozen=True)
class Kept:
    """Where the index pass kept a response record, decoded: its status line, headers and
    WARC-Date pickled, then its body as it is."""

    spool: str
    position: int
    head_length: int
    body_length: int


@dataclass
class IndexedPart:
    """What reading one byte range of a WARC file found."""

    first: int | None  # offset of the part's first record (None: none begins in it)
    end: int | None  # offset of the record it stopped at (None: the file's end)
    records: int = 0
    entries: list[IndexEntry] = field(default_factory=list)
    kept: dict[int, Kept] = field(default_factory=dict)  # by record offset
    mirror_origin: str | None = None
    sound: bool = True  # warcio read it without a complaint or a failure


class FastIndex(WarcIndex):
    """``WarcIndex`` reading each file with warcio's own iterator, several times faster
    than the member-by-member walk that finds damage; a file warcio cannot read through is
    walked that way instead, so its damage is skipped and reported as replay reports it.

    With ``spool`` (a folder), each response record's status line, headers and decoded body
    are written to a file there as the index reads them (``kept``: where, by the record's
    file and offset), so that the record is not decompressed a second time to be extracted:
    decompressing is most of what reading a record costs. With ``pool`` (a process pool of
    ``parts`` workers), a large gzip file is read in ``parts`` byte ranges at once."""

    def __init__(
        self,
        paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        *,
        home: str | None = None,
        site_hosts: Iterable[str] = (),
        spool: str | os.PathLike[str] | None = None,
        pool: Any = None,
        parts: int = 1,
        url_key: UrlKey | None = canonicalize_url,
    ) -> None:
        self.spool = str(spool) if spool is not None else None
        self.pool = pool
        self.parts = parts if pool is not None else 1
        self.kept: dict[tuple[Path, int], Kept] = {}
        super().__init__(paths, url_key=url_key, home=home, site_hosts=site_hosts)

    def _scan(self, path: Path) -> None:
        tasks = [(str(path), start, stop, self.spool) for start, stop in self._ranges(path)]
        if len(tasks) > 1:
            found = list(self.pool.map(index_part, tasks))
        else:
            found = [index_part(task) for task in tasks]
        meet = all(one.end == after.first for one, after in zip(found, found[1:], strict=False))
        records = sum(part.records for part in found)
        if not records or not meet or not all(part.sound for part in found):
            # what was kept of a damaged file is not read: its records are read one by one
            super()._scan(path)
            return
        entries = [entry for part in found for entry in part.entries]
        for part in found:
            self.kept.update({(path, offset): kept for offset, kept in part.kept.items()})
        origin = next((part.mirror_origin for part in found if part.mirror_origin), None)
        self.reports.append(FileReport(path, path.stat().st_size, records, responses=len(entries)))
        self._add(entries, origin)

    def _ranges(self, path: Path) -> list[tuple[int, int | None]]:
        """The byte ranges the file is read in: one unless it is a large gzip file."""
        try:
            size = path.stat().st_size
            with open(path, "rb") as stream:
                gzipped = stream.read(len(GZIP_MAGIC)) == GZIP_MAGIC
        except OSError:
            return [(0, None)]  # unreadable: reading it whole fails, and the walk says why
        parts = min(self.parts, size // PART_MIN)
        if parts < 2 or not gzipped:  # not gzip: no members to cut between
            return [(0, None)]
        cuts = [size * n // parts for n in range(parts)]
        return [(start, stop) for start, stop in zip(cuts, [*cuts[1:], None], strict=True)]


def index_part(task: tuple[str, int, int | None, str | None]) -> IndexedPart:
    """The records that begin in one byte range of a WARC file (in a worker process)."""
    path, start, stop, spool = task
    # warcio reports a member it cannot decompress on stderr and reads on: that, or any
    # failure, is damage the careful walk names
    complaints = io.StringIO()
    try:
        with contextlib.redirect_stderr(complaints):
            part = _read_part(Path(path), start, stop, spool)
    except Exception:  # noqa: BLE001 - any failure: the careful walk says what it is
        return IndexedPart(first=None, end=None, sound=False)
    part.sound = part.sound and not complaints.getvalue()
    return part


def _read_part(path: Path, start: int, stop: int | None, spool: str | None) -> IndexedPart:
    with open(path, "rb") as stream:
        first = _first_record(stream, start) if start else 0
        part = IndexedPart(first=first, end=None)
        if first is None:
            return part
        stream.seek(first)
        records = ArchiveIterator(stream)
        keep = _Spool(spool, path) if spool is not None else None
        try:
            position = first
            for record in records:
                if stop is not None and position >= stop:
                    part.end = position
                    break
                if record.rec_type is None:
                    # what warcio makes, without a word, of bytes between two members (a
                    # stray blank line): the rest of the file as one record of no type
                    part.sound = False
                    break
                offset = _read_record(records, record, part, path, keep)
                if offset != position:
                    part.sound = False  # members do not follow each other: read it all again
                    break
                position = offset + records.get_record_length()
        finally:
            if keep is not None:
                keep.close()
    return part


def _read_record(
    records: ArchiveIterator, record: Any, part: IndexedPart, path: Path, keep: _Spool | None
) -> int:
    """File one record of a part; its offset."""
    part.records += 1
    if record.rec_type == "warcinfo" and part.mirror_origin is None:
        part.mirror_origin = warcinfo_fields(record.content_stream().read()).get(FETCHED_FROM_FIELD)
    http = record.http_headers if record.rec_type == "response" else None
    kept = keep.write(_response(record)) if http is not None and keep is not None else None
    # (asking for the offset reads the record to its end: the body is read first)
    offset = records.get_record_offset()
    records.read_to_end(record)
    if kept is not None:
        part.kept[offset] = kept
    if record.rec_type == "response":
        status = int(http.get_statuscode()) if http is not None else None
        length = records.get_record_length()
        part.entries.append(IndexEntry.of(record.rec_headers, path, offset, length, status))
    return offset


def _first_record(stream: Any, start: int) -> int | None:
    """Offset of the first gzip member at or after ``start`` that holds a WARC record."""
    window = 1 << 20
    position = start
    while True:
        stream.seek(position)
        data = stream.read(window)
        if len(data) < len(GZIP_MAGIC):
            return None
        found = data.find(GZIP_MAGIC)
        while found >= 0:
            stream.seek(position + found)
            with contextlib.suppress(zlib.error):
                # the three bytes also occur inside compressed data: a member starts a record
                if zlib.decompressobj(31).decompress(stream.read(4096), 8).startswith(b"WARC/"):
                    return position + found
            found = data.find(GZIP_MAGIC, found + 1)
        # the next window overlaps this one by less than the magic, so none is missed
        position += len(data) - len(GZIP_MAGIC) + 1


class _Spool:
    """One part's spool file: each response record, decoded (the body kept apart from the
    pickled head, so that neither writing nor reading it copies it again)."""

    def __init__(self, folder: str, path: Path) -> None:
        handle, self.name = tempfile.mkstemp(prefix=f"{path.name}-", dir=folder)
        self.file = os.fdopen(handle, "wb")

    def write(self, read: Read) -> Kept:
        *head, body = read
        data = pickle.dumps(tuple(head), protocol=pickle.HIGHEST_PROTOCOL)
        position = self.file.tell()
        self.file.write(data)
        self.file.write(body)
        return Kept(self.name, position, len(data), len(body))

    def close(self) -> None:
        self.file.close()


def _response(record: Any) -> Read:
    """A warcio response record's status, headers, WARC-Date and body."""
    http = record.http_headers
    body = record.content_stream().read()  # chunking and content encoding undone
    warc_date = record.rec_headers.get_header("WARC-Date") or ""
    return int(http.get_statuscode()), list(http.headers), warc_date, body


def read_at(path: str, offset: int) -> Read | None:
    """A response record read from its WARC file (None: unreadable, or no HTTP response)."""
    try:
        with open(path, "rb") as stream:
            stream.seek(offset)
            record = next(iter(ArchiveIterator(stream)))
            return _response(record) if record.http_headers is not None else None
    except (OSError, StopIteration, ValueError):
        return None


def read_kept(kept: Kept) -> Read | None:
    """A response record as the index pass kept it."""
    try:
        # (os.pread on a bare descriptor: a file object per record cost as much as the read)
        handle = os.open(kept.spool, os.O_RDONLY)
        try:
            head = os.pread(handle, kept.head_length, kept.position)
            body = os.pread(handle, kept.body_length, kept.position + kept.head_length)
        finally:
            os.close(handle)
        status, headers, warc_date = pickle.loads(head)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError):
        return None
    if len(body) != kept.body_length:
        return None  # the spool was cut short
    return status, headers, warc_date, body
