"""Beyond one process: a crawl shared by two processes against one, and re-extraction on
one core against two, each beside its reference measured in the same run.

- **Shared crawl**: the generated CNAS mirror (served by threads of this process, on the
  same cores) crawled through a real ``redis-server`` with ``THINKSCRAPE_REDIS_URL`` and
  ``thinkscrape ingest`` as the writer: first by one crawler process, then by two, into
  fresh archives and fresh Redis databases. Pages/s is every crawler's responses over the
  wall time from the first crawler's start to the writer having closed the crawl. Target:
  two processes at least 1.6x one. With the server, the writer and the crawlers on the same
  two cores, what bounds it is printed: the CPU seconds of the crawlers, the writer, the
  server and Redis per page, and the rate their sum allows on the machine's cores (two
  crawlers cannot beat one by more than that, whatever the frontier costs).
- **Redis round trips per page**: every command a client sent (``MONITOR``; commands run
  inside a Lua script are not round trips), per response, split into the crawlers' and the
  writer's.
- **Re-extraction**: ``reextract_direct`` of the one-crawler run's WARC files with one job
  and with two, beside the parse-only ceiling (parsel and ten selectors over the same HTML,
  ``benchmarks.crawl.parse_ceiling``). Targets: one job at least 0.5x the ceiling; two jobs
  at least 1.6x one job. The three are measured three times, interleaved, and the fastest
  of each kept (every rate is printed).

Run: ``python -m benchmarks.distributed [--publications N]`` (default 1,000), or as part of
``python -m benchmarks`` (``--only distributed``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import redis

from benchmarks import crawl as crawl_benchmark
from thinkscrape.mirror import serve_mirror
from thinkscrape.warc.parallel import reextract_direct

ROOT = Path(__file__).resolve().parent.parent
PUBLICATIONS = 1_000
# Re-extraction and its ceiling are measured this many times, interleaved, and the fastest
# of each kept: on a shared machine a slower run is other processes' doing, not the code's.
ROUNDS = 3
THINKSCRAPE = Path(sys.executable).parent / "thinkscrape"
TARGETS = {
    "two_crawlers_vs_one": 1.6,  # at least
    "one_job_vs_ceiling": 0.5,  # at least
    "two_jobs_vs_one": 1.6,  # at least
}
# Commands only the writer sends (the rest are the crawlers').
WRITER_COMMANDS = {"blmove", "lrem", "hincrby", "lrange", "hvals"}
# Politeness off, as in benchmarks.crawl; each crawler process gets the same settings.
CRAWL_SETTINGS = {**crawl_benchmark.FAST_CRAWL, "THINKSCRAPE_REDIS_HEARTBEAT": "5"}


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A ``redis-server`` on a free loopback port, in memory; its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    argv = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    process = subprocess.Popen(
        [*argv, "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}"
    try:
        for _ in range(200):
            with contextlib.suppress(redis.RedisError):
                redis.Redis.from_url(url).ping()
                break
            time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait()


class Monitor:
    """Counts the commands clients send to Redis (``MONITOR``; not those a script runs)."""

    def __init__(self, url: str) -> None:
        self.counts: Counter[str] = Counter()
        self._connection = redis.Redis.from_url(url).connection_pool.get_connection()
        self._connection.send_command("MONITOR")
        self._connection.read_response()  # OK
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        # each line: b'<time> [<db> <client address or "lua">] "<command>" "<arg>"...'
        with contextlib.suppress(Exception):
            while True:
                line = self._connection.read_response()
                if isinstance(line, str):
                    line = line.encode()
                source, _, rest = line.partition(b"] ")
                if source.endswith(b" lua"):
                    continue
                self.counts[rest.split(b" ", 1)[0].strip(b'"').decode().lower()] += 1

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._connection.disconnect()


def _cpu_of(pid: int) -> float:
    """CPU seconds of a running process, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


class CrawlCpu:
    """The CPU time each part of a shared crawl spends while the crawl runs.

    Sampled from /proc every 50 ms by a thread, from the moment the first crawler's engine
    opens its spider (its log says "Spider opened") until the processes exit, so that the
    start-up every process pays once (Python, Scrapy and their imports: about 2 s of CPU)
    is not counted as the cost of pages. The mirror server runs as threads of this process
    (with the Redis monitor): its part is this process's CPU time over the same span.
    """

    def __init__(
        self, crawlers: list[subprocess.Popen], writer: subprocess.Popen, redis_pid: int, logs: Path
    ) -> None:
        self.parts = {
            "crawlers": [c.pid for c in crawlers],
            "writer": [writer.pid],
            "redis": [redis_pid],
        }
        self.logs = [logs / f"crawler-{n}.log" for n in range(len(crawlers))]
        self.first: dict[int, float] = {}  # pid -> CPU seconds when the crawl opened
        self.last: dict[int, float] = {}  # pid -> CPU seconds last seen
        self.server_first = self.server_last = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _opened(self) -> bool:
        return any(
            log.is_file() and "Spider opened" in log.read_text(errors="replace")
            for log in self.logs
        )

    def _sample(self) -> None:
        while not self._done.is_set() and not self._opened():
            time.sleep(0.05)
        pids = [pid for group in self.parts.values() for pid in group]
        self.first = {pid: _cpu_of(pid) for pid in pids}
        self.server_first = time.process_time()
        while not self._done.is_set():
            for pid in pids:
                seen = _cpu_of(pid)
                if seen:  # 0 once the process has exited: keep its last figure
                    self.last[pid] = seen
            self.server_last = time.process_time()
            time.sleep(0.05)

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def used(self) -> dict[str, float]:
        """CPU seconds per part, over the crawl."""
        used = {
            part: sum(self.last.get(pid, 0.0) - self.first.get(pid, 0.0) for pid in pids)
            for part, pids in self.parts.items()
        }
        used["mirror_server"] = self.server_last - self.server_first
        return used


