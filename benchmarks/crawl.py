"""Crawl and replay speed, and crawl memory, on a generated CNAS mirror served on 127.0.0.1.

Three figures, each beside a reference measured in the same run:

- crawl: ``scrapy crawl cnas`` of the whole mirror (WARC capture and the archive on, the
  project's settings with politeness off: no delay, no AutoThrottle, 32 concurrent requests;
  robots.txt still obeyed). Pages/s over the engine's running time, CPU ms per page and peak
  RSS of the crawl process (``wait4`` rusage, through a small launcher process). Reference:
  ``scrapy bench`` (Scrapy's own local link-following spider and server, bare settings), its
  logged pages/min.
- replay: ``thinkscrape.warc.reextract`` of the crawl's WARC files into a fresh database.
  Reference: the ceiling of any re-extraction, a bare loop over the same HTML responses that
  builds a parsel ``Selector`` and runs ten selector extractions per page, nothing else.
- memory: peak RSS of crawls of two mirror sizes (``__main__`` runs 2,000 and 20,000).

The mirror server runs in this process, in threads; its CPU time during the crawl is
reported (``server_cpu_ms_per_page``) so a slow server would show instead of hiding in the
crawl's figures.

Run: ``python -m benchmarks.crawl [--publications N]`` (default 2,000).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from parsel import Selector
from warcio.archiveiterator import ArchiveIterator

from thinkscrape.mirror import serve_mirror
from thinkscrape.warc.reextract import reextract

ROOT = Path(__file__).resolve().parent.parent
PUBLICATIONS = 2_000
SEED = 1

# Politeness off for the benchmark only; everything else is the project's own settings.
FAST_CRAWL = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "32",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "32",
    "LOG_LEVEL": "INFO",
}
TARGETS = {
    "crawl_vs_bench": 0.8,  # crawl pages/s over scrapy bench's pages/s, at least
    "cpu_ms_per_page": 8.0,  # at most
    "replay_vs_ceiling": 0.5,  # at least
    "peak_rss_mb": 300.0,  # at most, at 20,000 publications
    "rss_growth": 1.2,  # large crawl's peak RSS over the small one's, at most
}

# The ceiling's ten extractions: the kinds any article extractor runs, over the whole page.
CEILING_QUERIES = (
    ("css", "title::text"),
    ("css", 'meta[name="description"]::attr(content)'),
    ("css", 'meta[property="og:title"]::attr(content)'),
    ("css", 'link[rel="canonical"]::attr(href)'),
    ("xpath", "//h1//text()"),
    ("xpath", "//time/@datetime"),
    ("xpath", "//*[contains(@class, 'byline')]//text()"),
    ("xpath", "//p//text()"),
    ("css", "h2::text, h3::text"),
    ("css", "a::attr(href)"),
)

_STAT = r"'{key}': ([0-9.]+)"
_BENCH_RATE = re.compile(r"Crawled (\d+) pages \(at (\d+) pages/min\)")


def generate_mirror(out_dir: Path, publications: int, seed: int = SEED) -> Path:
    """Write a synthetic mirror of ``publications`` with the tests' site generator."""
    command = [sys.executable, "-m", "sitegen.cnas", str(out_dir)]
    command += ["--synthetic", str(publications), "--seed", str(seed)]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return out_dir


def _stat(log: str, key: str) -> float | None:
    found = re.findall(_STAT.format(key=re.escape(key)), log)
    return float(found[-1]) if found else None


# Runs the measured command and prints its rusage. Linux keeps, as a process's peak RSS, the
# larger of its own and that of the memory it had before exec: a child spawned straight from
# this process (a large one after the ceiling has read 2,000 pages) would report this
# process's size. The launcher is small, so the command's own peak is what it reports.
_LAUNCHER = """
import json, os, sys
quiet = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)]
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ, file_actions=quiet)
_, status, usage = os.wait4(pid, 0)
print(json.dumps({
    "exit_code": os.waitstatus_to_exitcode(status),
    "cpu_s": usage.ru_utime + usage.ru_stime,
    "peak_rss_mb": usage.ru_maxrss / 1024,
}))
"""


