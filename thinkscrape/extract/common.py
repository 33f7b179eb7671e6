"""Small helpers shared by the page objects: text clean-up, parsing, block pages.

Everything here is a pure function of a parsel ``Selector`` or a string; nothing fetches.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from lxml import etree
from parsel import Selector, SelectorList

# Zero-width characters that real CMS output leaves inside names and titles (U+200B..U+200D,
# U+2060 word joiner, U+FEFF byte-order mark used as a zero-width no-break space).
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_ZERO_WIDTH_RE = re.compile(f"[{ZERO_WIDTH}]")
# str.split() already treats NBSP and the other Unicode spaces as whitespace.
# C0 and C1 control characters and DEL: a page can carry ESC sequences that clear a
# terminal or retitle its window when the text is printed. They never belong in extracted
# text (the WARC file keeps the page as it was fetched).
CONTROL_CHARACTERS = "".join(map(chr, [*range(0x20), *range(0x7F, 0xA0)]))

# Elements whose text forms a paragraph of its own when a body is flattened to plain text.
BLOCK_TAGS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figcaption")


@lru_cache(maxsize=8)
def _control_re(keep: str) -> re.Pattern[str]:
    dropped = "".join(c for c in CONTROL_CHARACTERS if c not in keep)
    return re.compile(f"[{re.escape(dropped)}]")


def without_control_characters(text: str, keep: str = "\t\n") -> str:
    """``text`` without C0/C1 control characters or DEL, but for those in ``keep``.

    Extraction keeps tabs and line feeds; what is printed keeps carriage returns too.
    """
    return _control_re(keep).sub("", text)


# --- parsing -------------------------------------------------------------------------------
# Key an extractor sets in its result when the page was nested deeper than libxml2 builds a
# tree (2,048 levels even with huge_tree): "recovered" if flattening repeated wrappers gave
# the whole tree back, "truncated" if what followed the limit is missing.
PARSE_TRUNCATED = "parse_truncated"
# 32 or more identical tags in a row (whitespace between): wrappers that add only depth.
_REPEATED_START_TAGS = re.compile(r"(<([a-zA-Z][\w-]*)\b[^<>]*>)(?:\s*\1){31,}")
_REPEATED_END_TAGS = re.compile(r"(</[a-zA-Z][\w-]*\s*>)(?:\s*\1){31,}")


def parse_html(html: str) -> tuple[Selector, str | None]:
    """The page's parsed tree, and None, "recovered" or "truncated" (see PARSE_TRUNCATED).

    lxml silently stops at its depth limit and drops the rest of the page; its parser's
    error log is the only trace, so it is read here. Runs of one repeated tag are collapsed
    to one and the page parsed again, which recovers the usual shape of such pages.
    """
    # type="html": an XHTML page opening with an XML declaration would otherwise be read as
    # namespaced XML (and a page that is only "[1]" as JSON), where no query finds anything.
    sel = Selector(text=html, type="html")
    if not _hit_depth_limit(sel):
        return sel, None
    flattened = _REPEATED_END_TAGS.sub(r"\1", _REPEATED_START_TAGS.sub(r"\1", html))
    if flattened != html:
        recovered = Selector(text=flattened, type="html")
        if not _hit_depth_limit(recovered):
            return recovered, "recovered"
    return sel, "truncated"


def _hit_depth_limit(sel: Selector) -> bool:
    parser = sel.root.getroottree().parser
    if parser is None:
        return False
    return any("depth" in error.message.lower() for error in parser.error_log)


def collapse_whitespace(text: str | None, *, strip_zero_width: bool = True) -> str:
    """Collapse every run of whitespace (NBSP, CR, LF, tabs included) to one space.

    Control characters are dropped, and zero-width characters too unless
    ``strip_zero_width`` is False (contributor names are kept as written; the people
    normaliser strips them).
    """
    if not text:
        return ""
    text = without_control_characters(text)
    if strip_zero_width and not text.isascii():  # (every zero-width character is not)
        text = _ZERO_WIDTH_RE.sub("", text)
    return " ".join(text.split())


def strip_zero_width(text: str) -> str:
    return _ZERO_WIDTH_RE.sub("", text)


# Compiled once and run on the lxml element itself: read through parsel, every text node
# of every line read would become a Selector of its own. The HTML parser keeps a script's
# or a style's content as its one text child, never as elements: testing each text node's
# parent says what testing every ancestor up to the root did, at a fraction of the cost.
_TEXT_AND_BREAKS = etree.XPath(
    ".//text()[not(parent::script or parent::style)] | .//br", smart_strings=False
)


def node_text(node: Selector | SelectorList | None, *, strip_zero_width: bool = True) -> str:
    """The visible text of a node, whitespace collapsed ("" for a missing node).

    Text nodes are joined without a separator so inline markup (``<a>word</a>,``) does not
    gain spaces; ``<br>`` is counted as a space so lines it separates stay apart.
    """
    if node is None:
        return ""
    nodes = node if isinstance(node, SelectorList) else [node]
    parts: list[str] = []
    for one in nodes:
        if one.type in ("html", "xml"):
            root = one.root
            # a text or attribute node has no text of its own to read
            pieces = _TEXT_AND_BREAKS(root) if hasattr(root, "xpath") else []
        else:
            pieces = [piece.root for piece in one.xpath(_TEXT_AND_BREAKS.path)]
        parts.append(_joined(pieces))
    return collapse_whitespace("".join(parts), strip_zero_width=strip_zero_width)


def element_text(element: etree._Element) -> str:
    """``node_text`` of one lxml element, for code that walks the tree itself."""
    return collapse_whitespace(_joined(_TEXT_AND_BREAKS(element)))


def _joined(pieces: Iterable[Any]) -> str:
    """Text nodes as written, each <br> a space."""
    return "".join(piece if isinstance(piece, str) else " " for piece in pieces)


def first_text(node: Selector | SelectorList, *queries: str) -> str | None:
    """Text of the first element matched by the first XPath query that finds non-empty text."""
    for query in queries:
        for found in node.xpath(query):
            text = node_text(found)
            if text:
                return text
    return None


def block_texts(
    containers: Iterable[Selector],
    *,
    skip: re.Pattern[str] | None = None,
    keep: Callable[[Selector], bool] | None = None,
) -> list[str]:
    """Paragraph texts of the given containers in document order.

    A block that holds other blocks (an ``li`` wrapping ``p``s) is not counted twice: only the
    innermost blocks are read. Text written directly in a container, outside any block, is
    kept as its own paragraph. Paragraphs matching ``skip`` are left out, and so are blocks
    ``keep`` refuses (one inside an embedded teaser).
    """
    inner_block = " or ".join(f"self::{tag}" for tag in BLOCK_TAGS)
    paragraphs: list[str] = []
    for container in containers:
        query = f".//*[({inner_block}) and not(.//*[{inner_block}])] | ./text()[normalize-space()]"
        for block in container.xpath(query):
            if keep is not None and not isinstance(block.root, str) and not keep(block):
                continue
            text = (
                collapse_whitespace(block.root) if isinstance(block.root, str) else node_text(block)
            )
            if text and not (skip and skip.search(text)):
                paragraphs.append(text)
    return paragraphs


def join_paragraphs(paragraphs: Iterable[str]) -> str | None:
    """Paragraphs separated by one blank line, or None when there is no text at all."""
    kept = [p for p in paragraphs if p]
    return "\n\n".join(kept) if kept else None


def has_class(name: str) -> str:
    """XPath predicate body: the element's class attribute holds the token ``name``."""
    # the plain substring test first: it rules out nearly every element for a fraction of
    # what normalising and padding each class attribute costs libxml2
    return (
        f"(contains(@class, '{name}')"
        f" and contains(concat(' ', normalize-space(@class), ' '), ' {name} '))"
    )


