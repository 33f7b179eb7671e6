"""Run every benchmark and print one table: figure, reference, ratio, target, met?

Each figure is measured beside its reference in the same run, so the ratio holds on a busy
machine even when the absolute figures do not. The results, with the machine's load, go to
``benchmarks/results/latest.json`` (git-ignored); generated mirrors are cached under
``benchmarks/results/mirrors/``, keyed by size and by a hash of the site generator.

Run: ``python -m benchmarks`` (20,000 publications), ``python -m benchmarks --quick``
(2,000, a smoke test), ``python -m benchmarks --only crawl memory``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import crawl as crawl_benchmark

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
MIRRORS = RESULTS / "mirrors"
GENERATOR_FILES = (
    HERE.parent / "sitegen" / "cnas.py",
    HERE.parent / "sitegen" / "cnas_records.json",
)
FULL_PUBLICATIONS = 20_000
QUICK_PUBLICATIONS = 2_000
# Memory is compared between the large crawl and one a tenth of its size (2,000 vs 20,000).
SMALL_FRACTION = 10
# Replay and its ceiling read the WARC of a crawl of at most this many publications: the
# rate per page is the figure, and replaying 20,000 pages would double the suite's time.
REPLAY_PUBLICATIONS = 2_000
NAMES = (
    "crawl",
    "replay",
    "memory",
    "dates",
    "archive_writes",
    "warc_capture",
    "researcher",
    "incremental",
    "distributed",
)


@dataclass
class Row:
    """One line of the table."""

    benchmark: str
    figure: str
    value: float | None
    unit: str
    reference: float | None = None
    reference_name: str = ""
    target: str = ""
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.reference:
            return None
        return self.value / self.reference


def generator_hash() -> str:
    digest = hashlib.sha256()
    for path in GENERATOR_FILES:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def cached_mirror(publications: int, seed: int = crawl_benchmark.SEED) -> Path:
    """A generated mirror of ``publications``, reused while the generator is unchanged.

    A folder is used only once it holds the ``.complete`` marker written after generation,
    so a run killed half-way never leaves a partial mirror that looks whole. Mirrors of the
    same size from an older generator are removed (they are large).
    """
    key = f"cnas-{publications}-s{seed}-{generator_hash()}"
    folder = MIRRORS / key
    if (folder / ".complete").is_file():
        return folder
    for stale in MIRRORS.glob(f"cnas-{publications}-s{seed}-*"):
        shutil.rmtree(stale, ignore_errors=True)
    folder.mkdir(parents=True)
    crawl_benchmark.generate_mirror(folder, publications, seed)
    (folder / ".complete").write_text(datetime.now(UTC).isoformat(), encoding="utf-8")
    return folder


class Crawls:
    """Crawls of generated mirrors, each made once per run and kept until the run ends."""

    def __init__(self, work_dir: Path) -> None:
        self.work_dir = work_dir
        self._done: dict[int, dict[str, Any]] = {}

    def of(self, publications: int) -> dict[str, Any]:
        if publications not in self._done:
            mirror = cached_mirror(publications)
            _say(f"crawling the mirror of {publications:,} publications")
            self._done[publications] = crawl_benchmark.crawl_mirror(
                mirror, self.work_dir / f"crawl-{publications}"
            )
        return self._done[publications]


def _say(text: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {text}", file=sys.stderr, flush=True)


# --- each benchmark: figures (kept in the JSON) and rows (shown in the table) -------------
def bench_crawl(crawls: Crawls, size: int, quick: bool) -> tuple[dict[str, Any], list[Row]]:
    crawl = crawls.of(size)
    _say("scrapy bench")
    bench = crawl_benchmark.scrapy_bench(crawls.work_dir / "bench")
    targets = crawl_benchmark.TARGETS
    rate = Row(
        "crawl",
        f"scrapy crawl cnas, {size:,} publications",
        crawl["pages_per_s"],
        "pages/s",
        bench["pages_per_s"],
        "scrapy bench",
        f">= {targets['crawl_vs_bench']}x",
    )
    rate.met = (rate.ratio or 0) >= targets["crawl_vs_bench"]
    cpu = Row(
        "crawl",
        "CPU per page (crawl process)",
        crawl["cpu_ms_per_page"],
        "ms",
        bench["cpu_ms_per_page"],
        "scrapy bench",
        f"< {targets['cpu_ms_per_page']:g} ms",
        crawl["cpu_ms_per_page"] < targets["cpu_ms_per_page"],
    )
    server = Row(
        "crawl",
        "mirror server CPU per page",
        crawl["server_cpu_ms_per_page"],
        "ms",
        crawl["cpu_ms_per_page"],
        "crawl CPU/page",
    )
    return {"crawl": crawl, "scrapy_bench": bench}, [rate, cpu, server]


def bench_replay(crawls: Crawls, size: int, quick: bool) -> tuple[dict[str, Any], list[Row]]:
    replay_size = min(size, REPLAY_PUBLICATIONS)
    crawl = crawls.of(replay_size)
    warc_dir = Path(crawl["warc_dir"])
    _say(f"reextract of the {replay_size:,}-publication crawl's WARC into a fresh database")
    replayed = crawl_benchmark.replay(warc_dir, crawls.work_dir / f"replay-{replay_size}.db")
    _say("parse-only ceiling")
    ceiling = crawl_benchmark.parse_ceiling(crawl_benchmark.html_responses(warc_dir))
    target = crawl_benchmark.TARGETS["replay_vs_ceiling"]
    row = Row(
        "replay",
        f"reextract from WARC, {replayed['pages']:,} pages",
        replayed["pages_per_s"],
        "pages/s",
        ceiling["pages_per_s"],
        "parse + 10 selectors",
        f">= {target}x",
    )
    row.met = (row.ratio or 0) >= target
    cpu = Row(
        "replay",
        "CPU per page (replay crawl)",
        replayed["cpu_ms_per_page"],
        "ms",
        ceiling["cpu_ms_per_page"],
        "parse + 10 selectors",
    )
    return {"replay": replayed, "parse_ceiling": ceiling}, [row, cpu]


def bench_memory(crawls: Crawls, size: int, quick: bool) -> tuple[dict[str, Any], list[Row]]:
    small_size = max(size // SMALL_FRACTION, 100)
    large, small = crawls.of(size), crawls.of(small_size)
    targets = crawl_benchmark.TARGETS
    growth = large["peak_rss_mb"] / small["peak_rss_mb"]
    row = Row(
        "memory",
        f"peak RSS of the crawl, {size:,} publications",
        large["peak_rss_mb"],
        "MB",
        small["peak_rss_mb"],
        f"same, {small_size:,}",
        f"< {targets['peak_rss_mb']:g} MB, <= {targets['rss_growth']}x",
        large["peak_rss_mb"] < targets["peak_rss_mb"] and growth <= targets["rss_growth"],
    )
    figures = {
        "large": {"publications": size, "peak_rss_mb": large["peak_rss_mb"]},
        "small": {"publications": small_size, "peak_rss_mb": small["peak_rss_mb"]},
        "growth": growth,
    }
    return figures, [row]


def bench_dates(crawls: Crawls, size: int, quick: bool) -> tuple[dict[str, Any], list[Row]]:
    from benchmarks import dates

    figures = dates.run()
    row = Row(
        "dates",
        "parse_date",
        figures["normaliser_per_second"],
        "strings/s",
        figures["dateparser_per_second"],
        "dateparser.parse",
        f">= {dates.TARGET_RATIO}x",
        figures["ratio"] >= dates.TARGET_RATIO,
    )
    other = figures["other_site"]
    other_row = Row(
        "dates",
        "parse_date, another site's shapes",
        other["normaliser_per_second"],
        "strings/s",
        other["dateparser_per_second"],
        "dateparser.parse",
    )
    return figures, [row, other_row]


def bench_archive_writes(
    crawls: Crawls, size: int, quick: bool
) -> tuple[dict[str, Any], list[Row]]:
    from benchmarks import archive_writes

    figures = archive_writes.run(1_000 if quick else archive_writes.PUBLICATIONS)
    row = Row(
        "archive_writes",
        "Archive.store_many, FTS on",
        figures["archive_new_per_s"],
        "pubs/s",
        figures["upsert_all_no_fts_per_s"],
        "upsert_all, no FTS",
        f">= {archive_writes.TARGET_PER_SECOND:,}/s",
        figures["archive_new_per_s"] >= archive_writes.TARGET_PER_SECOND,
    )
    return figures, [row]


def bench_warc_capture(crawls: Crawls, size: int, quick: bool) -> tuple[dict[str, Any], list[Row]]:
    from benchmarks import warc_capture

    figures = warc_capture.run()
    row = Row(
        "warc_capture",
        "WarcWriter",
        figures["thinkscrape"]["records_per_s"],
        "records/s",
        figures["warcio_default"]["records_per_s"],
        "warcio gzip writer",
        ">= 3x",
        figures["speedup"] >= 3,
    )
    return figures, [row]


def bench_researcher(crawls: Crawls, size: int, quick: bool) -> tuple[dict[str, Any], list[Row]]:
    from benchmarks import researcher

    figures = researcher.run(10_000 if quick else researcher.PUBLICATIONS)
    targets = researcher.TARGETS
    count = f"{figures['publications']:,} publications"
    rows = [
        Row(
            "researcher",
            f"search median, {count}",
            figures["search_median_ms"],
            "ms",
            figures["bare_select_median_ms"],
            "bare SELECT LIMIT",
            f"< {targets['search_median_ms']:g} ms",
            figures["search_median_ms"] < targets["search_median_ms"],
        ),
        Row(
            "researcher",
            "stats",
            figures["stats_s"],
            "s",
            target=f"< {targets['stats_s']:g} s",
            met=figures["stats_s"] < targets["stats_s"],
        ),
        Row(
            "researcher",
            "CSV export",
            figures["export_rows_per_s"],
            "rows/s",
            figures["bare_csv_rows_per_s"],
            "csv.writer SELECT *",
            f">= {targets['export_rows_per_s']:,}/s",
            figures["export_rows_per_s"] >= targets["export_rows_per_s"],
        ),
    ]
    return figures, rows


def bench_incremental(crawls: Crawls, size: int, quick: bool) -> tuple[dict[str, Any], list[Row]]:
    from benchmarks import incremental

    figures = incremental.run()
    rows = [
        Row(
            "incremental",
            "requests per new publication",
            figures["incremental_per_new"],
            "requests",
            figures["naive_per_new"],
            "full re-crawl",
            f"<= {incremental.TARGET_PER_NEW}",
            figures["incremental_per_new"] <= incremental.TARGET_PER_NEW,
        ),
        Row(
            "incremental",
            "requests, unchanged site",
            figures["unchanged_requests"],
            "requests",
            figures["full_requests"],
            "full re-crawl",
            f"<= {figures['unchanged_target']}",
            figures["unchanged_requests"] <= figures["unchanged_target"],
        ),
    ]
    return figures, rows


def bench_distributed(crawls: Crawls, size: int, quick: bool) -> tuple[dict[str, Any], list[Row]]:
    from benchmarks import distributed

    publications = min(size, distributed.PUBLICATIONS)
    _say(f"shared crawls through Redis of {publications:,} publications, one and two processes")
    figures = distributed.run(publications, cached_mirror(publications))
    targets = distributed.TARGETS
    one, two = figures["one_crawler"], figures["two_crawlers"]
    extraction = figures["reextract"]
    one_job, two_jobs = extraction["jobs_1"], extraction["jobs_2"]
    ceiling = extraction["parse_ceiling"]["pages_per_s"]
    rows = [
        Row(
            "distributed",
            "shared crawl, 2 processes",
            two["pages_per_s"],
            "pages/s",
            one["pages_per_s"],
            "1 process",
            f">= {targets['two_crawlers_vs_one']}x",
            figures["two_crawlers_vs_one"] >= targets["two_crawlers_vs_one"],
        ),
        Row(
            "distributed",
            f"shared crawl, CPU bound on {figures['cores']} cores",
            figures["two_crawlers_cpu_bound"],
            "pages/s",
            one["pages_per_s"],
            "1 process",
        ),
        Row(
            "distributed",
            "Redis round trips per page",
            two["redis_round_trips_per_page"],
            "commands",
        ),
        Row(
            "distributed",
            "reextract --jobs 1",
            one_job["pages_per_s"],
            "pages/s",
            ceiling,
            "parse + 10 selectors",
            f">= {targets['one_job_vs_ceiling']}x",
            figures["one_job_vs_ceiling"] >= targets["one_job_vs_ceiling"],
        ),
        Row(
            "distributed",
            "reextract --jobs 2",
            two_jobs["pages_per_s"],
            "pages/s",
            one_job["pages_per_s"],
            "--jobs 1",
            f">= {targets['two_jobs_vs_one']}x",
            figures["two_jobs_vs_one"] >= targets["two_jobs_vs_one"],
        ),
    ]
    return figures, rows


BENCHMARKS: dict[str, Callable[[Crawls, int, bool], tuple[dict[str, Any], list[Row]]]] = {
    "crawl": bench_crawl,
    "replay": bench_replay,
    "memory": bench_memory,
    "dates": bench_dates,
    "archive_writes": bench_archive_writes,
    "warc_capture": bench_warc_capture,
    "researcher": bench_researcher,
    "incremental": bench_incremental,
    "distributed": bench_distributed,
}


# --- the table ------------------------------------------------------------------------------
def _number(value: float | None) -> str:
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table (readable as plain text too)."""
    header = ("benchmark", "figure", "value", "reference", "ratio", "target", "met?")
    lines = [header]
    for row in rows:
        ratio = row.ratio
        lines.append(
            (
                row.benchmark,
                row.figure,
                f"{_number(row.value)} {row.unit}",
                f"{_number(row.reference)} ({row.reference_name})" if row.reference_name else "-",
                f"{ratio:.2f}x" if ratio is not None else "-",
                row.target or "-",
                {True: "yes", False: "NO", None: "-"}[row.met],
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = []
    for index, line in enumerate(lines):
        text.append("| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |")
        if index == 0:
            text.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(text)


def exit_status(rows: list[Row], failed: list[str]) -> int:
    """1 if a benchmark failed to run, 2 if one ran but missed its target, else 0.

    A missed target is a result a script or CI should notice, not a line to read past.
    """
    if failed:
        return 1
    if any(row.met is False for row in rows):
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke test")
    parser.add_argument("--only", nargs="+", choices=NAMES, metavar="NAME", help=", ".join(NAMES))
    parser.add_argument("--publications", type=int, help="mirror size for the crawl")
    args = parser.parse_args(argv)
    size = args.publications or (QUICK_PUBLICATIONS if args.quick else FULL_PUBLICATIONS)
    names = args.only or list(NAMES)
    started = datetime.now(UTC)
    clock = time.perf_counter()
    load_before = os.getloadavg()
    results: dict[str, Any] = {}
    rows: list[Row] = []
    failed = []
    RESULTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="thinkscrape-bench-") as tmp:
        crawls = Crawls(Path(tmp))
        for name in names:
            _say(f"benchmark {name}")
            begun = time.perf_counter()
            try:
                figures, found = BENCHMARKS[name](crawls, size, args.quick)
            except Exception as error:  # one broken benchmark must not hide the others
                traceback.print_exc()
                failed.append(name)
                results[name] = {"error": f"{type(error).__name__}: {error}"}
                rows.append(Row(name, f"FAILED: {type(error).__name__}", None, ""))
                continue
            figures["seconds"] = round(time.perf_counter() - begun, 1)
            results[name] = figures
            rows.extend(found)
    seconds = time.perf_counter() - clock
    report = {
        "started": started.isoformat(timespec="seconds"),
        "seconds": round(seconds, 1),
        "command": " ".join(["python -m benchmarks", *(argv or sys.argv[1:])]),
        "publications": size,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_before": load_before,
            "load_after": os.getloadavg(),
        },
        "rows": [{**asdict(row), "ratio": row.ratio} for row in rows],
        "results": results,
    }
    (RESULTS / "latest.json").write_text(
        json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8"
    )
    print(table(rows))
    load = ", ".join(f"{value:.1f}" for value in load_before)
    print(
        f"\n{size:,} publications; {seconds / 60:.1f} min on {os.cpu_count()} CPUs "
        f"(load average before: {load}); written to {RESULTS / 'latest.json'}"
    )
    missed = [f"{row.benchmark}: {row.figure}" for row in rows if row.met is False]
    if missed:
        print(f"Missed target(s): {'; '.join(missed)}", file=sys.stderr)
    return exit_status(rows, failed)


if __name__ == "__main__":
    sys.exit(main())
