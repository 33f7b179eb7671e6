"""The WARC writer: valid records, file names, rollover, and surviving a killed process."""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import signal
import subprocess
import sys
import time
from base64 import b32encode
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from thinkscrape.warc.writer import HttpMessage, WarcWriter, warc_file_name

WARCIO = str(Path(sys.executable).with_name("warcio"))
STARTED = datetime(2026, 11, 28, 22, 55, 0, tzinfo=UTC)
FETCHED = datetime(2026, 11, 28, 23, 1, 2, tzinfo=UTC)
URL = "https://www.cnas.org/publications/reports/rising-to-the-china-challenge"
BODY = (
    b"<!DOCTYPE html><html><head><title>Rising to the China Challenge</title></head>"
    b"<body><h1>Rising to the China Challenge</h1><p>By Ely Ratner</p></body></html>"
)
RESPONSE_HEADERS = [(b"Content-Type", b"text/html; charset=UTF-8"), (b"Server", b"nginx")]
REQUEST_HEADERS = [(b"Host", b"www.cnas.org"), (b"User-Agent", b"thinkscrape/0.1")]


def sha1_label(data: bytes) -> str:
    return "sha1:" + b32encode(hashlib.sha1(data).digest()).decode()


def write_one(writer: WarcWriter, url: str = URL, body: bytes = BODY) -> dict:
    return writer.write_exchange(
        url,
        method="GET",
        request=HttpMessage(REQUEST_HEADERS),
        status=200,
        response=HttpMessage(RESPONSE_HEADERS, body),
        fetched_at=FETCHED,
    )


def read_records(path: Path) -> list[dict]:
    with open(path, "rb") as stream:
        records = ArchiveIterator(stream, check_digests="raise")
        found = []
        for record in records:
            found.append(
                {
                    "type": record.rec_type,
                    "headers": dict(record.rec_headers.headers),
                    "http": record.http_headers,
                    "body": record.raw_stream.read(),
                    "offset": records.get_record_offset(),
                    "length": records.get_record_length(),
                }
            )
    return found


def test_file_name_is_spider_and_zero_padded_utc_start() -> None:
    assert warc_file_name("cnas", STARTED, 0) == "cnas-20261128T225500Z-00000.warc.gz"
    early = datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert warc_file_name("cnas", early, 12) == "cnas-20270102T030405Z-00012.warc.gz"


def test_response_and_request_records_with_digests_and_link(tmp_path: Path) -> None:
    with WarcWriter(tmp_path, "cnas", started_at=STARTED, info={"isPartOf": "cnas"}) as writer:
        capture = write_one(writer)
    path = tmp_path / "cnas-20261128T225500Z-00000.warc.gz"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]

    warcinfo, response, request = read_records(path)
    assert warcinfo["type"] == "warcinfo"
    assert warcinfo["headers"]["WARC-Filename"] == path.name
    fields = warcinfo["body"].decode()
    assert "format: WARC File Format 1.0\r\n" in fields
    assert "isPartOf: cnas\r\n" in fields
    assert "software: thinkscrape/" in fields

    assert response["type"] == "response"
    assert response["headers"]["WARC-Target-URI"] == URL
    assert response["headers"]["WARC-Date"] == "2026-11-28T23:01:02Z"
    assert response["headers"]["WARC-Payload-Digest"] == sha1_label(BODY)
    http_block = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=UTF-8\r\nServer: nginx\r\n\r\n"
    )
    assert response["headers"]["WARC-Block-Digest"] == sha1_label(http_block + BODY)
    assert response["body"] == BODY

    assert request["type"] == "request"
    assert request["headers"]["WARC-Concurrent-To"] == response["headers"]["WARC-Record-ID"]
    assert request["http"].protocol == "GET"
    target = "/publications/reports/rising-to-the-china-challenge"
    assert request["http"].statusline == f"{target} HTTP/1.1"
    assert request["http"].headers == [("Host", "www.cnas.org"), ("User-Agent", "thinkscrape/0.1")]

    assert capture == {
        "url": URL,
        "warc_file": str(path),
        "offset": response["offset"],
        "length": response["length"],
        "record_id": response["headers"]["WARC-Record-ID"],
        "payload_digest": sha1_label(BODY),
        "fetched_at": "2026-11-28T23:01:02Z",
        "status": 200,
    }


