"""The offline mirror answers a query string that changes the page with that page's own file
(``reports/index.html@page=2`` for ``/reports?page=2``), and any other query as before: with
the page of the path alone."""

from __future__ import annotations

import http.client
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from thinkscrape.mirror import mirror_file_name, resolve_mirror_path, serve_mirror


def fetch(base_url: str, path: str) -> tuple[int, str, bytes]:
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        connection.close()


@pytest.fixture
def paged_mirror(tmp_path: Path) -> Path:
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "index.html").write_text("<p>page 1</p>", encoding="utf-8")
    (tmp_path / "reports" / "index.html@page=2").write_text("<p>page 2</p>", encoding="utf-8")
    (tmp_path / "sitemap.xml").write_text("<urlset/>", encoding="utf-8")
    (tmp_path / "sitemap.xml@page=1").write_text("<urlset>1</urlset>", encoding="utf-8")
    (tmp_path / "index.html").write_text("<p>home</p>", encoding="utf-8")
    (tmp_path / "index.html@p=42").write_text("<p>post 42</p>", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/reports", "<p>page 1</p>"),
        ("/reports?page=2", "<p>page 2</p>"),
        ("/reports/?page=2", "<p>page 2</p>"),
        # a parameter with no file of its own changes nothing, before or after one that has
        ("/reports?page=2&utm_source=mail", "<p>page 2</p>"),
        ("/reports?utm_campaign=x&page=2", "<p>page 2</p>"),
        ("/reports?area=defense", "<p>page 1</p>"),
        ("/reports?page=3", "<p>page 1</p>"),
        ("/?p=42", "<p>post 42</p>"),
        ("/?s=korea", "<p>home</p>"),
    ],
)
def test_a_query_with_a_file_of_its_own_is_that_page(
    paged_mirror: Path, path: str, body: str
) -> None:
    with serve_mirror(paged_mirror) as mirror:
        status, content_type, got = fetch(mirror.base_url, path)
    assert (status, got.decode("utf-8")) == (200, body)
    assert content_type == "text/html; charset=utf-8"


def test_a_sitemap_page_keeps_the_sitemaps_content_type(paged_mirror: Path) -> None:
    with serve_mirror(paged_mirror) as mirror:
        status, content_type, body = fetch(mirror.base_url, "/sitemap.xml?page=1")
    assert (status, body) == (200, b"<urlset>1</urlset>")
    assert content_type in ("application/xml", "text/xml; charset=utf-8")


def test_resolve_mirror_path_with_queries(paged_mirror: Path) -> None:
    assert resolve_mirror_path(paged_mirror, "/reports?page=2") == (
        paged_mirror / "reports" / "index.html@page=2"
    )
    assert resolve_mirror_path(paged_mirror, "/nope?page=2") is None
    # a query never climbs out of its folder
    assert resolve_mirror_path(paged_mirror, "/reports?page=/../../x") == (
        paged_mirror / "reports" / "index.html"
    )


@pytest.mark.parametrize(
    ("url_path", "file_name"),
    [
        ("/reports", "reports/index.html"),
        ("/reports/?page=2", "reports/index.html@page=2"),
        ("/articles/page/2/", "articles/page/2/index.html"),
        ("/sitemap.xml?page=1", "sitemap.xml@page=1"),
        ("/feed/", "feed/index.html"),
    ],
)
def test_mirror_file_name(url_path: str, file_name: str) -> None:
    assert mirror_file_name(url_path) == file_name
