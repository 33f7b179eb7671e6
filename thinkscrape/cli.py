"""The ``thinkscrape`` command: try the crawler on a bundled sample and query the archive.

Every subcommand is a thin layer over `thinkscrape.archive.query`; errors reach the user as
messages, never tracebacks. The database option also reads ``THINKSCRAPE_DB``, the same
name as the Scrapy setting, so one export serves both.
"""

from __future__ import annotations

import contextlib
import errno
import importlib.util
import ipaddress
import json
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import click
import sqlite_utils

from thinkscrape import extract_command, outfile, sites
from thinkscrape.archive import export, history, query
from thinkscrape.archive.lock import ArchiveLocked
from thinkscrape.archive.schema import ArchiveError, needs_immutable
from thinkscrape.extensions import progress
from thinkscrape.extract.common import without_control_characters
from thinkscrape.runner import EXIT_LOCKED, EXIT_NOT_STARTED, LOCKED_ADVICE
from thinkscrape.runner import crawl_command as unattended_crawl_command

DEFAULT_DB = "data/thinktanks.db"
# The demo's own archive: the bundled sample never mixes with live crawls.
DEMO_DB = "data/demo.db"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The bundled captures the demo replays: one WARC file per site mirror (sitegen.sample_warc).
SAMPLE_DIR = PROJECT_ROOT / "data" / "samples" / "demo"
METADATA_PATH = Path(__file__).resolve().parent / "datasette" / "metadata.json"
# The database name metadata.json is written for; `browse` re-keys it to the real file.
METADATA_DB_NAME = "thinktanks"
# The charts: the datasette-dashboards dashboard metadata.json defines.
DASHBOARD_PATH = "/-/dashboards/publications"
SQL_TIME_LIMIT_MS = 30_000
FACET_TIME_LIMIT_MS = 2_000
MAX_RETURNED_ROWS = 10_000
# Only this machine can reach the server unless the user says otherwise.
DEFAULT_HOST = "127.0.0.1"
# How long Datasette may take to shut down when asked before it is killed.
STOP_TIMEOUT_S = 10


def db_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        "db_path",
        default=DEFAULT_DB,
        show_default=True,
        envvar="THINKSCRAPE_DB",
        type=click.Path(dir_okay=False, path_type=Path),
        help="The SQLite archive (also read from THINKSCRAPE_DB).",
    )(fn)


class CommandNotStarted(click.ClickException):
    """Why a command could not start (an archive that will not open, an output that cannot
    be written), with the README's exit code for it."""

    exit_code = EXIT_NOT_STARTED


def open_archive(db_path: Path) -> sqlite_utils.Database:
    try:
        return query.open_archive(db_path)
    except query.QueryError as error:
        raise CommandNotStarted(str(error)) from error


# Control characters a terminal obeys (ESC sequences clear it or retitle its window); an
# archive written before extraction dropped them may still hold some. Line breaks, tabs
# and the carriage return of a CSV line end are kept.
def printable(text: str) -> str:
    """``text`` without the control characters a terminal would obey."""
    return without_control_characters(text, keep="\t\n\r")


def one_line(value: Any) -> str:
    """A value as printable text on one line (a snippet's paragraphs, say)."""
    return " ".join(printable(str(value)).split())


class PrintableStream:
    """Writes to ``stream`` without control characters: what an export prints."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(printable(text))

    def writelines(self, lines: Iterable[str]) -> None:
        self.stream.writelines(map(printable, lines))


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn a QueryError raised inside the block into a click error message."""
    try:
        yield
    except query.QueryError as error:
        raise click.ClickException(str(error)) from error


def quiet_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--quiet",
        "-q",
        is_flag=True,
        help="Print nothing when all goes well (errors still); no progress line.",
    )(fn)


@contextlib.contextmanager
def progress_line(
    label: str, quiet: bool, total: int | None = None
) -> Iterator[progress.ProgressLine | None]:
    """A live progress line on stderr when it is a terminal and not ``quiet``; else None."""
    if not progress.wanted(quiet):
        yield None
        return
    with progress.ProgressLine(label, total) as line:
        yield line


class LockHeld(click.ClickException):
    exit_code = EXIT_LOCKED


@contextlib.contextmanager
def writer_errors() -> Iterator[None]:
    """A held lock (exit 75) or an archive that cannot be written (exit 3) as a message."""
    try:
        yield
    except ArchiveLocked as error:
        raise LockHeld(f"{error} {LOCKED_ADVICE}") from None
    except ArchiveError as error:
        raise CouldNotStart(str(error)) from None


@click.group()
@click.version_option(package_name="thinkscrape")
def cli() -> None:
    """Crawl think-tank websites into a SQLite archive, then search, export and browse it."""


# --- demo -----------------------------------------------------------------------------


def sample_captures() -> list[Path]:
    """The bundled captures the demo replays, one WARC file per site mirror, by name."""
    captures = sorted(SAMPLE_DIR.glob("*.warc.gz"))
    if not captures:
        raise click.ClickException(
            f"The bundled samples are missing (looked for {SAMPLE_DIR}/*.warc.gz). The demo "
            "needs a checkout of the repository installed with `pip install -e .`."
        )
    return captures


