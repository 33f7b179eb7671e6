"""Extraction accuracy: title, date and authors of real pages, beside other extractors.

Reads the evaluation pages of the shared data folder (``eval-pages``: 210 real pages with
checked title, day of publication and authors, scored by the rules of its README) and the
saved think-tank pages (``real-pages``, scored against the expectations in
``benchmarks/real_pages_expected.json``, written by reading each page). Every extractor reads
the same decoded pages in the same run:

- ``thinkscrape``: the project's extraction as the archive would see it. A page of a host a
  spider declares goes through that site's extractor and the people normaliser; any other
  through the general article page (``thinkscrape.pages.article``). The date is
  the project's date normaliser applied to the raw date text.
- ``trafilatura`` (its metadata extraction), ``htmldate`` (date only) and ``newspaper4k``,
  each when installed (``pip install -e '.[eval]'``); a missing one is named, not fatal.

Printed: per collection and extractor, the share of pages whose title, date and authors are
right, and milliseconds per page (wall time of the extraction call, page already decoded).

Run: ``python -m benchmarks.accuracy [--misses EXTRACTOR]``. The shared folder is
``$THINKSCRAPE_SHARED``, by default ``../shared`` beside the checkout; without it the
command says so and exits 0.
"""

from __future__ import annotations

import argparse
import gzip
import html as html_entities
import json
import os
import re
import sys
import time
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
REAL_PAGES_EXPECTED = Path(__file__).resolve().parent / "real_pages_expected.json"
# The day the pages are read "as of": every page was saved before it, and relative dates
# ("2 days ago") have no meaning for a saved page anyway.
REFERENCE = datetime(2026, 12, 1, tzinfo=UTC)
PEERS = ("trafilatura", "htmldate", "newspaper4k")
FIELDS = ("title", "date", "authors")


def shared_folder() -> Path:
    """The shared data folder: ``$THINKSCRAPE_SHARED``, else ``../shared`` beside the repo."""
    configured = os.environ.get("THINKSCRAPE_SHARED")
    return Path(configured) if configured else REPO_ROOT.parent / "shared"


# --- pages -----------------------------------------------------------------------------------
@dataclass
class Page:
    """One page and what a correct extraction gives for it."""

    id: str
    url: str
    html: str
    title: str
    title_alt: str | None
    date: str
    date_alt: list[str]
    authors: list[str] | None  # None: authors are not scored on this page


