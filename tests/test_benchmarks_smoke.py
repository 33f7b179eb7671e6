"""The benchmark runner's own parts: log parsing, the parse-only ceiling, the mirror cache and
the table. No timing is asserted; the benchmarks themselves are run with ``python -m
benchmarks``."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from benchmarks import __main__ as runner
from benchmarks import crawl
from sitegen.cnas import synthetic_records, url_path
from thinkscrape.warc.writer import HttpMessage, WarcWriter

# As scrapy bench writes its log (LOGSTATS_INTERVAL = 1) and Scrapy dumps its stats.
BENCH_LOG = """\
2026-11-28 23:21:44 [scrapy.extensions.logstats] INFO: Crawled 0 pages (at 0 pages/min), \
scraped 0 items (at 0 items/min)
2026-11-28 23:21:46 [scrapy.extensions.logstats] INFO: Crawled 35 pages (at 2100 pages/min), \
scraped 0 items (at 0 items/min)
2026-11-28 23:21:47 [scrapy.extensions.logstats] INFO: Crawled 53 pages (at 1080 pages/min), \
scraped 0 items (at 0 items/min)
2026-11-28 23:21:48 [scrapy.extensions.logstats] INFO: Crawled 69 pages (at 960 pages/min), \
scraped 0 items (at 0 items/min)
2026-11-28 23:21:49 [scrapy.extensions.logstats] INFO: Crawled 97 pages (at 1680 pages/min), \
scraped 0 items (at 0 items/min)
2026-11-28 23:21:55 [scrapy.statscollectors] INFO: Dumping Scrapy stats:
{'downloader/request_bytes': 65411,
 'downloader/response_count': 244,
 'elapsed_time_seconds': 11.000114400999792,
 'finish_reason': 'closespider_timeout',
 'start_time': datetime.datetime(2026, 11, 28, 23, 21, 44, 10, tzinfo=datetime.timezone.utc)}
