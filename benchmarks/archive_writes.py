"""Archive write speed: ``Archive.store_many`` with full-text search on, against bare
sqlite-utils ``upsert_all`` of the same publications into a plain table without FTS.

All run in the same process on the same synthetic publications, each into a fresh
database file in WAL mode. The archive also writes authors, aliases, bylines, links,
provenance and the FTS index; the reference writes one flat row per publication. A second
reference, ``upsert_all`` into a table with the archive's FTS5 index and triggers, shows
what indexing the text costs by itself. A second archive pass re-stores every publication
unchanged (a nightly re-crawl) and must change no row count. Wall-clock and CPU rates are
both printed: on a busy machine the CPU rate is the steadier of the two.
Target: at least 2,000 publications/s with FTS on.

Run: ``python -m benchmarks.archive_writes``
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path
from typing import Any

import sqlite_utils

from thinkscrape.archive.schema import FTS_COLUMNS, open_db
from thinkscrape.archive.store import Archive
from thinkscrape.items import Publication

PUBLICATIONS = 5_000
BATCH = 500
TARGET_PER_SECOND = 2_000
FETCHED_AT = "2026-11-28T02:00:00+00:00"

_WORDS = (
    "alliance deterrence indo-pacific sanctions technology policy congress strategy security "
    "defense energy economic china russia korea iran analysis report commentary testimony "
    "nuclear missile artificial intelligence export controls semiconductors navy army the "
    "of and to in for on with by at from as that this will"
).split()
_FIRST = "Patrick Kristine Daniel Joshua Elizabeth Richard Lisa Ilan Duyeon Jacob Stacie Emily"
_LAST = "Cronin Lee Kliman Fitt Rosenberg Fontaine Curtis Goldenberg Kim Stokes Pettyjohn Jin"
_OUTLETS = (
    ("War on the Rocks", "warontherocks.com"),
    ("Foreign Affairs", "foreignaffairs.com"),
    ("The Hill", "thehill.com"),
    ("Defense News", "defensenews.com"),
    (None, None),
)
_TYPES = ("report", "commentary", "podcast", "testimony", "press-release")


def _sentence(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(low, high))).capitalize()


def synthetic_publications(count: int, seed: int = 20261128) -> list[Publication]:
    """Publications shaped like the site's: 3-8 KB bodies, 1-4 authors from a pool of
    144 people, some with profile pages, an outlet and full-article link on most."""
    rng = random.Random(seed)
    people = [f"{first} {last}" for first in _FIRST.split() for last in _LAST.split()]
    pubs = []
    for i in range(count):
        kind = _TYPES[i % len(_TYPES)]
        url = f"https://www.cnas.org/publications/{kind}s/synthetic-{i:06d}"
        outlet, domain = rng.choice(_OUTLETS)
        full_article = f"https://{domain}/2020/{i:06d}/" if domain else None
        names = rng.sample(people, rng.randint(1, 4))
        authors = [
            {
                "name": name,
                "name_raw": f"Dr. {name}" if position == 0 and i % 7 == 0 else name,
                "honorific": "Dr." if position == 0 and i % 7 == 0 else None,
                "suffix": None,
                "profile_url": (
                    f"https://www.cnas.org/people/{name.lower().replace(' ', '-')}"
                    if people.index(name) % 3
                    else None
                ),
                "role": "author",
                "position": position,
            }
            for position, name in enumerate(names)
        ]
        body = " ".join(_sentence(rng, 8, 30) + "." for _ in range(rng.randint(30, 70)))
        links = [
            {
                "url": f"https://www.cnas.org/publications/reports/ref-{rng.randint(0, count)}",
                "domain": "cnas.org",
                "text": _sentence(rng, 2, 5),
                "kind": "internal",
            }
            for _ in range(rng.randint(1, 4))
        ]
        if full_article:
            links.append(
                {"url": full_article, "domain": domain, "text": outlet, "kind": "full_article"}
            )
        published = f"{rng.randint(2005, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        pubs.append(
            Publication(
                url=url,
                site="cnas",
                type=kind,
                title=_sentence(rng, 4, 12),
                summary=_sentence(rng, 15, 40),
                body=body,
                topics=rng.sample(["Defense", "Technology", "Indo-Pacific", "Energy"], 2),
                published_raw=published,
                byline_raw="By " + " and ".join(names),
                contributors=[
                    {"name": a["name_raw"], "profile_url": a["profile_url"], "role": None}
                    for a in authors
                ],
                published=published,
                published_precision="day",
                authors=authors,
                outlet=outlet,
                full_article_url=full_article,
                full_article_domain=domain,
                links=links,
                provenance={"published": {"source": "article_header", "raw": published}},
                fetched_at=FETCHED_AT,
                status=200,
            )
        )
    return pubs


def _flat_row(pub: Publication) -> dict[str, Any]:
    """What a bare scraper would write: the item's fields, lists as JSON, one row."""
    row = pub.to_dict()
    row.pop("capture")
    return row


