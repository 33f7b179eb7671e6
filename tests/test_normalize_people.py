"""Bylines and contributor texts -> people, with honorific, suffix and role set apart."""

import pytest

from thinkscrape.normalize.people import (
    Person,
    clean_name,
    name_key,
    organisation_name,
    read_byline,
    split_byline,
)


def author(name, name_raw=None, honorific=None, suffix=None, role="author"):
    return Person(name, name_raw or name, honorific, suffix, role)


BYLINES = [
    # --- detail pages: "and" between two authors (site notes 3.2) -------------------------
    ("By Robert O. Work and Eric Schmidt", [author("Robert O. Work"), author("Eric Schmidt")]),
    (
        "By Peter Harrell and Elizabeth Rosenberg",
        [author("Peter Harrell"), author("Elizabeth Rosenberg")],
    ),
    # --- one author -----------------------------------------------------------------------
    ("By Patrick M. Cronin", [author("Patrick M. Cronin")]),
    ("By Ilan Goldenberg", [author("Ilan Goldenberg")]),
    ("By Richard Fontaine", [author("Richard Fontaine")]),
    ("By Cole Stevens", [author("Cole Stevens")]),
    ("By Van Jackson", [author("Van Jackson")]),
    # --- cards: commas and "&" before the last --------------------------------------------
    ("By Kristine Lee & Karina Barbesino", [author("Kristine Lee"), author("Karina Barbesino")]),
    (
        "By Kristine Lee, Daniel Kliman & Joshua Fitt",
        [author("Kristine Lee"), author("Daniel Kliman"), author("Joshua Fitt")],
    ),
    (
        "By Elisa Catalano Ewers, Ilan Goldenberg & Kaleigh Thomas",
        [author("Elisa Catalano Ewers"), author("Ilan Goldenberg"), author("Kaleigh Thomas")],
    ),
    (
        "By Sam Dorshimer, Nathalie Grogan, Emily Jin, Chris Estep & Cole Stevens",
        [
            author("Sam Dorshimer"),
            author("Nathalie Grogan"),
            author("Emily Jin"),
            author("Chris Estep"),
            author("Cole Stevens"),
        ],
    ),
    (
        "By Vivek Chilukuri, Lisa Curtis, Janet Egan, Morgan Peirce, Elizabeth Whatcott & "
        "Nathaniel Schochet",
        [
            author("Vivek Chilukuri"),
            author("Lisa Curtis"),
            author("Janet Egan"),
            author("Morgan Peirce"),
            author("Elizabeth Whatcott"),
            author("Nathaniel Schochet"),
        ],
    ),
    (
        "By Elizabeth Rosenberg & Neil Bhatiya",
        [author("Elizabeth Rosenberg"), author("Neil Bhatiya")],
    ),
    ("By Richard Fontaine & Lisa Curtis", [author("Richard Fontaine"), author("Lisa Curtis")]),
    (
        "By Elsa B. Kania & Lindsay Gorman",
        [author("Elsa B. Kania"), author("Lindsay Gorman")],
    ),
    (
        "By Katie Galgano, Chris Estep & Cole Stevens",
        [author("Katie Galgano"), author("Chris Estep"), author("Cole Stevens")],
    ),
    # --- the Oxford comma and the bare list ------------------------------------------------
    (
        "Kaleigh Thomas, Chris Estep, and Cole Stevens",
        [author("Kaleigh Thomas"), author("Chris Estep"), author("Cole Stevens")],
    ),
    (
        "By Patrick M. Cronin and Benjamin Katzeff Silberstein",
        [author("Patrick M. Cronin"), author("Benjamin Katzeff Silberstein")],
    ),
    (
        "By Daniel Kliman, Ben FitzGerald, Kristine Lee & Joshua Fitt",
        [
            author("Daniel Kliman"),
            author("Ben FitzGerald"),
            author("Kristine Lee"),
            author("Joshua Fitt"),
        ],
    ),
    # --- honorifics and ranks stay out of the name but are kept ---------------------------
    ("By Dr. Duyeon Kim", [author("Duyeon Kim", "Dr. Duyeon Kim", honorific="Dr.")]),
    ("By Dr. Go Myong-Hyun", [author("Go Myong-Hyun", "Dr. Go Myong-Hyun", honorific="Dr.")]),
    ("CDR Chris Dougherty", [author("Chris Dougherty", "CDR Chris Dougherty", honorific="CDR")]),
    (
        "By Amb. Victoria Nuland",
        [author("Victoria Nuland", "Amb. Victoria Nuland", honorific="Amb.")],
    ),
    (
        "By Lt. Gen. Jane Doe and Adm. John Roe",
        [
            author("Jane Doe", "Lt. Gen. Jane Doe", honorific="Lt. Gen."),
            author("John Roe", "Adm. John Roe", honorific="Adm."),
        ],
    ),
    ("Hon. Michèle Flournoy", [author("Michèle Flournoy", "Hon. Michèle Flournoy", "Hon.")]),
    ("Prof. Ana de Oliveira", [author("Ana de Oliveira", "Prof. Ana de Oliveira", "Prof.")]),
    ("LTC Sam Roe", [author("Sam Roe", "LTC Sam Roe", honorific="LTC")]),
    ("Col. Sam Roe", [author("Sam Roe", "Col. Sam Roe", honorific="Col.")]),
    ("Capt. Sam Roe", [author("Sam Roe", "Capt. Sam Roe", honorific="Capt.")]),
    ("Gen. Sam Roe", [author("Sam Roe", "Gen. Sam Roe", honorific="Gen.")]),
    ("Rep. Sam Roe", [author("Sam Roe", "Rep. Sam Roe", honorific="Rep.")]),
    ("Sen. Sam Roe", [author("Sam Roe", "Sen. Sam Roe", honorific="Sen.")]),
    ("Mr. Sam Roe", [author("Sam Roe", "Mr. Sam Roe", honorific="Mr.")]),
    ("Ms. Sam Roe", [author("Sam Roe", "Ms. Sam Roe", honorific="Ms.")]),
    ("Mrs. Sam Roe", [author("Sam Roe", "Mrs. Sam Roe", honorific="Mrs.")]),
    # --- suffixes -------------------------------------------------------------------------
    ("By Sam Roe Jr.", [author("Sam Roe", "Sam Roe Jr.", suffix="Jr.")]),
    ("By Sam Roe, Jr.", [author("Sam Roe", "Sam Roe, Jr.", suffix="Jr.")]),
    ("Sam Roe Sr.", [author("Sam Roe", "Sam Roe Sr.", suffix="Sr.")]),
    ("Robert O. Work III", [author("Robert O. Work", "Robert O. Work III", suffix="III")]),
    ("Sam Roe II", [author("Sam Roe", "Sam Roe II", suffix="II")]),
    ("Jane Roe, Ph.D.", [author("Jane Roe", "Jane Roe, Ph.D.", suffix="Ph.D.")]),
    (
        "By Dr. Jane Roe, Ph.D. and Sam Roe Jr.",
        [
            author("Jane Roe", "Dr. Jane Roe, Ph.D.", honorific="Dr.", suffix="Ph.D."),
            author("Sam Roe", "Sam Roe Jr.", suffix="Jr."),
        ],
    ),
    # --- names never re-cased or reordered ------------------------------------------------
    ("By Ariel (Eli) Levite", [author("Ariel (Eli) Levite")]),
    ("Ana de Oliveira", [author("Ana de Oliveira")]),
    ("Judge Glock", [author("Judge Glock")]),
    ("Dean Cheng", [author("Dean Cheng")]),
    ("By ROBERT SMITH", [author("ROBERT SMITH")]),
    # --- roles ----------------------------------------------------------------------------
    ("Featuring Ilan Goldenberg", [author("Ilan Goldenberg", role="featured")]),
    ("Journalist: Oliver Hotham", [author("Oliver Hotham", role="journalist")]),
    ("Journalist Mike Giglio", [author("Mike Giglio", role="journalist")]),
    (
        "Featuring Ilan Goldenberg\nJournalist Mike Giglio",
        [author("Ilan Goldenberg", role="featured"), author("Mike Giglio", role="journalist")],
    ),
    (
        "Testimony by Jane Doe, Adjunct Senior Fellow, Center for a New American Security",
        [author("Jane Doe")],
    ),
    (
        "Testimony by Dr. Jane Doe, Senior Fellow and Director, Defense Program, CNAS",
        [author("Jane Doe", "Dr. Jane Doe", honorific="Dr.")],
    ),
    # --- contributor link texts joined with line breaks -----------------------------------
    ("Susanna V. Blume\nChris Dougherty", [author("Susanna V. Blume"), author("Chris Dougherty")]),
    # --- invisible characters, NBSP, quotes, stray spacing and punctuation ----------------
    ("\u200bDr. Duyeon Kim", [author("Duyeon Kim", "Dr. Duyeon Kim", honorific="Dr.")]),
    ("By\u00a0Kristine\u00a0Lee", [author("Kristine Lee")]),
    ("  By   Kristine  Lee  &  Joshua Fitt  ", [author("Kristine Lee"), author("Joshua Fitt")]),
    ("By \u201cKristine Lee\u201d", [author("Kristine Lee")]),
    ("By Kristine Lee.", [author("Kristine Lee", "Kristine Lee.")]),
    ("By Kristine Lee,", [author("Kristine Lee")]),
    ("By Michael O\u2019Hanlon", [author("Michael O'Hanlon")]),
    ("\ufeffBy Elsa B. Kania\u200b", [author("Elsa B. Kania")]),
    # --- headings and other lines standing where a byline would: nobody -------------------
    ("Task Force Co-Chairs", []),
    ("CNAS Task Force on Artificial Intelligence and National Security", []),
    ("Author", []),
    ("By CNAS", []),
    ("", []),
    (None, []),
    ("   \u200b  ", []),
    ("Adjunct Senior Fellow", []),
    ("Center for a New American Security", []),
    ("Image Credit", []),
]


