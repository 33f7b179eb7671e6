"""Capture and replay through Scrapy, against a small HTTP server on 127.0.0.1.

One crawl captures a set of awkward responses (robots.txt, a redirect, gzip, a Latin-1 page,
chunked transfer, binary data, a 404, truncated bodies and one over DOWNLOAD_MAXSIZE); a
second crawl replays them from the WARC files with the server stopped. Each crawl runs in its
own process, as ``scrapy crawl`` does (Twisted's reactor cannot be restarted in one process).
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import os
import random
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from thinkscrape.archive.lock import ArchiveLocked
from thinkscrape.spiders.thinktanks import CnasSpider
from thinkscrape.warc.reextract import reextract
from thinkscrape.warc.replay import WarcIndex, WarcReplayMiddleware
from thinkscrape.warc.writer import HttpMessage, WarcWriter

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WARCIO = str(Path(sys.executable).with_name("warcio"))

PAGE = b"<!DOCTYPE html><html><head><title>Reports</title></head><body><p>Reports</p></body></html>"
LATIN1 = (
    "<html><head><meta charset='iso-8859-1'><title>D\u00e9fense</title></head>"
    "<body><p>D\u00e9fense europ\u00e9enne, \u00e0 Bruxelles</p></body></html>"
).encode("latin-1")
GZIPPED_HTML = b"<html><body><p>Compressed on the wire</p></body></html>"
BINARY = random.Random(7).randbytes(3000)
CHUNKS = [b"<html><body>", b"<p>sent in chunks</p>", b"</body></html>"]
ROBOTS = b"User-agent: *\nDisallow: /private/\n"
MAXSIZE = 50_000
BIG = random.Random(8).randbytes(MAXSIZE * 2)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = self.path.split("?")[0]
        if path == "/robots.txt":
            self._send(200, "text/plain", ROBOTS)
        elif path == "/page.html":
            self._send(200, "text/html; charset=utf-8", PAGE)
        elif path == "/latin1.html":
            self._send(200, "text/html; charset=iso-8859-1", LATIN1)
        elif path == "/gzip.html":
            self._send(
                200, "text/html", gzip.compress(GZIPPED_HTML), [("Content-Encoding", "gzip")]
            )
        elif path == "/image.bin":
            self._send(200, "application/octet-stream", BINARY)
        elif path == "/big.bin":
            self._send(200, "application/octet-stream", BIG)
        elif path == "/redirect":
            self._send(301, "text/html", b"moved", [("Location", "/page.html?from=redirect")])
        elif path == "/chunked.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for chunk in CHUNKS:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        elif path.startswith("/truncated"):
            # Promises 5000 bytes, sends 100, hangs up.
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(b"<html><body><p>" + b"x" * 85)
            self.close_connection = True
        else:
            self._send(404, "text/html", b"<html><body>Not found</body></html>")

    def _send(
        self, status: int, content_type: str, body: bytes, extra: list[tuple[str, str]] = ()
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in extra:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return


# Runs one crawl of the URLs it is given and writes what the spider saw as JSON lines.
CRAWL = r"""
import hashlib, json, sys
import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings
from thinkscrape import signals as thinkscrape_signals

config = json.loads(sys.argv[1])
out = open(config["out"], "w")

def record(**fields):
    out.write(json.dumps(fields) + "\n")
    out.flush()

class Probe(scrapy.Spider):
    name = "probe"

    async def start(self):
        for url, meta in config["requests"]:
            yield scrapy.Request(url, meta=meta, dont_filter=True, callback=self.parse,
                                 errback=self.failed)

    def parse(self, response):
        text = response.text if isinstance(response, scrapy.http.TextResponse) else None
        record(event="response", url=response.url, status=response.status,
               flags=response.flags, capture=response.meta.get("capture"), text=text,
               type=type(response).__name__, body_sha1=hashlib.sha1(response.body).hexdigest())

    def failed(self, failure):
        record(event="failure", url=failure.request.url, error=type(failure.value).__name__)

settings = get_project_settings()
settings.setdict(config["settings"], priority="cmdline")
process = CrawlerProcess(settings)
crawler = process.create_crawler(Probe)
def captured(capture):
    record(event="captured", capture=capture)

# A named function: Scrapy's signals hold handlers by weak reference.
crawler.signals.connect(captured, signal=thinkscrape_signals.response_captured)
process.crawl(crawler)
process.start()
stats = {k: v for k, v in crawler.stats.get_stats().items()
         if isinstance(k, str) and k.startswith("thinkscrape/")}