def live_crawls(db_path: Path) -> int:
    """How many crawls of a live site stored publications in the archive at ``db_path``.

    Crawls of a mirror on this machine and replays of kept WARC files (the demo's own) do
    not count, nor does a live crawl that stored nothing (no network, say).
    """
    from thinkscrape.archive.store import Archive

    if not db_path.exists():
        return 0
    db = open_archive(db_path)
    try:
        crawls = Archive(db).crawls_that_stored()
    finally:
        db.close()
    local = ("http://127.0.0.1:", "http://localhost:")
    return sum(
        1
        for crawl in crawls
        if not crawl["replayed"] and not str(crawl["args"].get("base_url") or "").startswith(local)
    )


@cli.command()
@click.option(
    "--db",
    "db_path",
    default=DEMO_DB,
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the demo archive (its own file: live crawls go elsewhere).",
)
def demo(db_path: Path) -> None:
    """Replay the bundled captures of every site's sample into their own archive; show what
    landed: rows per site, the pieces found on two sites, the people of several sites.

    Nothing is fetched: every response comes from data/samples/demo/*.warc.gz, one capture
    per site, through the same spiders, pipelines and archive as a live crawl. The archive
    is data/demo.db, apart from the live crawls' data/thinktanks.db.
    """
    from thinkscrape.warc.reextract import ReextractError, reextract, site_of_captures

    given = db_path
    db_path = db_path.resolve()
    captures = sample_captures()
    # The samples hold invented text under real URLs: keep them out of a real archive.
    if live_crawls(db_path):
        raise click.ClickException(
            f"{db_path} holds publications crawled from a live site; the demo would mix the "
            f"samples into it. Choose another file with --db, e.g. --db {DEMO_DB}."
        )
    folder = (
        SAMPLE_DIR.relative_to(PROJECT_ROOT)
        if SAMPLE_DIR.is_relative_to(PROJECT_ROOT)
        else SAMPLE_DIR
    )
    click.echo(f"Replaying {len(captures)} captures from {folder} into {db_path} ...")
    width = max(len(capture.name) for capture in captures)
    for capture in captures:
        try:
            # Each capture is one crawl of one site: replayed by that site's own spider.
            site = site_of_captures([capture])
            with writer_errors():
                result = reextract(db_path, [capture], site=site, settings={"LOG_LEVEL": "WARNING"})
        except ReextractError as error:
            raise click.ClickException(
                f"The demo crawl of {capture.name} failed: {error}"
            ) from error
        stored = ", ".join(f"{n} {outcome}" for outcome, n in sorted(result["stored"].items()))
        click.echo(
            f"  {capture.name:<{width}}  {site:<16} crawl #{result['crawl_id']}: "
            f"{stored or 'nothing stored'}"
        )
    db = open_archive(db_path)
    for line in demo_summary(db):
        click.echo(line)
    # The other commands read data/thinktanks.db by default: name the demo's archive.
    db_arg = f" --db {given}"
    click.echo(
        "\nTry:\n"
        f"  thinkscrape search 'north korea'{db_arg}\n"
        f"  thinkscrape stats{db_arg}\n"
        f"  thinkscrape authors list Cronin{db_arg}\n"
        f"  thinkscrape browse{db_arg}\n"
        f"  sqlite-utils {given} 'select year, site, count(*) from publications_flat "
        "group by 1, 2' --table"
    )


def demo_summary(db: sqlite_utils.Database) -> list[str]:
    """What the demo archive holds: rows per site, the cross-site links, the people of
    several sites and rows per table, as lines to print."""
    lines = [
        "",
        "Rows per site:",
        f"  {'site':<16} {'publications':>12} {'authors':>8} {'links':>7}",
    ]
    links = query.links_by_site(db)
    for site in query.stats(db)["by_site"]:
        name = one_line(site["site"])
        lines.append(
            f"  {name:<16} {site['publications']:>12,} {site['authors']:>8,} "
            f"{links.get(site['site'], 0):>7,}"
        )
    lines += ["", "Cross-site links (a publication -> the same piece on another archived site):"]
    found = query.republications(db)
    if not found:
        lines.append("  none")
    for row in found:
        lines.append(
            f"  #{row['publication_id']} {one_line(row['site'])}: {one_line(row['title'])}"
        )
        lines.append(
            f"    -> #{row['elsewhere_id']} {one_line(row['elsewhere_site'])}: "
            f"{one_line(row['elsewhere_url'])}"
        )
    lines += ["", "Authors at several sites (publications on each):"]
    people = query.shared_authors(db)
    if not people:
        lines.append("  none")
    name_width = max((len(one_line(person["name"])) for person in people), default=0)
    for person in people:
        sites_line = ", ".join(f"{one_line(site)} {n}" for site, n in person["sites"].items())
        lines.append(f"  {one_line(person['name']):<{name_width}}  {sites_line}")
    lines += ["", "Rows per table:"]
    # a table of the user's own in the archive may be named anything
    counts = {one_line(table): count for table, count in query.table_counts(db).items()}
    width = max(map(len, counts), default=0)
    lines += [f"  {table:<{width}}  {count:>7,}" for table, count in counts.items()]
    return lines


# --- keeping the archive right ------------------------------------------------------


