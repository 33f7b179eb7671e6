"""People: bylines and contributor names -> clean names with their honorific, suffix and role.

A byline is cleaned in a short sequence of named steps (invisible characters, spacing,
quotes), its lead word read for the role ("By", "Featuring", "Journalist", "Testimony by"),
then split on the separators sites use ("and", "&", commas, semicolons, line breaks). Each
piece goes through ``clean_name``, which refuses what is not a person (a task-force heading,
a role, an affiliation, an organisation, a social-media label, or one of the words the site
says name no person: its ``not_names``) and takes honorifics, ranks (retired or not),
suffixes, social handles and an author card's placeholder initials off the name with
nameparser's vocabulary. The name itself is never re-cased or reordered: it is the text as
written, minus those words.

An institution credited as author ("By 38 North", "RAND Corporation") is no person; when a
byline names nobody else, ``read_byline`` gives it as the byline's organisation instead.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from nameparser import HumanName
from nameparser.config import CONSTANTS, Constants

ROLES = ("author", "featured", "journalist")


@dataclass(frozen=True)
class Byline:
    """What a byline credits: its people, and the institutions it names when it names no
    person (an institution beside a person is that person's affiliation, not an author)."""

    people: list[Person]
    organisations: list[str]


@dataclass(frozen=True)
class Person:
    name: str  # as written, without honorific or suffix: "Duyeon Kim"
    # the piece of byline or link text it came from, invisible characters, spacing and double
    # quotes cleaned: "Dr. Duyeon Kim"
    name_raw: str
    honorific: str | None  # "Dr.", "Lt. Gen.", "CDR"
    suffix: str | None  # "Jr.", "III", "Ph.D."
    role: str  # one of ROLES


# --- nameparser, configured once ------------------------------------------------------------
# nameparser's own titles, with the diplomatic and congressional abbreviations it lacks, and
# without the words that are first names as often as titles in this field ("Judge Glock").
_EXTRA_TITLES = {"amb", "ambassador", "sen", "brig", "rdml", "vadm", "radm", "lcdr", "ltjg"}
_NOT_TITLES = {"judge", "bishop", "chair", "chairman", "director", "senior", "king", "prince"}
_CONSTANTS = Constants(
    titles=(set(CONSTANTS.titles) | _EXTRA_TITLES) - _NOT_TITLES,
    suffix_acronyms=CONSTANTS.suffix_acronyms,
    suffix_not_acronyms=CONSTANTS.suffix_not_acronyms,
)

# --- cleaning steps -------------------------------------------------------------------------
# Zero-width characters and the BOM, found at the start of contributor link texts.
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
# Curly apostrophes become straight ones so one person has one spelling ("O’Hanlon").
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
# Double quotes of any kind are not part of a name or a byline.
_DOUBLE_QUOTES = re.compile('["\u201c\u201d\u201e\u00ab\u00bb]')
# Any run of whitespace (NBSP and thin spaces included) within a line becomes one space.
_SPACES = re.compile(r"[^\S\n]+")
# Punctuation left at either end of a piece ("Ilan Goldenberg." / ", Kristine Lee").
_EDGE_PUNCTUATION = " \t,;:.·•|-–—*"

# --- lead words -----------------------------------------------------------------------------
# "Testimony by A, Role, Affiliation": only the first comma-separated piece is the witness.
_TESTIMONY = re.compile(r"^(?:joint\s+)?testimony\s+(?:by|of)\s+", re.I)
# "Featuring A" on in-the-news pages.
_FEATURING = re.compile(r"^featuring\s*:?\s+", re.I)
# "Journalist: Y" and "Journalist Y".
_JOURNALIST = re.compile(r"^(?:journalists?|reporters?|interviewer)\s*:?\s+", re.I)
# "By A", "Written by A", "Authors: A", and the lead words of the other languages bylines
# are written in: "Von A", "Par A", "Door A", "Por A", "Autorin: A", "Autorzy: A".
_BY = re.compile(
    r"^(?:(?:written\s+)?by\b\s*:?|authors?\s*:"
    r"|(?:von|autor(?:in)?|auteure?|par|door|por|autorzy)\b\s*:?(?=\s))\s*",
    re.I,
)

# --- separators -----------------------------------------------------------------------------
# ", and " / " and " / " & " / "," / ";" between names ("A, B, and C", "A, B & C").
# "und", "et", "i": the same word in German, French, Catalan and Polish bylines.
_SEPARATORS = re.compile(
    r"\s*(?:,\s*(?:and|und|et|i|&)\s+|\s(?:and|und|et|i|&)\s+|&|[,;])\s*", re.I
)

# --- what is not a person -------------------------------------------------------------------
# Words of headings, roles, affiliations and page furniture that stand where a byline would:
# "Task Force Co-Chairs", "Adjunct Senior Fellow", "Center for a New American Security".
_NOT_A_NAME = re.compile(
    r"\b(?:task|force|co-?chairs?|chairs?|chairman|chairwoman|members?|commission|"
    r"commissioners?|committee|subcommittee|center|centre|program|programme|initiative|"
    r"institute|security|fellows?|director|senior|adjunct|president|vice|staff|editors?|"
    r"editorial|board|team|university|foundation|council|department|office|project|studies|"
    r"affairs|policy|research|national|american|international|associates?|contributors?|"
    r"correspondent|analyst|experts?|guests?|moderator|host|former|authors?|journalists?|"
    r"image|photo|credit|read|more|download|print|share|subscribe|and|the|of|for|"
    # the labels of an author card's social links ("Twitter" above "@DarrWest")
    r"twitter|linkedin|facebook|instagram|bluesky|threads|e-?mail)\b",
    re.I,
)
# Words that name an organisation, not a person, on any site: "Brookings Institution",
# "RAND Corporation", "Carnegie Endowment", "Hoover Institution Press".
_ORGANISATION = re.compile(
    r"\b(?:institutions?|institutes?|corporation|corp|inc|incorporated|llc|ltd|company|"
    r"endowment|foundation|university|college|academy|press|association|society|agency|"
    r"organi[sz]ation|laboratory|forum|group|centers?|centres?|councils?)\b",
    re.I,
)
# An acronym standing alone ("CSIS", "IISS", "RAND") is an organisation's short name.
_ACRONYM = re.compile(r"^[A-Z&]{2,}$")
_HAS_DIGIT = re.compile(r"\d")
# An organisation's name is short, whatever its words.
_MAX_ORGANISATION_WORDS = 10
# A social-media handle beside a name ("William R. Johnston @WR_Johnston"): not the name.
_HANDLE = re.compile(r"(?<!\S)@\w+")
# A rank's retirement mark, before the name or after it: "Maj. Gen. (Ret.) Jane Doe",
# "General David Petraeus (ret.)", "RADM (Ret.) Mark Montgomery".
_RETIRED = re.compile(r"\(\s*ret(?:\.|ired)?\s*\)", re.I)
# A name has at most this many words once honorific and suffix are off.
_MAX_NAME_WORDS = 6


def _clean_text(raw: str) -> str:
    text = unicodedata.normalize("NFC", _ZERO_WIDTH.sub("", raw))
    text = _DOUBLE_QUOTES.sub("", text.translate(_APOSTROPHES))
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def split_byline(raw: str | None, *, not_names: tuple[str, ...] = ()) -> list[Person]:
    """Every person a byline names, in its order; [] when it names none.

    ``not_names`` are the words that name no person on the site (``Site.not_names``: its
    own name, a desk, a newsletter); a piece holding one is not a person.
    """
    return read_byline(raw, not_names=not_names).people


def read_byline(raw: str | None, *, not_names: tuple[str, ...] = ()) -> Byline:
    """A byline's people (as ``split_byline``) and, when it names no person, the
    organisations it credits ("By 38 North": ["38 North"]), each once, in its order.

    An organisation is a piece naming one of ``not_names`` or holding an institution's
    word ("Institution", "Corporation", "Council", "Center") or a lone acronym ("CSIS").
    Beside a person it is that person's affiliation ("Jane Doe, Senior Fellow, CSIS", an
    author card's role lines), so a byline naming anyone has no organisations.
    """
    if not raw:
        return Byline([], [])
    people: list[Person] = []
    organisations: list[str] = []
    for line in _clean_text(raw).split("\n"):
        line_people, line_organisations = _split_line(line, not_names)
        people.extend(line_people)
        organisations.extend(line_organisations)
    if people:
        return Byline(people, [])
    return Byline([], list(dict.fromkeys(organisations)))


def _split_line(line: str, not_names: tuple[str, ...]) -> tuple[list[Person], list[str]]:
    role = "author"
    if match := _TESTIMONY.match(line):
        # The role and affiliation after the witness's name are not people.
        witness = line[match.end() :].split(",")[0]
        person = clean_name(witness, role="author", not_names=not_names)
        return ([person] if person else []), []
    if match := _FEATURING.match(line):
        role, line = "featured", line[match.end() :]
    elif match := _JOURNALIST.match(line):
        role, line = "journalist", line[match.end() :]
    elif match := _BY.match(line):
        line = line[match.end() :]

    pieces = [piece for piece in _SEPARATORS.split(line) if piece.strip(_EDGE_PUNCTUATION)]
    people: list[Person] = []
    organisations: list[str] = []
    for piece in pieces:
        # "A Smith, Jr.": a piece that is only a suffix belongs to the name before it.
        if people and _is_only_suffix(piece):
            last = people[-1]
            suffix = piece.strip(_EDGE_PUNCTUATION.replace(".", "")).strip()
            people[-1] = Person(
                last.name,
                f"{last.name_raw}, {piece.strip()}",
                last.honorific,
                ", ".join(filter(None, (last.suffix, suffix))),
                last.role,
            )
            continue
        person = clean_name(piece, role=role, not_names=not_names)
        if person is not None:
            people.append(person)
        elif organisation := organisation_name(piece, not_names=not_names):
            organisations.append(organisation)
    return people, organisations


def _is_only_suffix(piece: str) -> bool:
    words = piece.strip(_EDGE_PUNCTUATION.replace(".", "")).split()
    return bool(words) and all(_is_suffix_word(word) for word in words)


def _is_suffix_word(word: str) -> bool:
    # nameparser's own test: lower case, periods dropped, looked up in its suffix sets.
    key = word.lower().replace(".", "").strip("(),")
    return key in _CONSTANTS.suffix_acronyms or key in _CONSTANTS.suffix_not_acronyms


# The same few hundred people sign thousands of publications: a name is parsed once. The
# result is a frozen Person, so sharing it between publications is safe.
@functools.lru_cache(maxsize=16_384)
def clean_name(
    raw: str | None, *, role: str = "author", not_names: tuple[str, ...] = ()
) -> Person | None:
    """One person's name with honorific and suffix set apart, or None if it is not a name.

    A name holding one of ``not_names`` (whole words, any case) is not a person's.
    """
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}, not {role!r}")
    if not raw:
        return None
    name_raw = _clean_text(raw).replace("\n", " ").strip(" ,;")
    # A handle beside the name is the person's account, not part of their name.
    text = " ".join(_HANDLE.sub(" ", name_raw).split())
    # A rank's "(Ret.)" is set apart before nameparser reads the rank, then rejoins it.
    retired = _RETIRED.search(text)
    retired_after: list[str] = []
    if retired:
        retired_after = text[: retired.start()].split()
        text = " ".join(f"{text[: retired.start()]} {text[retired.end() :]}".split())
    text = _without_affiliation(text).strip(_EDGE_PUNCTUATION.replace(".", ""))
    # A sentence's closing period is not part of the name; the period of an initial ("B.")
    # or a suffix ("Jr.") is.
    if text.endswith(".") and " " in text:
        last = text.rsplit(" ", 1)[1][:-1]
        if len(last) > 1 and not _is_suffix_word(last):
            text = text[:-1]
    if not text:
        return None
    words = _without_placeholder(text.split(" "))
    text = " ".join(words)
    parsed = HumanName(text, constants=_CONSTANTS)

    # Honorifics and ranks lead the name: take as many words as nameparser read as title,
    # provided they really are the leading words (it never reorders what we keep).
    honorific_words = parsed.title.split()
    if honorific_words and words[: len(honorific_words)] == honorific_words:
        words = words[len(honorific_words) :]
    else:
        honorific_words = []
    # Suffixes trail it, possibly after a comma: "Robert Smith Jr.", "Jane Roe, Ph.D.".
    suffix_words: list[str] = []
    read_as_suffix = set(parsed.suffix.replace(",", " ").split())
    while len(words) > 1 and words[-1].rstrip(",") in read_as_suffix:
        suffix_words.insert(0, words.pop().rstrip(","))
    if words:
        words[-1] = words[-1].rstrip(",")

    if retired:
        mark = retired.group()
        # "Maj. Gen. (Ret.)": the mark follows the rank; anywhere else it ends the name.
        if honorific_words and retired_after == honorific_words:
            honorific_words.append(mark)
        else:
            suffix_words.append(mark)

    name = " ".join(words).strip(_EDGE_PUNCTUATION.replace(".", "")).strip()
    if not _looks_like_a_name(name) or _holds_a_not_name(name, not_names):
        return None
    return Person(
        name=name,
        name_raw=name_raw,
        honorific=" ".join(honorific_words) or None,
        suffix=", ".join(suffix_words) or None,
        role=role,
    )