record(event="stats", stats=stats)
"""


def crawl(tmp: Path, name: str, requests: list, settings: dict[str, Any]) -> dict[str, Any]:
    out = tmp / f"{name}.jsonl"
    config = {
        "out": str(out),
        "requests": requests,
        "settings": {
            "ITEM_PIPELINES": {},
            "EXTENSIONS": {},
            "THINKSCRAPE_DB": "",
            "THINKSCRAPE_CONDITIONAL": False,
            "ROBOTSTXT_OBEY": True,
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "RETRY_ENABLED": False,
            "DOWNLOAD_TIMEOUT": 20,
            "TELNETCONSOLE_ENABLED": False,
            **settings,
        },
    }
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "thinkscrape.settings"}
    done = subprocess.run(
        [sys.executable, "-c", CRAWL, json.dumps(config)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in out.read_text().splitlines()]
    return {
        "responses": {e["url"]: e for e in events if e["event"] == "response"},
        "failures": {e["url"]: e["error"] for e in events if e["event"] == "failure"},
        "captured": [e["capture"] for e in events if e["event"] == "captured"],
        "stats": next(e["stats"] for e in events if e["event"] == "stats"),
        "log": done.stderr,
    }


def records_by_offset(path: Path) -> dict[int, Any]:
    """Every record of a WARC file, read with digest checks: offset → (type, headers, body)."""
    found = {}
    with open(path, "rb") as stream:
        records = ArchiveIterator(stream, check_digests="raise")
        for record in records:
            found[records.get_record_offset()] = (
                record.rec_type,
                record.rec_headers,
                record.http_headers,
                record.raw_stream.read(),
            )
    return found


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("warc-crawls")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    paths = [
        "/page.html",
        "/latin1.html",
        "/gzip.html",
        "/image.bin",
        "/chunked.html",
        "/redirect",
        "/missing.html",
        "/truncated-strict.html",
        "/big.bin",
    ]
    requests = [[base + p, {"handle_httpstatus_list": [404]}] for p in paths]
    requests.append([base + "/truncated-lenient.html", {"download_fail_on_dataloss": False}])
    warc_dir = tmp / "warc"
    try:
        live = crawl(
            tmp,
            "live",
            requests,
            {"THINKSCRAPE_WARC_DIR": str(warc_dir), "DOWNLOAD_MAXSIZE": MAXSIZE},
        )
    finally:
        server.shutdown()
        server.server_close()
    files_after_capture = {p.name: p.read_bytes() for p in warc_dir.iterdir()}
    # The server is gone: whatever the replay crawl gets, it gets from the WARC files.
    replay_requests = [*requests, [base + "/never-fetched.html", {}]]
    replay = crawl(
        tmp,
        "replay",
        replay_requests,
        {"THINKSCRAPE_WARC_DIR": str(warc_dir), "THINKSCRAPE_REPLAY": str(warc_dir)},
    )
    files_after_replay = {p.name: p.read_bytes() for p in warc_dir.iterdir()}
    yield {
        "base": base,
        "live": live,
        "replay": replay,
        "warc_dir": warc_dir,
        "files_after_capture": files_after_capture,
        "files_after_replay": files_after_replay,
    }


def test_one_warc_file_named_after_the_spider_passes_warcio_check(runs: dict) -> None:
    (name,) = runs["files_after_capture"]
    assert name.startswith("probe-") and name.endswith("Z-00000.warc.gz")
    check = subprocess.run(
        [WARCIO, "check", str(runs["warc_dir"] / name)], capture_output=True, text=True
    )
    assert (check.returncode, check.stdout) == (0, "")


def test_every_response_received_is_kept_with_its_request(runs: dict) -> None:
    base = runs["base"]
    (path,) = runs["warc_dir"].iterdir()
    records = records_by_offset(path)
    responses = {
        headers.get_header("WARC-Target-URI"): (http.get_statuscode(), body)
        for kind, headers, http, body in records.values()
        if kind == "response"
    }
    assert responses == {
        base + "/robots.txt": ("200", ROBOTS),
        base + "/page.html": ("200", PAGE),
        base + "/page.html?from=redirect": ("200", PAGE),
        base + "/latin1.html": ("200", LATIN1),
        base + "/gzip.html": ("200", responses[base + "/gzip.html"][1]),
        base + "/image.bin": ("200", BINARY),
        base + "/chunked.html": ("200", b"".join(CHUNKS)),
        base + "/redirect": ("301", b"moved"),
        base + "/missing.html": ("404", b"<html><body>Not found</body></html>"),
        base + "/truncated-lenient.html": ("200", b"<html><body><p>" + b"x" * 85),
    }
    # The gzip page is kept as the wire carried it: compressed, with its Content-Encoding.
    assert gzip.decompress(responses[base + "/gzip.html"][1]) == GZIPPED_HTML
    kinds = [kind for kind, *_ in records.values()]
    assert kinds == ["warcinfo"] + ["response", "request"] * len(responses)
    for kind, headers, http, _ in records.values():
        if kind == "request":
            concurrent = headers.get_header("WARC-Concurrent-To")
            assert any(
                h.get_header("WARC-Record-ID") == concurrent for _, h, _, _ in records.values()
            )
            assert http.protocol == "GET"
            assert http.get_header("Host") == base.removeprefix("http://")
    stats = runs["live"]["stats"]
    assert stats["thinkscrape/warc/records"] == 2 * len(responses)
    # Bytes written, warcinfo included: the size of the crawl's WARC files.
    assert stats["thinkscrape/warc/bytes"] == path.stat().st_size


def test_wire_headers_are_kept_but_not_the_transfer_coding(runs: dict) -> None:
    base = runs["base"]
    (path,) = runs["warc_dir"].iterdir()
    http_by_url = {
        headers.get_header("WARC-Target-URI"): http
        for kind, headers, http, _ in records_by_offset(path).values()
        if kind == "response"
    }
    assert http_by_url[base + "/gzip.html"].get_header("Content-Encoding") == "gzip"
    chunked = http_by_url[base + "/chunked.html"]
    assert chunked.get_header("Transfer-Encoding") is None
    assert chunked.get_header("Content-Type") == "text/html; charset=utf-8"
    assert http_by_url[base + "/redirect"].get_header("Location") == "/page.html?from=redirect"


def test_capture_dict_points_at_the_record_and_reaches_meta_and_signal(runs: dict) -> None:
    base = runs["base"]
    live = runs["live"]
    (path,) = runs["warc_dir"].iterdir()
    data = path.read_bytes()
    for url in (base + "/page.html?from=redirect", base + "/latin1.html", base + "/image.bin"):
        capture = live["responses"][url]["capture"]
        member = gzip.decompress(data[capture["offset"] : capture["offset"] + capture["length"]])
        assert f"WARC-Target-URI: {url}\r\n".encode() in member
        assert f"WARC-Record-ID: {capture['record_id']}\r\n".encode() in member
        assert capture["url"] == url  # a spider without canonical_of files captures as fetched
        assert Path(capture["warc_file"]).name == path.name
        assert capture["status"] == 200
        assert capture in live["captured"]
    # robots.txt and the redirect never reach the spider but are announced to the archive.
    captured_urls = sorted(c["url"] for c in live["captured"])
    assert captured_urls == sorted(
        base + p
        for p in (
            "/robots.txt",
            "/page.html",
            "/page.html?from=redirect",
            "/latin1.html",
            "/gzip.html",
            "/image.bin",
            "/chunked.html",
            "/redirect",
            "/missing.html",
            "/truncated-lenient.html",
        )
    )


def test_spider_sees_decoded_pages_as_usual(runs: dict) -> None:
    responses = runs["live"]["responses"]
    base = runs["base"]
    assert (
        "D\u00e9fense europ\u00e9enne, \u00e0 Bruxelles" in responses[base + "/latin1.html"]["text"]
    )
    assert responses[base + "/gzip.html"]["text"] == GZIPPED_HTML.decode()
    assert responses[base + "/image.bin"]["body_sha1"] == hashlib.sha1(BINARY).hexdigest()


def test_truncated_and_oversized_responses(runs: dict) -> None:
    base = runs["base"]
    live = runs["live"]
    (path,) = runs["warc_dir"].iterdir()
    truncated = [
        headers.get_header("WARC-Truncated")
        for kind, headers, *_ in records_by_offset(path).values()
        if headers.get_header("WARC-Target-URI") == base + "/truncated-lenient.html"
        and kind == "response"
    ]
    # Kept when Scrapy lets the partial body through, marked as cut short.
    assert truncated == ["disconnect"]
    assert "dataloss" in live["responses"][base + "/truncated-lenient.html"]["flags"]
    assert live["stats"]["thinkscrape/warc/truncated"] == 1
    assert "WARC-Truncated: disconnect: " + base + "/truncated-lenient.html" in live["log"]
    # Refused (no response at all) when Scrapy fails the download: nothing kept, reason logged.
    assert sorted(live["failures"]) == [base + "/big.bin", base + "/truncated-strict.html"]
    assert f"Nothing archived for {base}/big.bin" in live["log"]
    assert f"Nothing archived for {base}/truncated-strict.html" in live["log"]
    assert sum(v for k, v in live["stats"].items() if "/not_captured/" in k) == 2


def test_replay_answers_from_the_warc_without_network_or_new_records(runs: dict) -> None:
    base = runs["base"]
    live, replay = runs["live"], runs["replay"]
    assert runs["files_after_replay"] == runs["files_after_capture"]
    assert sorted(replay["responses"]) == sorted(live["responses"])
    for url, seen in live["responses"].items():
        again = replay["responses"][url]
        assert again["flags"][0] == "replay"
        same = ("status", "text", "type", "body_sha1", "capture")
        assert {k: again[k] for k in same} == {k: seen[k] for k in same}, url
    assert "dataloss" in replay["responses"][base + "/truncated-lenient.html"]["flags"]
    assert replay["failures"] == {
        base + "/big.bin": "IgnoreRequest",
        base + "/truncated-strict.html": "IgnoreRequest",
        base + "/never-fetched.html": "IgnoreRequest",
    }
    assert replay["stats"]["thinkscrape/replay/missing"] == 3
    assert f"Not in the replayed WARC files, skipped: {base}/never-fetched.html" in replay["log"]
    # robots.txt and the redirect come from the archive too, and are announced again.
    assert len(live["captured"]) == 10
    assert sorted(replay["captured"], key=lambda c: c["offset"]) == sorted(
        live["captured"], key=lambda c: c["offset"]
    )


# --- the index on its own -------------------------------------------------------------------
def _write(writer: WarcWriter, url: str, body: bytes, when: str) -> dict:
    return writer.write_exchange(
        url,
        method="GET",
        request=HttpMessage([]),
        status=200,
        response=HttpMessage([(b"Content-Type", b"text/html")], body),
        fetched_at=datetime.fromisoformat(when),
    )


def test_index_finds_the_newest_capture_with_canonicalised_urls(tmp_path: Path) -> None:
    older = WarcWriter(tmp_path, "cnas", started_at=datetime.fromisoformat("2026-01-01T00:00Z"))
    first = _write(older, "https://www.cnas.org/reports?b=2&a=1", b"old", "2026-01-01T00:00:05Z")
    older.close()
    newer = WarcWriter(tmp_path, "cnas", started_at=datetime.fromisoformat("2026-02-01T00:00Z"))
    second = _write(newer, "https://www.cnas.org/reports?a=1&b=2", b"new", "2026-02-01T00:00:05Z")
    other = _write(newer, "https://www.cnas.org/press", b"press", "2026-02-01T00:00:06Z")
    newer.close()

    index = WarcIndex(tmp_path)
    assert len(index) == 2
    entry = index.lookup("https://www.cnas.org/reports?b=2&a=1")
    assert entry.capture() == {**second, "url": "https://www.cnas.org/reports?a=1&b=2"}
    assert WarcIndex.load(entry).body == b"new"
    assert index.lookup("https://www.cnas.org/press").capture() == other
    assert index.lookup("http://www.cnas.org/press") is None  # another scheme is another URL

    exact = WarcIndex(tmp_path / first["warc_file"], url_key=None)
    assert exact.lookup("https://www.cnas.org/reports?a=1&b=2") is None
    assert exact.lookup("https://www.cnas.org/reports?b=2&a=1").capture() == first


def test_index_files_mirror_captures_under_the_site_url_too(tmp_path: Path) -> None:
    site = {"home": "https://www.cnas.org", "site_hosts": ("www.cnas.org", "cnas.org")}
    # A file recorded from a mirror before records named the site: only the mirror's URLs.
    old = tmp_path / "old"
    writer = WarcWriter(old, "cnas", started_at=datetime.fromisoformat("2026-01-01T00:00Z"))
    _write(writer, "http://127.0.0.1:8123/reports", b"reports", "2026-01-01T00:00:05Z")
    _write(writer, "http://127.0.0.1:8123/press", b"press", "2026-01-01T00:00:06Z")
    writer.close()
    index = WarcIndex(old, **site)
    entry = index.lookup("https://www.cnas.org/reports")
    assert entry is index.lookup("http://127.0.0.1:8123/reports")
    assert entry.capture()["url"] == "https://www.cnas.org/reports"
    assert len(index) == 2
    # A file whose warcinfo names the mirror it was fetched from.
    named = tmp_path / "named"
    writer = WarcWriter(
        named,
        "cnas",
        started_at=datetime.fromisoformat("2026-01-01T00:00Z"),
        info={"fetched-from": "http://127.0.0.1:8123"},
    )
    _write(writer, "http://127.0.0.1:8123/press", b"press", "2026-01-01T00:00:06Z")
    _write(writer, "https://www.cnas.org/reports", b"reports", "2026-01-01T00:00:07Z")
    writer.close()
    index = WarcIndex(named, **site)
    assert index.lookup("https://www.cnas.org/press").url == "http://127.0.0.1:8123/press"
    assert index.lookup("https://www.cnas.org/reports") is not None
    # Without the site's origins the index files records as fetched only.
    assert WarcIndex(old).lookup("https://www.cnas.org/reports") is None


def test_replayed_redirects_of_a_mirror_stay_on_the_replayed_origin(tmp_path: Path) -> None:
    mirror = "http://127.0.0.1:8123"
    writer = WarcWriter(
        tmp_path,
        "cnas",
        started_at=datetime.fromisoformat("2026-01-01T00:00Z"),
        info={"fetched-from": mirror},
    )
    writer.write_exchange(
        "https://www.cnas.org/old",
        method="GET",
        request=HttpMessage([]),
        status=301,
        response=HttpMessage([(b"Location", f"{mirror}/new".encode())]),
        fetched_at=datetime.fromisoformat("2026-01-01T00:00:05Z"),
    )
    writer.close()
    for origin in ("https://www.cnas.org", "http://127.0.0.1:9000"):
        crawler = get_crawler(CnasSpider, settings_dict={"THINKSCRAPE_REPLAY": str(tmp_path)})
        # replayed as the site, or through another mirror of it
        base_url = origin if "127.0.0.1" in origin else None
        crawler.spider = CnasSpider(base_url=base_url)
        middleware = WarcReplayMiddleware.from_crawler(crawler)
        response = middleware.process_request(Request(f"{origin}/old"))
        assert (response.status, response.headers[b"Location"]) == (301, f"{origin}/new".encode())


# --- re-extraction ---------------------------------------------------------------------------
PUBLICATION_COLUMNS = (
    "url, type, series, title, subtitle, summary, body, published, published_precision, "
    "outlet, full_article_url, pdf_url"
)


def _rows(db_path: Path, sql: str) -> list[tuple]:
    connection = sqlite3.connect(db_path)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def cnas_capture(cnas_mirror: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A live crawl of the bundled CNAS mirror, archived with its WARC files."""
    tmp = tmp_path_factory.mktemp("cnas-capture")
    # No THINKSCRAPE_WARC_DIR: the files go to the "warc" folder beside the archive.
    settings = {
        "THINKSCRAPE_DB": str(tmp / "live.db"),
        "DOWNLOAD_DELAY": "0",
        "AUTOTHROTTLE_ENABLED": "False",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "scrapy", "crawl", "cnas", "-a", f"base_url={cnas_mirror}"]
    for name, value in settings.items():
        command += ["-s", f"{name}={value}"]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "thinkscrape.settings"}
    done = subprocess.run(
        command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr
    return tmp


def test_reextract_rebuilds_publications_from_the_warc_files(cnas_capture: Path) -> None:
    live, rebuilt = cnas_capture / "live.db", cnas_capture / "rebuilt.db"
    result = reextract(rebuilt, cnas_capture / "warc")

    live_publications = _rows(live, f"SELECT {PUBLICATION_COLUMNS} FROM publications ORDER BY url")
    assert len(live_publications) > 50
    assert _rows(rebuilt, f"SELECT {PUBLICATION_COLUMNS} FROM publications ORDER BY url") == (
        live_publications
    )
    # Every publication is linked again to the very record its fields came from.
    linked = (
        "SELECT p.url, c.warc_file, c.offset, c.record_id FROM publications p "
        "JOIN captures c ON c.publication_id = p.id ORDER BY p.url"
    )
    assert _rows(rebuilt, linked) == _rows(live, linked)
    assert len(_rows(rebuilt, linked)) == len(live_publications)

    responses = sum(1 for entry in WarcIndex(cnas_capture / "warc").entries())
    assert result["pages"] == responses
    assert result["items"] == len(live_publications)
    assert result["stored"] == {"new": len(live_publications)}
    assert result["missing"] == 0
    assert result["finish_reason"] == "finished"
    # Nothing was written to WARC by the replay.
    assert len(list((cnas_capture / "warc").iterdir())) == 1


def test_warc_files_go_beside_the_archive_and_name_the_site(cnas_capture: Path) -> None:
    (warc,) = (cnas_capture / "warc").glob("cnas-*.warc.gz")
    with warc.open("rb") as stream:
        records = [
            (r.rec_type, r.rec_headers, r.content_stream().read()) for r in ArchiveIterator(stream)
        ]
    assert records[0][0] == "warcinfo"
    assert b"fetched-from: http://127.0.0.1:" in records[0][2]
    responses = [
        headers.get_header("WARC-Target-URI") for kind, headers, _ in records if kind == "response"
    ]
    assert len(responses) > 100
    assert all(url.startswith("https://www.cnas.org/") for url in responses)


def test_the_readme_replay_recipe_rebuilds_a_mirror_crawl(cnas_capture: Path) -> None:
    """scrapy crawl cnas -s THINKSCRAPE_REPLAY=... with and without the mirror's base_url."""
    live = cnas_capture / "live.db"
    expected = _rows(live, f"SELECT {PUBLICATION_COLUMNS} FROM publications ORDER BY url")
    for name, arguments in (("plain", []), ("mirror", ["-a", "base_url=http://127.0.0.1:9"])):
        rebuilt = cnas_capture / f"recipe-{name}.db"
        command = [sys.executable, "-m", "scrapy", "crawl", "cnas", *arguments]
        command += ["-s", f"THINKSCRAPE_REPLAY={cnas_capture / 'warc'}/"]
        command += ["-s", f"THINKSCRAPE_DB={rebuilt}", "-s", "THINKSCRAPE_WARC_DIR="]
        command += ["-s", "LOG_LEVEL=WARNING"]
        done = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert "Not in the replayed WARC files" not in done.stderr
        assert _rows(rebuilt, f"SELECT {PUBLICATION_COLUMNS} FROM publications ORDER BY url") == (
            expected
        )


def test_reextract_waits_for_no_one_holding_the_archive_lock(cnas_capture: Path) -> None:
    db_path = cnas_capture / "locked.db"
    with FileLock(f"{db_path}.lock"):
        with pytest.raises(ArchiveLocked, match="lock"):
            reextract(db_path, cnas_capture / "warc")
    assert not db_path.exists()


def test_replay_refuses_a_damaged_record_with_a_reason(tmp_path: Path, caplog) -> None:
    writer = WarcWriter(tmp_path, "cnas", started_at=datetime.fromisoformat("2026-01-01T00:00Z"))
    good = _write(writer, "https://www.cnas.org/press", b"press", "2026-01-01T00:00:05Z")
    bad = _write(writer, "https://www.cnas.org/reports", b"reports", "2026-01-01T00:00:06Z")
    writer.close()
    crawler = get_crawler(settings_dict={"THINKSCRAPE_REPLAY": str(tmp_path)})
    middleware = WarcReplayMiddleware.from_crawler(crawler)
    # Damage the second record after indexing, as a disk error would.
    path = tmp_path / bad["warc_file"]
    data = bytearray(path.read_bytes())
    data[bad["offset"] : bad["offset"] + 40] = b"\x00" * 40
    path.write_bytes(bytes(data))

    response = middleware.process_request(Request("https://www.cnas.org/press"))
    assert (response.status, response.body, response.flags) == (200, b"press", ["replay"])
    assert response.meta["capture"] == good
    with pytest.raises(IgnoreRequest, match="unreadable capture"):
        middleware.process_request(Request("https://www.cnas.org/reports"))
    assert crawler.stats.get_value("thinkscrape/replay/unreadable") == 1
    assert "Unreadable record for https://www.cnas.org/reports" in caplog.text


def test_a_record_other_than_the_indexed_capture_is_unreadable_not_a_crash(tmp_path: Path) -> None:
    # A damaged gzip member can decompress into another record (the file's warcinfo, a
    # request): reading it back as the capture would fail on its missing status line.
    writer = WarcWriter(tmp_path, "cnas", started_at=datetime.fromisoformat("2026-01-01T00:00Z"))
    _write(writer, "https://www.cnas.org/press", b"press", "2026-01-01T00:00:05Z")
    writer.close()
    entry = WarcIndex(tmp_path).lookup("https://www.cnas.org/press")
    assert WarcIndex.load(entry).body == b"press"
    with pytest.raises(ValueError, match="not the capture indexed there"):
        WarcIndex.load(dataclasses.replace(entry, offset=0))