@cli.command()
@db_option
@click.argument("warc", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--site",
    "--spider",
    "site",
    help="The registered site whose pages these are (default: the one serving their hosts).",
)
@click.option("--wait", is_flag=True, help="Wait for a crawl holding the archive's lock.")
@click.option(
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    help="Extract the WARC records in N processes (default, or 0: one per core).",
)
@click.option(
    "--replay",
    is_flag=True,
    help="Replay the captures through the spider instead: only the pages its navigation "
    "reaches, redirects followed with the card of the URL listed.",
)
@quiet_option
def reextract(
    db_path: Path,
    warc: tuple[Path, ...],
    site: str | None,
    wait: bool,
    jobs: int,
    replay: bool,
    quiet: bool,
) -> None:
    """Rebuild the archive's extracted fields from kept WARC files, fetching nothing.

    WARC may be .warc.gz files or folders of them. Run it after an extraction fix: every
    captured publication is read from the files and extracted and normalised again, on
    every core (--jobs); changed publications keep their previous version. With --replay
    the captures go through the spider and pipelines instead, as a crawl of them would. On
    a terminal, a progress line shows how it goes.
    """
    from thinkscrape.warc.parallel import reextract_direct
    from thinkscrape.warc.reextract import ReextractError
    from thinkscrape.warc.reextract import reextract as run_reextract

    shown = progress.wanted(quiet)
    try:
        with writer_errors():
            if replay:
                result = run_reextract(db_path, list(warc), site=site, wait=wait, progress=shown)
            else:
                result = reextract_direct(
                    db_path, list(warc), site=site, jobs=jobs, wait=wait, progress=shown
                )
    except ReextractError as error:
        raise click.ClickException(str(error)) from error
    if not quiet or result["damage"]:
        click.echo(reextract_summary(result))
    if result["damage"]:
        # Some captures could not be read: the archive was rebuilt from part of them.
        raise click.ClickException(f"Not every capture was read: {result['damage']}.")


@cli.command()
@db_option
@click.option(
    "--redis",
    "redis_url",
    envvar="THINKSCRAPE_REDIS_URL",
    required=True,
    help="The Redis of the shared crawls (also read from THINKSCRAPE_REDIS_URL).",
)
@click.option(
    "--idle-exit",
    type=click.FloatRange(min=0),
    help="Stop after this many seconds without a message (default: run until stopped).",
)
@click.option(
    "--crawls",
    type=click.IntRange(min=1),
    help="Stop once this many crawls have been closed.",
)
def ingest(db_path: Path, redis_url: str, idle_exit: float | None, crawls: int | None) -> None:
    """Write what the crawlers of shared crawls send through Redis into the archive.

    The one writer of the archive while crawls run in several processes (scrapy crawl NAME
    -s THINKSCRAPE_REDIS_URL=URL, on this machine or others): it opens and closes their
    crawls and stores their items and WARC capture records. It holds the archive's lock;
    SIGTERM or Ctrl-C stop it between two messages, and whatever it had not committed is
    written when it starts again.
    """
    import logging

    from thinkscrape.distributed.ingest import serve
    from thinkscrape.distributed.worker import RedisUnavailable

    logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(name)s] %(message)s")
    try:
        with writer_errors():
            counts = serve(str(db_path), redis_url, idle_exit=idle_exit, crawls=crawls)
    except RedisUnavailable as error:
        raise CommandNotStarted(str(error)) from None
    click.echo("Wrote " + (", ".join(f"{n} {op}" for op, n in sorted(counts.items())) or "nothing"))


def reextract_summary(result: dict[str, Any]) -> str:
    stored = ", ".join(f"{n} {outcome}" for outcome, n in sorted(result["stored"].items()))
    processes = f" in {result['jobs']} processes" if result.get("jobs", 1) > 1 else ""
    return (
        f"Re-extracted {result['pages']} pages{processes} in {result['seconds']:.1f} s "
        f"({result['pages_per_s']:.0f} pages/s): {stored or 'nothing stored'}; "
        f"{result['missing']} not in the WARC files."
    )


@cli.command()
@db_option
@click.option("--check", is_flag=True, help="Only report what a re-run would change.")
@click.option("--wait", is_flag=True, help="Wait for a crawl holding the archive's lock.")
@quiet_option
def renormalize(db_path: Path, check: bool, wait: bool, quiet: bool) -> None:
    """Re-run normalisation over the stored raw values (no crawl, no network).

    On a terminal, a progress line shows how far it is.
    """
    from thinkscrape.archive.lock import WriterLock
    from thinkscrape.archive.renormalize import renormalize as run_renormalize
    from thinkscrape.archive.schema import open_db

    if not db_path.exists():
        raise click.ClickException(f"No archive at {db_path}.")
    # Rewriting values while a crawl writes would interleave two writers' views of a row.
    lock = WriterLock(db_path)
    with writer_errors():
        lock.acquire(wait=wait)
        try:
            db = open_db(db_path)
            try:
                with progress_line("renormalize", quiet) as line:
                    shown = line.update if line else None
                    report = run_renormalize(db, check=check, progress=shown)
            finally:
                db.close()
        finally:
            lock.release()
    if quiet:
        return
    differences = report["differences"]
    for difference in differences[:50]:
        url, field = difference["url"], difference["field"]
        click.echo(f"{url}  {field}: {difference['old']!r} -> {difference['new']!r}")
    verb = "would change" if check else "changed"
    click.echo(f"{report['publications']} publications; {len(differences)} values {verb}.")


