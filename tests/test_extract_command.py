"""``thinkscrape extract PAGE --url URL``: what the archive would store for one saved page."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from crawling import CNAS_CAPTURE as SAMPLE_WARC
from crawling import MIRRORS

from thinkscrape.cli import cli
from thinkscrape.extract_command import EXIT_BAD_INPUT, EXIT_DROPPED

SAMPLE = MIRRORS / "cnas"
# A commentary whose body ends "Read the full article in CNN Opinion.", linked.
PATH = (
    "publications/commentary/"
    "trump-has-three-options-with-north-korea-to-avoid-a-dangerous-perfect-storm-in-asia"
)
URL = f"https://www.cnas.org/{PATH}"
PAGE = SAMPLE / PATH / "index.html"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["extract", *args])
    return result.exit_code, result.stdout, result.stderr


def test_a_saved_page_gives_the_archives_columns_with_raw_and_sources() -> None:
    code, out, err = run(str(PAGE), "--url", URL)
    assert (code, err) == (0, "")
    got = json.loads(out)
    assert got["url"] == URL and got["site"] == "cnas"  # the site found from the URL's host
    assert got["type"] == "commentary"
    assert got["title"] == (
        "Trump has three options with North Korea to avoid a dangerous perfect storm in Asia"
    )
    assert (got["published"], got["published_precision"], got["published_raw"]) == (
        "2019-11-27",
        "day",
        "November 27, 2019",
    )
    assert got["authors"] == [
        {
            "name": "Kristine Lee",
            "honorific": None,
            "suffix": None,
            "profile_url": "https://www.cnas.org/people/kristine-lee",
            "role": "author",
            "position": 0,
        }
    ]
    assert got["outlet"] == "CNN Opinion"
    assert got["full_article_url"] == (
        "https://www.cnn.com/2019/11/27/opinions/trump-north-korea-options/index.html"
    )
    assert got["full_article_domain"] == "cnn.com"
    assert got["links"] == [
        {
            "url": "https://www.cnn.com/2019/11/27/opinions/trump-north-korea-options/index.html",
            "domain": "cnn.com",
            "text": "CNN Opinion",
            "kind": "full_article",
        }
    ]
    assert got["topics"] == ["Indo-Pacific Security"]
    assert got["raw"]["byline_raw"] == "By Kristine Lee"
    assert got["raw"]["listing"] is None  # one page alone: no listing card led to it
    assert got["sources"] == got["raw"]["sources"]
    assert got["sources"]["title"] == "article_header"
    assert got["provenance"]["outlet"]["source"] == "body_sentence"


def test_a_warc_record_gives_what_the_saved_page_gives() -> None:
    code, out, err = run(str(SAMPLE_WARC), "--url", URL)
    assert (code, err) == (0, "")
    from_warc = json.loads(out)
    from_file = json.loads(run(str(PAGE), "--url", URL)[1])
    # Only when the page was fetched differs: the record's WARC-Date, the file's mtime.
    assert from_warc.pop("fetched_at").startswith("20")
    from_file.pop("fetched_at")
    assert from_warc == from_file


def test_a_named_site_reads_a_page_saved_from_its_mirror(tmp_path: Path) -> None:
    mirror_url = f"http://127.0.0.1:8000/{PATH}"
    code, out, _ = run(str(PAGE), "--url", mirror_url, "--site", "cnas")
    assert code == 0
    got = json.loads(out)
    # The archive's canonical URL, as a crawl of the mirror would store it.
    assert (got["url"], got["site"], got["outlet"]) == (URL, "cnas", "CNN Opinion")


def test_a_page_of_no_registered_site_is_read_with_the_generic_rules(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        """<!DOCTYPE html><html lang="en"><head><title>Water and Power | Example Policy</title>
<meta property="og:site_name" content="Example Policy">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Article",
 "headline": "Water and Power", "datePublished": "2024-03-05T09:00:00Z",
 "author": {"@type": "Person", "name": "Ana Ruiz"}}</script></head>
<body><article><h1>Water and Power</h1><p>By Ana Ruiz</p>
<p>Rivers cross borders, and so do the quarrels over them.</p></article></body></html>""",
        encoding="utf-8",
    )
    code, out, _ = run(str(page), "--url", "https://policy.example.org/2024/water-and-power/")
    assert code == 0
    got = json.loads(out)
    assert got["site"] == "generic"
    assert got["title"] == "Water and Power"
    assert got["published"] == "2024-03-05"
    assert [author["name"] for author in got["authors"]] == ["Ana Ruiz"]


def test_a_page_the_archive_would_drop_is_printed_and_says_why(tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    page.write_text("<html><head><title>x</title></head><body></body></html>", encoding="utf-8")
    code, out, err = run(str(page), "--url", URL)
    assert code == EXIT_DROPPED
    assert json.loads(out)["title"] is None
    assert err.strip() == "not archived: no title on the page"


@pytest.mark.parametrize(
    ("make", "url", "site", "message"),
    [
        (lambda tmp: tmp / "nothing.html", URL, None, "no such file: {path}"),
        (lambda tmp: SAMPLE_WARC, URL + "-gone", None, "no response record for {url} in {path}"),
        (lambda tmp: PAGE, URL, "nosuchsite", "No site named 'nosuchsite'; known: "),
        (
            lambda tmp: _write(tmp / "logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
            URL,
            None,
            "not an HTML page: {path}",
        ),
        (
            lambda tmp: _write(tmp / "feed.json", b'{"items": []}'),
            URL,
            None,
            "not an HTML page: {path}",
        ),
        (
            lambda tmp: _write(tmp / "broken.warc.gz", gzip.compress(b"not a warc")),
            URL,
            None,
            "not a WARC file: {path}",
        ),
        (lambda tmp: tmp, URL, None, "not a file: {path}"),
    ],
    ids=["missing", "no-record", "unknown-site", "binary", "json", "not-warc", "folder"],
)
def test_bad_input_is_one_line_and_a_documented_exit_code(
    tmp_path: Path, make, url: str, site: str | None, message: str
) -> None:
    path = make(tmp_path)
    args = [str(path), "--url", url] + (["--site", site] if site else [])
    code, out, err = run(*args)
    assert (code, out) == (EXIT_BAD_INPUT, "")
    assert len(err.strip().splitlines()) == 1, err
    assert err.strip().startswith("Error: " + message.format(path=path, url=url)), err


def test_a_url_that_is_no_url_is_bad_input() -> None:
    code, _, err = run(str(PAGE), "--url", "not a url")
    assert code == EXIT_BAD_INPUT
    assert err.strip() == "Error: --url must be an absolute http(s) URL, not 'not a url'"


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_the_installed_command_reads_a_page(tmp_path: Path) -> None:
    thinkscrape = Path(sys.executable).with_name("thinkscrape")  # what pip install -e . put
    done = subprocess.run(
        [thinkscrape, "extract", str(PAGE), "--url", URL],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # reads a local file only: no project folder needed
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["outlet"] == "CNN Opinion"


def test_a_listing_page_gives_its_cards_pages_and_links() -> None:
    code, out, err = run(
        str(SAMPLE / "reports" / "index.html"), "--url", "https://www.cnas.org/reports", "--listing"
    )
    assert (code, err) == (0, "")
    got = json.loads(out)
    assert set(got) == {"cards", "pagination", "publication_links", "showing"}
    assert len(got["cards"]) == 20  # the site's page size
    assert "https://www.cnas.org/reports/p2" in got["pagination"]
    assert [card["url"] for card in got["cards"]] == got["publication_links"][:20]
