"""``thinkscrape crawl``: one locked, judged crawl, for cron to run unattended for years.

::

    thinkscrape crawl cnas --db /srv/thinkscrape/thinktanks.db [-a since=2024-01-01] \\
        [-s JOBDIR=/srv/thinkscrape/jobs/cnas] [-s LOG_FILE=/var/log/thinkscrape/cnas.log] \\
        [--wait] [--quiet]

Before anything else, the spider name, its arguments, the settings and the archive's path
are checked (``thinkscrape.startup``): a mistake is one line and exit 3. Scrapy's log goes to
``<db dir>/logs/<spider>.log`` unless ``LOG_FILE`` names another file (``-`` for stderr), so
stderr, which cron mails, holds the verdict alone; ``--quiet`` drops even that when the crawl
is healthy. On a terminal a progress line (``extensions/progress.py``) shows how it goes.

It takes the archive's writer lock (``<db>.lock``, see ``thinkscrape.archive.lock``), so one
writer at a time writes to an archive (a crawl row left 'running' by a killed crawl is then
marked failed, finish reason ``killed``): a second one started meanwhile exits at once with
code 75, or queues behind the first with ``--wait``. It never opens the database itself
before holding the lock, so a second run never meets "database is locked". The lock is an
OS file lock (``filelock``): a crawl that dies, even by SIGKILL, releases it with its
process. The crawl's archive pipeline takes the same lock again in this process.

The crawl runs in this process with Scrapy's own ``CrawlerProcess``, exactly as
``scrapy crawl`` runs it (same project settings, ``-a`` spider arguments, ``-s`` settings,
SIGINT/SIGTERM for a graceful stop that a ``JOBDIR`` can resume). Running it in-process
rather than as a ``scrapy crawl`` subprocess gives the final stats as Python objects instead
of a log to parse.

With a ``JOBDIR``, a crawl stopped gracefully (SIGINT/SIGTERM, exit 130) resumes where it
stopped when run again with the same ``JOBDIR``. Scrapy only saves a ``JOBDIR``'s queue when
it stops gracefully; after SIGKILL or a power cut the queue is lost while some of its requests
are already marked seen, and a resume would skip them for good. So the runner marks a
``JOBDIR`` while a crawl runs (``thinkscrape.running``); finding that mark on the next run, it
discards the half-written queue and seen-requests file (keeping ``spider.state``) and starts
over, and the archive, which commits every publication as it arrives, tells the spider what
is already stored.

The verdict comes from the crawl's stats, judged by ``thinkscrape.extensions`` (health and
field-coverage floors) and turned into the exit code, which is also written to the crawl's
row in ``crawls`` (``exit_code``, ``status``).

Several sites (``thinkscrape crawl NAME NAME ...``, or ``--all``: every registered site of
``thinkscrape.sites``, in its name order, which leaves out the ``generic`` spider since it is
no site) are crawled one after another under one hold of the lock: the lock is taken once,
before the first site, and released after the last, so no other writer slips in between two
sites, and ``--wait`` queues the whole run. Each site runs as a child process
(``python -m thinkscrape.runner NAME ...``), with a fresh reactor and logging, to which the
lock is handed down (``WriterLock.inheritance``); each child writes its own ``crawls`` row,
log file and verdict lines, exactly as the crawl of that site alone would. ``-a`` and ``-s``
apply to every site; ``-a SITE:NAME=VALUE`` to that site alone (``base_url`` can only be
given this way with several sites); a ``JOBDIR`` gets a folder per site (``JOBDIR/NAME``).
A site that cannot start (3) does not stop the others. A SIGINT or SIGTERM is passed on to
the site being crawled (it stops as it would alone, 130) and no further site starts; those
are named as not started. The run exits with the worst of its sites' codes, worst first in
``WORST_FIRST``: 3, 130, 1, 4, 5, 6, 7, 8, 0, the order below (a code outside it, which a
child should never give, ranks just after 1).

Exit codes (when several apply, the first in this list wins):

====  =======================================================================================
 0    healthy: the crawl finished and every check passed
 3    could not start: unknown spider, bad ``-a``/``-s`` value, the spider or archive failed
      to open (a read-only file or folder, an archive of a newer version, another program
      writing to it for longer than the busy timeout), or not one response came back
130   interrupted: stopped by SIGINT/SIGTERM before finishing (resume it with the same
      ``JOBDIR``)
 1    the crawl closed for another unexpected reason (e.g. ``cancelled``)
 4    too many errors: more ERROR log lines than ``THINKSCRAPE_MAX_ERRORS`` (default 10)
 5    the site changed: no listing page read, a listing page with no publication links, or
      listings showing new publications of which none was stored
 6    a field-coverage floor was broken (e.g. ``published`` on under 99% of publications)
 7    a limit stopped the crawl: its time limit (``CLOSESPIDER_TIMEOUT``, 6 hours unless
      given), or a listing cut at ``THINKSCRAPE_MAX_LISTING_PAGES`` pages or after
      ``THINKSCRAPE_MAX_EMPTY_LISTING_PAGES`` empty pages in a row
 8    publications listed but not stored (HTTP errors after retries, failed writes): the
      next crawl asks for them again, up to ``THINKSCRAPE_MISSING_RETRIES`` times; or a
      listing page that could not be read: the next crawl reads every listing page again
75    another crawl holds the archive's lock (EX_TEMPFAIL: try again later, or ``--wait``)
 2    usage error (click's own)
====  =======================================================================================
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from thinkscrape.archive.lock import ArchiveLocked, WriterLock
from thinkscrape.archive.schema import ArchiveError, lock_path_for
from thinkscrape.startup import CannotStart, check_crawl

if TYPE_CHECKING:
    from scrapy.settings import Settings

# Seconds an unattended crawl may run unless -s CLOSESPIDER_TIMEOUT says otherwise (0: none).
UNATTENDED_TIME_LIMIT = 6 * 3600

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_NOT_STARTED = 3
EXIT_TOO_MANY_ERRORS = 4
EXIT_SITE_CHANGED = 5
EXIT_COVERAGE = 6
EXIT_LIMIT = 7
EXIT_MISSING = 8
EXIT_LOCKED = 75  # sysexits.h EX_TEMPFAIL: cron wrappers read it as "try again later"
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report an interrupted command

# Failed health check -> exit code, in order of precedence.
CHECK_EXIT_CODES: tuple[tuple[str, int], ...] = (
    ("unreachable", EXIT_NOT_STARTED),
    ("interrupted", EXIT_INTERRUPTED),
    ("finish_reason", EXIT_FAILED),
    ("errors", EXIT_TOO_MANY_ERRORS),
    ("no_listing_pages", EXIT_SITE_CHANGED),
    ("empty_listing", EXIT_SITE_CHANGED),
    ("nothing_stored", EXIT_SITE_CHANGED),
    ("coverage", EXIT_COVERAGE),
    ("time_limit", EXIT_LIMIT),
    ("listing_limit", EXIT_LIMIT),
    ("listing_failed", EXIT_MISSING),
    ("missing", EXIT_MISSING),
)

# The codes of a run of several sites, worst first: the run exits with the worst of them.
WORST_FIRST: tuple[int, ...] = (
    EXIT_NOT_STARTED,
    EXIT_INTERRUPTED,
    EXIT_FAILED,
    EXIT_TOO_MANY_ERRORS,
    EXIT_SITE_CHANGED,
    EXIT_COVERAGE,
    EXIT_LIMIT,
    EXIT_MISSING,
    EXIT_OK,
)

# What every writer says when another holds the archive's lock.
LOCKED_ADVICE = "Run again later, or with --wait to queue behind it."

EXIT_MEANINGS = {
    EXIT_OK: "healthy",
    EXIT_FAILED: "closed for an unexpected reason",
    EXIT_NOT_STARTED: "could not start",
    EXIT_TOO_MANY_ERRORS: "too many errors",
    EXIT_SITE_CHANGED: "the site changed",
    EXIT_COVERAGE: "field coverage under its floor",
    EXIT_LIMIT: "a crawl limit stopped it",
    EXIT_MISSING: "publications listed but not stored",
    EXIT_LOCKED: "another crawl holds the lock",
    EXIT_INTERRUPTED: "interrupted",
}


# Finish reasons of a crawl its archive stopped before the first request (the pipeline's).
ARCHIVE_FINISH_REASONS = {
    "archive_locked": EXIT_LOCKED,
    "archive_unavailable": EXIT_NOT_STARTED,
    # a crawl shared through Redis that no writer (thinkscrape ingest) opened
    "writer_unavailable": EXIT_NOT_STARTED,
}


def exit_code_for(stats: Mapping[str, Any]) -> int:
    """The exit code a finished crawl's stats call for (see the module docstring)."""
    if stats.get("finish_reason") in ARCHIVE_FINISH_REASONS:
        return ARCHIVE_FINISH_REASONS[stats["finish_reason"]]
    failed = {check.get("check") for check in stats.get("thinkscrape/health/failed_checks") or []}
    for check, code in CHECK_EXIT_CODES:
        if check in failed:
            return code
    if failed:
        return EXIT_FAILED  # a check this version does not know: fail rather than hide it
    if "thinkscrape/health/status" not in stats:
        # The health extension did not run (switched off in the settings?): no verdict is
        # not a healthy verdict for an unattended crawl.
        return EXIT_FAILED
    return EXIT_OK


