"""The registry of think tanks: one module per site, named after it, each holding ``SITE``.

``get("cnas")`` is the one way any layer finds a site's facts. A module's file name is the
site's name, so ``38north.py`` is a site file too though it is no Python identifier.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

from thinkscrape.site import Site

__all__ = ["Site", "UnknownSite", "all_sites", "get", "names", "publication_types"]


class UnknownSite(LookupError):
    pass


@functools.cache
def all_sites() -> dict[str, Site]:
    """Every registered site by name, in name order."""
    found = {}
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        site = importlib.import_module(f"{__name__}.{module.name}").SITE
        if site.name != module.name:
            raise RuntimeError(f"{module.name}.py declares the site {site.name!r}")
        found[site.name] = site
    return found


def names() -> tuple[str, ...]:
    return tuple(all_sites())


def get(name: str) -> Site:
    """The site called ``name``; UnknownSite (naming the known ones) if there is none."""
    try:
        return all_sites()[name]
    except KeyError:
        raise UnknownSite(f"No site named {name!r}; known: {', '.join(names())}") from None


def publication_types() -> tuple[str, ...]:
    """Every type some registered site gives, once each."""
    return tuple(dict.fromkeys(t for site in all_sites().values() for t in site.types))