"""

ARTICLE = """<!DOCTYPE html><html lang="en"><head><title>Sharper: NATO at 75</title>
<meta name="description" content="Ahead of the summit in Washington">
<link rel="canonical" href="https://www.cnas.org/publications/commentary/sharper-nato-75">
</head><body><h1>Sharper: NATO at 75</h1>
<p class="byline">By Andrea Kendall-Taylor</p>
<p>The Alliance turns 75 this year.</p>
<a href="/people/andrea-kendall-taylor">Andrea Kendall-Taylor</a></body></html>"""


def test_bench_rate_is_the_median_of_the_logged_rates_after_the_start() -> None:
    # 2100, 1080, 960 and 1680 pages/min: median 1380 pages/min.
    assert crawl.bench_rate(BENCH_LOG) == 23.0


def test_bench_rate_without_rate_lines_says_so() -> None:
    with pytest.raises(RuntimeError, match="no rate in scrapy bench's log"):
        crawl.bench_rate("2026-11-28 23:21:44 [scrapy.core.engine] INFO: Spider opened\n")


def test_stats_are_read_from_the_dump() -> None:
    assert crawl._stat(BENCH_LOG, "downloader/response_count") == 244
    assert crawl._stat(BENCH_LOG, "elapsed_time_seconds") == 11.000114400999792
    assert crawl._stat(BENCH_LOG, "item_scraped_count") is None


def test_the_ceiling_parses_the_html_responses_kept_in_warc(tmp_path: Path) -> None:
    started = datetime(2026, 11, 28, 23, 0, tzinfo=UTC)
    html = [("Content-Type", "text/html; charset=utf-8")]
    text = [("Content-Type", "text/plain; charset=utf-8")]
    with WarcWriter(tmp_path, "cnas", started_at=started) as writer:
        for url, headers, body in (
            ("http://127.0.0.1:8000/robots.txt", text, b"User-agent: *\nDisallow:\n"),
            ("http://127.0.0.1:8000/publications/commentary/sharper-nato-75", html, ARTICLE),
        ):
            writer.write_exchange(
                url,
                method="GET",
                request=HttpMessage([("Host", "127.0.0.1:8000")]),
                status=200,
                response=HttpMessage(headers, body if isinstance(body, bytes) else body.encode()),
            )

    pages = crawl.html_responses(tmp_path)

    assert pages == [("http://127.0.0.1:8000/publications/commentary/sharper-nato-75", ARTICLE)]
    figures = crawl.parse_ceiling(pages)
    # title, description, canonical, h1, byline, two paragraphs, one link: og:title, <time>
    # and h2/h3 find nothing on this page.
    assert figures["pages"] == 1
    assert figures["values_found"] == 8


def test_a_mirror_is_generated_once_and_an_older_one_of_its_size_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "MIRRORS", tmp_path)
    stale = tmp_path / "cnas-3-s1-000000000000"
    stale.mkdir()
    (stale / ".complete").write_text("old generator", encoding="utf-8")
    other_size = tmp_path / "cnas-30-s1-000000000000"
    other_size.mkdir()

    first = runner.cached_mirror(3)
    marker = (first / ".complete").read_text(encoding="utf-8")
    again = runner.cached_mirror(3)

    assert first == again == tmp_path / f"cnas-3-s1-{runner.generator_hash()}"
    assert (again / ".complete").read_text(encoding="utf-8") == marker
    assert (first / "robots.txt").is_file()
    assert not stale.exists()
    assert other_size.exists()


def test_a_half_written_mirror_is_generated_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "MIRRORS", tmp_path)
    partial = tmp_path / f"cnas-3-s1-{runner.generator_hash()}"
    partial.mkdir()
    (partial / "robots.txt").write_text("User-agent: *\n", encoding="utf-8")

    assert runner.cached_mirror(3) == partial
    assert (partial / ".complete").is_file()
    for record in synthetic_records(3, seed=1):
        assert (partial / url_path(record["url"]).strip("/") / "index.html").is_file()


def test_the_table_shows_value_reference_ratio_target_and_verdict() -> None:
    rows = [
        runner.Row("crawl", "pages", 12.0, "pages/s", 24.0, "scrapy bench", ">= 0.8x", False),
        runner.Row("researcher", "stats", 0.25, "s", target="< 1 s", met=True),
        runner.Row("dates", "FAILED: KeyError", None, ""),
    ]

    assert runner.table(rows).splitlines() == [
        "| benchmark  | figure           | value        | reference           | ratio | target"
        "  | met? |",
        "|------------|------------------|--------------|---------------------|-------|--------"
        "-|------|",
        "| crawl      | pages            | 12.0 pages/s | 24.0 (scrapy bench) | 0.50x | >= 0.8x"
        " | NO   |",
        "| researcher | stats            | 0.25 s       | -                   | -     | < 1 s  "
        " | yes  |",
        "| dates      | FAILED: KeyError | -            | -                   | -     | -      "
        " | -    |",
    ]


def test_peak_rss_is_the_commands_own_not_the_benchmark_process(tmp_path: Path) -> None:
    # The benchmark process holds 200 MB (the ceiling's pages do, in a real run); the
    # command allocates 40 MB. Spawned straight from here it would report over 200 MB.
    held = bytearray(200 * 2**20)
    held[:: 2**12] = b"1" * len(held[:: 2**12])
    allocate = "x = bytearray(40 * 2**20); x[::4096] = b'1' * len(x[::4096])"

    measured = crawl._run_measured([sys.executable, "-c", allocate], cwd=tmp_path, env={})

    assert measured["exit_code"] == 0
    assert 40 < measured["peak_rss_mb"] < 120
    assert len(held) == 200 * 2**20


def test_the_commands_exit_code_is_reported(tmp_path: Path) -> None:
    measured = crawl._run_measured(
        [sys.executable, "-c", "import sys; sys.exit(3)"], cwd=tmp_path, env={}
    )
    assert measured["exit_code"] == 3


def test_a_missed_target_is_a_failing_exit_status() -> None:
    met = runner.Row("researcher", "stats", 0.25, "s", target="< 1 s", met=True)
    missed = runner.Row("crawl", "pages", 12.0, "pages/s", 24.0, "scrapy bench", ">= 0.8x", False)
    untargeted = runner.Row("dates", "strings", 5.0, "strings/s")

    assert runner.exit_status([met, untargeted], failed=[]) == 0
    assert runner.exit_status([met, missed], failed=[]) == 2
    assert runner.exit_status([met], failed=["crawl"]) == 1
