"""Re-run normalisation over the archive's stored raw halves, without fetching anything.

After a normaliser improves (a date shape, an honorific, an outbound sentence), every
archived publication can be brought up to date from ``publications.raw``. With
``check=True`` nothing is written: the differences the new normalisers would make are
reported. Otherwise each publication whose normalised content changes is rewritten through
``Archive.replace_normalised``, which keeps the previous reading in ``publication_versions``.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import sqlite_utils

from thinkscrape import sites
from thinkscrape.archive.schema import write_transaction
from thinkscrape.archive.store import (
    JSON_COLUMNS,
    LINK_FIELDS,
    Archive,
    InvalidPublication,
    content_hash,
    to_json,
    utc_now,
)
from thinkscrape.items import RAW_FIELDS, Publication
from thinkscrape.normalize.links import domains_of_hosts
from thinkscrape.normalize.people import name_key
from thinkscrape.normalize.stages import SiteConventions, apply, normalize_all, reference_time

logger = logging.getLogger(__name__)

# Publications rewritten per transaction: a crash loses at most one batch of rewrites,
# and readers are never locked out for the whole run.
BATCH = 500

# Publication columns the stages set (authors, links and provenance are compared apart).
STAGE_COLUMNS = (
    "published",
    "published_precision",
    "published_ambiguous",
    "date_disagreement",
    "outlet",
    "full_article_url",
    "full_article_domain",
    "pdf_url",
    "corporate_author",
)


def renormalize(
    db: sqlite_utils.Database,
    *,
    check: bool = False,
    date_order: str | None = None,
    languages: tuple[str, ...] | None = None,
    clock: Callable[[], str] = utc_now,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Re-normalise every archived publication from its stored raw half.

    ``date_order`` and ``languages`` are the date conventions; by default each row's are
    those its site's spider declares, as the crawl's pipeline used them; ``clock`` dates the
    end of each replaced version.

    Returns ``{"publications": n, "changed": k, "differences": [...], "skipped": [...],
    "events": {"<stage>/<event>": count}}``. Each difference is ``{"url", "field", "old",
    "new"}``; ``changed`` counts publications whose content (so content hash) changes, each
    keeping its previous version; a difference in provenance alone is rewritten without a
    version. ``skipped`` lists ``{"url", "reason"}`` for rows whose raw half cannot be read.
    With ``check=True`` nothing is written and the figures say what would be.
    ``progress`` is called after each publication with (publications done, all of them).
    """
    archive = Archive(db, clock=clock)
    ids = [row_id for (row_id,) in db.execute("SELECT id FROM publications ORDER BY id")]
    report: dict[str, Any] = {
        "publications": len(ids),
        "changed": 0,
        "differences": [],
        "skipped": [],
        "events": Counter(),
    }
    options = {"date_order": date_order, "languages": languages}
    if progress is not None:
        progress(0, len(ids))
    for start in range(0, len(ids), BATCH):
        with write_transaction(db):
            for done, publication_id in enumerate(ids[start : start + BATCH], start + 1):
                _renormalize_one(archive, publication_id, report, check=check, **options)
                if progress is not None:
                    progress(done, len(ids))
    report["events"] = dict(sorted(report["events"].items()))
    return report


def _renormalize_one(
    archive: Archive,
    publication_id: int,
    report: dict[str, Any],
    *,
    check: bool,
    date_order: str | None,
    languages: tuple[str, ...] | None,
) -> None:
    row = _row(archive.db, "SELECT * FROM publications WHERE id = ?", [publication_id])
    try:
        raw = json.loads(row["raw"])
        if not isinstance(raw, dict):
            raise ValueError(f"raw is a JSON {type(raw).__name__}, not an object")
    except (TypeError, ValueError) as error:
        _skip(report, row["url"], f"unreadable raw half ({error})")
        return

    pub = Publication(
        **{name: raw[name] for name in RAW_FIELDS if name in raw and name not in ("url", "site")},
        url=row["url"],
        site=row["site"],
    )
    pub.fetched_at = row["fetched_at"]
    reference = reference_time(row["fetched_at"] or row["first_seen"])
    raw_half = pub.raw()
    site = _conventions(row, date_order, languages)
    if site is None:
        _skip(report, row["url"], f"no site named {row['site']!r} is registered")
        return
    try:
        stages = normalize_all(raw_half, site=site, reference=reference)
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        # a raw half of an unexpected shape (an older item layout, a hand edit): one
        # publication is left as it is, the run goes on
        _skip(report, row["url"], f"normalisation failed ({error!r})")
        return
    for stage, result in stages.items():
        apply(pub, result)
        report["events"].update(f"{stage}/{event}" for event in result.events)

    differences = _differences(archive.db, row, pub)
    changed = row["content_hash"] != content_hash(pub)
    if not (changed or differences):
        return
    if not check:
        try:
            archive.replace_normalised(pub)
        except InvalidPublication as error:  # refused before anything is written
            _skip(report, row["url"], str(error))
            return
    report["differences"].extend({"url": row["url"], **d} for d in differences)
    report["changed"] += changed


@dataclasses.dataclass(frozen=True)
class _Conventions:
    """The conventions of a site no longer registered, as the caller gives them."""

    date_order: str
    languages: tuple[str, ...]
    own_domains: tuple[str, ...]
    not_names: tuple[str, ...] = ()


