"""WARC speed: capture (our writer against warcio's default gzip writer) and re-extraction.

Capture: both writers write the same request/response pairs (100 KB HTML bodies) in the same
run; both outputs are then read back with digest checking, so a fast but broken writer
cannot win.

Re-extraction (``--reextract``): a generated 300-publication CNAS mirror is crawled once with
capture on; then the archive is rebuilt from the WARC files into empty databases twice, by
``thinkscrape.warc.reextract`` (a replay crawl: spider, pipelines, archive) and by a direct
loop over the records (extraction function, normalising stages, archive). Both results are
compared with the live crawl's publications.

Run: ``python -m benchmarks.warc_capture [--reextract]``
"""

from __future__ import annotations

import io
import random
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from thinkscrape.warc.writer import HttpMessage, WarcWriter

PAIRS = 200
BODY_SIZE = 100 * 1024
_WORDS = (
    "alliance deterrence indo-pacific sanctions technology policy congress strategy security "
    "defense energy economic china russia analysis report commentary testimony fellow senior "
    "director program the of and to in for on with by at from as that this will"
).split()

RESPONSE_HEADERS = [
    ("Content-Type", "text/html; charset=UTF-8"),
    ("Server", "nginx"),
    ("Cache-Control", "max-age=600"),
]
REQUEST_HEADERS = [
    ("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"),
    ("User-Agent", "thinkscrape/0.1"),
    ("Host", "www.cnas.org"),
]


def make_page(rng: random.Random, size: int = BODY_SIZE) -> bytes:
    """An HTML page of about ``size`` bytes: paragraphs of varied words, like an article."""
    parts = [b"<!DOCTYPE html><html><head><title>Report</title></head><body><article>"]
    length = len(parts[0])
    while length < size:
        words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(40, 120)))
        para = f'<p class="body">{words}.</p>\n'.encode()
        parts.append(para)
        length += len(para)
    return b"".join(parts)[:size]


def _urls_and_pages(count: int) -> list[tuple[str, bytes]]:
    rng = random.Random(20261128)
    return [
        (f"https://www.cnas.org/publications/reports/report-{i:05d}", make_page(rng))
        for i in range(count)
    ]


def write_with_warcio(path: Path, pages: list[tuple[str, bytes]]) -> None:
    with open(path, "wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, body in pages:
            response = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                length=len(body),
                http_headers=StatusAndHeaders("200 OK", list(RESPONSE_HEADERS), "HTTP/1.1"),
            )
            request = writer.create_warc_record(
                url,
                "request",
                http_headers=StatusAndHeaders(
                    f"GET {url[len('https://www.cnas.org') :]}",
                    list(REQUEST_HEADERS),
                    "HTTP/1.1",
                    is_http_request=True,
                ),
            )
            writer.write_request_response_pair(request, response)


def write_with_thinkscrape(directory: Path, pages: list[tuple[str, bytes]]) -> Path:
    started = datetime(2026, 11, 28, 22, 55, tzinfo=UTC)
    with WarcWriter(directory, "bench", started_at=started) as writer:
        for url, body in pages:
            writer.write_exchange(
                url,
                method="GET",
                request=HttpMessage(REQUEST_HEADERS),
                status=200,
                response=HttpMessage(RESPONSE_HEADERS, body),
            )
        return writer.current_path


def validate(path: Path) -> dict[str, int]:
    """Read every record back with digest checks; count records by type."""
    counts: dict[str, int] = {}
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream, check_digests="raise"):
            record.content_stream().read()
            counts[record.rec_type] = counts.get(record.rec_type, 0) + 1
    return counts


