"""Write HTTP exchanges to gzip-compressed WARC files (ISO 28500).

warcio builds every record (headers, record ids, sha1 block and payload digests); this module
only decides where the bytes go. Each record is serialised uncompressed into a buffer and then
compressed as its own gzip member at a low zlib level: warcio's own gzip writer uses level 9,
which costs several times more CPU for a few percent smaller files. Every call writes its
members with a single unbuffered ``write`` so a process killed mid-crawl leaves every earlier
record complete and readable.

Files are named ``<prefix>-<crawl start, UTC>-<serial>.warc.gz`` (for example
``cnas-20261128T225500Z-00000.warc.gz``) and roll over to the next serial at a size limit.
"""

from __future__ import annotations

import io
import logging
import os
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from importlib import metadata
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

logger = logging.getLogger(__name__)

DEFAULT_MAX_SIZE = 1_000_000_000
# zlib level 1 compresses HTML about as well as level 6 for a fraction of level 9's time.
DEFAULT_COMPRESS_LEVEL = 1
# wbits 16 + MAX_WBITS makes zlib write a gzip header and trailer: a standard gzip member.
_GZIP_WBITS = 16 + zlib.MAX_WBITS
_STAMP_FORMAT = "%Y%m%dT%H%M%SZ"

Headers = Iterable[tuple[str | bytes, str | bytes]]


@dataclass(frozen=True)
class HttpMessage:
    """One side of an HTTP exchange as seen on the wire (bodies without transfer coding)."""

    headers: Headers
    body: bytes = b""


