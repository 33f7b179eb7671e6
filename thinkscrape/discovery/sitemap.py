"""XML sitemaps and sitemap indexes (sitemaps.org), plain or gzipped, as Yoast and others
write them. Scrapy's own reader parses them (no entity expansion, sizes bounded)."""

from __future__ import annotations

from urllib.parse import urlsplit

from lxml import etree
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from thinkscrape.discovery import Entry, Found, iso_stamp

# A sitemap is at most 50 MB uncompressed (sitemaps.org); a larger gzip body is refused.
MAX_SIZE = 50 * 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"


def read_sitemap(body: bytes) -> Found:
    """The pages of a ``<urlset>`` or the sitemaps of a ``<sitemapindex>``; a ``<urlset>``
    entry that is itself an XML sitemap file is a child sitemap too."""
    if body[:2] == GZIP_MAGIC:
        # a .xml.gz served as a file: Scrapy only decodes a gzip Content-Encoding itself
        try:
            body = gunzip(body, max_size=MAX_SIZE)
        except (OSError, EOFError, ValueError):  # corrupt, truncated or over the size
            return Found(problem="bad_gzip")
    if not body.strip():
        return Found(problem="empty")
    try:
        sitemap = Sitemap(body)
    except (etree.XMLSyntaxError, StopIteration, ValueError):
        return Found(problem="not_xml")
    if sitemap.type not in ("urlset", "sitemapindex"):
        # an HTML page (a soft 404, a login wall) or some other XML
        return Found(problem="not_a_sitemap")
    entries, skipped = [], []
    for element in sitemap:
        lastmod = element.get("lastmod")
        modified = iso_stamp(lastmod)
        if lastmod and modified is None:
            skipped.append("bad_lastmod")  # the entry is kept, without its date
        entries.append(Entry(url=element["loc"].strip(), modified=modified))
    if sitemap.type == "sitemapindex":
        return Found(sitemaps=tuple(entries), skipped=tuple(skipped))
    # Some sites write their index as a <urlset> whose <loc>s are the child sitemaps
    # (".../staff-index.xml"): an entry that is a sitemap file is one to read, not a page.
    children = tuple(entry for entry in entries if _is_sitemap_file(entry.url))
    pages = tuple(entry for entry in entries if not _is_sitemap_file(entry.url))
    return Found(entries=pages, sitemaps=children, skipped=tuple(skipped))


def _is_sitemap_file(url: str) -> bool:
    path = urlsplit(url).path.lower()
    return path.endswith((".xml", ".xml.gz"))


def sitemaps_in_robots(body: bytes, base_url: str) -> list[str]:
    """The ``Sitemap:`` lines of a robots.txt, as absolute URLs."""
    return list(sitemap_urls_from_robots(body, base_url=base_url))