def worst_exit_code(codes: Iterable[int]) -> int:
    """The worst of several crawls' exit codes (``WORST_FIRST``); 0 when there are none.

    A code outside ``WORST_FIRST`` (75 or 2, which a site's crawl under a held lock should
    never give) ranks just after 1: an unexpected failure, never taken for a healthy one.
    """

    def rank(code: int) -> float:
        if code in WORST_FIRST:
            return WORST_FIRST.index(code)
        return WORST_FIRST.index(EXIT_FAILED) + 0.5

    return min(codes, key=rank, default=EXIT_OK)


def parse_pairs(values: Iterable[str], option: str) -> dict[str, str]:
    """``["k=v", ...]`` to a dict; a value without ``=`` is a usage error."""
    pairs = {}
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"expected NAME=VALUE, got {value!r}", param_hint=option)
        pairs[name] = setting
    return pairs


def project_settings(setting_pairs: Mapping[str, str], db: Path | None) -> Settings:
    """The project's Scrapy settings with ``-s`` pairs and ``--db`` laid over them.

    Found without ``scrapy.cfg`` so that cron, which starts in the home directory, gets
    the same settings as a user in the repository.
    """
    from scrapy.settings import SETTINGS_PRIORITIES
    from scrapy.utils.project import get_project_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "thinkscrape.settings")
    settings = get_project_settings()
    settings.setdict(dict(setting_pairs), priority="cmdline")
    if settings.getpriority("CLOSESPIDER_TIMEOUT") < SETTINGS_PRIORITIES["cmdline"]:
        # Unattended, a crawl that never ends (a pagination trap, a site that answers ever
        # more slowly) would hold the lock and make every later night exit 75.
        settings.set("CLOSESPIDER_TIMEOUT", UNATTENDED_TIME_LIMIT, priority="cmdline")
    if db is not None:
        settings.set("THINKSCRAPE_DB", str(db), priority="cmdline")
    return settings