def shared_crawl(
    mirror_dir: Path, work_dir: Path, redis_url: str, processes: int, monitor: Monitor
) -> dict:
    """A shared crawl of the mirror by ``processes`` crawlers and one writer."""
    work_dir.mkdir(parents=True, exist_ok=True)
    db = work_dir / "archive.db"
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "thinkscrape.settings"}
    redis_pid = int(redis.Redis.from_url(redis_url).info("server")["process_id"])
    monitor.counts.clear()
    with serve_mirror(mirror_dir) as mirror:
        started = time.perf_counter()
        writer = subprocess.Popen(
            [str(THINKSCRAPE), "ingest", "--db", str(db), "--redis", redis_url, "--crawls", "1"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=(work_dir / "writer.log").open("w"),
            env=env,
        )
        crawlers = []
        for number in range(processes):
            settings = {
                **CRAWL_SETTINGS,
                "THINKSCRAPE_DB": str(db),
                "THINKSCRAPE_WARC_DIR": str(work_dir / "warc"),
                "THINKSCRAPE_REDIS_URL": redis_url,
                "LOG_FILE": str(work_dir / f"crawler-{number}.log"),
            }
            command = [sys.executable, "-m", "scrapy", "crawl", "cnas"]
            command += ["-a", f"base_url={mirror.base_url}"]
            for name, value in settings.items():
                command += ["-s", f"{name}={value}"]
            crawlers.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL))
        cpu = CrawlCpu(crawlers, writer, redis_pid, work_dir)
        codes = [crawler.wait() for crawler in crawlers]
        writer_code = writer.wait(timeout=600)
        seconds = time.perf_counter() - started
        cpu.stop()
    time.sleep(0.5)  # the last commands reach the monitor
    counts = Counter(monitor.counts)
    if any(codes) or writer_code:
        raise RuntimeError(f"shared crawl failed: crawlers {codes}, writer {writer_code}")
    logs = [(work_dir / f"crawler-{n}.log").read_text() for n in range(processes)]
    pages = sum(int(crawl_benchmark._stat(log, "downloader/response_count") or 0) for log in logs)
    # the crawl itself: from the engines' start to the last one's close (every process starts
    # Python, Scrapy and its imports first, about 2 s of CPU each, which no second one shares)
    engine = max(crawl_benchmark._stat(log, "elapsed_time_seconds") or 0 for log in logs)
    writer_sent = sum(n for name, n in counts.items() if name in WRITER_COMMANDS)
    crawler_sent = sum(counts.values()) - writer_sent
    return {
        "processes": processes,
        "pages": pages,
        "pages_by_process": [
            int(crawl_benchmark._stat(log, "downloader/response_count") or 0) for log in logs
        ],
        "seconds": seconds,
        "pages_per_s_wall": pages / seconds,
        "engine_seconds": engine,
        "pages_per_s": pages / engine,
        "cpu_ms_per_page": {part: 1000 * used / pages for part, used in cpu.used().items()},
        "redis_round_trips_per_page": (crawler_sent + writer_sent) / pages,
        "crawler_round_trips_per_page": crawler_sent / pages,
        "writer_round_trips_per_page": writer_sent / pages,
        "commands": dict(counts.most_common()),
        "warc_dir": str(work_dir / "warc"),
        "db": str(db),
    }


def reextraction(warc_dir: Path, work_dir: Path, rounds: int = ROUNDS) -> dict[str, Any]:
    """Direct re-extraction with one and two jobs, and the parse-only ceiling: ``rounds``
    times each, interleaved, the fastest of each kept (with every rate measured)."""
    pages = crawl_benchmark.html_responses(warc_dir)
    runs: dict[str, list[dict[str, Any]]] = {}
    for round_ in range(rounds):
        runs.setdefault("parse_ceiling", []).append(crawl_benchmark.parse_ceiling(pages))
        for jobs in (1, 2):
            db = work_dir / f"reextract-{jobs}-{round_}.db"
            result = reextract_direct(db, warc_dir, jobs=jobs)
            runs.setdefault(f"jobs_{jobs}", []).append(
                {key: result[key] for key in ("pages", "items", "stored", "seconds", "pages_per_s")}
            )
    return {
        name: {
            **max(measured, key=lambda figures: figures["pages_per_s"]),
            "rates": [figures["pages_per_s"] for figures in measured],
        }
        for name, measured in runs.items()
    }


