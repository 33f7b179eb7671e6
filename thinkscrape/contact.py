"""The User-Agent names who runs the crawl, so that a site's webmaster can reach them.

``USER_AGENT`` is ``thinkscrape/0.1 (research archive)``: it names no one, because the
project cannot know who runs it. An operator sets ``THINKSCRAPE_CONTACT`` (an email address
or a web page) and every request carries it: ``thinkscrape/0.1 (research archive; contact:
archive@example.org)``; or sets ``USER_AGENT`` whole. A crawl of a live site (no
``base_url`` mirror, no WARC replay) with neither logs a warning when it opens.

A Scrapy add-on (``ADDONS``): it sets ``USER_AGENT`` before the settings are frozen, so the
request headers and the WARC's warcinfo record say the same.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

logger = logging.getLogger(__name__)


def user_agent_with_contact(user_agent: str, contact: str) -> str:
    """``name/version (comment)`` with ``; contact: X`` added inside the comment."""
    if user_agent.endswith(")"):
        return f"{user_agent[:-1]}; contact: {contact})"
    return f"{user_agent} (contact: {contact})"


def has_contact(settings: BaseSettings) -> bool:
    """Whether the operator said who runs the crawl (a contact, or a User-Agent of their own)."""
    own_user_agent = settings.getpriority("USER_AGENT") > SETTINGS_PRIORITIES["project"]
    return bool((settings.get("THINKSCRAPE_CONTACT") or "").strip()) or own_user_agent


class ContactUserAgent:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ContactUserAgent:
        addon = cls(crawler)
        crawler.signals.connect(addon.spider_opened, signal=signals.spider_opened)
        return addon

    def update_settings(self, settings: BaseSettings) -> None:
        contact = (settings.get("THINKSCRAPE_CONTACT") or "").strip()
        if contact and settings.getpriority("USER_AGENT") <= SETTINGS_PRIORITIES["project"]:
            settings.set(
                "USER_AGENT",
                user_agent_with_contact(settings.get("USER_AGENT"), contact),
                priority="project",
            )

    def spider_opened(self, spider: Any) -> None:
        settings = self.crawler.settings
        live = not getattr(spider, "base_url", None) and not settings.get("THINKSCRAPE_REPLAY")
        if live and not has_contact(settings):
            logger.warning(
                "Crawling %s with no contact in the User-Agent (%s): set THINKSCRAPE_CONTACT "
                "to an email address or web page where the site can reach you "
                "(-s THINKSCRAPE_CONTACT=archive@example.org)",
                getattr(spider, "home", spider.name),
                settings.get("USER_AGENT"),
            )
