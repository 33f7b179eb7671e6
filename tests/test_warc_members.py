"""Records read with zlib alone (``thinkscrape.warc.members``) equal warcio's, and what the
plain reading does not cover is handed back to warcio."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from thinkscrape.warc.members import Unusual, members, parse_record, read_member

PAGE = "<html><head><title>Café</title></head><body><p>Text</p></body></html>".encode()


def _response(writer: WARCWriter, url: str, body: bytes, headers: list[tuple[str, str]]) -> None:
    http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
    record = writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=http)
    writer.write_record(record)


def _write(path: Path, *, encoded: bool = False) -> None:
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"fetched-from": "x"}))
        headers = [("Content-Type", "text/html; charset=utf-8"), ("X-Two", "a"), ("x-two", "b")]
        _response(writer, "https://www.cnas.org/a", PAGE, headers)
        request = writer.create_warc_record(
            "https://www.cnas.org/a", "request", payload=io.BytesIO(b"GET /a HTTP/1.1\r\n\r\n")
        )
        writer.write_record(request)
        _response(writer, "https://www.cnas.org/gone", b"", [("Content-Length", "0")])
        if encoded:
            gzip_headers = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
            _response(writer, "https://www.cnas.org/b", gzip.compress(PAGE), gzip_headers)


def _warcio(path: Path) -> list[tuple]:
    found = []
    with open(path, "rb") as stream:
        records = ArchiveIterator(stream)
        for record in records:
            # a request's head is no response's: the plain reading keeps responses' alone
            http = record.http_headers if record.rec_type == "response" else None
            body = record.content_stream().read()
            found.append(
                (
                    records.get_record_offset(),
                    record.rec_type,
                    record.rec_headers.get_header("WARC-Target-URI"),
                    record.rec_headers.get_header("WARC-Date"),
                    int(http.get_statuscode()) if http else None,
                    list(http.headers) if http else [],
                    body if http else b"",
                )
            )
            records.read_to_end(record)
    return found


def _plain(path: Path) -> list[tuple]:
    found = []
    with open(path, "rb") as stream:
        for offset, length, data in members(stream):
            record = parse_record(data)
            found.append(
                (
                    offset,
                    record.type,
                    record.header("WARC-Target-URI"),
                    record.header("warc-date"),
                    record.status,
                    list(record.http_headers),
                    record.body,
                )
            )
            with open(path, "rb") as again:
                assert read_member(again, offset, length) == record
    return found


def test_records_read_with_zlib_alone_are_warcios(tmp_path: Path) -> None:
    path = tmp_path / "plain.warc.gz"
    _write(path)
    plain = _plain(path)
    assert plain == _warcio(path)
    assert [row[1] for row in plain] == ["warcinfo", "response", "request", "response"]
    assert plain[1][4:] == (
        200,
        [("Content-Type", "text/html; charset=utf-8"), ("X-Two", "a"), ("x-two", "b")],
        PAGE,
    )


def test_a_body_still_content_encoded_is_left_to_warcio(tmp_path: Path) -> None:
    path = tmp_path / "encoded.warc.gz"
    _write(path, encoded=True)
    with open(path, "rb") as stream, pytest.raises(Unusual):
        for _, _, data in members(stream):
            parse_record(data)


def test_a_file_not_gzipped_or_damaged_is_left_to_warcio(tmp_path: Path) -> None:
    path = tmp_path / "plain.warc.gz"
    _write(path)
    raw = tmp_path / "raw.warc"
    raw.write_bytes(gzip.decompress(path.read_bytes()))
    with open(raw, "rb") as stream, pytest.raises(Unusual):
        list(members(stream))
    damaged = bytearray(path.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(bytes(damaged))
    with open(broken, "rb") as stream, pytest.raises(Unusual):
        for _, _, data in members(stream):
            parse_record(data)
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(path.read_bytes()[:-10])
    with open(cut, "rb") as stream, pytest.raises(Unusual):
        list(members(stream))
