"""WARC capture speed: thinkscrape's writer against warcio's default gzip writer.

Both write the same request/response pairs (100 KB HTML bodies) in the same run; both outputs
are then read back with digest checking, so a fast but broken writer cannot win.

Run: ``python -m benchmarks.warc_capture``
"""

from __future__ import annotations

import io
import random
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


if __name__ == "__main__":
    main()
