"""``scrapy genspider -t thinktank NAME DOMAIN`` writes a working site file, run in a copy of
the project so the repository's own sites are never touched."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
CLI = "import sys; from thinkscrape.cli import cli; sys.argv[0] = 'thinkscrape'; cli()"

# A WordPress article as such sites write their posts (invented: every word of it, the
# site, and the markup beyond what WordPress themes commonly print: an <article> with the
# headline, a <time datetime> in the entry meta, a "By" author link and .entry-content).
ARTICLE = """<!DOCTYPE html>
<html lang="en-US"><head><meta charset="UTF-8">
<title>Water and Power on the Mekong - Example Policy Institute</title>
<meta property="og:site_name" content="Example Policy Institute">
<meta property="og:title" content="Water and Power on the Mekong">
<meta property="article:published_time" content="2024-05-14T09:30:00+00:00">
</head><body class="post-template-default single single-post">
<main id="main"><article class="post type-post status-publish">
<header class="entry-header"><h1 class="entry-title">Water and Power on the Mekong</h1>
<div class="entry-meta"><time class="entry-date published" datetime="2024-05-14T09:30:00+00:00">
May 14, 2024</time> <span class="byline">By <a class="url fn n" rel="author"
href="https://www.example.org/author/ana-ruiz/">Ana Ruiz</a></span></div></header>
<div class="entry-content">
<p>Dams upstream change the river that millions downstream live from.</p>
<p>The institute's <a href="https://www.example.org/reports/mekong/">report</a> counts them.</p>
</div></article></main></body></html>
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project (its package, scrapy.cfg, pyproject.toml), run from its folder."""
    copy = tmp_path / "project"
    shutil.copytree(
        REPO_ROOT / "thinkscrape",
        copy / "thinkscrape",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    for name in ("scrapy.cfg", "pyproject.toml"):
        shutil.copy(REPO_ROOT / name, copy / name)
    return copy


def run(project: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCRAPY_", "THINKSCRAPE_"))}
    env["PYTHONPATH"] = str(project)  # the copy's package, not the installed checkout
    return subprocess.run(
        [sys.executable, *argv],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_genspider_writes_a_site_file_that_crawls_and_reads_a_page(project: Path) -> None:
    where = run(project, "-c", "import thinkscrape; print(thinkscrape.__file__)")
    assert where.stdout.strip() == str(project / "thinkscrape" / "__init__.py")

    made = run(
        project, "-m", "scrapy", "genspider", "-t", "thinktank", "example", "www.example.org"
    )
    assert made.returncode == 0, made.stderr
    site_file = project / "thinkscrape" / "sites" / "example.py"
    assert site_file.is_file(), made.stdout
    source = site_file.read_text(encoding="utf-8")
    assert 'name="example"' in source and '"https://www.example.org"' in source

    listed = run(project, "-m", "scrapy", "list")
    assert listed.returncode == 0, listed.stderr
    assert "example" in listed.stdout.split()

    page = project / "page.html"
    page.write_text(ARTICLE, encoding="utf-8")
    url = "https://www.example.org/2024/05/water-and-power-on-the-mekong/"
    read = run(project, "-c", CLI, "extract", str(page), "--url", url)
    assert read.returncode == 0, read.stderr
    got = json.loads(read.stdout)
    assert got["site"] == "example"  # found by the URL's host, through the registry
    assert got["url"] == "https://www.example.org/2024/05/water-and-power-on-the-mekong"
    assert got["type"] == "commentary"
    assert got["title"] == "Water and Power on the Mekong"
    assert got["published"] == "2024-05-14"
    assert [author["name"] for author in got["authors"]] == ["Ana Ruiz"]
    # the site's own link is typed by the domain the site file declares
    assert [link["kind"] for link in got["links"]] == ["internal"]


def test_the_written_site_file_passes_the_projects_lint(project: Path) -> None:
    made = run(project, "-m", "scrapy", "genspider", "-t", "thinktank", "example", "example.org")
    assert made.returncode == 0, made.stderr
    site_file = project / "thinkscrape" / "sites" / "example.py"
    for check in (["check"], ["format", "--check"]):
        linted = run(project, "-m", "ruff", *check, str(site_file))
        assert linted.returncode == 0, linted.stdout + linted.stderr


def test_genspider_lists_the_template_and_refuses_an_existing_site(project: Path) -> None:
    listed = run(project, "-m", "scrapy", "genspider", "--list")
    assert "thinktank" in listed.stdout.split()
    again = run(project, "-m", "scrapy", "genspider", "-t", "thinktank", "cnas", "www.cnas.org")
    assert "already exists" in again.stdout
    assert "CNAS" in (project / "thinkscrape" / "sites" / "cnas.py").read_text(encoding="utf-8")
