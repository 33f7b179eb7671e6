"""WARC records read straight from a gzipped file's members, without warcio's readers.

A WARC file written one record per gzip member (as ``WarcWriter`` and every crawler write
them) is read here with zlib alone and the record's headers split in one go: several
times less Python per record than warcio's line-by-line readers, which matters when every
record of an archive is read. Anything this plain reading does not cover (a file that is
not gzipped, a member holding more than one record, folded or non-ASCII header lines, a
body still chunked or content-encoded, a damaged member) raises ``Unusual``, and the
caller reads that file or record with warcio instead, whose answers these equal.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

# compressed bytes read at a time while walking a file's members
_CHUNK = 1 << 20
_GZIP_MAGIC = b"\x1f\x8b"
_GZIP = 16 + zlib.MAX_WBITS


class Unusual(Exception):
    """A file or record this reader leaves to warcio."""


@dataclass(frozen=True)
class Record:
    """One WARC record: its type, headers (first of each name, looked up lower case) and
    block; for a response, the HTTP status, headers (in order, as sent) and body."""

    type: str
    headers: dict[str, str]
    block: bytes
    status: int | None = None
    http_headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def members(stream: BinaryIO) -> Iterator[tuple[int, int, bytes]]:
    """(offset, compressed length, decompressed bytes) of each gzip member, in file order."""
    pending = stream.read(_CHUNK)
    if pending and not pending.startswith(_GZIP_MAGIC):
        raise Unusual("not gzipped")
    position = 0
    while pending:
        start, used, parts = position, 0, []
        member = zlib.decompressobj(_GZIP)
        while True:
            try:
                parts.append(member.decompress(pending))
            except zlib.error as error:
                raise Unusual(f"damaged member at {start}: {error}") from None
            if member.eof:
                rest = member.unused_data
                used += len(pending) - len(rest)
                pending = rest
                break
            used += len(pending)
            pending = stream.read(_CHUNK)
            if not pending:
                raise Unusual(f"truncated member at {start}")
        position = start + used
        if not pending:
            pending = stream.read(_CHUNK)
        yield start, used, b"".join(parts)


def read_member(stream: BinaryIO, offset: int, length: int) -> Record:
    """The record of the gzip member at ``offset``, ``length`` bytes long."""
    stream.seek(offset)
    data = stream.read(length)
    member = zlib.decompressobj(_GZIP)
    try:
        decompressed = member.decompress(data)
    except zlib.error as error:
        raise Unusual(f"damaged member at {offset}: {error}") from None
    if not member.eof or member.unused_data:
        raise Unusual(f"no single member at {offset}")
    return parse_record(decompressed)


def parse_record(data: bytes) -> Record:
    """The one WARC record ``data`` holds (a decompressed member)."""
    end = data.find(b"\r\n\r\n")
    if end < 0 or not data.startswith(b"WARC/"):
        raise Unusual("no WARC record")
    headers = _first_of_each(_fields(data[:end]))
    try:
        length = int(headers["content-length"])
    except (KeyError, ValueError):
        raise Unusual("no Content-Length") from None
    block = data[end + 4 : end + 4 + length]
    if len(block) != length or data[end + 4 + length :].strip(b"\r\n"):
        raise Unusual("block and member differ")
    kind = headers.get("warc-type", "")
    if kind != "response":
        return Record(kind, headers, block)
    uri = headers.get("warc-target-uri", "")
    content_type = headers.get("content-type", "")
    if not uri.startswith("http") or not content_type.startswith("application/http"):
        raise Unusual("a response that is not HTTP")
    head_end = block.find(b"\r\n\r\n")
    if head_end < 0 or not block.startswith(b"HTTP/"):
        raise Unusual("no HTTP head")
    status_line, *_ = block[:head_end].split(b"\r\n", 1)
    http = _fields(block[:head_end])
    first = _first_of_each(http)
    if first.get("transfer-encoding") == "chunked" or "content-encoding" in first:
        raise Unusual("body still encoded")
    try:
        status = int(status_line.split(b" ", 2)[1])
    except (IndexError, ValueError):
        raise Unusual("no status") from None
    return Record(kind, headers, block, status, tuple(http), block[head_end + 4 :])


def _fields(head: bytes) -> list[tuple[str, str]]:
    """A head's header lines as (name, value), as warcio splits them; the status or
    version line is left out."""
    if not head.isascii():
        raise Unusual("header bytes that are not ASCII")
    lines = head.decode("ascii").split("\r\n")[1:]
    found = []
    for line in lines:
        if line[:1] in (" ", "\t") or "\n" in line or "\r" in line:
            raise Unusual("folded or broken header line")
        name, colon, value = line.partition(":")
        if colon:
            found.append((name.rstrip(" \t"), value.strip()))
    return found


def _first_of_each(fields: list[tuple[str, str]]) -> dict[str, str]:
    first: dict[str, str] = {}
    for name, value in fields:
        first.setdefault(name.lower(), value)
    return first