def _software() -> str:
    parts = []
    for dist in ("thinkscrape", "warcio", "scrapy"):
        try:
            parts.append(f"{dist}/{metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            continue
    return " ".join(parts)


def _as_text(value: str | bytes) -> str:
    # HTTP header bytes are ISO-8859-1 by definition; warcio %-encodes anything non-ASCII.
    return value.decode("iso-8859-1") if isinstance(value, bytes) else value


def _header_list(headers: Headers) -> list[tuple[str, str]]:
    return [(_as_text(name), _as_text(value)) for name, value in headers]


def warc_date(moment: datetime) -> str:
    """A WARC-Date (second precision, UTC, ``Z`` suffix) for an aware or UTC-naive datetime."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return datetime_to_iso_date(moment)


def warc_file_name(prefix: str, started_at: datetime, serial: int) -> str:
    """``<prefix>-YYYYMMDDTHHMMSSZ-NNNNN.warc.gz`` for a crawl started at ``started_at``."""
    if started_at.tzinfo is not None:
        started_at = started_at.astimezone(UTC)
    return f"{prefix}-{started_at.strftime(_STAMP_FORMAT)}-{serial:05d}.warc.gz"


class WarcWriter:
    """Append request/response pairs to rolling ``.warc.gz`` files under one folder.

    Files are opened lazily (a crawl that fetches nothing leaves no file) and never
    overwritten: if a name is taken, the next serial is used.
    """

    def __init__(
        self,
        directory: str | os.PathLike[str],
        prefix: str,
        *,
        started_at: datetime | None = None,
        max_size: int = DEFAULT_MAX_SIZE,
        info: Mapping[str, Any] | None = None,
        compress_level: int = DEFAULT_COMPRESS_LEVEL,
    ) -> None:
        if not prefix or "/" in prefix or os.sep in prefix:
            raise ValueError(f"WARC file prefix must be a plain name, got {prefix!r}")
        if max_size <= 0:
            raise ValueError(f"WARC max size must be positive, got {max_size!r}")
        self.directory = Path(directory)
        self.prefix = prefix
        self.started_at = started_at or datetime.now(UTC)
        self.max_size = int(max_size)
        self.info = dict(info or {})
        self.compress_level = compress_level
        self._buffer = io.BytesIO()
        self._builder = WARCWriter(self._buffer, gzip=False)
        self._serial = 0
        self._file: io.RawIOBase | None = None
        self._path: Path | None = None
        self._size = 0
        self._records_in_file = 0
        self.files: list[Path] = []
        self.bytes_written = 0  # compressed bytes, across every file

    # --- public API ---------------------------------------------------------------
    @property
    def current_path(self) -> Path | None:
        return self._path

    def write_exchange(
        self,
        url: str,
        *,
        method: str,
        request: HttpMessage,
        status: int,
        response: HttpMessage,
        reason: str | None = None,
        protocol: str = "HTTP/1.1",
        fetched_at: datetime | None = None,
        truncated: str | None = None,
    ) -> dict[str, Any]:
        """Write a ``response`` record and its ``request`` record; return the capture dict.

        ``truncated`` is a WARC-Truncated reason ("length", "time", "disconnect",
        "unspecified") for a response whose body is known to be incomplete.
        """
        fetched_at = fetched_at or datetime.now(UTC)
        date = warc_date(fetched_at)
        if reason is None:
            reason = _reason_phrase(status)
        response_headers = StatusAndHeaders(
            f"{status} {reason}".strip(), _header_list(response.headers), protocol=protocol
        )
        extra = {"WARC-Date": date}
        if truncated:
            extra["WARC-Truncated"] = truncated
        response_record = self._builder.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(response.body),
            length=len(response.body),
            warc_headers_dict=extra,
            http_headers=response_headers,
        )
        request_path = _request_target(url)
        request_headers = StatusAndHeaders(
            f"{method} {request_path} {protocol}",
            _header_list(request.headers),
            is_http_request=True,
        )
        request_record = self._builder.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(request.body),
            length=len(request.body),
            warc_headers_dict={"WARC-Date": date},
            http_headers=request_headers,
        )
        record_id = response_record.rec_headers.get_header("WARC-Record-ID")
        request_record.rec_headers.add_header("WARC-Concurrent-To", record_id)

        response_member = self._compress(response_record)
        request_member = self._compress(request_record)
        offset = self._append(response_member + request_member)
        return {
            "url": url,
            "warc_file": str(self._path.resolve()),
            "offset": offset,
            "length": len(response_member),
            "record_id": record_id,
            "payload_digest": response_record.rec_headers.get_header("WARC-Payload-Digest"),
            "fetched_at": date,
            "status": status,
        }

    def close(self) -> None:
        if self._file is not None:
            os.fsync(self._file.fileno())
            self._file.close()
            logger.info("Closed WARC file %s (%d bytes)", self._path, self._size)
        self._file = None

    def __enter__(self) -> WarcWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- internals ------------------------------------------------------------------
    def _compress(self, record: Any) -> bytes:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._builder.write_record(record)
        return zlib.compress(self._buffer.getvalue(), self.compress_level, wbits=_GZIP_WBITS)

    def _append(self, data: bytes) -> int:
        """Write ``data`` in one call, rolling over first if it would pass the size limit."""
        if self._file is None:
            self._open_next()
        elif self._records_in_file and self._size + len(data) > self.max_size:
            self.close()
            self._serial += 1
            self._open_next()
        offset = self._size
        try:
            self._write(data)
        except OSError:
            # A partial write (disk full, I/O error) leaves a broken tail: later records go
            # to a fresh file so their offsets stay right and every whole record stays read.
            self._file.close()
            self._file = None
            self._serial += 1
            raise
        self._records_in_file += 1
        return offset

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            # An unbuffered file: each write goes straight to the OS, so no record lingers in
            # a user-space buffer when the process dies.
            written = self._file.write(view)
            view = view[written:]
        self._size += len(data)
        self.bytes_written += len(data)

    def _open_next(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        while True:
            path = self.directory / warc_file_name(self.prefix, self.started_at, self._serial)
            try:
                self._file = open(path, "xb", buffering=0)  # noqa: SIM115 - closed in close()
                break
            except FileExistsError:
                logger.warning("WARC file %s exists; keeping it, using the next serial", path)
                self._serial += 1
        self._path = path
        self._size = 0
        self._records_in_file = 0
        self.files.append(path)
        self._write(self._compress(self._warcinfo(path.name)))
        logger.info("Writing WARC file %s", path)

    def _warcinfo(self, filename: str) -> Any:
        fields: dict[str, Any] = {
            "software": _software(),
            "format": "WARC File Format 1.0",
            "conformsTo": "http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft.pdf",
        }
        fields.update(self.info)
        return self._builder.create_warcinfo_record(filename, fields)


def _reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _request_target(url: str) -> str:
    """The request line's target: path and query of the URL (origin form)."""
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return target
