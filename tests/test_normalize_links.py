"""Canonical URLs, registered domains, link kinds and the full-article sentence."""

import pytest

from thinkscrape.normalize.links import (
    FullArticle,
    canonicalize_url,
    classify_link,
    domains_of_hosts,
    find_full_article,
    registered_domain,
)

ARTICLE = "https://www.cnas.org/publications/commentary/north-korea-and-the-blink-of-war"

CANONICAL = [
    # --- the site's own URL variants (site notes 1.1, 1.2) --------------------------------
    (
        "https://cnas.org/publications/commentary/the-ultimate-missile-shield-the-u-s-south-"
        "korea-alliance?x-craft-preview=sljrud8ndy",
        None,
        "https://cnas.org/publications/commentary/the-ultimate-missile-shield-the-u-s-south-"
        "korea-alliance",
    ),
    (
        "https://www.cnas.org/publications/reports/negotiating-with-north-korea"
        "?token=bVkdPxWLCzP0IEsRk92G4QE3LBFBwVos",
        None,
        "https://www.cnas.org/publications/reports/negotiating-with-north-korea",
    ),
    (
        "https://www.cnas.org/publications/commentary/sharper-nato?utm_medium=email"
        "&utm_campaign=Sharper&utm_source=Campaign%2520Monitor",
        None,
        "https://www.cnas.org/publications/commentary/sharper-nato",
    ),
    (
        "http://104.239.228.80/publications/reports/u-s-strategy-after-the-iran-deal-seizing-"
        "opportunities-and-managing-risks",
        None,
        "http://104.239.228.80/publications/reports/u-s-strategy-after-the-iran-deal-seizing-"
        "opportunities-and-managing-risks",
    ),
    # --- filters keep their order; only tracking goes --------------------------------------
    (
        "https://cnas.org/articles-multimedia/p2?author=richard-fontaine&type=commentary",
        None,
        "https://cnas.org/articles-multimedia/p2?author=richard-fontaine&type=commentary",
    ),
    (
        "https://www.cnas.org/reports/p1?utm_source=x&area=defense&fbclid=abc",
        None,
        "https://www.cnas.org/reports/p1?area=defense",
    ),
    (
        "https://example.com/a?z=1&gclid=2&a=3&mc_cid=4&mc_eid=5",
        None,
        "https://example.com/a?z=1&a=3",
    ),
    # --- protocol-relative PDF buttons (2.1) -----------------------------------------------
    (
        "//s3.amazonaws.com/files.cnas.org/documents/CNAS-Report_Iran-Final.pdf"
        "?mtime=20190128145215",
        ARTICLE,
        "https://s3.amazonaws.com/files.cnas.org/documents/CNAS-Report_Iran-Final.pdf"
        "?mtime=20190128145215",
    ),
    (
        "//s3.amazonaws.com/files.cnas.org/documents/CNAS_AI_FINAL-v2.pdf",
        "http://104.239.228.80/publications/reports/x",
        "https://s3.amazonaws.com/files.cnas.org/documents/CNAS_AI_FINAL-v2.pdf",
    ),
    # --- relative hrefs against the page ---------------------------------------------------
    ("/people/paul-scharre", ARTICLE, "https://www.cnas.org/people/paul-scharre"),
    (
        "north-korea-needs-to-extort-democracies-to-survive",
        ARTICLE,
        "https://www.cnas.org/publications/commentary/north-korea-needs-to-extort-democracies-"
        "to-survive",
    ),
    (
        "../reports/crossed-wires",
        ARTICLE,
        "https://www.cnas.org/publications/reports/crossed-wires",
    ),
    ("?page=2", "https://www.cnas.org/reports", "https://www.cnas.org/reports?page=2"),
    # --- fragments, host case, default ports, spacing --------------------------------------
    (
        "https://www.cnas.org/people/elsa-b-kania#bio",
        None,
        "https://www.cnas.org/people/elsa-b-kania",
    ),
    ("HTTPS://WWW.CNAS.ORG/People/Elsa-B-Kania", None, "https://www.cnas.org/People/Elsa-B-Kania"),
    (
        "https://www.38north.org:443/2020/10/mgarlauskas102220/",
        None,
        "https://www.38north.org/2020/10/mgarlauskas102220/",
    ),
    (
        "http://conference.cnas.org:8080/schedule/",
        None,
        "http://conference.cnas.org:8080/schedule/",
    ),
    ("  https://www.thediplomat.com/2017/08/x/  ", None, "https://www.thediplomat.com/2017/08/x/"),
    ("https://www.cnas.org", None, "https://www.cnas.org/"),
    ("https://foreignpolicy.com/a b", None, "https://foreignpolicy.com/a%20b"),
    ("https://bücher.example/", None, "https://xn--bcher-kva.example/"),
    # --- not web links, or broken -----------------------------------------------------------
    ("javascript:print()", ARTICLE, None),
    ("javascript:void(0)", None, None),
    ("mailto:info@cnas.org", ARTICLE, None),
    ("tel:+12024579400", ARTICLE, None),
    ("", ARTICLE, None),
    ("   ", ARTICLE, None),
    (None, ARTICLE, None),
    ("http://[broken", None, None),
    ("https://", None, None),
    ("https://example.com:port/", None, None),
    ("ftp://files.cnas.org/a.pdf", None, None),
    ("/people/paul-scharre", None, None),
    ("#top", None, None),
]


