"""History across crawls: an edited page keeps its previous version, a removed one is gone.

The site changes between two crawls of a copy of the mirror: one commentary gets an
editor's note, another page is taken down (404). Nothing already archived is lost.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import sqlite_utils
from crawling import run_crawl

from thinkscrape.mirror import serve_mirror

CNAS = "https://www.cnas.org"
EDITED = "/publications/commentary/north-korea-and-the-blink-of-war"
REMOVED = "/publications/commentary/sharper-nato"
NOTE = "<p>Editor’s note: this commentary was updated to correct the date of the talks.</p>"


def test_edited_page_versioned_and_removed_page_marked_gone(
    mirror_crawl: Path, sample_root: Path, tmp_path: Path
):
    site = tmp_path / "site"
    shutil.copytree(sample_root, site)
    page = site / EDITED.strip("/") / "index.html"
    html = page.read_text(encoding="utf-8")
    marker = '<div class="wrapper wysiwyg margin-vertical drop-cap"'
    start = html.index(marker)
    body_open = html.index(">", start) + 1
    page.write_text(html[:body_open] + NOTE + html[body_open:], encoding="utf-8")
    shutil.rmtree(site / REMOVED.strip("/"))

    db_path = tmp_path / "archive.db"
    shutil.copy(mirror_crawl, db_path)
    before = sqlite_utils.Database(db_path)
    old = next(before["publications"].rows_where("url = ?", [CNAS + EDITED]))
    total = before["publications"].count
    before.close()

    with serve_mirror(site) as mirror:
        result = run_crawl(mirror.base_url, db_path, spider_args={"refresh": "1"})
    assert result.returncode == 0, result.stderr[-3000:]

    db = sqlite_utils.Database(db_path)
    assert db["publications"].count == total  # nothing deleted, nothing duplicated

    edited = next(db["publications"].rows_where("url = ?", [CNAS + EDITED]))
    assert edited["body"].startswith("Editor’s note: this commentary was updated")
    assert edited["first_seen"] == old["first_seen"]
    (version,) = list(db["publication_versions"].rows)
    assert version["publication_id"] == edited["id"]
    assert json.loads(version["data"])["body"] == old["body"]
    assert version["valid_to"] > version["valid_from"] or version["valid_to"] == edited["last_seen"]

    removed = next(db["publications"].rows_where("url = ?", [CNAS + REMOVED]))
    assert removed["gone_at"] is not None
    assert removed["title"] == "Sharper: NATO"
    others_gone = db.execute("select count(*) from publications where gone_at is not null")
    assert others_gone.fetchone()[0] == 1

    stats = json.loads(
        list(db.query("select stats from crawls order by id desc limit 1"))[0]["stats"]
    )
    assert stats["thinkscrape/archive/gone"] == 1
    assert stats["thinkscrape/archive/changed"] == 1