# --- authors --------------------------------------------------------------------------


@cli.group()
def authors() -> None:
    """The archive's people: find them, and correct who is who.

    One author row stands for one person on every site: a profile page identifies a person
    within its site, the name (honorifics, accents, case and punctuation folded) across
    sites. Where that rule is wrong, `merge` joins two rows of one person and `split`
    parts namesakes; both are kept in the archive and survive re-crawls and renormalize.
    """


@authors.command("list")
@db_option
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the people as JSON.")
def authors_list(db_path: Path, name: str | None, as_json: bool) -> None:
    """The people whose name or any spelling holds NAME (everyone without it), with their
    ids, publications, sites and profile pages."""
    db = open_archive(db_path)
    people = query.authors(db, name)
    if as_json:
        click.echo(export.json_text(people, indent=2))
        return
    for person in people:
        sites_ = ", ".join(person["sites"]) or "no site"
        click.echo(
            one_line(
                f"#{person['id']} {person['name']}: {person['publications']} publications"
                f" ({sites_})"
            )
        )
        for profile in person["profiles"]:
            click.echo(f"    {one_line(profile['site'])}: {one_line(profile['url'])}")
        if person["aliases"]:
            click.echo(f"    also written: {one_line('; '.join(person['aliases']))}")
    if not people:
        click.echo("No author matches." if name else "No authors archived.")


@contextlib.contextmanager
def corrected_archive(db_path: Path, wait: bool) -> Iterator[Any]:
    """The archive to correct, opened for writing under the writers' lock."""
    from thinkscrape.archive.lock import WriterLock
    from thinkscrape.archive.schema import open_db
    from thinkscrape.archive.store import Archive

    if not db_path.exists():
        raise click.ClickException(f"No archive at {db_path}.")
    lock = WriterLock(db_path)
    with writer_errors():
        lock.acquire(wait=wait)
        try:
            db = open_db(db_path)
            try:
                yield Archive(db)
            except (KeyError, ValueError) as error:
                raise click.ClickException(str(error).strip("'\"")) from None
            finally:
                db.close()
        finally:
            lock.release()


@authors.command("merge")
@db_option
@click.argument("keep", type=int)
@click.argument("other", type=int)
@click.option("--wait", is_flag=True, help="Wait for a crawl holding the archive's lock.")
def authors_merge(db_path: Path, keep: int, other: int, wait: bool) -> None:
    """Author OTHER is the same person as author KEEP: join them, for good.

    OTHER's publications, profile pages and spellings move to KEEP, and every spelling
    OTHER was known by resolves to KEEP on every site from now on.
    """
    with corrected_archive(db_path, wait) as archive:
        moved = archive.merge_authors(keep, other)
    keys = ", ".join(repr(key) for key in moved["name_keys"]) or "none new"
    click.echo(
        f"Merged #{other} into #{keep}: {moved['publications']} bylines and "
        f"{moved['profiles']} profile pages moved; names now resolving to #{keep}: {keys}."
    )


@authors.command("split")
@db_option
@click.argument("author_id", type=int)
@click.option("--site", help="The site whose bylines are another person's.")
@click.option("--profile", "profile_url", help="Or: that person's profile page, on its site.")
@click.option("--wait", is_flag=True, help="Wait for a crawl holding the archive's lock.")
def authors_split(
    db_path: Path, author_id: int, site: str | None, profile_url: str | None, wait: bool
) -> None:
    """Author AUTHOR_ID's bylines on SITE (or on the site of the profile page given) are a
    namesake's: give them a row of their own.

    The site's profile pages go with them, and the name resolves to the new row on that
    site from now on.
    """
    if (site is None) == (profile_url is None):
        raise click.UsageError("Give either --site or --profile.")
    with corrected_archive(db_path, wait) as archive:
        if profile_url is not None:
            site = archive.profile_site(author_id, profile_url)
        assert site is not None
        new_id = archive.split_author(author_id, site)
    click.echo(f"Split #{author_id}: its bylines on {site} are now #{new_id}.")


@cli.group()
def warc() -> None:
    """Inspect the WARC files crawls keep."""


@warc.command("check")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def warc_check(paths: tuple[Path, ...]) -> None:
    """Read every record of each WARC file (or folder of them); fail on any damage.

    Unlike `warcio check`, which stops silently at the first gzip member it cannot read,
    this walks every member: a truncated, corrupt, empty or non-WARC file fails with the
    file, the offset and what is wrong there. A sound file gets a one-line summary.
    """
    from thinkscrape.warc.check import check_file
    from thinkscrape.warc.replay import warc_files

    files = [file for path in paths for file in (warc_files(path) if path.is_dir() else [path])]
    if not files:
        raise click.ClickException(f"No WARC files in {', '.join(map(str, paths))}.")
    unsound = 0
    for file in files:
        try:
            report = check_file(file)
        except OSError as error:
            click.echo(f"{file}: cannot be read: {error.strerror or error}", err=True)
            unsound += 1
            continue
        if report.sound:
            click.echo(report.summary())
            continue
        unsound += 1
        for line in report.problems():
            click.echo(line, err=True)
    if unsound:
        raise click.ClickException(f"{unsound} of {len(files)} WARC file(s) are damaged.")


