"""The demo's WARC file is a capture of the bundled mirror as it is now."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from crawling import REPO_ROOT
from warcio.archiveiterator import ArchiveIterator

from thinkscrape.mirror import resolve_mirror_path


def captured_pages(warc: Path) -> dict[str, bytes]:
    pages = {}
    with warc.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type == "response" and record.http_headers.get_statuscode() == "200":
                path = urlsplit(record.rec_headers.get_header("WARC-Target-URI")).path
                pages[path] = record.content_stream().read()
    return pages


def test_sample_warc_holds_every_page_of_the_mirror_byte_for_byte(sample_root: Path):
    pages = captured_pages(sample_root.parent / "cnas.warc.gz")
    for path, body in pages.items():
        file = resolve_mirror_path(sample_root, path)
        assert file is not None, f"{path} is in the WARC but not in the mirror"
        assert body == file.read_bytes(), f"{path} changed since the WARC was recorded"
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
    assert "cnas.warc.gz" in result.stdout  # says where it writes by default
    assert list(tmp_path.iterdir()) == []  # no file named --help


def test_sample_warc_names_the_site_urls_not_the_mirror(sample_root: Path):
    with (sample_root.parent / "cnas.warc.gz").open("rb") as stream:
        urls = {
            record.rec_headers.get_header("WARC-Target-URI")
            for record in ArchiveIterator(stream)
            if record.rec_type in ("response", "request")
        }
    assert len(urls) > 100
    assert {urlsplit(url)[:2] for url in urls} == {("https", "www.cnas.org")}