def run(publications: int = PUBLICATIONS, mirror_dir: Path | None = None) -> dict[str, Any]:
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="thinkscrape-distributed-") as tmp:
        tmp_path = Path(tmp)
        if mirror_dir is None:
            mirror_dir = crawl_benchmark.generate_mirror(tmp_path / "mirror", publications)
        with redis_server(tmp_path) as base:
            monitor = Monitor(base)
            one = shared_crawl(mirror_dir, tmp_path / "one", f"{base}/1", 1, monitor)
            two = shared_crawl(mirror_dir, tmp_path / "two", f"{base}/2", 2, monitor)
            monitor.stop()
        extraction = reextraction(Path(one["warc_dir"]), tmp_path)
        shutil.rmtree(tmp_path / "one", ignore_errors=True)
        shutil.rmtree(tmp_path / "two", ignore_errors=True)
    ceiling = extraction["parse_ceiling"]["pages_per_s"]
    one_job = extraction["jobs_1"]["pages_per_s"]
    cores = len(os.sched_getaffinity(0))
    # What bounds the shared crawl when every process shares the same cores: no more pages
    # per second than the cores' CPU time over the CPU all the processes spend per page.
    cpu_bound = 1000 * cores / sum(two["cpu_ms_per_page"].values())
    return {
        "publications": publications,
        "cores": cores,
        "one_crawler": one,
        "two_crawlers": two,
        "reextract": extraction,
        "two_crawlers_vs_one": two["pages_per_s"] / one["pages_per_s"],
        "two_crawlers_cpu_bound": cpu_bound,
        "two_crawlers_cpu_bound_vs_one": cpu_bound / one["pages_per_s"],
        "one_job_vs_ceiling": one_job / ceiling,
        "two_jobs_vs_one": extraction["jobs_2"]["pages_per_s"] / one_job,
        "targets": TARGETS,
        # parallel speed-ups mean little on a machine others are using: say how busy it was
        "load_before": load_before,
        "load_after": os.getloadavg(),
    }


def print_result(result: dict[str, Any]) -> None:
    one, two, extraction = result["one_crawler"], result["two_crawlers"], result["reextract"]
    load = ", ".join(f"{value:.1f}" for value in result["load_before"])
    print(f"{result['publications']:,} publications, {result['cores']} cores, load {load}")
    for run_ in (one, two):
        print(
            f"shared crawl, {run_['processes']} process(es): {run_['pages']:,} pages "
            f"{run_['pages_by_process']} in {run_['engine_seconds']:.1f} s of crawling = "
            f"{run_['pages_per_s']:.1f} pages/s ({run_['seconds']:.1f} s and "
            f"{run_['pages_per_s_wall']:.1f} pages/s with start-up and the writer's close)"
        )
    print(
        f"  two processes {result['two_crawlers_vs_one']:.2f}x one "
        f"(target >= {TARGETS['two_crawlers_vs_one']}x)"
    )
    for name, run_ in (("1 process", one), ("2 processes", two)):
        cpu = ", ".join(f"{k} {v:.1f}" for k, v in run_["cpu_ms_per_page"].items())
        print(f"  CPU ms per page, {name}: {cpu}")
    print(
        f"  bound: {sum(two['cpu_ms_per_page'].values()):.1f} ms of CPU per page on "
        f"{result['cores']} cores allow at most {result['two_crawlers_cpu_bound']:.1f} pages/s, "
        f"{result['two_crawlers_cpu_bound_vs_one']:.2f}x one process"
    )
    print(
        f"Redis round trips per page: {two['redis_round_trips_per_page']:.1f} "
        f"(crawlers {two['crawler_round_trips_per_page']:.1f}, "
        f"writer {two['writer_round_trips_per_page']:.1f}); one process: "
        f"{one['redis_round_trips_per_page']:.1f}"
    )
    ceiling = extraction["parse_ceiling"]["pages_per_s"]
    for jobs in (1, 2):
        found = extraction[f"jobs_{jobs}"]
        print(
            f"reextract --jobs {jobs}: {found['pages']:,} pages in {found['seconds']:.1f} s = "
            f"{found['pages_per_s']:.1f} pages/s ({found['pages_per_s'] / ceiling:.2f}x the "
            f"parse-only ceiling, {ceiling:.1f} pages/s)"
        )
    rates = "; ".join(
        f"{name} {', '.join(f'{rate:.0f}' for rate in extraction[key]['rates'])}"
        for name, key in (("ceiling", "parse_ceiling"), ("1 job", "jobs_1"), ("2 jobs", "jobs_2"))
    )
    print(f"  every round's pages/s (the fastest of each is kept): {rates}")
    print(
        f"  one job {result['one_job_vs_ceiling']:.2f}x the ceiling (target >= "
        f"{TARGETS['one_job_vs_ceiling']}x); two jobs {result['two_jobs_vs_one']:.2f}x one "
        f"(target >= {TARGETS['two_jobs_vs_one']}x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--publications", type=int, default=PUBLICATIONS)
    parser.add_argument("--mirror", type=Path, help="an existing generated mirror")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    result = run(args.publications, args.mirror)
    print_result(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