# A role or affiliation set off after the name by a spaced dash or bar ("Jane Doe - Senior
# Fellow", "Jane Doe | CSIS"), or in closing parentheses ("Jane Doe (CSIS)").
_AFFILIATION_DASH = re.compile(r"\s+[-\u2013\u2014|]\s+")
_AFFILIATION_PARENTHESES = re.compile(r"\s*\(([^()]*)\)$")


def _without_affiliation(text: str) -> str:
    """The name without a role or an institution written after it; a nickname in
    parentheses ("Ariel (Eli) Levite") or a second name after a dash stays."""
    head, *tail = _AFFILIATION_DASH.split(text, maxsplit=1)
    if tail and _is_affiliation(tail[0]):
        text = head
    if (match := _AFFILIATION_PARENTHESES.search(text)) and _is_affiliation(match.group(1)):
        text = text[: match.start()]
    return text


def _is_affiliation(text: str) -> bool:
    text = text.strip(_EDGE_PUNCTUATION)
    # a role, an institution, its acronym, or a heading's word ("Economic Studies")
    return bool(
        _ROLE.search(text)
        or _ORGANISATION.search(text)
        or _ACRONYM.match(text)
        or _NOT_A_NAME.search(text)
    )


def _without_placeholder(words: list[str]) -> list[str]:
    """The words of a name without the initials an author card shows in place of a photo
    ("JD Jane Doe", "J Jane Doe"): a leading capital or two or three capitals that are the
    initials of the words after them. "JD Vance" keeps its "JD"."""
    first, rest = words[0], words[1:]
    if len(rest) < 2 or not (first.isalpha() and first.isupper() and len(first) <= 3):
        return words
    initials = "".join(word[0] for word in rest if word[:1].isalpha()).upper()
    if initials and first in {initials, initials[0], initials[0] + initials[-1]}:
        return rest
    return words