def _timed(func: Any, *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = func(*args)
    return time.perf_counter() - start, result


def run(pairs: int = PAIRS) -> dict[str, Any]:
    pages = _urls_and_pages(pairs)
    records = 2 * pairs
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        reference = tmp_path / "warcio-default.warc.gz"
        warcio_seconds, _ = _timed(write_with_warcio, reference, pages)
        ours_seconds, ours = _timed(write_with_thinkscrape, tmp_path / "ours", pages)
        expected = {"response": pairs, "request": pairs}
        reference_counts = validate(reference)
        ours_counts = validate(ours)
        if reference_counts != expected:
            raise AssertionError(f"warcio output read back as {reference_counts}")
        if ours_counts != {**expected, "warcinfo": 1}:
            raise AssertionError(f"thinkscrape output read back as {ours_counts}")
        result = {
            "pairs": pairs,
            "body_bytes": BODY_SIZE,
            "warcio_default": {
                "records_per_s": records / warcio_seconds,
                "mb_written": reference.stat().st_size / 1e6,
                "seconds": warcio_seconds,
            },
            "thinkscrape": {
                "records_per_s": records / ours_seconds,
                "mb_written": ours.stat().st_size / 1e6,
                "seconds": ours_seconds,
            },
        }
    result["speedup"] = warcio_seconds / ours_seconds
    return result


def main() -> None:
    result = run()
    print(f"{result['pairs']} request/response pairs, {result['body_bytes'] // 1024} KB bodies")
    print(f"{'writer':<16}{'records/s':>12}{'MB written':>12}{'seconds':>10}")
    for name in ("warcio_default", "thinkscrape"):
        row = result[name]
        print(
            f"{name:<16}{row['records_per_s']:>12.0f}{row['mb_written']:>12.2f}"
            f"{row['seconds']:>10.3f}"
        )
    print(f"speedup: {result['speedup']:.1f}x (both outputs read back with digests checked)")
    if "--reextract" in sys.argv[1:]:
        print_reextract(run_reextract())


# --- re-extraction: replay crawl against a direct loop ---------------------------------------
PUBLICATION_COLUMNS = (
    "url, type, title, subtitle, summary, published, published_precision, outlet, "
    "full_article_url, pdf_url"
)
FAST_CRAWL = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "32",
    "CONCURRENT_REQUESTS": "32",
    "LOG_LEVEL": "WARNING",
}


def direct_reextract(db_path: Path, warc_dir: Path, base_url: str) -> dict[str, Any]:
    """Re-extract with no Scrapy crawl: listing pages, then the articles they list.

    A second copy of what the spider and the pipelines do, kept here only to be measured.
    """
    from email.utils import parsedate_to_datetime
    from urllib.parse import urlsplit

    from scrapy.http import Headers, HtmlResponse
    from scrapy.utils.gz import gunzip

    from thinkscrape import sites
    from thinkscrape.archive.schema import open_db
    from thinkscrape.archive.store import Archive
    from thinkscrape.items import Publication
    from thinkscrape.normalize.stages import normalize_all
    from thinkscrape.pipelines.dates import reference_time
    from thinkscrape.spiders.thinktanks import CnasSpider
    from thinkscrape.warc.replay import WarcIndex

    started = time.perf_counter()
    index = WarcIndex(warc_dir)
    archive = Archive(open_db(db_path))
    crawl_id = archive.start_crawl("cnas", {"reextract": "direct"})
    listings, pages = [], {}
    for entry in index.entries():
        url = CnasSpider.site.canonical_url(entry.url, base_url)
        if url is None or entry.status != 200:
            continue
        stored = WarcIndex.load(entry)
        headers = Headers()
        for name, value in stored.headers:
            headers.appendlist(name, value)
        body = stored.body
        if headers.get(b"Content-Encoding") == b"gzip":
            body = gunzip(body)
        response = HtmlResponse(entry.url, body=body, headers=headers)
        path = urlsplit(url).path
        if any(re.fullmatch(re.escape(p) + r"(/p\d+)?", path) for p in CnasSpider.listing_paths):
            listings.append((url, response.text))
        else:
            pages[url] = (entry, response)
    cards: dict[str, dict[str, Any]] = {}
    linked: list[str] = []
    for url, html in listings:
        listing = CnasSpider.site.extract_listing(url, html)
        cards.update({c["url"]: {**c, "listing_url": url} for c in listing["cards"]})
        linked.extend(listing["publication_links"])
    stored_count = 0
    for url in dict.fromkeys(linked):
        if url not in pages:
            continue
        entry, response = pages[url]
        date = response.headers.get(b"Date")
        fetched_at = parsedate_to_datetime(date.decode()).isoformat(timespec="seconds")
        pub = Publication(
            **CnasSpider.site.extract_article(url, response.text),
            listing=cards.get(url),
            fetched_at=fetched_at,
            status=entry.status,
            capture=entry.capture(url),
        )
        results = normalize_all(
            pub.raw(), site=sites.get("cnas"), reference=reference_time(fetched_at)
        )
        for result in results.values():
            for name, value in result.fields.items():
                setattr(pub, name, value)
            pub.provenance.update(result.provenance)
        publication_id, _ = archive.store(pub, crawl_id)
        archive.add_capture(entry.capture(url), crawl_id=crawl_id, publication_id=publication_id)
        stored_count += 1
    archive.db.close()
    seconds = time.perf_counter() - started
    return {"pages": len(listings) + stored_count, "items": stored_count, "seconds": seconds}