def default_log_file(db_path: str, spider_name: str) -> Path | None:
    """Where the Scrapy log goes unless ``LOG_FILE`` says: ``<db dir>/logs/<spider>.log``.

    Not stderr, which cron mails: the mail should hold the verdict, the log stay on disk.
    """
    if not db_path or db_path == ":memory:":
        return None
    return Path(db_path).parent / "logs" / f"{spider_name}.log"


def use_log_file(settings: Settings, db_path: str, spider_name: str) -> None:
    if settings.get("LOG_FILE") is None:
        log_file = default_log_file(db_path, spider_name)
        if log_file is not None:
            settings.set("LOG_FILE", str(log_file), priority="cmdline")


def run_crawl(
    spider_name: str, spider_args: Mapping[str, str], settings: Settings
) -> dict[str, Any]:
    """Run one crawl in this process; its final stats. `CannotStart` if it did not start."""
    from scrapy.crawler import AsyncCrawlerProcess, CrawlerProcess
    from scrapy.utils.reactor import _asyncio_reactor_path

    # The same choice ``scrapy crawl`` makes (scrapy.cmdline.execute).
    if (
        settings["TWISTED_REACTOR"] == _asyncio_reactor_path
        and not settings.getbool("FORCE_CRAWLER_PROCESS")
    ) or not settings.getbool("TWISTED_REACTOR_ENABLED"):
        process = AsyncCrawlerProcess(settings)
    else:
        process = CrawlerProcess(settings)
    crawler = process.create_crawler(spider_name)
    started = process.crawl(crawler, **spider_args)
    process.start()
    if process.bootstrap_failed or crawler.stats is None:
        raise CannotStart(start_failure(started) or "see the log")
    return dict(crawler.stats.get_stats())