# --- stats ----------------------------------------------------------------------------


@cli.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option(
    "--site",
    help=f"Only this site, any case: {', '.join(sites.names())} (or another the archive holds).",
)
def stats(db_path: Path, as_json: bool, site: str | None) -> None:
    """Publications by site, type and year, and the health of the latest crawls."""
    db = open_archive(db_path)
    with user_errors():
        site = query.check_site(site, query.known_sites(db)) if site else None
    figures = query.stats(db, site=site)
    if as_json:
        click.echo(export.json_text(figures, indent=2))
        return
    click.echo(
        f"{figures['publications']:,} publications ({figures['dated']:,} dated, "
        f"{figures['earliest'] or '-'} to {figures['latest'] or '-'}; "
        f"{figures['gone']:,} gone from the site)"
    )
    for title, key in (("By site", "site"), ("By type", "type"), ("By year", "year")):
        click.echo(f"\n{title}:")
        for row in figures[f"by_{key}"]:
            click.echo(f"  {one_line(row[key] or '(none)'):<16} {row['publications']:>7,}")
            if key == "site":
                click.echo(f"      {one_line(site_line(row))}")
    click.echo("\nLatest crawls:")
    if not figures["crawls"]:
        click.echo("  none recorded")
    for crawl in history.recent(db, len(figures["crawls"]), spider=site):
        click.echo(f"  {printable(crawl_line(crawl))}")
        for check in crawl["failed_checks"]:
            click.echo(f"      {one_line(check['check'])}: {one_line(check['message'])}")


def site_line(site: dict[str, Any]) -> str:
    """A site's people, coverage, dates and last crawl (see ``query._site_figures``)."""
    last = site["last_crawl"]
    crawled = (
        f"last crawl #{last['id']} {last['spider']} {last['started'] or '?'} "
        f"{last['status'] or '?'}"
        if last
        else "no crawl recorded"
    )
    return (
        f"{site['authors']:,} authors; dated {site['date_coverage']:.0%}, "
        f"with authors {site['author_coverage']:.0%}, "
        f"{site['corporate_authors']:,} credited to an institution; "
        f"{site['earliest'] or '-'} to {site['latest'] or '-'}; {crawled}"
    )


def crawl_line(crawl: dict[str, Any]) -> str:
    """One crawl on one line (see ``archive.history.summarise``): when, how it ended, what it
    added, changed and left missing, what it cost, its exit code."""
    if crawl["counted"]:
        given_up = f", {crawl['given_up']} given up" if crawl["given_up"] else ""
        outcome = (
            f"{crawl['new']} new, {crawl['changed']} changed, {crawl['unchanged']} unchanged, "
            f"{crawl['gone']} gone, {crawl['dropped']} dropped; {crawl['missing']} missing"
            f"{given_up}"
        )
        cost = f"; {crawl['requests']} requests, {crawl['errors']} errors"
    else:  # recorded without its stats: only the totals are known
        outcome = f"{crawl['stored']} stored, {crawl['dropped']} dropped"
        cost = f", {crawl['errors']} errors"
    exit_code = "" if crawl["exit_code"] is None else f"; exit {crawl['exit_code']}"
    return (
        f"#{crawl['id']} {crawl['spider']} {crawl['started'] or '?'}  "
        f"{crawl['status'] or '?'} ({crawl['finish_reason'] or 'no finish reason'}): "
        f"{outcome}{cost}{exit_code}"
    )


@cli.command()
@db_option
@click.argument("crawl_id", metavar="[N]", required=False, type=int)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def crawls(db_path: Path, crawl_id: int | None, limit: int, as_json: bool) -> None:
    """The latest crawls, one line each, and the publications still missing.

    With N, crawl N in detail: what it stored, its failed checks and why, and what is
    still missing.
    """
    from thinkscrape.archive import missing

    db = open_archive(db_path)
    if crawl_id is not None:
        crawl = history.crawl(db, crawl_id)
        if crawl is None:
            raise click.ClickException(f"No crawl {crawl_id} in {db_path}.")
        chosen = [crawl]
    else:
        chosen = history.recent(db, limit)
    holes = missing.unresolved(db)
    if as_json:
        click.echo(export.json_text({"crawls": chosen, "missing": holes}, indent=2))
        return
    if not chosen:
        click.echo("No crawl recorded.")
    # What the archive holds (URLs, reasons) is printed without control characters.
    for crawl in chosen:
        click.echo(printable(crawl_line(crawl)))
        if crawl_id is not None:
            for line in crawl_details(db, crawl):
                click.echo(f"  {line}")
    waiting = [hole for hole in holes if hole["status"] == missing.MISSING]
    given_up = [hole for hole in holes if hole["status"] == missing.GIVEN_UP]
    click.echo(f"\nStill missing, asked for again by the next crawl: {len(waiting)}")
    for hole in waiting:
        click.echo(
            f"  {one_line(hole['url'])}  ({hole['attempts']} attempt(s): "
            f"{one_line(hole['last_error'])})"
        )
    if given_up:
        click.echo(
            f"\nGiven up after too many attempts (a full=1 crawl asks again): {len(given_up)}"
        )
        for hole in given_up:
            click.echo(
                f"  {one_line(hole['url'])}  given up ({hole['attempts']} attempts: "
                f"{one_line(hole['last_error'])})"
            )