_CHARSET = re.compile(rb"""charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)


def decode(data: bytes) -> str:
    """A page's text as the eval set's README says to read it: UTF-8, else the charset the
    first 4,000 bytes declare, else cp1252."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    declared = _CHARSET.search(data[:4000])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return data.decode("cp1252", errors="replace")


def eval_pages(folder: Path) -> list[Page]:
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    pages = []
    for record in gold["pages"]:
        data = gzip.decompress((folder / record["file"]).read_bytes())
        pages.append(
            Page(
                record["id"],
                record["url"],
                decode(data),
                record["title"],
                record.get("title_alt"),
                record["date"],
                list(record.get("date_alt") or []),
                record.get("authors"),
            )
        )
    return pages


def real_pages(folder: Path) -> list[Page]:
    """The saved pages that are articles, with the expectations recorded for them."""
    expected = json.loads(REAL_PAGES_EXPECTED.read_text(encoding="utf-8"))["pages"]
    pages = []
    for name, record in expected.items():
        page = folder / f"{name}.html"
        sidecar = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
        pages.append(
            Page(
                name,
                sidecar["url"].split(" ")[0],
                decode(page.read_bytes()),
                record["title"],
                record.get("title_alt"),
                record["date"],
                list(record.get("date_alt") or []),
                record.get("authors"),
            )
        )
    return pages


# --- scoring (the eval set's README, word for word) -------------------------------------------
def norm_title(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return re.sub(r"[\W_]+", "", text)


def norm_name(name: str | None) -> str:
    text = unicodedata.normalize("NFKD", html_entities.unescape(name or "").casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[\W_]+", " ", text).strip()
    text = re.sub(r"^(?:(?:by|von|par|por|dr|prof|mr|mrs|ms|sir|frau|herr)\s+)+", "", text)
    return re.sub(r"(?:\s+(?:phd|md|jr|sr|ii|iii|mba|llm))+$", "", text).strip()


@dataclass
class Extracted:
    """What an extractor found: a title, an ISO day, author names (None: not attempted)."""

    title: str | None = None
    date: str | None = None
    authors: list[str] | None = None


def title_right(page: Page, found: Extracted) -> bool:
    got = norm_title(found.title)
    return bool(got) and got in {norm_title(page.title), norm_title(page.title_alt)}


def date_right(page: Page, found: Extracted) -> bool:
    return bool(found.date) and found.date[:10] in {page.date, *page.date_alt}


def authors_right(page: Page, found: Extracted) -> bool:
    expected = {norm_name(name) for name in page.authors or []}
    return {norm_name(name) for name in found.authors or []} - {""} == expected


# --- extractors ------------------------------------------------------------------------------
Extractor = Callable[[str, str], Extracted]


@cache
def _site_extractors() -> list[tuple[tuple[str, ...], Callable[[str, str], dict[str, Any]]]]:
    """(hosts, extract_article) of every spider of the project that declares its hosts."""
    from scrapy.spiderloader import SpiderLoader
    from scrapy.utils.project import get_project_settings

    loader = SpiderLoader.from_settings(get_project_settings())
    found = []
    for name in loader.list():
        spider_class = loader.load(name)
        hosts = tuple(getattr(spider_class, "site_hosts", ()) or ())
        if hosts:
            # an instance with default arguments: extract_article reads only (url, html)
            found.append((hosts, spider_class().extract_article))
    return found


def _date_conventions(language: str | None) -> tuple[str, tuple[str, ...]]:
    """Date order and languages for a page that has no site file: its declared language
    (else every language the generic layer reads dates in), day-first unless it is
    American English."""
    from thinkscrape.pages.visible import DATE_LANGUAGES

    code = (language or "").replace("_", "-").lower()
    primary = code.split("-")[0]
    if not primary:
        return "DMY", DATE_LANGUAGES
    languages = (primary,) if primary == "en" else (primary, "en")
    return ("MDY" if code in ("en", "en-us") else "DMY"), languages


def _not_names(host: str) -> tuple[str, ...]:
    """The words naming no person on the registered site serving ``host``; none elsewhere."""
    from thinkscrape import sites

    site = next((site for site in sites.all_sites().values() if host in site.hosts), None)
    return site.not_names if site else ()


def _iso_day(raw: str | None, language: str | None) -> str | None:
    order, languages = _date_conventions(language)
    return _iso_day_with(raw, order, languages)


def _iso_day_with(raw: str | None, order: str, languages: tuple[str, ...]) -> str | None:
    from thinkscrape.normalize.dates import parse_date

    try:
        parsed = parse_date(raw, reference=REFERENCE, date_order=order, languages=languages)
    except ValueError:  # a language dateparser does not know
        parsed = parse_date(raw, reference=REFERENCE, date_order=order, languages=("en",))
    return parsed.iso if parsed and parsed.precision == "day" else None


def warm_normalisers() -> None:
    """Load what the normalisers load once per process: dateparser's data for every language
    set the adapter may ask for, nameparser's vocabulary. A crawl pays this once, not per
    page. The strings parsed are none of a page's, so no page's answer is remembered."""
    from thinkscrape.normalize.people import clean_name
    from thinkscrape.pages.visible import DATE_LANGUAGES

    sets = {DATE_LANGUAGES, *((language, "en") for language in DATE_LANGUAGES if language != "en")}
    for order, languages in [("MDY", ("en",)), ("DMY", ("en",)), *(("DMY", s) for s in sets)]:
        _iso_day_with("1 Januarius 1999", order, languages)
    clean_name("Jane Q. Example")


def thinkscrape_extractor(url: str, html: str) -> Extracted:
    from thinkscrape.normalize.stages import normalize_people
    from thinkscrape.pages.article import ArticlePage

    host = urlsplit(url).hostname or ""
    started = time.perf_counter()
    site_extract = next((extract for hosts, extract in _site_extractors() if host in hosts), None)
    if site_extract is not None:
        raw = site_extract(url, html)
        title, published, language = raw.get("title"), raw.get("published_raw"), "en"
    else:
        page = ArticlePage(None, url, html)
        found = page.metadata()
        title, published, language = found["title"], found["published_raw"], found["language"]
        # The authors go through the people normaliser as the raw half gives them.
        raw = {"byline_raw": page.byline_raw()[0], "contributors": page.contributors()[0]}
    extracted = time.perf_counter()
    people = normalize_people(raw, not_names=_not_names(host)).fields["authors"]
    result = Extracted(title, _iso_day(published, language), [p["name"] for p in people])
    THINKSCRAPE_SECONDS["extraction"] += extracted - started
    THINKSCRAPE_SECONDS["normalisation"] += time.perf_counter() - extracted
    return result


# Where the project's time per page goes: extraction (pure, per page) and the normalisers
# (dates through dateparser, names through nameparser), which a crawl's pipelines run.
THINKSCRAPE_SECONDS = {"extraction": 0.0, "normalisation": 0.0}


def _trafilatura() -> Extractor:
    from trafilatura import extract_metadata

    def extract(url: str, html: str) -> Extracted:
        document = extract_metadata(html, default_url=url)
        if document is None:
            return Extracted(authors=[])
        authors = [name.strip() for name in (document.author or "").split(";") if name.strip()]
        return Extracted(document.title, document.date, authors)

    return extract


def _htmldate() -> Extractor:
    from htmldate import find_date

    def extract(url: str, html: str) -> Extracted:
        return Extracted(date=find_date(html, url=url, original_date=True))

    return extract


def _newspaper4k() -> Extractor:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its optional NLP extra, unused here
        from newspaper import Article

    def extract(url: str, html: str) -> Extracted:
        article = Article(url, fetch_images=False)
        article.download(input_html=html)
        article.parse()
        published = article.publish_date
        day = published.date().isoformat() if isinstance(published, datetime) else None
        if isinstance(published, date) and day is None:
            day = published.isoformat()
        return Extracted(article.title, day, list(article.authors))

    return extract


_PEER_LOADERS: dict[str, Callable[[], Extractor]] = {
    "trafilatura": _trafilatura,
    "htmldate": _htmldate,
    "newspaper4k": _newspaper4k,
}


def extractors() -> tuple[dict[str, Extractor], dict[str, str]]:
    """({name: extractor}, {missing peer: why}): ours first, then every peer that imports."""
    found: dict[str, Extractor] = {"thinkscrape": thinkscrape_extractor}
    missing: dict[str, str] = {}
    for name, load in _PEER_LOADERS.items():
        try:
            found[name] = load()
        except ImportError as error:
            missing[name] = f"not installed ({error.name or error})"
    return found, missing


# --- running ---------------------------------------------------------------------------------
@dataclass
class Score:
    """One extractor on one collection."""

    pages: int = 0
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    scored: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    seconds: float = 0.0
    errors: int = 0
    misses: list[tuple[str, str, str, str]] = field(default_factory=list)

    def share(self, name: str) -> float | None:
        return self.right[name] / self.scored[name] if self.scored[name] else None


def score(pages: list[Page], extractors: dict[str, Extractor]) -> dict[str, Score]:
    """Every extractor on every page. The extractors take turns page by page, so a change in
    the machine's load during the run weighs on all of them alike."""
    results = {name: Score() for name in extractors}
    for page in pages:
        for name, extract in extractors.items():
            _score_page(page, extract, _fields_of(name), results[name])
    return results


def _score_page(page: Page, extract: Extractor, fields: tuple[str, ...], result: Score) -> None:
    started = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = extract(page.url, page.html)
    except Exception as error:  # a peer's crash on one page is that page's miss
        found = Extracted()
        result.errors += 1
        result.misses.append((page.id, "error", f"{type(error).__name__}: {error}", ""))
    result.seconds += time.perf_counter() - started
    result.pages += 1
    checks = {
        "title": (title_right, found.title, page.title),
        "date": (date_right, found.date, page.date),
        "authors": (authors_right, found.authors, page.authors),
    }
    for name in fields:
        if name == "authors" and page.authors is None:
            continue
        right, got, expected = checks[name]
        result.scored[name] += 1
        if right(page, found):
            result.right[name] += 1
        else:
            result.misses.append((page.id, name, repr(got), repr(expected)))


def _fields_of(name: str) -> tuple[str, ...]:
    return ("date",) if name == "htmldate" else FIELDS


def table(collection: str, count: int, scores: dict[str, Score]) -> str:
    lines = [
        f"{collection} ({count} pages)",
        f"| {'extractor':<12} | {'title':>6} | {'date':>6} | {'authors':>7} | {'ms/page':>7} |",
        f"|{'-' * 14}|{'-' * 8}|{'-' * 8}|{'-' * 9}|{'-' * 9}|",
    ]
    for name, result in scores.items():
        cells = []
        for field_name, width in zip(FIELDS, (6, 6, 7), strict=True):
            share = result.share(field_name)
            cells.append(f"{share:.1%}".rjust(width) if share is not None else "-".rjust(width))
        ms = 1000 * result.seconds / max(result.pages, 1)
        lines.append(f"| {name:<12} | {' | '.join(cells)} | {ms:7.1f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.accuracy", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--misses", metavar="EXTRACTOR", help="also list that extractor's wrong fields per page"
    )
    args = parser.parse_args(argv)
    shared = shared_folder()
    collections = {"eval-pages": shared / "eval-pages", "real-pages": shared / "real-pages"}
    present = {name: path for name, path in collections.items() if path.is_dir()}
    if not present:
        print(
            f"skipped: no shared data folder at {shared} (set THINKSCRAPE_SHARED to the folder "
            "holding eval-pages/ and real-pages/)"
        )
        return 0
    for name in collections.keys() - present.keys():
        print(f"skipped {name}: {collections[name]} is absent")
    found, missing = extractors()
    for name, why in missing.items():
        print(f"peer {name} {why}: pip install -e '.[eval]'")
    readers = {"eval-pages": eval_pages, "real-pages": real_pages}
    for collection, path in present.items():
        pages = readers[collection](path)
        # Each extractor's one-time start-up (imports, data files) is not a page's cost.
        warm_normalisers()
        for extract in found.values():
            try:
                extract(pages[0].url, pages[0].html)
            except Exception:
                pass
        THINKSCRAPE_SECONDS.update(extraction=0.0, normalisation=0.0)
        scores = score(pages, found)
        print()
        print(table(collection, len(pages), scores))
        print(
            "thinkscrape's ms/page: extraction "
            f"{1000 * THINKSCRAPE_SECONDS['extraction'] / len(pages):.1f}, normalisers "
            f"{1000 * THINKSCRAPE_SECONDS['normalisation'] / len(pages):.1f}"
        )
        for name, result in scores.items():
            if result.errors:
                print(f"{name} raised on {result.errors} page(s): --misses {name} lists them")
        if args.misses in scores:
            print(f"\nmisses of {args.misses} on {collection}:")
            for page_id, field_name, got, expected in scores[args.misses].misses:
                print(f"  {page_id} {field_name}: got {got}, expected {expected}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