def start_failure(started: Any) -> str | None:
    """Why a crawl failed to start, from what ``process.crawl`` returned (a Task or Deferred)."""
    import asyncio

    from twisted.python.failure import Failure

    error: BaseException | None = None
    if isinstance(started, asyncio.Future) and started.done() and not started.cancelled():
        error = started.exception()  # retrieved: asyncio no longer prints it at exit
    else:
        result = getattr(started, "result", None)
        if isinstance(result, Failure):
            error = result.value
            started.addErrback(lambda _: None)  # handled: Twisted no longer logs it
    if error is None:
        return None
    return f"{type(error).__name__}: {error}"


RUNNING_MARK = "thinkscrape.running"


def recover_jobdir(jobdir: Path) -> bool:
    """Discard the scheduler state a crawl killed mid-way left in ``jobdir``; True if it did.

    What Scrapy keeps for the scheduler is trustworthy only after a graceful stop.
    """
    from thinkscrape.extensions.jobdir import clear_scheduler_state

    if not (jobdir / RUNNING_MARK).exists():
        return False
    clear_scheduler_state(jobdir)
    (jobdir / RUNNING_MARK).unlink()
    return True


def close_abandoned_crawls(db_path: str, spider_name: str) -> int:
    """Mark this spider's crawls still 'running' as failed ('killed'); how many there were.

    Called with the archive's lock held, so no crawl started by this command is running: a
    row still 'running' belongs to a crawl that was killed before it could close its row.
    """
    if lock_path_for(db_path) is None or not Path(db_path).exists():
        return 0
    from thinkscrape.archive.schema import opened
    from thinkscrape.archive.store import Archive

    try:
        with opened(db_path) as db:
            return Archive(db).close_abandoned_crawls(spider_name)
    except sqlite3.Error as error:  # another program's write outlasted the busy timeout
        raise ArchiveError(f"cannot write to {db_path}: {error}") from error


def record_exit_code(db_path: str, stats: Mapping[str, Any], code: int) -> None:
    """Write the verdict into the crawl's own ``crawls`` row (the pipeline cannot know it)."""
    crawl_id = stats.get("thinkscrape/crawl_id")
    if crawl_id is None or lock_path_for(db_path) is None:
        return
    from thinkscrape.archive.schema import opened
    from thinkscrape.archive.store import Archive

    try:
        with opened(db_path) as db:
            Archive(db).record_verdict(crawl_id, code, "ok" if code == EXIT_OK else "failed")
    except (ArchiveError, sqlite3.Error, OSError) as error:
        click.echo(f"Could not record exit code {code} for crawl {crawl_id}: {error}", err=True)


def summary(
    spider_name: str, stats: Mapping[str, Any], code: int, log_file: str | None = None
) -> str:
    """One line for the cron mail (what the crawl did, its verdict), then one per failed
    check: ``cnas: crawl 412 finished: 3 new, 2 changed, 110 unchanged, 0 gone, 0 dropped;
    0 missing; 130 requests, 0 error(s); exit 0 (healthy)``; a failed crawl adds where its log
    is."""
    from thinkscrape.archive.history import outcome_phrase

    nothing_new = stats.get("thinkscrape/nothing_new")
    lines = [
        f"{spider_name}: crawl {stats.get('thinkscrape/crawl_id', '?')} "
        f"{stats.get('finish_reason', '?')}: {outcome_phrase(stats)}; "
        f"{stats.get('downloader/request_count', 0)} requests, "
        f"{stats.get('log_count/ERROR', 0)} error(s)"
        + (f"; nothing new: {nothing_new}" if nothing_new else "")
        + f"; exit {code} ({EXIT_MEANINGS.get(code, 'failed')})"
    ]
    for check in stats.get("thinkscrape/health/failed_checks") or []:
        lines.append(f"  {check.get('check')}: {check.get('message')}")
    if code != EXIT_OK and log_file:
        lines.append(f"  log: {log_file}")
    return "\n".join(lines)


def not_started(ctx: click.Context, spider_name: str | None, reason: str) -> None:
    """Say why the crawl (of one site, or of several when None) did not start, and exit 3."""
    crawl = f"{spider_name}: the crawl" if spider_name else "The crawl"
    click.echo(
        f"{crawl} could not start: {reason}\nexit {EXIT_NOT_STARTED} "
        f"({EXIT_MEANINGS[EXIT_NOT_STARTED]})",
        err=True,
    )
    ctx.exit(EXIT_NOT_STARTED)