@pytest.mark.parametrize(("href", "base", "expected"), CANONICAL)
def test_canonicalize_url(href, base, expected):
    assert canonicalize_url(href, base) == expected


DOMAINS = [
    ("https://www.cnas.org/people/paul-scharre", "cnas.org"),
    ("https://cnas.org/publications/commentary/sharper-nato", "cnas.org"),
    ("http://conference.cnas.org/schedule/", "cnas.org"),
    ("https://www.38north.org/2021/03/x/", "38north.org"),
    ("https://s3.amazonaws.com/files.cnas.org/documents/A.pdf", "amazonaws.com"),
    ("https://www.rand.org/pubs/commentary/2014/11.html", "rand.org"),
    ("https://www.bbc.co.uk/news", "bbc.co.uk"),
    ("https://edition.cnn.com/2019/11/27/opinions/x", "cnn.com"),
    ("http://104.239.228.80/publications/reports/x", "104.239.228.80"),
    ("http://localhost:8000/x", None),
    ("not a url", None),
    ("", None),
    (None, None),
]


@pytest.mark.parametrize(("url", "domain"), DOMAINS)
def test_registered_domain(url, domain):
    assert registered_domain(url) == domain


KINDS = [
    ("https://s3.amazonaws.com/files.cnas.org/documents/A.pdf?mtime=20190128145215", "pdf"),
    ("https://s3.amazonaws.com/files.cnas.org/documents/CNAS_AI_FINAL-v2.PDF", "pdf"),
    ("https://www.cnas.org/documents/report.pdf", "pdf"),
    ("https://www.cnas.org/people/paul-scharre", "internal"),
    ("https://cnas.org/research/defense", "internal"),
    ("http://conference.cnas.org/schedule/", "internal"),
    ("https://www.38north.org/2020/10/mgarlauskas102220/", "external"),
    ("https://notcnas.org/x", "external"),
    ("https://www.cna.org/news/2020", "external"),
    ("https://www.foreignaffairs.com/articles/x?format=pdf", "external"),
]


@pytest.mark.parametrize(("url", "kind"), KINDS)
def test_classify_link(url, kind):
    assert classify_link(url, site_domains=("cnas.org",)) == kind


def test_classify_link_takes_other_site_domains():
    assert classify_link("https://www.38north.org/x/", site_domains=("38north.org",)) == "internal"
    assert classify_link("https://www.cnas.org/x/", site_domains=("38north.org",)) == "external"


def test_classify_link_assumes_no_site():
    with pytest.raises(TypeError):
        classify_link("https://www.cnas.org/x/")  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("hosts", "domains"),
    [
        (["www.cnas.org", "cnas.org", "104.239.228.80"], ("cnas.org",)),
        (["www.38north.org", "38north.org"], ("38north.org",)),
        (["www.chathamhouse.org.uk", ""], ("chathamhouse.org.uk",)),
    ],
)
def test_domains_of_hosts(hosts, domains):
    assert domains_of_hosts(hosts) == domains