@pytest.mark.parametrize(("raw", "expected"), BYLINES)
def test_split_byline(raw, expected):
    assert split_byline(raw) == expected


CLEAN_NAMES = [
    ("Kristine Lee", author("Kristine Lee")),
    ("\u200bPatrick M. Cronin", author("Patrick M. Cronin")),
    ("Dr. Duyeon Kim", author("Duyeon Kim", "Dr. Duyeon Kim", honorific="Dr.")),
    ("Go Myong-Hyun", author("Go Myong-Hyun")),
    ("Elsa B. Kania", author("Elsa B. Kania")),
    (" Gregory C. Allen ", author("Gregory C. Allen")),
    ("Kayla M. Williams", author("Kayla M. Williams")),
    ("John J. Klein", author("John J. Klein")),
    ("Task Force Co-Chairs", None),
    ("", None),
    (None, None),
    ("Read more", None),
    ("2019", None),
]


@pytest.mark.parametrize(("raw", "expected"), CLEAN_NAMES)
def test_clean_name(raw, expected):
    assert clean_name(raw) == expected


# Organisations sign pieces too; they are not people, whatever the site.
ORGANISATIONS = [
    "Brookings Institution",
    "RAND Corporation",
    "CSIS",
    "IISS",
    "38 North",
    "Atlantic Council",
    "Carnegie Endowment for International Peace",
    "Stimson Center",
    "Hoover Institution Press",
    "Cato Institute",
    "Heritage Foundation",
    "Georgetown University",
    "Royal United Services Institute",
    "Chatham House Staff",
    "The Editors",
    "Council on Foreign Relations",
    "Lowy Institute",
    "Centre for European Reform",
    "Acme Corp.",
]


