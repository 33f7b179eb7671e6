"""Walk every record of a WARC file, reading past damage, and say what is wrong where.

A ``.warc.gz`` written here (and by most tools) holds each record in its own gzip member.
warcio's reader stops at the first member that does not inflate and reports nothing, so a
truncated, corrupt or foreign file reads as a shorter sound one. This walker inflates one
member at a time: a member that fails (bad deflate data, a CRC mismatch, the file ending
inside it) is reported with its offset and skipped by looking for the next gzip member
header (``1f 8b 08``), so every sound record after it is still read. Uncompressed ``.warc``
files are walked record by record the same way, resyncing on the next ``WARC/1.``.

Each member must hold one WARC record whose block is as long as its ``Content-Length`` says
and, where the record carries a SHA-1 ``WARC-Block-Digest``, has that digest.

Used by replay (``WarcIndex``) and by ``thinkscrape warc check FILE...``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import mmap
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser

GZIP_MAGIC = b"\x1f\x8b\x08"
WARC_MAGIC = b"WARC/1."
_GZIP_WBITS = 16 + zlib.MAX_WBITS
_CHUNK = 1 << 20
# Far above any record a crawl writes (DOWNLOAD_MAXSIZE is 64 MB): a member inflating past
# this is not one of ours, and reading on would only exhaust memory (a gzip bomb).
MAX_RECORD_SIZE = 512 * 1024 * 1024
_WARC_VERSIONS = ["WARC/1.0", "WARC/1.1"]


@dataclass(frozen=True)
class Record:
    """One sound record: where it is and what its headers say."""

    offset: int  # of its gzip member (of the record itself in an uncompressed file)
    length: int  # bytes of the member (or record) in the file
    headers: StatusAndHeaders
    http_status: int | None  # of a response record's HTTP message
    info: dict[str, str]  # a warcinfo record's fields; empty for other records

    @property
    def type(self) -> str | None:
        return self.headers.get_header("WARC-Type")


@dataclass(frozen=True)
class Damage:
    """Bytes that hold no sound record, and why."""

    offset: int
    length: int  # bytes skipped
    reason: str


@dataclass
class FileReport:
    """What walking one file found."""

    path: Path
    size: int = 0
    records: int = 0
    responses: int = 0
    damage: list[Damage] = field(default_factory=list)

    def count(self, found: Record | Damage) -> Record | None:
        """Count what ``walk`` found; the record itself when it is sound."""
        if isinstance(found, Damage):
            self.damage.append(found)
            return None
        self.records += 1
        self.responses += found.type == "response"
        return found

    @property
    def empty(self) -> bool:
        return self.size == 0

    @property
    def not_warc(self) -> bool:
        """True for an empty file or one in which not one WARC record could be read."""
        return self.records == 0

    @property
    def sound(self) -> bool:
        return not self.not_warc and not self.damage

    @property
    def skipped_bytes(self) -> int:
        return sum(damage.length for damage in self.damage)

    def problems(self) -> list[str]:
        """One line per problem, naming the file and the offset."""
        if self.empty:
            return [f"{self.path}: empty file, not a WARC file"]
        if self.not_warc:
            first = self.damage[0].reason if self.damage else "no record"
            return [f"{self.path}: not a WARC file ({first})"]
        return [
            f"{self.path}: offset {damage.offset}: {damage.reason} "
            f"({damage.length:,} bytes skipped)"
            for damage in self.damage
        ]

    def summary(self) -> str:
        return (
            f"{self.path}: ok, {self.records:,} records ({self.responses:,} responses), "
            f"{self.size:,} bytes"
        )


def walk(path: str | os.PathLike[str]) -> Iterator[Record | Damage]:
    """Every sound record and every damaged stretch of the file at ``path``, in file order."""
    with open(path, "rb") as stream:
        if os.fstat(stream.fileno()).st_size == 0:
            return
        with mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if data[: len(WARC_MAGIC)] != WARC_MAGIC:
                yield from _walk_gzip(data)
            else:
                yield from _walk_plain(data)


def check_file(path: str | os.PathLike[str]) -> FileReport:
    """Walk the whole file; the report of what is sound and what is not."""
    report = FileReport(Path(path), size=os.path.getsize(path))
    for found in walk(path):
        report.count(found)
    return report


# --- gzip members -------------------------------------------------------------------------
class _MemberError(Exception):
    pass


def _walk_gzip(data: mmap.mmap) -> Iterator[Record | Damage]:
    offset, size = 0, len(data)
    while offset < size:
        if data[offset : offset + 3] != GZIP_MAGIC:
            found = data.find(GZIP_MAGIC, offset)
            end = found if found >= 0 else size
            what = "no gzip member here" if offset else "does not start with a gzip member"
            yield Damage(offset, end - offset, what)
            offset = end
            continue
        try:
            raw, end = _inflate(data, offset)
        except _MemberError as error:
            # Resync on the next member header: the records after the damage are still whole.
            found = data.find(GZIP_MAGIC, offset + 1)
            end = found if found >= 0 else size
            yield Damage(offset, end - offset, str(error))
            offset = end
            continue
        parsed = _parse_record(raw)
        if isinstance(parsed, str):
            yield Damage(offset, end - offset, parsed)
        else:
            headers, status, info = parsed
            yield Record(offset, end - offset, headers, status, info)
        offset = end


def _inflate(data: mmap.mmap, start: int) -> tuple[bytes, int]:
    """The inflated gzip member at ``start`` and the offset just past it."""
    inflater = zlib.decompressobj(_GZIP_WBITS)
    out = bytearray()
    position = start
    pending = b""
    try:
        while not inflater.eof:
            if not pending:
                if position >= len(data):
                    raise _MemberError(
                        f"truncated: the file ends inside this gzip member "
                        f"({len(data) - start:,} bytes of it present)"
                    )
                pending = data[position : position + _CHUNK]
                position += len(pending)
            out += inflater.decompress(pending, MAX_RECORD_SIZE + 1 - len(out))
            pending = inflater.unconsumed_tail
            if len(out) > MAX_RECORD_SIZE:
                raise _MemberError(f"gzip member inflates past {MAX_RECORD_SIZE:,} bytes")
    except zlib.error as error:
        raise _MemberError(f"corrupt gzip member: {error}") from None
    return bytes(out), position - len(inflater.unused_data) - len(pending)


# --- uncompressed WARC --------------------------------------------------------------------
def _walk_plain(data: mmap.mmap) -> Iterator[Record | Damage]:
    offset, size = 0, len(data)
    while offset < size:
        end = _plain_record_end(data, offset)
        parsed = _parse_record(data[offset:end]) if end else "not a WARC record"
        if isinstance(parsed, str):
            found = data.find(WARC_MAGIC, offset + 1)
            end = found if found >= 0 else size
            yield Damage(offset, end - offset, parsed)
        else:
            headers, status, info = parsed
            yield Record(offset, end - offset, headers, status, info)
        offset = end


def _plain_record_end(data: mmap.mmap, offset: int) -> int | None:
    """Where the uncompressed record at ``offset`` ends, by its Content-Length."""
    if data[offset : offset + len(WARC_MAGIC)] != WARC_MAGIC:
        return None
    header_end = data.find(b"\r\n\r\n", offset)
    if header_end < 0:
        return None
    for line in data[offset:header_end].split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length" and value.strip().isdigit():
            return min(header_end + 4 + int(value) + 4, len(data))
    return None


# --- one record ---------------------------------------------------------------------------
def _parse_record(raw: bytes) -> tuple[StatusAndHeaders, int | None, dict[str, str]] | str:
    """The record's headers, HTTP status and warcinfo fields, or what is wrong with it."""
    if not raw.startswith(WARC_MAGIC):
        return f"not a WARC record (starts with {raw[:16]!r})"
    header_end = raw.find(b"\r\n\r\n")
    if header_end < 0:
        return "WARC headers never end"
    try:
        headers = StatusAndHeadersParser(_WARC_VERSIONS, verify=False).parse(
            io.BytesIO(raw[: header_end + 4])
        )
        declared = int(headers.get_header("Content-Length") or "")
    except (ValueError, UnicodeDecodeError) as error:
        return f"unreadable WARC headers: {error}"
    block = raw[header_end + 4 :]
    if len(block) != declared + 4 or not block.endswith(b"\r\n\r\n"):
        return f"record block is {len(block) - 4:,} bytes, its Content-Length says {declared:,}"
    block = block[:declared]
    digest = headers.get_header("WARC-Block-Digest") or ""
    algorithm, _, expected = digest.partition(":")
    if algorithm.lower() == "sha1" and expected:
        actual = base64.b32encode(hashlib.sha1(block).digest()).decode("ascii")
        if actual != expected.upper():
            return f"record block does not match its WARC-Block-Digest ({digest})"
    record_type = headers.get_header("WARC-Type")
    status = None
    if record_type in ("response", "revisit") and block.startswith(b"HTTP/"):
        words = block[: block.find(b"\r\n")].split()
        if len(words) > 1 and words[1].isdigit():
            status = int(words[1])
    info = warcinfo_fields(block) if record_type == "warcinfo" else {}
    return headers, status, info


def warcinfo_fields(block: bytes) -> dict[str, str]:
    """The ``name: value`` fields of a warcinfo record's block."""
    fields = {}
    for line in block.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(":")
        if sep:
            fields[name.strip()] = value.strip()
    return fields