def _conventions(
    row: dict[str, Any], date_order: str | None, languages: tuple[str, ...] | None
) -> SiteConventions | None:
    """The row's site record, with the date conventions given laid over it; None for a site
    no longer registered unless both date conventions are given."""
    try:
        site = sites.get(row["site"])
    except sites.UnknownSite:
        if not (date_order and languages):
            return None
        # its own domain is the one its pages were on
        domains = domains_of_hosts([urlsplit(row["url"]).hostname or ""])
        return _Conventions(date_order, languages, domains)
    if not (date_order or languages):
        return site
    return _Conventions(
        date_order or site.date_order,
        languages or site.languages,
        site.own_domains,
        site.not_names,
    )


def _skip(report: dict[str, Any], url: str, reason: str) -> None:
    logger.warning("Cannot re-normalise %s: %s", url, reason)
    report["skipped"].append({"url": url, "reason": reason})


def _differences(db: sqlite_utils.Database, row: dict[str, Any], pub: Publication) -> list[dict]:
    """Field by field, what the stored publication says against what ``pub`` says."""
    differences = []
    for column in STAGE_COLUMNS:
        old = row[column]
        if column in JSON_COLUMNS and old is not None:
            old = json.loads(old)
        new = getattr(pub, column)
        if column == "published_ambiguous":
            old, new = bool(old), bool(new)
        if old != new:
            differences.append({"field": column, "old": old, "new": new})

    old_authors, new_authors = _stored_authors(db, row["id"]), _authors(pub)
    if not _same_people(old_authors, new_authors):
        differences.append(
            {"field": "authors", "old": _shown(old_authors), "new": _shown(new_authors)}
        )

    old_links = [
        dict(zip(LINK_FIELDS, link, strict=True))
        for link in db.execute(
            "SELECT url, domain, text, kind FROM links WHERE publication_id = ? ORDER BY url, kind",
            [row["id"]],
        )
    ]
    new_links = sorted(
        ({k: link.get(k) for k in LINK_FIELDS} for link in pub.links if link.get("url")),
        key=lambda link: (link["url"], link["kind"] or ""),
    )
    if old_links != new_links:
        differences.append({"field": "links", "old": old_links, "new": new_links})

    old_provenance = {
        field: {"source": source, "raw": raw}
        for field, source, raw in db.execute(
            "SELECT field, source, raw FROM provenance WHERE publication_id = ? ORDER BY field",
            [row["id"]],
        )
    }
    new_provenance = {
        field: {"source": origin.get("source"), "raw": _as_text(origin.get("raw"))}
        for field, origin in sorted(pub.provenance.items())
    }
    if old_provenance != new_provenance:
        differences.append({"field": "provenance", "old": old_provenance, "new": new_provenance})
    return differences


def _stored_authors(db: sqlite_utils.Database, publication_id: int) -> list[dict[str, Any]]:
    """The byline as archived, in order: each person's name, the identity keys they are
    known by (their own and their spellings'), their profile pages on any site, role."""
    rows = db.execute(
        """
        SELECT a.id, a.name, a.name_key, a.profile_url, pa.role
        FROM publication_authors pa JOIN authors a ON a.id = pa.author_id
        WHERE pa.publication_id = ? ORDER BY pa.position
        """,
        [publication_id],
    ).fetchall()
    people = []
    for author_id, name, key, profile_url, role in rows:
        aliases = db.execute("SELECT alias FROM author_aliases WHERE author_id = ?", [author_id])
        profiles = db.execute("SELECT url FROM author_profiles WHERE author_id = ?", [author_id])
        people.append(
            {
                "name": name,
                "name_key": key,
                "keys": {key, *(_alias_key(alias) for (alias,) in aliases)},
                "profile_url": profile_url,
                "profiles": {profile_url, *(url for (url,) in profiles)},
                "role": role,
            }
        )
    return people


_alias_key = functools.lru_cache(maxsize=65_536)(name_key)


def _authors(pub: Publication) -> list[dict[str, Any]]:
    """The byline as ``pub`` gives it, in the shape of ``_stored_authors``."""
    ordered = sorted(enumerate(pub.authors), key=lambda ia: (ia[1].get("position", ia[0]), ia[0]))
    return [
        {
            "name": author.get("name"),
            "name_key": name_key(author.get("name") or ""),
            "profile_url": author.get("profile_url"),
            "role": author.get("role"),
        }
        for _, author in ordered
        if (author.get("name") or "").strip()
    ]


def _same_people(stored: list[dict[str, Any]], new: list[dict[str, Any]]) -> bool:
    """One person per position, same role. An archived person keeps the first spelling
    seen, may be known by other spellings (a researcher's merge) and has a profile page per
    site, so names compare by the keys the person is known by and a profile URL only when
    the new byline gives one."""
    return len(stored) == len(new) and all(
        person["name_key"] in old["keys"]
        and old["role"] == person["role"]
        and (person["profile_url"] is None or person["profile_url"] in old["profiles"])
        for old, person in zip(stored, new, strict=True)
    )


def _shown(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: p[k] for k in ("name", "profile_url", "role")} for p in people]


def _row(db: sqlite_utils.Database, sql: str, params: list[Any]) -> dict[str, Any]:
    cursor = db.execute(sql, params)
    return dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return to_json(value)