def crawl_details(db: sqlite_utils.Database, crawl: dict[str, Any]) -> list[str]:
    """The lines under a crawl's summary in ``thinkscrape crawls N``, printable."""
    from thinkscrape.archive import history

    lines = [f"finished {crawl['finished'] or '(never)'}"]
    for check in crawl["failed_checks"]:
        lines.append(f"failed check {one_line(check['check'])}: {one_line(check['message'])}")
    if crawl["nothing_new"]:
        lines.append(f"nothing new: {one_line(crawl['nothing_new'])}")
    for change, urls in history.changes(db, crawl["id"]).items():
        if urls:
            lines.append(f"{change} ({len(urls)}):")
            lines.extend(f"  {one_line(url)}" for url in urls)
    if crawl["missing_urls"]:
        lines.append(f"left missing ({crawl['missing'] + crawl['given_up']}):")
        lines.extend(
            f"  {one_line(hole['url'])}  ({one_line(hole['error'])})"
            for hole in crawl["missing_urls"]
        )
    return lines


# --- search ---------------------------------------------------------------------------

BOLD, PLAIN = "\x1b[1m", "\x1b[0m"
# Where a match starts and ends in a snippet, until the text around it is made printable:
# private-use characters, which no page text can be mistaken for here.
MATCH_START, MATCH_END = "\ue000", "\ue001"


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("words", metavar="[QUERY]...", nargs=-1)
@click.option(
    "--type",
    "type_",
    help=f"Only this type: {', '.join(sites.publication_types())} (or another the archive holds).",
)
@click.option("--since", metavar="YYYY-MM-DD", help="Published on or after this day.")
@click.option("--until", metavar="YYYY-MM-DD", help="Published on or before this day.")
@click.option("--author", metavar="NAME", help="Only publications with this author (any part).")
@click.option(
    "--site",
    help=f"Only this site, any case: {', '.join(sites.names())} (or another the archive holds).",
)
@click.option(
    "--limit",
    default=20,
    show_default=True,
    type=click.IntRange(min=1),
    help="Show at most this many; the count of all matches is printed on stderr.",
)
@click.option("--json", "as_json", is_flag=True, help="Print results as a JSON array.")
@db_option
def search(
    words: tuple[str, ...],
    type_: str | None,
    since: str | None,
    until: str | None,
    author: str | None,
    site: str | None,
    limit: int,
    as_json: bool,
    db_path: Path,
) -> None:
    """Full-text search of titles, subtitles, summaries and bodies, best match first.

    Every word of QUERY must match; put a phrase in double quotes: 'sanctions "north
    korea"'. FTS5 syntax works: OR, NOT and NEAR(a b, 10) in capitals, sanc* for a
    prefix, title:korea (or subtitle:, summary:, body:) for one column, ^word for the
    first word. A word with a leading minus is left out: 'sanctions -russia'. Without
    QUERY, the filters alone select, newest first.
    """
    for word in words:
        if word.startswith("--"):  # what ignore_unknown_options let through as a word
            raise click.UsageError(f"No such option: {word.split('=')[0]}")
    db = open_archive(db_path)
    with user_errors():
        filters = {"type": type_, "since": since, "until": until, "author": author}
        filters["site"] = query.check_site(site, query.known_sites(db)) if site else None
        text = " ".join(words) or None
        results = query.search(db, text, limit=limit, highlight=(MATCH_START, MATCH_END), **filters)
        total = len(results) if len(results) < limit else query.count(db, text, **filters)
    if as_json:
        for result in results:
            if result["snippet"]:
                result["snippet"] = result["snippet"].replace(MATCH_START, "[")
                result["snippet"] = result["snippet"].replace(MATCH_END, "]")
        click.echo(export.json_text(results, indent=2))
    for result in [] if as_json else results:
        published, kind = result["published"] or "undated", one_line(result["type"] or "-")
        click.echo(f"{published:<10}  {kind}  {one_line(result['title'])}")
        people = "; ".join(result["authors"])
        byline = " · ".join(one_line(part) for part in (people, result["outlet"]) if part)
        if byline:
            click.echo(f"            {byline}")
        click.echo(f"            {one_line(result['url'])}")
        if result["snippet"]:
            # Bold marks the matched words on a terminal; click drops the codes when piped.
            snippet = one_line(result["snippet"]).replace(MATCH_START, BOLD)
            click.echo(f"            {snippet.replace(MATCH_END, PLAIN)}")
        click.echo()
    click.echo(count_line(len(results), total), err=True)


def count_line(shown: int, total: int) -> str:
    """What a search found, and whether --limit cut it."""
    if total == 0:
        return "No matches."
    if shown < total:
        return f"Showing {shown:,} of {total:,} matches; --limit {total} shows them all."
    return f"{total:,} match{'' if total == 1 else 'es'}."


# --- export ---------------------------------------------------------------------------