def hold_lock(ctx: click.Context, db_path: str, wait: bool, spider_name: str | None) -> WriterLock:
    """The archive's writer lock, taken (queued behind its holder with ``wait``); exit 75
    when another writer holds it, 3 when the archive cannot be written."""
    lock = WriterLock(db_path)
    try:
        lock.acquire(wait=wait)
    except ArchiveLocked as error:
        click.echo(f"{error} {LOCKED_ADVICE}", err=True)
        ctx.exit(EXIT_LOCKED)
    except ArchiveError as error:
        not_started(ctx, spider_name, str(error))
    return lock


def every_site() -> list[str]:
    """What ``--all`` crawls: every registered site, in the registry's (name) order.

    The ``generic`` spider is no registered site (it is told its site by ``-a home=``).
    """
    from thinkscrape.sites import names

    return list(names())


def site_arguments(arguments: Mapping[str, str], site: str, sites: Sequence[str]) -> dict[str, str]:
    """The ``-a`` arguments of ``site``'s crawl: ``NAME=VALUE`` for every site of the run,
    ``SITE:NAME=VALUE`` for that site alone (it wins over the first form).

    `CannotStart` for an argument given to a site not in the run (a typo would otherwise
    crawl that site unconfigured), and for ``base_url`` given to several sites at once:
    it points one site at another origin (a mirror), never several.
    """
    shared: dict[str, str] = {}
    own: dict[str, str] = {}
    for key, value in arguments.items():
        prefix, per_site, name = key.rpartition(":")
        if not per_site:
            shared[key] = value
        elif prefix not in sites:
            raise CannotStart(
                f"-a {key}=...: {prefix!r} is not one of the sites of this run "
                f"({', '.join(sites)})."
            )
        elif prefix == site:
            own[name] = value
    if len(sites) > 1 and "base_url" in shared:
        raise CannotStart(
            "-a base_url=URL points one site at another origin: with several sites give it "
            "per site, as -a SITE:base_url=URL."
        )
    return {**shared, **own}


def site_crawl_argv(
    site: str,
    arguments: Mapping[str, str],
    setting_pairs: Mapping[str, str],
    db_path: str,
    *,
    quiet: bool,
) -> list[str]:
    """The command line crawling ``site`` alone in a child process of a several-site run."""
    argv = [sys.executable, "-m", "thinkscrape.runner", site]
    if db_path:
        argv += ["--db", db_path]
    for name, value in arguments.items():
        argv += ["-a", f"{name}={value}"]
    for name, value in setting_pairs.items():
        if name == "JOBDIR" and value:
            # one site's queue and seen requests must never resume another site's crawl
            value = str(Path(value) / site)
        argv += ["-s", f"{name}={value}"]
    if quiet:
        argv.append("--quiet")
    return argv


# What stops a run of several sites: passed on to the site being crawled.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def crawl_sites(
    argvs: Mapping[str, list[str]], db_path: str, lock: WriterLock
) -> tuple[dict[str, int], list[str], bool]:
    """Crawl the sites one after another, each in a child process holding the handed-down
    lock; their exit codes, the sites not started, and whether a signal stopped the run.

    A SIGINT or SIGTERM goes on to the site's crawl (the child runs in a process group of
    its own, so a terminal's Ctrl-C reaches it once, through this process, and a graceful
    stop stays graceful); no site starts after one.
    """
    handed = lock.inheritance()
    pass_fds, env = ((handed[0],), {**os.environ, **handed[1]}) if handed else ((), None)
    received: list[tuple[int, bool]] = []  # each signal, and whether it was passed on
    running: list[subprocess.Popen[bytes]] = []

    def pass_on(signum: int, frame: object) -> None:
        child = running[0] if running else None
        passed = child is not None and child.poll() is None
        if passed:
            child.send_signal(signum)
        received.append((signum, passed))

    previous = {signum: signal.signal(signum, pass_on) for signum in STOP_SIGNALS}
    codes: dict[str, int] = {}
    sites = list(argvs)
    try:
        for index, site in enumerate(sites):
            if received:
                return codes, sites[index:], True
            seen = len(received)
            child = subprocess.Popen(argvs[site], env=env, pass_fds=pass_fds, process_group=0)
            running[:] = [child]
            missed = [signum for signum, passed in received[seen:] if not passed]
            if missed:  # came while the child was being started: not passed on yet
                child.send_signal(missed[0])
            code = child.wait()
            running.clear()
            if code < 0:
                # Killed outright (SIGKILL, a crash): its row is still 'running'.
                click.echo(
                    f"{site}: the crawl's process was killed by "
                    f"{signal.Signals(-code).name}; exit {EXIT_FAILED} "
                    f"({EXIT_MEANINGS[EXIT_FAILED]})",
                    err=True,
                )
                try:
                    close_abandoned_crawls(db_path, site)
                except ArchiveError as error:
                    click.echo(f"{site}: {error}", err=True)
                code = EXIT_FAILED
            codes[site] = code
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return codes, [], bool(received)


