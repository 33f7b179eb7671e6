"""The demo's WARC files are captures of the bundled mirrors as they are now, one per mirror."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from crawling import MIRRORS, REPO_ROOT
from warcio.archiveiterator import ArchiveIterator

from sitegen import sample_warc
from thinkscrape import sites
from thinkscrape.mirror import resolve_mirror_path

CAPTURES = REPO_ROOT / "data" / "samples" / "demo"


def captured_pages(warc: Path) -> dict[str, bytes]:
    pages = {}
    with warc.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response" and record.http_headers.get_statuscode() == "200":
                url = urlsplit(record.rec_headers.get_header("WARC-Target-URI"))
                # a listing's next pages differ from its first by their query alone
                path = f"{url.path}?{url.query}" if url.query else url.path
                pages[path] = record.content_stream().read()
    return pages


def captured_urls(warc: Path) -> set[str]:
    with warc.open("rb") as stream:
        return {
            record.rec_headers.get_header("WARC-Target-URI")
            for record in ArchiveIterator(stream)
            if record.rec_type in ("response", "request")
        }


def test_there_is_one_capture_per_bundled_mirror_and_one_per_site() -> None:
    # every site's mirror, and the 2019 theme of brookings.edu beside today's
    assert {path.name for path in CAPTURES.glob("*.warc.gz")} == {
        f"{name}.warc.gz" for name in sample_warc.CAPTURES
    }
    assert set(sample_warc.CAPTURES.values()) == set(sites.names())
    assert set(sample_warc.CAPTURES) <= {path.name for path in MIRRORS.iterdir() if path.is_dir()}


@pytest.mark.parametrize("name", sorted(sample_warc.CAPTURES))
def test_each_capture_holds_its_mirrors_pages_byte_for_byte(name: str) -> None:
    root = MIRRORS / name
    pages = captured_pages(CAPTURES / f"{name}.warc.gz")
    assert len(pages) >= 10  # publications, a listing or feed, robots.txt
    for path, body in pages.items():
        file = resolve_mirror_path(root, path)
        assert file is not None, f"{path} is in {name}.warc.gz but not in the mirror"
        assert body == file.read_bytes(), (
            f"{path} changed since the WARC was recorded: "
            f"python -m sitegen.sample_warc --only {name}"
        )


def test_the_cnas_capture_holds_every_page_of_the_mirror(sample_root: Path) -> None:
    pages = captured_pages(CAPTURES / "cnas.warc.gz")
    publication_files = {
        "/" + str(file.parent.relative_to(sample_root))
        for pattern in ("publications/*/*/index.html", "press/*/*/index.html")
        for file in sample_root.glob(pattern)
    }
    assert publication_files <= set(pages), "pages missing: re-run sitegen.sample_warc"
    assert "/robots.txt" in pages


def test_recorder_help_prints_usage_and_writes_nothing(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sitegen.sample_warc", "--help"],
        cwd=tmp_path,  # where a file named --help would land
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "usage:" in result.stdout
    assert "data/samples/demo" in result.stdout  # says where it writes by default
    assert "--only" in result.stdout
    assert list(tmp_path.iterdir()) == []  # no file named --help


@pytest.mark.parametrize("name", sorted(sample_warc.CAPTURES))
def test_each_capture_names_its_sites_urls_not_the_mirror(name: str) -> None:
    urls = captured_urls(CAPTURES / f"{name}.warc.gz")
    hosts = set(sites.get(sample_warc.CAPTURES[name]).hosts)
    assert len(urls) > 10
    assert {urlsplit(url).scheme for url in urls} == {"https"}
    assert {urlsplit(url).hostname for url in urls} <= hosts