# --- block pages ----------------------------------------------------------------------

# Markers of interstitial pages that stand in for the real page (bot challenges, WAF blocks):
# words of the page's <title>, and strings anywhere in its HTML. Literal strings, looked for
# with `in`: a regex scan per marker over every page's whole HTML cost more than the rest of
# a page's header extraction (and a title's marker is looked for in the title alone).
_BLOCK_MARKERS: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    ("cloudflare-challenge", None, ("window._cf_chl_opt", "/cdn-cgi/challenge-platform/")),
    ("cloudflare-block", "Attention Required! | Cloudflare", ("cf-error-details",)),
    # (Incapsula also injects a script into normal pages; only its incident page is a block)
    ("incapsula", None, ("Incapsula incident ID",)),
)
_BLOCK_TITLE = re.compile(r"captcha|are you a robot|access denied", re.IGNORECASE)
_TITLE = re.compile(r"<title[^>]*>([^<]*)</title>", re.IGNORECASE)


def block_page_reason(html: str) -> str | None:
    """Why this response is a block or challenge page rather than content, else None."""
    # the first 200,000 characters, searched in place: a copy of them cost as much as the
    # searches
    end = 200_000
    start = html.find("<title", 0, end)
    if start < 0:
        start = html[:end].lower().find("<title")
    found = _TITLE.match(html, start, end) if start >= 0 else None
    title = found.group(1) if found else ""
    for reason, title_marker, markers in _BLOCK_MARKERS:
        if (title_marker and title_marker in title) or any(
            html.find(marker, 0, end) >= 0 for marker in markers
        ):
            return reason
    if _BLOCK_TITLE.search(title):
        return "captcha"
    return None