def several_summary(codes: Mapping[str, int], not_run: Sequence[str], code: int) -> str:
    """The run's last lines: each site not started, then every site's code and the run's."""
    lines = [f"{site}: not started: the run was interrupted" for site in not_run]
    crawled = ", ".join(f"{site} {site_code}" for site, site_code in codes.items())
    lines.append(
        f"{len(codes)} of {len(codes) + len(not_run)} sites crawled"
        + (f" (exit codes: {crawled})" if crawled else "")
        + f"; exit {code} ({EXIT_MEANINGS.get(code, 'failed')})"
    )
    return "\n".join(lines)


def crawl_several(
    ctx: click.Context,
    sites: Sequence[str],
    arguments: Mapping[str, str],
    setting_pairs: Mapping[str, str],
    db: Path | None,
    wait: bool,
    quiet: bool,
) -> None:
    """Crawl ``sites`` one after another under one hold of the lock; exit with the worst
    code (see the module docstring)."""
    try:
        site_args = {site: site_arguments(arguments, site, sites) for site in sites}
    except CannotStart as error:
        not_started(ctx, None, str(error))
    settings = project_settings(setting_pairs, db)
    db_path = settings.get("THINKSCRAPE_DB") or ""
    if settings.get("THINKSCRAPE_REDIS_URL"):
        not_started(ctx, None, "a crawl shared through Redis (THINKSCRAPE_REDIS_URL) is one site's")
    argvs = {
        site: site_crawl_argv(site, site_args[site], setting_pairs, db_path, quiet=quiet)
        for site in sites
    }
    lock = hold_lock(ctx, db_path, wait, None)
    try:
        if lock.path is not None and lock.inheritance() is None:
            not_started(ctx, None, f"the lock {lock.path} cannot be handed to the sites' crawls")
        codes, not_run, interrupted = crawl_sites(argvs, db_path, lock)
    finally:
        lock.release()
    code = worst_exit_code([*codes.values(), *([EXIT_INTERRUPTED] if interrupted else [])])
    if code != EXIT_OK or not quiet:
        click.echo(several_summary(codes, not_run, code), err=True)
    ctx.exit(code)