@pytest.mark.parametrize("raw", ORGANISATIONS)
def test_clean_name_refuses_organisations(raw):
    assert clean_name(raw) is None


@pytest.mark.parametrize(
    "raw", ["Patrick M. Cronin", "Abigail Grace", "Ely Ratner", "Jacob Stokes", "Kim Kardashian"]
)
def test_clean_name_still_accepts_people_near_those_rules(raw):
    assert clean_name(raw) is not None


def test_clean_name_keeps_the_role_given():
    assert clean_name("Mike Giglio", role="journalist") == author("Mike Giglio", role="journalist")


def test_clean_name_refuses_an_unknown_role():
    with pytest.raises(ValueError, match="role must be one of"):
        clean_name("Mike Giglio", role="editor")


@pytest.mark.parametrize(
    ("names", "key"),
    [
        (("Duyeon Kim", "Dr. Duyeon Kim", "DUYEON  KIM", "\u200bDuyeon Kim"), "duyeon kim"),
        (("Go Myong-Hyun", "Dr. Go Myong-Hyun", "Go Myong Hyun"), "go myong hyun"),
        (("Michèle Flournoy", "Michele Flournoy", "Hon. Michèle Flournoy"), "michele flournoy"),
        (("Elsa B. Kania", "Elsa B Kania", "ELSA B. KANIA"), "elsa b kania"),
        (("Michael O\u2019Hanlon", "Michael O'Hanlon", "Michael OHanlon"), "michael ohanlon"),
        (("Chris Dougherty", "CDR Chris Dougherty"), "chris dougherty"),
    ],
)
def test_name_key_folds_spellings_of_one_person(names, key):
    assert [name_key(name) for name in names] == [key] * len(names)


