"""Spider arguments (``-a NAME=VALUE``), read strictly: a wrong one stops the crawl at start.

A mistyped name or value that were silently ignored would make a crawl do something else
than asked (``fulll=1`` an incremental crawl, ``since=2024`` a crawl of everything), so each
is refused with a message that names the argument, what it got and what it takes.
"""

from __future__ import annotations

import datetime as dt
import inspect
from typing import Any
from urllib.parse import urlsplit

TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off", "")


class SpiderArgumentError(ValueError):
    """A spider argument the spider cannot take; the message says which and why."""


def known_arguments(spider_class: type) -> list[str]:
    """The argument names the spider's ``__init__`` takes, in its order."""
    names = []
    for klass in spider_class.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        for parameter in inspect.signature(init).parameters.values():
            if parameter.kind in (parameter.VAR_KEYWORD, parameter.VAR_POSITIONAL):
                continue
            if parameter.name not in ("self", "name") and parameter.name not in names:
                names.append(parameter.name)
        if klass.__module__.startswith("scrapy."):
            break
    return names


def reject_unknown(spider_class: type, arguments: dict[str, Any]) -> None:
    """Refuse arguments the spider does not take.

    Names starting with ``_`` are let through: schedulers such as scrapyd pass their own
    (``_job``).
    """
    known = known_arguments(spider_class)
    unknown = sorted(name for name in arguments if name not in known and not name.startswith("_"))
    if unknown:
        raise SpiderArgumentError(
            f"unknown spider argument {unknown[0]!r} (-a {unknown[0]}=...); "
            f"known arguments: {', '.join(known)}"
        )


def origin(value: str | None) -> str | None:
    """``base_url``: an http(s) origin such as ``http://127.0.0.1:8000``."""
    if value is None:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SpiderArgumentError(
            f"base_url must be an http:// or https:// address such as "
            f"http://127.0.0.1:8000, got {value!r}"
        )
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise SpiderArgumentError(f"base_url has a bad port: {value!r}") from None
    return value.strip().rstrip("/")


def day(value: str | None, name: str) -> dt.date | None:
    """A date argument written YYYY-MM-DD."""
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise SpiderArgumentError(
            f"{name} must be a date written YYYY-MM-DD, got {value!r}"
        ) from None


def flag(value: Any, name: str) -> bool:
    """A yes/no argument: 1/true/yes/on or 0/false/no/off."""
    word = "" if value is None else str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SpiderArgumentError(f"{name} takes 1 or 0 (yes/no), got {value!r}")


def positive_int(value: Any, name: str) -> int:
    """A whole number of at least 1."""
    try:
        number = int(str(value).strip())
    except ValueError:
        number = 0
    if number < 1:
        raise SpiderArgumentError(f"{name} must be a whole number of at least 1, got {value!r}")
    return number
