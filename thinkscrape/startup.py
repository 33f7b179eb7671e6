"""What a crawl checks before it starts, under ``thinkscrape crawl`` and ``scrapy crawl``.

Each mistake an operator can make on the command line (a spider name, a ``-a`` argument, a
``-s`` value, the archive's path, the log file's folder) is found here, before the lock is
taken or the archive opened, and reported as one `CannotStart` message that says what to
fix. A crawl that starts anyway with a bad value would fail later with a traceback in the
log, or, worse, crawl something other than what was asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from thinkscrape.spiders.arguments import SpiderArgumentError

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

# The first bytes of every SQLite database file (an empty file is a new database).
SQLITE_HEADER = b"SQLite format 3\x00"


class CannotStart(Exception):
    """A crawl that must not start; the message says why and what to fix."""


class RedisUnreachable(CannotStart):
    """The Redis of a shared crawl (``THINKSCRAPE_REDIS_URL``) does not answer: no usage
    mistake, the crawl could not start (exit 3 under ``scrapy crawl`` too)."""


def check_crawl(settings: BaseSettings, spider_name: str, arguments: Mapping[str, Any]) -> type:
    """Check everything a crawl of ``spider_name`` needs before it starts; its spider class.

    Creates the log file's folder when it is missing, so that the crawl can log at all.
    """
    spider_class = find_spider(settings, spider_name)
    check_spider_arguments(spider_class, arguments)
    check_settings(settings)
    check_archive_path(settings.get("THINKSCRAPE_DB") or "")
    check_redis(settings)
    prepare_log_file(settings)
    return spider_class


def find_spider(settings: BaseSettings, spider_name: str) -> type:
    from scrapy.spiderloader import get_spider_loader

    loader = get_spider_loader(settings)
    try:
        return loader.load(spider_name)
    except KeyError:
        available = ", ".join(sorted(loader.list())) or "none"
        raise CannotStart(f"Unknown spider {spider_name!r}; available: {available}.") from None


def check_spider_arguments(spider_class: type, arguments: Mapping[str, Any]) -> None:
    """Read the arguments as the spider will; `CannotStart` if it refuses them."""
    try:
        # The spider's own __init__ is the one reader of its arguments; making one here
        # costs nothing (it opens no file and sends no request).
        spider_class(**arguments)
    except SpiderArgumentError as error:
        raise CannotStart(str(error)) from None


def check_settings(settings: BaseSettings) -> None:
    """The thinkscrape settings with a number or a mapping for a value."""
    _number(settings, "THINKSCRAPE_MAX_ERRORS", whole=True)
    _number(settings, "THINKSCRAPE_RETRY_AFTER_MAX", whole=False)
    _number(settings, "THINKSCRAPE_WARC_MAX_SIZE", whole=False)
    _number(settings, "THINKSCRAPE_MISSING_RETRIES", whole=True)
    _number(settings, "THINKSCRAPE_MAX_LISTING_PAGES", whole=True)
    _number(settings, "THINKSCRAPE_MAX_EMPTY_LISTING_PAGES", whole=True)
    try:
        floors = settings.getdict("THINKSCRAPE_COVERAGE_FLOORS")
        for field, floor in floors.items():
            if not 0 <= float(floor) <= 1:
                raise ValueError(f"{field}: {floor}")
    except (ValueError, TypeError) as error:
        raise CannotStart(
            "THINKSCRAPE_COVERAGE_FLOORS must be JSON mapping fields to shares between 0 and 1, "
            f'such as {{"authors": 0.8}} ({error})'
        ) from None


def _number(settings: BaseSettings, name: str, *, whole: bool) -> None:
    value = settings.get(name)
    try:
        number = int(str(value).strip()) if whole else float(str(value).strip())
    except ValueError:
        number = -1
    if number < 0:
        kind = "a whole number" if whole else "a number"
        raise CannotStart(f"{name} must be {kind} of 0 or more, got {value!r}.")


def check_redis(settings: BaseSettings) -> None:
    """A shared crawl's Redis answers; nothing is checked (nor imported) without one."""
    url = (settings.get("THINKSCRAPE_REDIS_URL") or "").strip()
    if not url:
        return
    from thinkscrape.distributed.worker import RedisUnavailable, connect

    try:
        connect(url).close()
    except RedisUnavailable as error:
        raise RedisUnreachable(
            f"{error}: the shared frontier (THINKSCRAPE_REDIS_URL) lives there. Start Redis "
            "(redis-server) or correct the URL; nothing was fetched."
        ) from None


def check_archive_path(db_path: str) -> None:
    """The archive is a SQLite file, or nothing yet: never a folder or another kind of file."""
    if not db_path or db_path == ":memory:":
        return
    path = Path(db_path)
    if path.is_dir():
        raise CannotStart(f"The archive {path} is a folder; --db takes the archive's file.")
    if not path.exists():
        return
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise CannotStart(f"The archive {path} cannot be read: {error.strerror}.") from None
    if header and header != SQLITE_HEADER:
        raise CannotStart(
            f"{path} is not a SQLite database, so not a thinkscrape archive; "
            "--db takes the archive's file (or a new file name to start one)."
        )


def prepare_log_file(settings: BaseSettings) -> None:
    """Create the folder of ``LOG_FILE`` if it is missing, as the archive's folder is.

    ``LOG_FILE=-`` means stderr (Scrapy's own default, which ``thinkscrape crawl`` replaces
    with a file).
    """
    log_file = settings.get("LOG_FILE")
    if log_file == "-":
        settings.set("LOG_FILE", None, priority=settings.getpriority("LOG_FILE") or "cmdline")
        return
    if not log_file:
        return
    path = Path(log_file)
    if path.is_dir():
        raise CannotStart(f"LOG_FILE {path} is a folder; give the log file's name.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CannotStart(
            f"LOG_FILE's folder {path.parent} cannot be created: {error.strerror}."
        ) from None