def closing(sentence, outlet, verb="read", noun="article"):
    return FullArticle(sentence, outlet, verb, noun, "closing")


SENTENCES = [
    # --- every sentence the site notes record (3.3), with its page's Source: line if any ---
    (
        "Read the full article in War on the Rocks.",
        None,
        closing("Read the full article in War on the Rocks.", "War on the Rocks"),
    ),
    (
        "Read the full article at The National Interest.",
        None,
        closing("Read the full article at The National Interest.", "The National Interest"),
    ),
    (
        "To read the full article, visit the Foreign Affairs website.",
        None,
        closing("To read the full article, visit the Foreign Affairs website.", "Foreign Affairs"),
    ),
    (
        "Read the full article at The Hill.",
        None,
        closing("Read the full article at The Hill.", "The Hill"),
    ),
    (
        "Read the full article in The Hill.",
        None,
        closing("Read the full article in The Hill.", "The Hill"),
    ),
    (
        "Read the full article in Defense News.",
        None,
        closing("Read the full article in Defense News.", "Defense News"),
    ),
    (
        "Read the full article in CNN Opinion.",
        None,
        closing("Read the full article in CNN Opinion.", "CNN Opinion"),
    ),
    (
        "Read the full article in Foreign Policy.",
        None,
        closing("Read the full article in Foreign Policy.", "Foreign Policy"),
    ),
    (
        "Read the full article at The New York Times.",
        "The New York Times",
        closing("Read the full article at The New York Times.", "The New York Times"),
    ),
    (
        "Read the full story and more in The Atlantic.",
        "The Atlantic",
        closing("Read the full story and more in The Atlantic.", "The Atlantic", noun="story"),
    ),
    (
        "Read the full article at The Diplomat.",
        None,
        closing("Read the full article at The Diplomat.", "The Diplomat"),
    ),
    (
        "Read the full interview here.",
        "NK News",
        closing("Read the full interview here.", "NK News", noun="interview"),
    ),
    (
        "Listen to the full episode on Call Me Back.",
        None,
        closing(
            "Listen to the full episode on Call Me Back.", "Call Me Back", "listen to", "episode"
        ),
    ),
    ("Read it here.", None, closing("Read it here.", None, noun=None)),
    (
        "Watch the full hearing here.",
        None,
        closing("Watch the full hearing here.", None, "watch", "hearing"),
    ),
    # --- the Title Case form without a final period, and the quoted-in-requirements forms --
    (
        "Read the Full Article at 38 North",
        None,
        closing("Read the Full Article at 38 North", "38 North"),
    ),
    (
        "Read the full article in The Japan Times.",
        None,
        closing("Read the full article in The Japan Times.", "The Japan Times"),
    ),
    (
        "READ THE FULL ARTICLE AT THE HILL",
        None,
        closing("READ THE FULL ARTICLE AT THE HILL", "THE HILL"),
    ),
    # --- the grammar's other nouns, verbs and prepositions ---------------------------------
    (
        "Read the op-ed in The Washington Post.",
        None,
        closing("Read the op-ed in The Washington Post.", "The Washington Post", noun="op-ed"),
    ),
    (
        "Watch the full video on CNBC.",
        None,
        closing("Watch the full video on CNBC.", "CNBC", "watch", "video"),
    ),
    (
        "View the full transcript at C-SPAN.",
        None,
        closing("View the full transcript at C-SPAN.", "C-SPAN", "view", "transcript"),
    ),
    (
        "Continue reading the essay at Lawfare.",
        None,
        closing("Continue reading the essay at Lawfare.", "Lawfare", "continue reading", "essay"),
    ),
    (
        "Read the complete commentary from Nikkei Asia.",
        None,
        closing("Read the complete commentary from Nikkei Asia.", "Nikkei Asia", noun="commentary"),
    ),
    (
        "Read the rest of the piece via Bloomberg.",
        None,
        closing("Read the rest of the piece via Bloomberg.", "Bloomberg", noun="piece"),
    ),
    (
        "See the entire report at Defense One",
        None,
        closing("See the entire report at Defense One", "Defense One", "see", "report"),
    ),
    (
        "Read the full column in U.S. News & World Report.",
        None,
        closing(
            "Read the full column in U.S. News & World Report.",
            "U.S. News & World Report",
            noun="column",
        ),
    ),
    (
        "Read the full article on the Foreign Affairs website.",
        None,
        closing("Read the full article on the Foreign Affairs website.", "Foreign Affairs"),
    ),
    # --- the closing sentence after the body's last words ---------------------------------
    (
        "The alliance must adapt. Read the full article in Foreign Policy.",
        None,
        closing("Read the full article in Foreign Policy.", "Foreign Policy"),
    ),
    (
        "First paragraph.\n\nRead the full article in War on the Rocks.\n\n",
        None,
        closing("Read the full article in War on the Rocks.", "War on the Rocks"),
    ),
    # --- the sentence's outlet wins over the Source: line ---------------------------------
    (
        "Read the full article at The Hill.",
        "Defense News",
        closing("Read the full article at The Hill.", "The Hill"),
    ),
    # --- "here" takes the Source: line, with or without its label --------------------------
    (
        "Read the full interview here.",
        "Source: NK News",
        closing("Read the full interview here.", "NK News", noun="interview"),
    ),
    # --- the newer opening line -----------------------------------------------------------
    (
        "This article was originally published on Foreign Affairs.\n\nThe war in Ukraine…",
        None,
        FullArticle(
            "This article was originally published on Foreign Affairs.",
            "Foreign Affairs",
            "published",
            "article",
            "opening",
        ),
    ),
    (
        "This article was originally published on Just Security",
        None,
        FullArticle(
            "This article was originally published on Just Security",
            "Just Security",
            "published",
            "article",
            "opening",
        ),
    ),
    (
        "This article was originally published in The Dispatch. It argues that",
        None,
        FullArticle(
            "This article was originally published in The Dispatch.",
            "The Dispatch",
            "published",
            "article",
            "opening",
        ),
    ),
    (
        "This op-ed originally appeared in Defense News.",
        None,
        FullArticle(
            "This op-ed originally appeared in Defense News.",
            "Defense News",
            "appeared",
            "op-ed",
            "opening",
        ),
    ),
    # --- "originally published" with its date, then a "here" pointer: one sentence -------
    (
        "Tokyo has few options.\nThis article was originally published by The Diplomat on "
        "February 27, 2019. Read the full article here.",
        None,
        closing(
            "This article was originally published by The Diplomat on February 27, 2019. "
            "Read the full article here.",
            "The Diplomat",
        ),
    ),
    (
        "This article was originally published on February 26, 2019 by 38 North. Read the "
        "full article here.",
        "Source: NK News",
        closing(
            "This article was originally published on February 26, 2019 by 38 North. Read the "
            "full article here.",
            "38 North",
        ),
    ),
    (
        # a month misspelt by hand, "column" and "click here"
        "This column was originally published by Foreign Policy on Febuary 2, 2019. Click "
        "here to read the full column.",
        None,
        closing(
            "This column was originally published by Foreign Policy on Febuary 2, 2019. Click "
            "here to read the full column.",
            "Foreign Policy",
            noun="column",
        ),
    ),
    (
        "To read the full op-ed, click here.",
        "Source: Foreign Policy",
        closing("To read the full op-ed, click here.", "Foreign Policy", noun="op-ed"),
    ),
    # a sentence before a "here" pointer that says nothing of the outlet leaves it to the
    # Source: line
    (
        "The report was cited in Mongabay this week. Read the full article here.",
        None,
        closing("Read the full article here.", None),
    ),
    (
        "This article was originally published on February 26, 2019 by 38 North.\n\nThe "
        "summit ended early.",
        None,
        FullArticle(
            "This article was originally published on February 26, 2019 by 38 North.",
            "38 North",
            "published",
            "article",
            "opening",
        ),
    ),
    # --- a dated lead naming the outlet an expert wrote in or was featured in -------------
    (
        "On August 15, Transatlantic Security Initiative nonresident senior fellow John Deni "
        "wrote an op-ed in Breaking Defense on the economic argument for keeping US troops in "
        "Europe.\n\nThe piece argues",
        None,
        FullArticle(
            "On August 15, Transatlantic Security Initiative nonresident senior fellow John "
            "Deni wrote an op-ed in Breaking Defense on the economic argument for keeping US "
            "troops in Europe.",
            "Breaking Defense",
            "wrote",
            "op-ed",
            "opening",
        ),
    ),
    (
        "On August 13, Transatlantic Security Initiative assistant director Kristen Taylor "
        "published an op-ed in Breaking Defense on how NATO allies should message defense "
        "spending increases to their publics. More follows.",
        None,
        FullArticle(
            "On August 13, Transatlantic Security Initiative assistant director Kristen Taylor "
            "published an op-ed in Breaking Defense on how NATO allies should message defense "
            "spending increases to their publics.",
            "Breaking Defense",
            "published",
            "op-ed",
            "opening",
        ),
    ),
    (
        "On July 4, Transatlantic Security Initiative nonresident senior fellow John Deni was "
        "featured in The Washington Post discussing the upcoming NATO Summit.",
        None,
        FullArticle(
            "On July 4, Transatlantic Security Initiative nonresident senior fellow John Deni "
            "was featured in The Washington Post discussing the upcoming NATO Summit.",
            "The Washington Post",
            "featured",
            None,
            "opening",
        ),
    ),
    (
        "On Aug. 4, 2024, a fellow wrote an essay for the Council of the European Union.",
        None,
        FullArticle(
            "On Aug. 4, 2024, a fellow wrote an essay for the Council of the European Union.",
            "Council of the European Union",
            "wrote",
            "essay",
            "opening",
        ),
    ),
    # --- a republished piece's dated credit at the end, before a disclaimer (RAND 3.3) ----
    (
        "Great-power competition is a poor guide.\n"
        "Ali Wyne is a policy analyst at the nonprofit, nonpartisan RAND Corporation.\n"
        "This commentary originally appeared on The National Interest on February 11, 2019.\n"
        "Commentary gives RAND researchers a platform to convey insights based on their "
        "professional expertise and often on their peer-reviewed research and analysis.",
        None,
        closing(
            "This commentary originally appeared on The National Interest on February 11, 2019.",
            "The National Interest",
            "appeared",
            "commentary",
        ),
    ),
    (
        # the outside date differs from the page's; the outlet keeps its parentheses
        "This commentary originally appeared on Modern War Institute (West Point) on "
        "February 19, 2019.",
        None,
        closing(
            "This commentary originally appeared on Modern War Institute (West Point) on "
            "February 19, 2019.",
            "Modern War Institute (West Point)",
            "appeared",
            "commentary",
        ),
    ),
    (
        "Text.\nA version of this commentary originally appeared in the Los Angeles Times on "
        "May 24, 2021. More text follows.",
        None,
        closing(
            "A version of this commentary originally appeared in the Los Angeles Times on "
            "May 24, 2021.",
            "the Los Angeles Times",
            "appeared",
            "commentary",
        ),
    ),
    (
        "Body.\nThis commentary was originally published by Atlantic Council, on Feb. 8, 2019",
        None,
        closing(
            "This commentary was originally published by Atlantic Council, on Feb. 8, 2019",
            "Atlantic Council",
            "published",
            "commentary",
        ),
    ),
    # --- not outbound pointers ------------------------------------------------------------
    # an undated lead, or a dated one that names no piece in an outlet
    ("Last week, a senator wrote an op-ed in The Washington Post arguing for it.", None, None),
    ("On July 4, the president spoke in Warsaw on NATO.", None, None),
    ("Intro.\nOn July 4, John Deni wrote an op-ed in Breaking Defense on NATO.", None, None),
    ("View the infographic on U.S. Strategy After the Iran Deal.", None, None),
    ("To learn more about upcoming events at CNAS, head to cnas.org/events.", None, None),
    ("He read the article in the car.", None, None),
    ("Readers of the full article in print will know more", None, None),
    ("", None, None),
    (None, "NK News", None),
    # an "originally published" line deep in the body is not the opening line
    ("Intro.\nThis article was originally published on Foreign Affairs.", None, None),
    # RAND-original commentary: the disclaimer alone names no outlet
    (
        "Commentary gives RAND researchers a platform to convey insights based on their "
        "professional expertise and often on their peer-reviewed research and analysis.",
        None,
        None,
    ),
    # a date that is no date of the credit: "on" a topic, not "on" a day
    ("Intro.\nThis report first appeared in Foreign Policy on China and Taiwan.", None, None),
]