def test_name_key_tells_different_people_apart():
    assert name_key("Kristine Lee") != name_key("Kristine Leek")
    assert name_key("Ilan Goldenberg") != name_key("Ilan Goldberg")


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("Von Roland Beispiel und Sebastian Muster", ["Roland Beispiel", "Sebastian Muster"]),
        ("par Loïc Exemple et Marie Modèle", ["Loïc Exemple", "Marie Modèle"]),
        ("Autorin: Eva Muster", ["Eva Muster"]),
        ("Door Jan Voorbeeld", ["Jan Voorbeeld"]),
    ],
)
def test_split_byline_reads_the_lead_words_and_separators_of_other_languages(raw, names):
    assert [person.name for person in split_byline(raw)] == names


# --- ranks and retirement, handles, affiliations, placeholder initials -------------------
# Bylines as the site notes print them: CSIS's co-authors from FDD ("RADM (Ret.) Mark
# Montgomery", csis 2.3, whose rank the notes say is no part of the name), RAND's related
# products with handles (rand 3.2), Brookings author cards with role lines, a Twitter label
# and handle, and a placeholder's initial (brookings 4, 5.3, 6.2).
PEOPLE_APART_FROM_WHAT_SURROUNDS_THEM = [
    (
        "Benjamin Jensen, RADM (Ret.) Mark Montgomery",
        [
            author("Benjamin Jensen"),
            author("Mark Montgomery", "RADM (Ret.) Mark Montgomery", honorific="RADM (Ret.)"),
        ],
    ),
    (
        "Maj. Gen. (Ret.) Jane Doe",
        [author("Jane Doe", "Maj. Gen. (Ret.) Jane Doe", honorific="Maj. Gen. (Ret.)")],
    ),
    (
        "General David Petraeus (ret.)",
        [
            author(
                "David Petraeus",
                "General David Petraeus (ret.)",
                honorific="General",
                suffix="(ret.)",
            )
        ],
    ),
    ("Lt. Col. Sam Roe", [author("Sam Roe", "Lt. Col. Sam Roe", honorific="Lt. Col.")]),
    ("Adm. Sam Roe", [author("Sam Roe", "Adm. Sam Roe", honorific="Adm.")]),
    (
        "Lt. Gen. (ret.) Jane Doe Jr.",
        [
            author(
                "Jane Doe",
                "Lt. Gen. (ret.) Jane Doe Jr.",
                honorific="Lt. Gen. (ret.)",
                suffix="Jr.",
            )
        ],
    ),
    ("Jane Doe, Senior Fellow, CSIS", [author("Jane Doe")]),
    (
        "William R. Johnston @WR_Johnston, Goke Akinniranye, et al.",
        [
            author("William R. Johnston", "William R. Johnston @WR_Johnston"),
            author("Goke Akinniranye"),
        ],
    ),
    (
        "Darrell M. West\nVice President and Director - Governance Studies\n"
        "Senior Fellow - Center for Technology Innovation\nTwitter\n@DarrWest",
        [author("Darrell M. West")],
    ),
    ("John R. Allen\nPresident, The Brookings Institution", [author("John R. Allen")]),
    (
        "Elena Patel, Economic Studies, Robert McClelland, John Wong, Research Analyst",
        [author("Elena Patel"), author("Robert McClelland"), author("John Wong")],
    ),
    # a role or institution after a spaced dash or bar, or in closing parentheses
    ("Jane Doe - Senior Fellow, CSIS", [author("Jane Doe", "Jane Doe - Senior Fellow")]),
    (
        "Jane Doe \u2013 Brookings Institution",
        [author("Jane Doe", "Jane Doe \u2013 Brookings Institution")],
    ),
    ("Jane Doe | CSIS", [author("Jane Doe", "Jane Doe | CSIS")]),
    ("Jane Doe (CSIS)", [author("Jane Doe", "Jane Doe (CSIS)")]),
    ("Jane Doe \u2014 Economic Studies", [author("Jane Doe", "Jane Doe \u2014 Economic Studies")]),
    # a nickname in parentheses is part of the name (carnegie notes 2.5)
    ("Ariel (Eli) Levite", [author("Ariel (Eli) Levite")]),
    ("M\nMatthew Turner", [author("Matthew Turner")]),
    ("JD Jane Doe", [author("Jane Doe", "JD Jane Doe")]),
    ("J Jane Doe", [author("Jane Doe", "J Jane Doe")]),
    ("JD\nJane Doe", [author("Jane Doe")]),
    ("Twitter", []),
    ("@DarrWest", []),
]