def _run_measured(command: list[str], *, cwd: Path, env: dict[str, str]) -> dict[str, Any]:
    """Run ``command`` (its first item an executable path) to its end: wall seconds and the
    command's own rusage (CPU seconds, peak RSS in MB), none of this process's."""
    started = time.perf_counter()
    parent_cpu = time.process_time()
    launcher = [sys.executable, "-c", _LAUNCHER, *command]
    done = subprocess.run(
        launcher, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    # The command's standard output goes to /dev/null (crawls log to a file): the launcher's
    # is its report alone.
    measured = json.loads(done.stdout)
    measured["wall_s"] = time.perf_counter() - started
    measured["parent_cpu_s"] = time.process_time() - parent_cpu
    return measured


def crawl_mirror(mirror_dir: Path, work_dir: Path) -> dict[str, Any]:
    """``scrapy crawl cnas`` of the mirror into ``work_dir`` (archive, WARC files, log)."""
    work_dir.mkdir(parents=True, exist_ok=True)
    log_path = work_dir / "crawl.log"
    settings = {
        **FAST_CRAWL,
        "THINKSCRAPE_DB": str(work_dir / "archive.db"),
        "THINKSCRAPE_WARC_DIR": str(work_dir / "warc"),
        "LOG_FILE": str(log_path),
    }
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "thinkscrape.settings"}
    with serve_mirror(mirror_dir) as mirror:
        command = [sys.executable, "-m", "scrapy", "crawl", "cnas", "-a"]
        command.append(f"base_url={mirror.base_url}")
        for name, value in settings.items():
            command += ["-s", f"{name}={value}"]
        # The server's threads are the only work this process does while it waits.
        measured = _run_measured(command, cwd=ROOT, env=env)
    log = log_path.read_text(encoding="utf-8", errors="replace")
    if measured["exit_code"] != 0:
        raise RuntimeError(f"crawl failed (exit {measured['exit_code']}):\n{log[-3000:]}")
    pages = int(_stat(log, "downloader/response_count") or 0)
    elapsed = _stat(log, "elapsed_time_seconds") or measured["wall_s"]
    if not pages:
        raise RuntimeError(f"crawl fetched nothing:\n{log[-3000:]}")
    return {
        "pages": pages,
        "items": int(_stat(log, "item_scraped_count") or 0),
        "stored_new": int(_stat(log, "thinkscrape/archive/new") or 0),
        "errors": int(_stat(log, "log_count/ERROR") or 0),
        "elapsed_s": elapsed,
        "wall_s": measured["wall_s"],
        "pages_per_s": pages / elapsed,
        "cpu_s": measured["cpu_s"],
        "cpu_ms_per_page": 1000 * measured["cpu_s"] / pages,
        "peak_rss_mb": measured["peak_rss_mb"],
        "server_cpu_ms_per_page": 1000 * measured["parent_cpu_s"] / pages,
        "warc_dir": str(work_dir / "warc"),
        "db": str(work_dir / "archive.db"),
    }


def scrapy_bench(work_dir: Path) -> dict[str, Any]:
    """``scrapy bench`` with Scrapy's default settings (run outside the project)."""
    work_dir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "SCRAPY_SETTINGS_MODULE"}
    log_path = work_dir / "bench.log"
    command = [sys.executable, "-m", "scrapy", "bench", "-s", f"LOG_FILE={log_path}"]
    measured = _run_measured(command, cwd=work_dir, env=env)
    log = log_path.read_text(encoding="utf-8", errors="replace")
    if measured["exit_code"] != 0:
        raise RuntimeError(f"scrapy bench failed:\n{log[-3000:]}")
    pages = int(_stat(log, "downloader/response_count") or 0)
    return {
        "pages": pages,
        "pages_per_s": bench_rate(log),
        "pages_per_s_overall": pages / (_stat(log, "elapsed_time_seconds") or 1),
        "cpu_ms_per_page": 1000 * measured["cpu_s"] / pages if pages else None,
        "peak_rss_mb": measured["peak_rss_mb"],
    }


def bench_rate(log: str) -> float:
    """Pages/s of ``scrapy bench`` from its log: the median of its logged pages/min.

    Logged once a second; the first line is the start (0 pages), so it is left out.
    """
    rates = [int(rate) for _, rate in _BENCH_RATE.findall(log)][1:]
    if not rates:
        raise RuntimeError(f"no rate in scrapy bench's log:\n{log[-3000:]}")
    return statistics.median(rates) / 60