@pytest.mark.parametrize(("body", "source_line", "expected"), SENTENCES)
def test_find_full_article(body, source_line, expected):
    assert find_full_article(body, source_line) == expected


def test_a_closing_pointer_is_the_last_one_in_the_body():
    body = "Read it here.\nWatch the full hearing here."
    assert find_full_article(body) == closing(
        "Watch the full hearing here.", None, "watch", "hearing"
    )


def opening(sentence, outlet, verb="published", noun="article"):
    return FullArticle(sentence, outlet, verb, noun, "opening")


# Every form of the sentence that says where a piece was first published, as the three places
# that read it accept it, with the outlet and the date each form gives (the date stays in the
# sentence; the outlet never takes it). The notes' exact sentences first, then the variants the
# notes describe in words (Stimson 5.3: "column", "click here", dates typed by hand; RAND 3.3:
# "real pages also vary the lead words, the preposition and the punctuation"), written with the
# notes' outlets and dates. Forms already in SENTENCES above are not repeated here.
ORIGINALLY = [
    # --- dated, before a "... here." pointer: the two read as one closing sentence ---------
    pytest.param(
        # Stimson 5.3 #2: "by <Outlet> on <Date>"
        "The talks stalled.\nThis article was originally published by The Japan Times on "
        "March 4, 2019. Read the full article here.",
        "Source: Stimson",
        closing(
            "This article was originally published by The Japan Times on March 4, 2019. "
            "Read the full article here.",
            "The Japan Times",
        ),
        id="here-by-outlet-on-date",
    ),
    pytest.param(
        "This article was originally published in The Japan Times on March 4, 2019. Read it here.",
        None,
        closing(
            "This article was originally published in The Japan Times on March 4, 2019. Read "
            "it here.",
            "The Japan Times",
            noun=None,
        ),
        id="here-in-outlet-on-date",
    ),
    pytest.param(
        "This article was originally published at 38 North on February 26, 2019. Read the "
        "full article here.",
        None,
        closing(
            "This article was originally published at 38 North on February 26, 2019. Read the "
            "full article here.",
            "38 North",
        ),
        id="here-at-outlet-on-date",
    ),
    pytest.param(
        "This article was originally published on March 4, 2019 in The Japan Times. Read the "
        "full article here.",
        None,
        closing(
            "This article was originally published on March 4, 2019 in The Japan Times. Read "
            "the full article here.",
            "The Japan Times",
        ),
        id="here-on-date-in-outlet",
    ),
    pytest.param(
        "This article was originally published on February 26, 2019, by 38 North. Read the "
        "full article here.",
        None,
        closing(
            "This article was originally published on February 26, 2019, by 38 North. Read "
            "the full article here.",
            "38 North",
        ),
        id="here-on-date-comma-by-outlet",
    ),
    pytest.param(
        "The article first appeared in The Diplomat on Feb. 27, 2019. Read the full article here.",
        None,
        closing(
            "The article first appeared in The Diplomat on Feb. 27, 2019. Read the full "
            "article here.",
            "The Diplomat",
        ),
        id="here-the-article-first-appeared-abbreviated-month",
    ),
    pytest.param(
        "This op-ed ran in Foreign Policy on February 2nd, 2019. To read the full op-ed, "
        "click here.",
        None,
        closing(
            "This op-ed ran in Foreign Policy on February 2nd, 2019. To read the full op-ed, "
            "click here.",
            "Foreign Policy",
            noun="op-ed",
        ),
        id="here-ran-ordinal-day-to-click",
    ),
    pytest.param(
        # RAND 3.3's wording, "on <Outlet> on <Date>", before a Stimson-style pointer
        "This commentary originally appeared on The National Interest on February 6, 2019. "
        "Read the full commentary here.",
        "Source: RAND",
        closing(
            "This commentary originally appeared on The National Interest on February 6, 2019. "
            "Read the full commentary here.",
            "The National Interest",
            noun="commentary",
        ),
        id="here-on-outlet-on-date",
    ),
    # --- dated credit at the foot: outlet, then "on <date>" (RAND 3.3 table) ---------------
    pytest.param(
        # RAND #3: a bio line before, the disclaimer after
        "Washington has tightened the rules.\nBrian Michael Jenkins is a senior adviser to the "
        "president of the nonprofit, nonpartisan RAND Corporation.\nThis commentary "
        "originally appeared on The Hill on February 13, 2019.\nCommentary gives RAND "
        "researchers a platform to convey insights based on their professional expertise and "
        "often on their peer-reviewed research and analysis.",
        None,
        closing(
            "This commentary originally appeared on The Hill on February 13, 2019.",
            "The Hill",
            "appeared",
            "commentary",
        ),
        id="credit-the-hill",
    ),
    pytest.param(
        # RAND #2: the outside date (February 7) is not the page's (February 11)
        "This commentary originally appeared on RealClearPolicy on February 7, 2019.",
        None,
        closing(
            "This commentary originally appeared on RealClearPolicy on February 7, 2019.",
            "RealClearPolicy",
            "appeared",
            "commentary",
        ),
        id="credit-realclearpolicy",
    ),
    pytest.param(
        # RAND #4: an outlet without "The"
        "Text.\nThis commentary originally appeared on New Republic on February 13, 2019.",
        None,
        closing(
            "This commentary originally appeared on New Republic on February 13, 2019.",
            "New Republic",
            "appeared",
            "commentary",
        ),
        id="credit-new-republic",
    ),
    pytest.param(
        # RAND #11: the outlet is another archived site
        "Text.\nThis commentary originally appeared on Atlantic Council on February 8, 2019.",
        None,
        closing(
            "This commentary originally appeared on Atlantic Council on February 8, 2019.",
            "Atlantic Council",
            "appeared",
            "commentary",
        ),
        id="credit-atlantic-council",
    ),
    pytest.param(
        "Text.\nThe following commentary first appeared in Foreign Policy on January 30, 2019.",
        None,
        closing(
            "The following commentary first appeared in Foreign Policy on January 30, 2019.",
            "Foreign Policy",
            "appeared",
            "commentary",
        ),
        id="credit-the-following-first-appeared-in",
    ),
    pytest.param(
        "Text.\nThis commentary was published originally by Lawfare on February 6, 2019! "
        "More text.",
        None,
        closing(
            "This commentary was published originally by Lawfare on February 6, 2019!",
            "Lawfare",
            "published",
            "commentary",
        ),
        id="credit-published-originally-by-exclamation",
    ),
    # --- the opening line, undated or "on <date> by <outlet>" (CNAS 3.3 #15) ---------------
    pytest.param(
        "This article was originally published on The Dispatch.\n\nThe case for it rests",
        None,
        opening("This article was originally published on The Dispatch.", "The Dispatch"),
        id="opening-on-the-dispatch",
    ),
    pytest.param(
        "The following article first appeared in Foreign Affairs. Its argument is simple.",
        None,
        opening(
            "The following article first appeared in Foreign Affairs.",
            "Foreign Affairs",
            "appeared",
        ),
        id="opening-the-following-first-appeared",
    ),
    pytest.param(
        "This essay ran at Just Security",
        None,
        opening("This essay ran at Just Security", "Just Security", "ran", "essay"),
        id="opening-ran-at-no-stop",
    ),
    pytest.param(
        "This article is originally published on March 4, 2019 in The Japan Times.\n\nText.",
        None,
        opening(
            "This article is originally published on March 4, 2019 in The Japan Times.",
            "The Japan Times",
        ),
        id="opening-on-date-in-outlet",
    ),
    # --- not about another outlet ----------------------------------------------------------
    pytest.param(
        # Brookings 6.3: an editor's note about the post itself
        "Editors’ Note: One week after this post was originally published, President Benigno "
        "Aquino of the Philippines said …",
        None,
        None,
        id="editors-note-about-the-post",
    ),
]


@pytest.mark.parametrize(("body", "source_line", "expected"), ORIGINALLY)
def test_originally_published_forms(body, source_line, expected):
    assert find_full_article(body, source_line) == expected