@pytest.mark.parametrize(("raw", "expected"), PEOPLE_APART_FROM_WHAT_SURROUNDS_THEM)
def test_split_byline_keeps_ranks_handles_roles_and_initials_out_of_names(raw, expected):
    assert split_byline(raw) == expected


def test_initials_that_are_the_name_itself_stay():
    # "JD" is no placeholder when the words after it do not start with J and D.
    assert clean_name("JD Vance") == author("JD Vance")


@pytest.mark.parametrize(
    "names",
    [
        ("Mark Montgomery", "RADM (Ret.) Mark Montgomery"),
        ("William R. Johnston", "William R. Johnston @WR_Johnston"),
        ("Jane Doe", "JD Jane Doe", "Maj. Gen. (Ret.) Jane Doe"),
    ],
)
def test_name_key_ignores_ranks_handles_and_placeholders(names):
    assert len({name_key(name) for name in names}) == 1


# --- institutions credited as author --------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "not_names", "organisations"),
    [
        # 38 North credits editorial posts to the user "38 NORTH" (38north 4.1, 6.2)
        ("BY:\u00a038 NORTH", ("38 North",), ["38 North"]),
        ("By Brookings Institution", (), ["Brookings Institution"]),
        ("CSIS", (), ["CSIS"]),
        ("RAND Corporation", (), ["RAND Corporation"]),
        ("By Atlantic Council", (), ["Atlantic Council"]),
        (
            "by Carnegie Program Directors",
            ("Carnegie Program Directors",),
            ["Carnegie Program Directors"],
        ),
        ("By CNAS", ("CNAS", "Center for a New American Security"), ["CNAS"]),
        # beside a person, an institution is an affiliation
        ("Jane Doe, Senior Fellow, CSIS", (), []),
        ("John R. Allen\nPresident, The Brookings Institution", (), []),
        # headings, roles and placeholder initials are no institution
        ("Task Force Co-Chairs", (), []),
        ("Senior Fellow - Center for Technology Innovation", (), []),
        ("JD", (), []),
        ("Image Credit", (), []),
        ("", (), []),
        (None, (), []),
    ],
)
def test_read_byline_gives_the_institution_a_byline_credits(raw, not_names, organisations):
    byline = read_byline(raw, not_names=not_names)
    assert byline.organisations == organisations
    if organisations:
        assert byline.people == []


def test_organisation_name_spells_a_not_name_as_the_site_does():
    assert organisation_name("38  NORTH", not_names=("38 North",)) == "38 North"
    assert organisation_name("the 38 North", not_names=("38 North",)) == "38 North"
    assert organisation_name("Patrick M. Cronin", not_names=("38 North",)) is None