def organisation_name(raw: str | None, *, not_names: tuple[str, ...] = ()) -> str | None:
    """The institution a byline piece credits ("38 NORTH" on 38 North: "38 North";
    "Brookings Institution"; "CSIS"), or None when the piece names none.

    A piece that is one of ``not_names`` (any case, spacing, a leading "The") is that
    institution, spelled as ``not_names`` spells it; otherwise a short piece holding an
    institution's word (Institution, Corporation, Endowment, Council, Center, ...) or a
    lone acronym of three letters or more, as written. A role beside it ("Senior Fellow -
    Center for Technology Innovation") is a person's affiliation, not a credit.
    """
    if not raw:
        return None
    text = _clean_text(raw).replace("\n", " ")
    if match := _BY.match(text):
        text = text[match.end() :]
    text = text.strip(_EDGE_PUNCTUATION)
    if not text or len(text.split()) > _MAX_ORGANISATION_WORDS:
        return None
    for phrase in not_names:
        if _whole_phrase_re(phrase).fullmatch(text):
            return phrase
    if _ROLE.search(text):
        return None
    if _ORGANISATION.search(text) or _ORGANISATION_ACRONYM.match(text):
        return text
    return None


# Words of a person's role: a piece holding one is an affiliation line, not a credit.
_ROLE = re.compile(
    r"\b(?:fellows?|directors?|senior|adjunct|president|vice|professors?|analysts?|"
    r"chairs?|co-?chairs?|chairman|chairwoman|associates?|researchers?|editors?|members?|"
    r"scholars?|advisers?|advisors?|managers?|officers?|founder|head|dean|lecturer|"
    r"nonresident|visiting)\b",
    re.I,
)
# An institution's short name standing alone ("CSIS", "RAND"); two capitals are more
# often a card's placeholder initials ("JD") than an institution.
_ORGANISATION_ACRONYM = re.compile(r"^[A-Z&]{3,}$")