def test_capture_offset_and_length_are_one_gzip_member(tmp_path: Path) -> None:
    with WarcWriter(tmp_path, "cnas", started_at=STARTED) as writer:
        write_one(writer, URL + "-a", b"first page")
        capture = write_one(writer, URL + "-b", b"second page")
    data = (tmp_path / capture["warc_file"]).read_bytes()
    member = data[capture["offset"] : capture["offset"] + capture["length"]]
    record = gzip.decompress(member)
    assert record.startswith(b"WARC/1.0\r\n")
    assert f"WARC-Target-URI: {URL}-b\r\n".encode() in record
    assert record.endswith(b"\r\n\r\nsecond page\r\n\r\n")


def test_warcio_check_and_index_accept_the_files(tmp_path: Path) -> None:
    with WarcWriter(tmp_path, "cnas", started_at=STARTED) as writer:
        latin1 = "<p>Défense européenne</p>".encode("latin-1")
        write_one(writer, URL, latin1)
        write_one(writer, "https://www.cnas.org/robots.txt", b"User-agent: *\nDisallow:\n")
        write_one(writer, "https://www.cnas.org/logo.png", bytes(range(256)) * 40)
    path = next(tmp_path.iterdir())

    check = subprocess.run(
        [WARCIO, "check", "-v", str(path)], capture_output=True, text=True, timeout=60
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("digest pass") == 7  # warcinfo + 3 responses + 3 requests

    index = subprocess.run(
        [WARCIO, "index", "-f", "warc-type,warc-target-uri", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert index.returncode == 0, index.stderr
    rows = [json.loads(line) for line in index.stdout.splitlines()]
    assert rows == [
        {"warc-type": "warcinfo"},
        {"warc-type": "response", "warc-target-uri": URL},
        {"warc-type": "request", "warc-target-uri": URL},
        {"warc-type": "response", "warc-target-uri": "https://www.cnas.org/robots.txt"},
        {"warc-type": "request", "warc-target-uri": "https://www.cnas.org/robots.txt"},
        {"warc-type": "response", "warc-target-uri": "https://www.cnas.org/logo.png"},
        {"warc-type": "request", "warc-target-uri": "https://www.cnas.org/logo.png"},
    ]


def test_rolls_over_to_the_next_serial_at_the_size_limit(tmp_path: Path) -> None:
    page = random.Random(5).randbytes(5_000)  # does not compress
    with WarcWriter(tmp_path, "cnas", started_at=STARTED, max_size=14_000) as writer:
        captures = [write_one(writer, f"{URL}-{i}", page) for i in range(5)]
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "cnas-20261128T225500Z-00000.warc.gz",
        "cnas-20261128T225500Z-00001.warc.gz",
        "cnas-20261128T225500Z-00002.warc.gz",
    ]
    assert [Path(c["warc_file"]).name for c in captures] == [names[0]] * 2 + [names[1]] * 2 + [
        names[2]
    ]
    for name in names:
        path = tmp_path / name
        assert path.stat().st_size <= 14_000
        records = read_records(path)
        assert records[0]["type"] == "warcinfo"  # every file opens with its own warcinfo
        assert records[0]["headers"]["WARC-Filename"] == name


def test_an_oversized_pair_still_gets_written_alone(tmp_path: Path) -> None:
    big = random.Random(6).randbytes(25_000)
    with WarcWriter(tmp_path, "cnas", started_at=STARTED, max_size=1_000) as writer:
        first = write_one(writer, URL + "-1", big)
        second = write_one(writer, URL + "-2", big)
    assert Path(first["warc_file"]).name == "cnas-20261128T225500Z-00000.warc.gz"
    assert Path(second["warc_file"]).name == "cnas-20261128T225500Z-00001.warc.gz"
    assert [r["body"] for r in read_records(tmp_path / second["warc_file"])[1:2]] == [big]


def test_never_overwrites_an_existing_file(tmp_path: Path) -> None:
    existing = tmp_path / "cnas-20261128T225500Z-00000.warc.gz"
    existing.write_bytes(b"kept")
    with WarcWriter(tmp_path, "cnas", started_at=STARTED) as writer:
        capture = write_one(writer)
    assert existing.read_bytes() == b"kept"
    assert Path(capture["warc_file"]).name == "cnas-20261128T225500Z-00001.warc.gz"


def test_no_file_until_something_is_written(tmp_path: Path) -> None:
    WarcWriter(tmp_path / "warc", "cnas", started_at=STARTED).close()
    assert not (tmp_path / "warc").exists()


def test_rejects_a_prefix_that_is_a_path(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="plain name"):
        WarcWriter(tmp_path, "../cnas")


WRITE_FOREVER = """
import sys
from datetime import datetime, UTC
from thinkscrape.warc.writer import HttpMessage, WarcWriter

writer = WarcWriter(sys.argv[1], "cnas", started_at=datetime(2026, 11, 28, 22, 55, tzinfo=UTC))
body = bytes(range(256)) * 400  # 100 KB
for i in range(1_000_000):
    writer.write_exchange(
        f"https://www.cnas.org/page-{i}", method="GET", request=HttpMessage([]),
        status=200, response=HttpMessage([(b"Content-Type", b"text/html")], body),
    )
    if i == 20:
        print("written", flush=True)
"""


def test_sigkill_mid_run_leaves_earlier_records_readable(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", WRITE_FOREVER, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout.readline() == "written\n"
        time.sleep(0.2)  # let it get well into later writes
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    (path,) = tmp_path.iterdir()
    data = path.read_bytes()
    urls = []
    with open(path, "rb") as stream:
        records = ArchiveIterator(stream, check_digests="raise")
        try:
            for record in records:
                if record.rec_type == "response":
                    assert record.raw_stream.read() == bytes(range(256)) * 400
                    urls.append(record.rec_headers.get_header("WARC-Target-URI"))
                end = records.get_record_offset() + records.get_record_length()
        except Exception:  # the one record cut by the kill, if the kill landed mid-write
            pass
    assert len(urls) > 21
    assert urls == [f"https://www.cnas.org/page-{i}" for i in range(len(urls))]
    # Whatever follows the last whole record is at most one partly written pair.
    assert len(data) - end < 2 * len(bytes(range(256)) * 400)


class _DiskFullAfter:
    """A file that takes ``room`` more bytes, then fails as a full disk does."""

    def __init__(self, file, room: int) -> None:
        self.file, self.room = file, room

    def write(self, data) -> int:
        if self.room <= 0:
            raise OSError(28, "No space left on device")
        written = self.file.write(data[: self.room])
        self.room -= written
        return written

    def __getattr__(self, name):
        return getattr(self.file, name)


def test_a_failed_write_moves_on_to_a_new_file_keeping_earlier_records(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, "cnas", started_at=STARTED)
    first = write_one(writer, URL + "-1", b"kept page")
    writer._file = _DiskFullAfter(writer._file, room=100)  # the next pair is cut after 100 bytes
    with pytest.raises(OSError, match="No space left"):
        write_one(writer, URL + "-2", b"lost page")
    third = write_one(writer, URL + "-3", b"later page")
    writer.close()

    assert Path(first["warc_file"]).name == "cnas-20261128T225500Z-00000.warc.gz"
    assert Path(third["warc_file"]).name == "cnas-20261128T225500Z-00001.warc.gz"
    broken = (tmp_path / first["warc_file"]).read_bytes()
    member = broken[first["offset"] : first["offset"] + first["length"]]
    assert gzip.decompress(member).endswith(b"\r\n\r\nkept page\r\n\r\n")
    records = read_records(tmp_path / third["warc_file"])
    assert [(r["type"], r["offset"]) for r in records][1] == ("response", third["offset"])
    assert records[1]["body"] == b"later page"