FORMATS = ("csv", "jsonl", "parquet")


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="csv",
    show_default=True,
    help="csv for spreadsheets, pandas and R; jsonl keeps JSON columns (authors_json, topics) "
    "as real arrays; parquet (pip install -e '.[parquet]') keeps types: Int64 year, dates, "
    "lists.",
)
@click.option(
    "--columns",
    metavar="A,B,...",
    help="Columns to export, in this order, or 'all'. Default: the publications_flat view's. "
    f"Others: {', '.join(export.EXTRA_COLUMNS)}.",
)
@click.option(
    "--where",
    metavar="SQL",
    help="Filter on any exportable column, e.g. \"year = 2018 and type = 'report'\".",
)
@click.option("--out", default="-", show_default=True, help="File to write ('-' for stdout).")
@db_option
@quiet_option
def export_command(
    fmt: str, columns: str | None, where: str | None, out: str, db_path: Path, quiet: bool
) -> None:
    """Export one row per publication for spreadsheets, pandas and R.

    Rows come from the publications_flat view. Authors come twice: "; "-joined in
    `authors`, and as a JSON array in `authors_json`.

    In CSV, a text value starting with =, +, -, @, tab or carriage return gets a single
    quote in front, so that a spreadsheet shows it instead of running it as a formula;
    JSON lines and Parquet keep every value as archived.

    The file is written whole or not at all: a failed export leaves an earlier file of
    that name as it was. The archive, its -wal/-shm files, other SQLite databases and
    WARC files are never written over. On a terminal, a progress line on stderr counts the
    rows written.
    """
    try:
        chosen = export.check_columns(columns)
    except query.QueryError as error:
        raise click.BadParameter(str(error), param_hint="'--columns'") from error
    if fmt == "parquet" and out == "-":
        raise click.UsageError("--format parquet writes a file: give --out FILE.")
    if fmt == "parquet" and not export.parquet_available():
        raise click.ClickException(
            "Parquet needs pyarrow. Install the parquet extra: pip install -e '.[parquet]'"
        )
    try:
        # Before the archive is opened: a wrong --out may name one of its files.
        target = None if out == "-" else outfile.check_target(Path(out), db_path)
    except outfile.OutputError as error:
        raise CommandNotStarted(f"Cannot export: {error}") from error
    db = open_archive(db_path)
    write = {"csv": export.write_csv, "jsonl": export.write_jsonl}.get(fmt, export.write_parquet)
    with user_errors():
        # Fail on a bad --where before an output file is touched.
        export.export_cursor(db, where, chosen)
        with progress_line("export", quiet, export.row_count(db, where)) as line:
            shown = line.advance if line else None
            if target is None:
                write(db, PrintableStream(sys.stdout), where, chosen, shown)
                return
            try:
                with outfile.replacing(target, binary=fmt == "parquet") as handle:
                    count = write(db, handle, where, chosen, shown)
            except outfile.OutputError as error:
                raise CommandNotStarted(f"Cannot export: {error}") from error
    if not quiet:
        click.echo(f"Wrote {count:,} publications to {out}", err=True)


cli.add_command(export_command, name="export")


# --- browse ---------------------------------------------------------------------------


def datasette_metadata(db_path: Path) -> dict[str, Any]:
    """The project's Datasette metadata, keyed by the name Datasette gives ``db_path``."""
    metadata = json.loads(METADATA_PATH.read_text(encoding="utf-8"))
    name = Path(db_path).stem
    databases = metadata.get("databases", {})
    if METADATA_DB_NAME in databases:
        databases[name] = databases.pop(METADATA_DB_NAME)
    dashboards = metadata.get("plugins", {}).get("datasette-dashboards", {})
    for dashboard in dashboards.values():
        for part in [*dashboard.get("charts", {}).values(), *dashboard.get("filters", {}).values()]:
            if part.get("db") == METADATA_DB_NAME:
                part["db"] = name
    return metadata


def datasette_command(
    db_path: Path, metadata_path: Path, port: int, host: str = DEFAULT_HOST
) -> list[str]:
    return [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        # an archive in a folder nobody can write to is read immutable (see open_read_only)
        *(["-i"] if needs_immutable(db_path) else []),
        str(db_path),
        "--metadata",
        str(metadata_path),
        "--host",
        host,
        "--port",
        str(port),
        # One researcher on their own machine: let whole-archive queries (co-authorship
        # pairs over every byline) and facets finish instead of Datasette's web defaults.
        "--setting",
        "sql_time_limit_ms",
        str(SQL_TIME_LIMIT_MS),
        "--setting",
        "facet_time_limit_ms",
        str(FACET_TIME_LIMIT_MS),
        # The dashboard's charts read a whole query's rows (one per month and type).
        "--setting",
        "max_returned_rows",
        str(MAX_RETURNED_ROWS),
    ]


class CouldNotStart(click.ClickException):
    """A server or an archive writer that could not start, with the README's "could not
    start" exit code."""

    exit_code = EXIT_NOT_STARTED


def exposure_warning(host: str) -> str | None:
    """What serving on ``host`` exposes, unless only this machine can reach it."""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: it may resolve to a public address
        loopback = False
    if loopback:
        return None
    return (
        f"Warning: --host {host} lets other machines reach this Datasette (0.0.0.0 means "
        "every network this machine is on). It has no login: anyone who reaches it can read "
        "the whole archive and run SQL on it."
    )