def _publications(db_path: Path) -> list[tuple]:
    import sqlite3

    connection = sqlite3.connect(db_path)
    try:
        return connection.execute(
            f"SELECT {PUBLICATION_COLUMNS} FROM publications ORDER BY url"
        ).fetchall()
    finally:
        connection.close()


def run_reextract(publications: int = 300) -> dict[str, Any]:
    import os
    import subprocess
    import sys

    from thinkscrape.mirror import serve_mirror
    from thinkscrape.warc.reextract import reextract

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "thinkscrape.settings"}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        mirror_dir, warc_dir = tmp_path / "mirror", tmp_path / "warc"
        subprocess.run(
            [sys.executable, "-m", "sitegen.cnas", str(mirror_dir)]
            + ["--synthetic", str(publications), "--seed", "1"],
            cwd=root,
            check=True,
            capture_output=True,
        )
        with serve_mirror(mirror_dir) as mirror:
            base_url = mirror.base_url
            command = [
                sys.executable,
                "-m",
                "scrapy",
                "crawl",
                "cnas",
                "-a",
                f"base_url={base_url}",
            ]
            settings = {
                **FAST_CRAWL,
                "THINKSCRAPE_DB": str(tmp_path / "live.db"),
                "THINKSCRAPE_WARC_DIR": str(warc_dir),
            }
            for name, value in settings.items():
                command += ["-s", f"{name}={value}"]
            subprocess.run(command, cwd=root, env=env, check=True, capture_output=True)
        # The mirror is stopped: both re-extractions read the WARC files only.
        replay = reextract(tmp_path / "replay.db", warc_dir, settings={"LOG_LEVEL": "WARNING"})
        direct = direct_reextract(tmp_path / "direct.db", warc_dir, base_url)
        live_rows = _publications(tmp_path / "live.db")
        result = {
            "publications": len(live_rows),
            "replay_crawl": {
                "pages": replay["pages"],
                "seconds": replay["seconds"],
                "pages_per_s": replay["pages"] / replay["seconds"],
                "matches_live": _publications(tmp_path / "replay.db") == live_rows,
            },
            "direct_loop": {
                "pages": direct["pages"],
                "seconds": direct["seconds"],
                "pages_per_s": direct["pages"] / direct["seconds"],
                "matches_live": _publications(tmp_path / "direct.db") == live_rows,
            },
        }
    return result


def print_reextract(result: dict[str, Any]) -> None:
    print(f"\nre-extraction of {result['publications']} publications from WARC")
    print(f"{'design':<16}{'pages':>8}{'seconds':>10}{'pages/s':>10}  same rows as live crawl")
    for name in ("replay_crawl", "direct_loop"):
        row = result[name]
        print(
            f"{name:<16}{row['pages']:>8}{row['seconds']:>10.2f}{row['pages_per_s']:>10.1f}"
            f"  {row['matches_live']}"
        )


if __name__ == "__main__":
    main()