def replay(warc_dir: Path, db_path: Path) -> dict[str, Any]:
    """Re-extract the WARC files into the (fresh) archive at ``db_path``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = reextract(db_path, warc_dir, settings={"LOG_LEVEL": "INFO"})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    pages = result["pages"]
    return {
        "pages": pages,
        "items": result["items"],
        "stored": result["stored"],
        "missing": result["missing"],
        "seconds": result["seconds"],
        "pages_per_s": result["pages_per_s"],
        "cpu_ms_per_page": 1000 * cpu / pages if pages else None,
    }


def html_responses(warc_dir: Path) -> list[tuple[str, str]]:
    """(URL, decoded HTML) of every HTML response kept in the WARC files."""
    pages = []
    for path in sorted(Path(warc_dir).glob("*.warc.gz")):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type != "response" or record.http_headers is None:
                    continue
                if "html" not in (record.http_headers.get_header("Content-Type") or ""):
                    continue
                body = record.content_stream().read()
                url = record.rec_headers.get_header("WARC-Target-URI")
                pages.append((url, body.decode("utf-8", errors="replace")))
    return pages


def parse_ceiling(pages: list[tuple[str, str]]) -> dict[str, Any]:
    """Parse every page and run the ten extractions; pages/s of that alone."""
    found = 0
    started = time.perf_counter()
    cpu = time.process_time()
    for _, html in pages:
        selector = Selector(text=html)
        for kind, query in CEILING_QUERIES:
            results = selector.css(query) if kind == "css" else selector.xpath(query)
            found += len(results.getall())
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    return {
        "pages": len(pages),
        "values_found": found,
        "seconds": seconds,
        "pages_per_s": len(pages) / seconds,
        "cpu_ms_per_page": 1000 * cpu / len(pages),
    }


def run(publications: int = PUBLICATIONS, mirror_dir: Path | None = None) -> dict[str, Any]:
    """Crawl, bench and replay on one mirror (generated here unless ``mirror_dir`` is given)."""
    with tempfile.TemporaryDirectory(prefix="thinkscrape-bench-") as tmp:
        tmp_path = Path(tmp)
        if mirror_dir is None:
            mirror_dir = generate_mirror(tmp_path / "mirror", publications)
        crawl = crawl_mirror(mirror_dir, tmp_path / "crawl")
        bench = scrapy_bench(tmp_path / "bench")
        replayed = replay(Path(crawl["warc_dir"]), tmp_path / "replay.db")
        ceiling = parse_ceiling(html_responses(Path(crawl["warc_dir"])))
        shutil.rmtree(tmp_path / "crawl", ignore_errors=True)
    return {
        "publications": publications,
        "crawl": crawl,
        "scrapy_bench": bench,
        "replay": replayed,
        "parse_ceiling": ceiling,
        "crawl_vs_bench": crawl["pages_per_s"] / bench["pages_per_s"],
        "replay_vs_ceiling": replayed["pages_per_s"] / ceiling["pages_per_s"],
        "targets": TARGETS,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--publications", type=int, default=PUBLICATIONS)
    figures = run(parser.parse_args().publications)
    crawl, bench = figures["crawl"], figures["scrapy_bench"]
    replayed, ceiling = figures["replay"], figures["parse_ceiling"]
    print(f"mirror of {figures['publications']:,} publications; {crawl['pages']:,} pages crawled")
    print(f"{'':<28}{'pages/s':>10}{'CPU ms/page':>13}{'peak RSS MB':>13}")
    rows = (
        ("scrapy crawl cnas", crawl),
        ("scrapy bench (reference)", bench),
        ("reextract (replay)", replayed),
        ("parse-only ceiling", ceiling),
    )
    for label, row in rows:
        rss = row.get("peak_rss_mb")
        print(
            f"{label:<28}{row['pages_per_s']:>10.1f}{row['cpu_ms_per_page'] or 0:>13.1f}"
            f"{rss if rss is not None else float('nan'):>13.0f}"
        )
    print(f"mirror server CPU: {crawl['server_cpu_ms_per_page']:.2f} ms per page")
    print(f"crawl / scrapy bench: {figures['crawl_vs_bench']:.2f}x (target >= 0.8x)")
    print(f"reextract / ceiling:  {figures['replay_vs_ceiling']:.2f}x (target >= 0.5x)")


if __name__ == "__main__":
    main()