@functools.cache
def _whole_phrase_re(phrase: str) -> re.Pattern[str]:
    return re.compile(r"(?:the\s+)?" + r"\s+".join(map(re.escape, phrase.split())), re.I)


def _looks_like_a_name(name: str) -> bool:
    words = name.split()
    if not words or len(words) > _MAX_NAME_WORDS:
        return False
    # A number and a word ("38 North") is a site's name; so is an organisation's word.
    if _HAS_DIGIT.search(name) or _NOT_A_NAME.search(name) or _ORGANISATION.search(name):
        return False
    if len(words) == 1 and _ACRONYM.match(name):
        return False
    # A name starts with a letter and ends with a word that is not in lower case ("de
    # Oliveira" may start in lower case; scripts without case pass).
    return (
        words[0][0].isalpha()
        and not words[-1][0].islower()
        and any(len(word.strip(".")) > 1 for word in words)
    )


def _holds_a_not_name(name: str, not_names: tuple[str, ...]) -> bool:
    return bool(not_names) and bool(_not_names_re(not_names).search(name))


@functools.cache
def _not_names_re(not_names: tuple[str, ...]) -> re.Pattern[str]:
    # "Beyond Parallel" also matches "Beyond  Parallel" and "beyond parallel"
    phrases = (r"\s+".join(map(re.escape, words.split())) for words in not_names)
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b", re.I)


# --- identity -------------------------------------------------------------------------------
_KEY_DROP = re.compile(r"['.]")  # "O'Hanlon" ~ "OHanlon", "Elsa B. Kania" ~ "Elsa B Kania"
_KEY_SPACE = re.compile(r"[\W_]+")  # "Myong-Hyun" ~ "Myong Hyun"


def name_key(name: str) -> str:
    """The identity key of a person's name: one key however the name is spelled or titled.

    Honorifics are dropped (they change over a career), accents and case folded, apostrophes
    and periods removed and any other punctuation or spacing folded to one space.
    """
    person = clean_name(name)
    text = person.name if person else _clean_text(name)
    if not text.isascii():  # (ASCII has no accents to fold)
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        text = "".join(char for char in decomposed if not unicodedata.combining(char))
    else:
        text = text.lower()
    text = _KEY_DROP.sub("", text.translate(_APOSTROPHES))
    return _KEY_SPACE.sub(" ", text).strip()
