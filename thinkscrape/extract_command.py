"""What the archive would store for one saved page: the work of ``thinkscrape extract``.

A page is a local HTML file or one response record of a WARC file. It is extracted with a
site's rules (the registered site serving the URL's host, or the one named) or the generic
ones, then normalised as the pipelines normalise a crawled page. Nothing is fetched and
nothing is written.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from w3lib.encoding import html_to_unicode
from warcio.archiveiterator import ArchiveIterator

from thinkscrape import sites
from thinkscrape.archive.store import CONTENT_COLUMNS, LINK_FIELDS
from thinkscrape.extract.common import PARSE_TRUNCATED
from thinkscrape.items import FEED_AUTHOR_FIELDS, Publication
from thinkscrape.normalize import stages
from thinkscrape.site import Site
from thinkscrape.warc.replay import WARC_SUFFIXES, WarcIndex

# Exit codes of ``thinkscrape extract`` (README, "Reading one page").
EXIT_OK = 0
EXIT_DROPPED = 1  # read, but the archive would not store it (no title)
EXIT_BAD_INPUT = 2  # no such file or record, not HTML, an unknown site, a URL that is no URL

# How far into a file the start of an HTML document is looked for.
_SNIFF_BYTES = 4096
_HTML_START_RE = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|meta|title)\b", re.I)


class BadInput(ValueError):
    """What is wrong with the command's input, in one line."""


@dataclass(frozen=True)
class SavedPage:
    html: str
    fetched_at: str  # ISO 8601 UTC: the record's WARC-Date, or the file's modification time


def generic_site(url: str) -> Site:
    """A site of no site file: the page's own host, the general article page, no URL rules."""
    parts = urlsplit(url)
    return Site(
        name="generic",
        title=parts.hostname or "",
        home=f"{parts.scheme}://{parts.netloc}",
        hosts=(parts.hostname or "",),
        publications=(),
        discovery=(),
        # A numeric date is read day first, as most of the world writes it; a site file
        # declares its own order.
        date_order="DMY",
        languages=("en",),
    )


def site_for(url: str, name: str | None = None) -> Site:
    """The site named, else the registered site serving the URL's host, else the generic one."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadInput(f"--url must be an absolute http(s) URL, not {url!r}")
    if name is not None:
        try:
            return sites.get(name)
        except sites.UnknownSite as error:
            raise BadInput(str(error)) from None
    for site in sites.all_sites().values():
        if site.canonical_url(url) is not None:
            return site
    return generic_site(url)


def read_page(path: Path, url: str, site: Site) -> SavedPage:
    """The page saved at ``path``: an HTML file, or the response record for ``url`` in a
    WARC file (``.warc`` or ``.warc.gz``)."""
    if not path.exists():
        raise BadInput(f"no such file: {path}")
    if not path.is_file():
        raise BadInput(f"not a file: {path}")
    if path.name.endswith(WARC_SUFFIXES):
        return _read_record(path, url, site)
    body = path.read_bytes()
    _check_html(body, None, path)
    modified = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    return SavedPage(_decoded(body, None), modified.isoformat(timespec="seconds"))


def _read_record(path: Path, url: str, site: Site) -> SavedPage:
    # The site's home and hosts let a record fetched from a mirror be found by its site URL.
    index = WarcIndex(path, home=site.home, site_hosts=site.hosts)
    if index.damaged and not index.entries():
        raise BadInput(f"not a WARC file: {path}")
    entry = index.lookup(url)
    if entry is None:
        raise BadInput(f"no response record for {url} in {path}")
    with open(entry.path, "rb") as stream:
        stream.seek(entry.offset)
        record = next(iter(ArchiveIterator(stream)))
        content_type = record.http_headers.get_header("Content-Type")
        body = record.content_stream().read()  # chunking and content encoding undone
    _check_html(body, content_type, path)
    return SavedPage(_decoded(body, content_type), entry.fetched_at)


def _check_html(body: bytes, content_type: str | None, path: Path) -> None:
    if content_type is not None and "html" not in content_type.lower():
        raise BadInput(f"not an HTML page: {path} holds {content_type.split(';')[0]}")
    start = body[:_SNIFF_BYTES]
    if b"\x00" in start or not _HTML_START_RE.search(start):
        raise BadInput(f"not an HTML page: {path}")


def _decoded(body: bytes, content_type: str | None) -> str:
    # The encoding a crawl's response would be read with: the header, the page's own
    # declaration, then a guess.
    return html_to_unicode(content_type, body)[1]


def extract(page: SavedPage, url: str, site: Site) -> tuple[dict[str, Any], str | None]:
    """What the archive would store for the page, and why it would not store it (or None).

    The keys are the archive's own column names; ``authors`` and ``links`` hold the rows of
    ``publication_authors`` (with the author's name) and ``links``; ``raw`` is the raw half
    as stored, ``sources`` where extraction found each raw field.
    """
    fields = site.extract_article(_site_url(url, site), page.html)
    fields.pop(PARSE_TRUNCATED, None)
    publication = Publication(**fields, fetched_at=page.fetched_at)
    reference = stages.reference_time(publication.fetched_at)
    for result in stages.normalize_all(publication.raw(), site=site, reference=reference).values():
        stages.apply(publication, result)

    stored: dict[str, Any] = {"url": publication.url, "site": publication.site}
    stored.update({column: getattr(publication, column) for column in CONTENT_COLUMNS})
    stored["authors"] = [
        {name: author.get(name) for name in FEED_AUTHOR_FIELDS} for author in publication.authors
    ]
    stored["links"] = [{name: link.get(name) for name in LINK_FIELDS} for link in publication.links]
    stored["provenance"] = publication.provenance
    stored["fetched_at"] = publication.fetched_at
    stored["raw"] = publication.raw()
    stored["sources"] = publication.sources
    dropped = None if (publication.title or "").strip() else "no title on the page"
    return stored, dropped


def listing(page: SavedPage, url: str, site: Site) -> dict[str, Any]:
    """The page read as one of the site's listing pages: its cards, its pagination, every
    publication link and its "Showing X-Y of N" (what the spider follows from it)."""
    found = site.extract_listing(_site_url(url, site), page.html)
    found.pop(PARSE_TRUNCATED, None)
    return found


def _site_url(url: str, site: Site) -> str:
    # A URL on none of the site's hosts, read with its rules by name, is on a mirror of it.
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
    return site.canonical_url(url) or site.canonical_url(url, mirror_origin=origin) or url
