"""Register a throwaway site for one test: the registry is the only way layers find a site."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from thinkscrape import sites
from thinkscrape.site import Site


def register_site(monkeypatch: pytest.MonkeyPatch, name: str, **facts: Any) -> Site:
    """A site called ``name`` (home ``https://www.<name>.org`` unless given) known to the
    registry until the test ends."""
    home = facts.pop("home", f"https://www.{name}.org")
    defaults: dict[str, Any] = {
        "title": name,
        "home": home,
        "hosts": (home.split("//", 1)[1],),
        "publications": (),
        "discovery": (),
        "date_order": "MDY",
        "languages": ("en",),
    }
    site = Site(name=name, **(defaults | facts))
    monkeypatch.setitem(sites.all_sites(), name, site)
    return site


def replaced(site: Site, **facts: Any) -> Site:
    return dataclasses.replace(site, **facts)
