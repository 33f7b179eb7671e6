"""What a researcher types into `thinkscrape search`, as an FTS5 query.

FTS5's own syntax passes through: ``OR``, ``AND``, ``NOT`` and ``NEAR(...)`` in capitals,
``"phrases"``, ``prefix*``, ``^first`` and column filters such as ``title:korea``. Every
word is quoted as an FTS5 string, so punctuation is searched as typed (``U.S.-China``,
``korea's``) instead of being a syntax error, and a stray double quote is closed. A word
with a leading minus (``-russia``) leaves out the publications that have it, as in a web
search engine; FTS5 has no such operator, so those words are returned apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

OPERATORS = frozenset({"AND", "OR", "NOT"})
# A quoted string (a doubled quote inside is a quote; the closing quote may be missing),
# one of the characters FTS5 gives a meaning of its own, or a run of anything else.
_TOKEN_RE = re.compile(r'(?P<string>"(?:[^"]|"")*)(?P<closed>"?)|(?P<mark>[(),])|[^\s(),"]+')
_COLUMN_RE = re.compile(r"(\w+):(.*)", re.S)


@dataclass(frozen=True)
class Search:
    """An FTS5 expression every result must match, and one no result may match."""

    include: str | None
    exclude: str | None

    def combined(self) -> str | None:
        """One FTS5 expression for both, or None when there is nothing to include."""
        if self.include is None or self.exclude is None:
            return self.include
        return f"({self.include}) NOT {self.exclude}"


def quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _term(word: str, columns: frozenset[str]) -> str | None:
    """A typed word as an FTS5 term: ``^`` first, a column filter, a ``*`` prefix kept."""
    caret = word.startswith("^")
    word = word.lstrip("^")
    column = ""
    match = _COLUMN_RE.fullmatch(word)
    if match and match[1].lower() in columns:
        column, word = f"{match[1]} : ", match[2]
        if not word:
            return column.rstrip()  # the filter applies to the phrase or group that follows
    star = word.endswith("*")
    word = word.rstrip("*")
    if not word:
        return None
    return column + ("^ " if caret else "") + quote(word) + ("*" if star else "")


def _joined(parts: list[str]) -> str:
    """Parts spaced as a person writes them: ``NEAR("a" "b", 10)``, ``("a" OR "b")``."""
    text = ""
    for part in parts:
        tight = text.endswith("(") or part in (")", ",") or (part == "(" and text.endswith("NEAR"))
        text += part if tight or not text else f" {part}"
    return text


def parse(text: str, columns: Iterable[str]) -> Search:
    """Translate ``text``; FTS5 itself reports operators out of place when it runs."""
    columns = frozenset(name.lower() for name in columns)
    include: list[str] = []
    exclude: list[str] = []
    groups: list[str] = []  # "near" or "group" for each open parenthesis
    exclude_next = False
    for token in _TOKEN_RE.finditer(text):
        word = token[0]
        target = include
        if exclude_next:
            target, exclude_next = exclude, False
        if token["string"] is not None:
            target.append(quote(token["string"][1:].replace('""', '"')))
        elif word == "(":
            groups.append("near" if include and include[-1] == "NEAR" else "group")
            include.append(word)
        elif word == ")":
            if groups:
                groups.pop()
            include.append(word)
        elif word == ",":
            if groups and groups[-1] == "near":
                include.append(word)  # NEAR(a b, 10): the distance follows
        elif word in OPERATORS or (word == "NEAR" and text[token.end() :].startswith("(")):
            include.append(word)
        elif word.isdigit() and include and include[-1] == ",":
            include.append(word)
        elif word == "*" and target and target[-1].endswith('"'):
            target[-1] += "*"  # "a phrase"* is a prefix phrase
        elif word.startswith("-") and not groups:
            if word == "-":
                exclude_next = True
            elif term := _term(word[1:], columns):
                exclude.append(term)
        elif term := _term(word, columns):
            target.append(term)
    return Search(
        include=_joined(include) or None,
        exclude=(exclude[0] if len(exclude) == 1 else f"({' OR '.join(exclude)})")
        if exclude
        else None,
    )