class _Timer:
    """Wall-clock and CPU seconds of the block."""

    def __enter__(self) -> _Timer:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu


def _time_archive(path: Path, pubs: list[Publication]) -> tuple[_Timer, _Timer, dict[str, int]]:
    archive = Archive(open_db(path))
    crawl = archive.start_crawl("cnas", {})
    with _Timer() as first:
        for start in range(0, len(pubs), BATCH):
            archive.store_many(pubs[start : start + BATCH], crawl)
    counts_before = _counts(archive.db)
    outcomes = []
    with _Timer() as second:
        for start in range(0, len(pubs), BATCH):
            outcomes += archive.store_many(pubs[start : start + BATCH], crawl)
    if _counts(archive.db) != counts_before or {o for _, o in outcomes} != {"unchanged"}:
        raise AssertionError("re-storing the same publications changed the archive")
    searched = archive.db["publications"].search("deterrence", columns=["id"], limit=1)
    if not list(searched):
        raise AssertionError("full-text search found nothing after the writes")
    archive.db.close()
    return first, second, counts_before


def _time_upsert_all(path: Path, pubs: list[Publication], *, fts: bool) -> _Timer:
    db = sqlite_utils.Database(path)
    db.enable_wal()
    rows = [_flat_row(pub) for pub in pubs]
    if fts:  # the archive's own FTS5 set-up, on a table created from the first row
        db["publications"].create(
            {k: type(v) if isinstance(v, int | str) else str for k, v in rows[0].items()},
            pk="url",
        )
        db["publications"].enable_fts(
            FTS_COLUMNS, fts_version="FTS5", create_triggers=True, tokenize="porter"
        )
    with _Timer() as timer:
        db["publications"].upsert_all(rows, pk="url", batch_size=BATCH, alter=True)
    if db["publications"].count != len(pubs):
        raise AssertionError("upsert_all stored a different number of rows")
    db.close()
    return timer


def _counts(db: sqlite_utils.Database) -> dict[str, int]:
    tables = ("publications", "authors", "author_aliases", "publication_authors", "links")
    return {name: db[name].count for name in (*tables, "provenance", "publication_versions")}


def run(count: int = PUBLICATIONS) -> dict[str, Any]:
    """Measure the archive and both references on ``count`` publications."""
    pubs = synthetic_publications(count)
    with tempfile.TemporaryDirectory() as tmp:
        new, unchanged, rows = _time_archive(Path(tmp) / "archive.db", pubs)
        bare = _time_upsert_all(Path(tmp) / "bare.db", pubs, fts=False)
        indexed = _time_upsert_all(Path(tmp) / "indexed.db", pubs, fts=True)
    timers = {
        "archive_new": new,
        "archive_unchanged": unchanged,
        "upsert_all_no_fts": bare,
        "upsert_all_fts": indexed,
    }
    figures: dict[str, Any] = {"publications": count, "batch": BATCH}
    for name, timer in timers.items():
        figures[f"{name}_per_s"] = count / timer.wall
        figures[f"{name}_cpu_per_s"] = count / timer.cpu
    figures["archive_vs_upsert_all_time"] = new.wall / bare.wall
    figures["target_per_s"] = TARGET_PER_SECOND
    figures["meets_target"] = figures["archive_new_per_s"] >= TARGET_PER_SECOND
    figures["rows"] = rows
    return figures


LABELS = {
    "archive_new": "Archive.store_many, FTS on, new",
    "archive_unchanged": "Archive.store_many, FTS on, unchanged",
    "upsert_all_no_fts": "sqlite-utils upsert_all, no FTS",
    "upsert_all_fts": "sqlite-utils upsert_all, same FTS5",
}


def main() -> None:
    figures = run()
    print(f"{figures['publications']:,} synthetic publications, batches of {figures['batch']}")
    print(f"  {'':40} {'wall /s':>9} {'CPU /s':>9}")
    for name, label in LABELS.items():
        wall, cpu = figures[f"{name}_per_s"], figures[f"{name}_cpu_per_s"]
        print(f"  {label:40} {wall:>9,.0f} {cpu:>9,.0f}")
    print(f"  archive time / bare upsert_all time: {figures['archive_vs_upsert_all_time']:.2f}x")
    verdict = "met" if figures["meets_target"] else "MISSED"
    print(f"  target {figures['target_per_s']:,} /s (wall) with FTS on: {verdict}")
    print(f"  rows written by the archive: {figures['rows']}")


if __name__ == "__main__":
    main()