@click.command("crawl")
@click.argument("spider_names", metavar="[NAME]...", nargs=-1)
@click.option(
    "--all",
    "all_sites",
    is_flag=True,
    help="Crawl every registered site (not generic), in name order.",
)
@click.option(
    "-a",
    "spider_args",
    multiple=True,
    metavar="NAME=VALUE",
    help="Spider argument (repeatable); SITE:NAME=VALUE for one site of several.",
)
@click.option(
    "-s", "setting_args", multiple=True, metavar="NAME=VALUE", help="Scrapy setting (repeatable)."
)
@click.option(
    "--db",
    envvar="THINKSCRAPE_DB",
    type=click.Path(path_type=Path),
    help="The archive (also read from THINKSCRAPE_DB); its lock is <db>.lock.",
)
@click.option("--wait", is_flag=True, help="Wait for a running crawl instead of exiting (75).")
@click.option(
    "--quiet", "-q", is_flag=True, help="Print nothing when the crawl is healthy (for cron)."
)
@click.pass_context
def crawl_command(
    ctx: click.Context,
    spider_names: tuple[str, ...],
    all_sites: bool,
    spider_args: tuple[str, ...],
    setting_args: tuple[str, ...],
    db: Path | None,
    wait: bool,
    quiet: bool,
) -> None:
    """Crawl NAME (or several sites, or --all) into the archive, one crawl at a time, and exit
    with its verdict.

    Scrapy's log goes to <db dir>/logs/NAME.log (-s LOG_FILE=PATH for another file,
    LOG_FILE=- for stderr). On a terminal, a progress line shows how the crawl goes.

    Several sites (NAME NAME ..., in that order, or --all: every registered site in name
    order, generic aside) are crawled one after another under one hold of the lock, each
    with its own crawls row, log file and verdict line. -a and -s apply to every site,
    -a SITE:NAME=VALUE to SITE alone; base_url only so (-a cnas:base_url=URL). A JOBDIR
    gets a folder per site, JOBDIR/NAME. SIGINT/SIGTERM stops the site being crawled and
    starts no other. The run exits with its worst code, worst first: 3, 130, 1, 4, 5, 6,
    7, 8, 0.

    Exit codes: 0 healthy, 3 could not start, 130 interrupted, 1 unexpected close,
    4 too many errors, 5 the site changed, 6 field coverage under its floor, 7 a crawl
    limit stopped it, 8 publications listed but not stored, 75 another crawl holds the lock.
    """
    if all_sites and spider_names:
        raise click.UsageError("Give the sites to crawl (NAME...) or --all, not both.")
    if not all_sites and not spider_names:
        raise click.UsageError("Missing the site to crawl: NAME... or --all.")
    sites = every_site() if all_sites else list(dict.fromkeys(spider_names))
    arguments = parse_pairs(spider_args, "-a")
    setting_pairs = parse_pairs(setting_args, "-s")
    if all_sites or len(sites) > 1:
        crawl_several(ctx, sites, arguments, setting_pairs, db, wait, quiet)
        return
    spider_name = sites[0]
    try:
        arguments = site_arguments(arguments, spider_name, sites)
    except CannotStart as error:
        not_started(ctx, spider_name, str(error))
    settings = project_settings(setting_pairs, db)
    db_path = settings.get("THINKSCRAPE_DB") or ""
    use_log_file(settings, db_path, spider_name)
    try:
        check_crawl(settings, spider_name, arguments)
    except CannotStart as error:
        not_started(ctx, spider_name, str(error))
    if settings.get("THINKSCRAPE_REDIS_URL"):
        # This command writes the archive itself (its lock, the crawl's row and verdict);
        # in a shared crawl only `thinkscrape ingest` does.
        not_started(
            ctx,
            spider_name,
            "a crawl shared through Redis (THINKSCRAPE_REDIS_URL) runs as `scrapy crawl "
            f"{spider_name} -s THINKSCRAPE_REDIS_URL=...`, with `thinkscrape ingest` writing "
            "the archive",
        )
    log_file = settings.get("LOG_FILE")
    if log_file and not quiet and sys.stderr.isatty():
        settings.set("THINKSCRAPE_PROGRESS", True, priority="cmdline")
    lock = hold_lock(ctx, db_path, wait, spider_name)
    try:
        try:
            abandoned = close_abandoned_crawls(db_path, spider_name)
        except ArchiveError as error:
            not_started(ctx, spider_name, str(error))
        if abandoned and not quiet:
            click.echo(
                f"{abandoned} earlier crawl(s) of {spider_name} never finished: marked "
                "failed (killed).",
                err=True,
            )
        jobdir = Path(settings["JOBDIR"]) if settings.get("JOBDIR") else None
        if jobdir is not None:
            if recover_jobdir(jobdir) and not quiet:
                click.echo(
                    f"The last crawl with JOBDIR {jobdir} was killed before it could save its "
                    "queue; starting that crawl over (what it stored is kept).",
                    err=True,
                )
            jobdir.mkdir(parents=True, exist_ok=True)
            (jobdir / RUNNING_MARK).touch()
        try:
            stats = run_crawl(spider_name, arguments, settings)
        except CannotStart as error:
            not_started(ctx, spider_name, str(error))
        if jobdir is not None and stats.get("finish_reason"):
            # The spider closed (by itself or on one SIGINT/SIGTERM): Scrapy saved the JOBDIR.
            # A forced stop (a second signal) returns here too, but without a finish reason.
            (jobdir / RUNNING_MARK).unlink(missing_ok=True)
        code = exit_code_for(stats)
        record_exit_code(db_path, stats, code)
        if code != EXIT_OK or not quiet:
            click.echo(summary(spider_name, stats, code, log_file), err=True)
    finally:
        lock.release()
    ctx.exit(code)


if __name__ == "__main__":
    sys.exit(crawl_command())
