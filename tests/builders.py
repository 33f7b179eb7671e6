"""Publications made by hand for archive tests, written the way the pipelines leave them.

Titles, dates, bylines and outlets in the tests come from the site notes; what a test
invents beyond them (bodies, topics) is marked where the test writes it.
"""

from __future__ import annotations

from typing import Any

from thinkscrape.items import Publication

CNAS = "https://www.cnas.org"


def person(name: str, position: int, role: str = "author", *, raw: str | None = None) -> dict:
    """A normalised author entry, as the people stage produces it."""
    return {
        "name": name,
        "name_raw": raw or name,
        "honorific": None,
        "suffix": None,
        "profile_url": None,
        "role": role,
        "position": position,
    }


def publication(path: str, type_: str, title: str, published: str, **fields: Any) -> Publication:
    """A CNAS publication at ``path`` with a day-precise date and any other fields given."""
    return Publication(
        url=f"{CNAS}{path}",
        site="cnas",
        type=type_,
        title=title,
        published=published,
        published_precision="day",
        **fields,
    )