def server_url(host: str, port: int) -> str:
    """The address a browser opens for Datasette on ``host``:``port``."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def check_port_free(host: str, port: int) -> None:
    """Fail with a message naming ``port`` when Datasette could not listen there."""
    if port == 0:  # the system picks a free port
        return
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as error:
        raise CouldNotStart(f"Cannot serve on host {host!r}: {error.strerror}.") from error
    with socket.socket(family, kind, proto) as probe:
        # As Datasette's server binds: a port whose old connections linger is still free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise CouldNotStart(
                    f"Port {port} on {host} is already in use (another `thinkscrape browse` "
                    "or Datasette?). Choose another with --port, e.g. --port "
                    f"{port + 1 if port < 65535 else 8001}."
                ) from error
            raise CouldNotStart(f"Cannot serve on {host} port {port}: {error.strerror}.") from error


class _StopRequested(Exception):
    pass


def _request_stop(signum: int, frame: Any) -> None:
    raise _StopRequested(signum)


def run_until_stopped(command: list[str]) -> int | None:
    """Run ``command`` and wait for it; its exit code, or None when a signal stopped us.

    SIGINT, SIGTERM or SIGHUP sent to this process alone (a service manager, `kill`)
    stops the child too and waits for it, so no server outlives the command and the
    caller's clean-up runs.
    """
    stop_signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {signum: signal.signal(signum, _request_stop) for signum in stop_signals}
    child = None
    try:
        child = subprocess.Popen(command)
        return child.wait()
    except _StopRequested:
        for signum in stop_signals:
            signal.signal(signum, signal.SIG_IGN)  # a second Ctrl+C must not cut the wait
        if child is not None:
            child.terminate()
            try:
                child.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        return None
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@cli.command()
@db_option
@click.option(
    "--host",
    default=DEFAULT_HOST,
    show_default=True,
    help="Address to listen on; 0.0.0.0 opens the archive to other machines.",
)
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
def browse(db_path: Path, host: str, port: int) -> None:
    """Explore the archive in Datasette (facets, full-text search, ready-made queries)."""
    if importlib.util.find_spec("datasette") is None:
        raise click.ClickException(
            "Datasette is not installed. Install the datasette extra: pip install -e '.[datasette]'"
        )
    open_archive(db_path)  # a clear message if the archive is missing
    check_port_free(host, port)
    warning = exposure_warning(host)
    if warning:
        click.echo(warning, err=True)
    with tempfile.TemporaryDirectory(prefix="thinkscrape-") as tmp:
        metadata_path = Path(tmp) / "metadata.json"
        metadata_path.write_text(json.dumps(datasette_metadata(db_path)), encoding="utf-8")
        click.echo(f"Serving {db_path} with Datasette (Ctrl+C to stop)", err=True)
        if importlib.util.find_spec("datasette_dashboards") is None:
            click.echo(
                "No charts: datasette-dashboards is not installed (pip install -e '.[datasette]')",
                err=True,
            )
        elif port:
            click.echo(f"Charts: {server_url(host, port)}{DASHBOARD_PATH}", err=True)
        returncode = run_until_stopped(datasette_command(db_path, metadata_path, port, host))
    if returncode == EXIT_NOT_STARTED:  # the port was taken in the meantime, say
        raise CouldNotStart(f"Datasette could not start on {host} port {port}; see above.")
    if returncode not in (None, 0):
        raise click.ClickException(f"Datasette stopped unexpectedly (exit code {returncode}).")


# `thinkscrape crawl NAME`: the locked, exit-coded crawl for cron (see thinkscrape.runner)
cli.add_command(unattended_crawl_command, name="crawl")


# --- reading one page -------------------------------------------------------------------


class BadPage(click.ClickException):
    """A page ``thinkscrape extract`` cannot read, in one line, with its exit code."""

    exit_code = extract_command.EXIT_BAD_INPUT


@cli.command("extract")
@click.argument("page", type=click.Path(path_type=Path))
@click.option("--url", required=True, help="The page's URL (the record's URL in a WARC file).")
@click.option("--site", "site_name", help="The site whose rules read it (default: by URL host).")
@click.option("--listing", "as_listing", is_flag=True, help="Read it as a listing page.")
def extract_page(page: Path, url: str, site_name: str | None, as_listing: bool) -> None:
    """Print as JSON what the archive would store for one saved page: an HTML file, or the
    response record for URL in a .warc/.warc.gz file. Reads the local file only. With
    --listing: the cards, pages and publication links a crawl finds on it.

    Exit codes: 0 read, 1 read but not archived (no title), 2 bad input.
    """
    try:
        site = extract_command.site_for(url, site_name)
        saved = extract_command.read_page(page, url, site)
    except extract_command.BadInput as error:
        raise BadPage(str(error)) from None
    if as_listing:
        listing = extract_command.listing(saved, url, site)
        click.echo(json.dumps(listing, ensure_ascii=False, indent=2))
        return
    stored, dropped = extract_command.extract(saved, url, site)
    click.echo(json.dumps(stored, ensure_ascii=False, indent=2))
    if dropped:
        click.echo(f"not archived: {dropped}", err=True)
        sys.exit(extract_command.EXIT_DROPPED)
