"""The offline CNAS mirror: its HTTP server, its generator and the bundled sample.

Expected values come from the CNAS site notes (the real site's evidence), not from the
generator: a test that copied the generator's output would pass whatever it wrote.
"""

from __future__ import annotations

import http.client
import re
import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from parsel import Selector

from sitegen import cnas
from thinkscrape.mirror import resolve_mirror_path, serve_mirror

ROBOTS_TXT_FROM_NOTES = """Sitemap: https://www.cnas.org/sitemap.xml

# Don't allow web crawlers to index Craft CMS
User-agent: *
Disallow: /admin/
Disallow: /cache/
"""


def fetch(base_url: str, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def page(sample_root: Path, path: str) -> Selector:
    return Selector(text=(sample_root / path.strip("/") / "index.html").read_text("utf-8"))


def texts(selector: Selector, css: str) -> list[str]:
    return [" ".join("".join(node.css("::text").getall()).split()) for node in selector.css(css)]


# --- the server ---------------------------------------------------------------------------


@pytest.fixture
def tiny_mirror(tmp_path: Path) -> Path:
    (tmp_path / "reports" / "p2").mkdir(parents=True)
    (tmp_path / "reports" / "index.html").write_text("<p>reports ☃</p>", encoding="utf-8")
    (tmp_path / "reports" / "p2" / "index.html").write_text("<p>page 2</p>", encoding="utf-8")
    (tmp_path / "robots.txt").write_text("User-agent: *\n", encoding="utf-8")
    return tmp_path


def test_server_maps_paths_to_index_files_and_ignores_the_query(tiny_mirror: Path) -> None:
    with serve_mirror(tiny_mirror) as mirror:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", mirror.base_url)
        for path in ("/reports", "/reports/", "/reports?area=defense", "/reports?x=1#frag"):
            status, headers, body = fetch(mirror.base_url, path)
            assert (status, body.decode("utf-8")) == (200, "<p>reports ☃</p>")
            assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert fetch(mirror.base_url, "/reports/p2/?utm_source=Campaign%2520Monitor")[2] == (
            b"<p>page 2</p>"
        )
        status, headers, body = fetch(mirror.base_url, "/robots.txt")
        assert (status, headers["Content-Type"], body) == (
            200,
            "text/plain; charset=utf-8",
            b"User-agent: *\n",
        )


def test_server_answers_404_for_missing_paths_and_escapes(tiny_mirror: Path) -> None:
    (tiny_mirror.parent / "secret.txt").write_text("outside", encoding="utf-8")
    with serve_mirror(tiny_mirror) as mirror:
        for path in ("/nope", "/reports/p3", "/../secret.txt", "/reports/%2e%2e/../secret.txt"):
            status, headers, _ = fetch(mirror.base_url, path)
            assert status == 404, path
            assert headers["Content-Type"] == "text/html; charset=utf-8"


def test_server_head_sends_headers_without_body(tiny_mirror: Path) -> None:
    with serve_mirror(tiny_mirror) as mirror:
        status, headers, body = fetch(mirror.base_url, "/reports", method="HEAD")
    assert (status, body) == (200, b"")
    assert headers["Content-Length"] == str(len("<p>reports ☃</p>".encode()))


def test_server_stop_releases_the_port(tiny_mirror: Path) -> None:
    mirror = serve_mirror(tiny_mirror)
    port = mirror.port
    assert fetch(mirror.base_url, "/reports")[0] == 200
    mirror.stop()
    mirror.stop()  # a second stop is harmless
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


def test_server_refuses_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="mirror folder not found"):
        serve_mirror(tmp_path / "absent")


def test_resolve_mirror_path(tiny_mirror: Path) -> None:
    assert resolve_mirror_path(tiny_mirror, "/reports/p2/") == tiny_mirror / "reports/p2/index.html"
    assert resolve_mirror_path(tiny_mirror, "/robots.txt?x=1") == tiny_mirror / "robots.txt"
    assert resolve_mirror_path(tiny_mirror, "/reports/../../etc/passwd") is None


def test_an_api_folder_answers_with_its_json(tmp_path: Path) -> None:
    (tmp_path / "api" / "posts").mkdir(parents=True)
    (tmp_path / "api" / "posts" / "index.json").write_text('{"docs": []}', encoding="utf-8")
    (tmp_path / "api" / "posts" / "index.json@page=2").write_text("[]", encoding="utf-8")
    with serve_mirror(tmp_path) as mirror:
        status, headers, body = fetch(mirror.base_url, "/api/posts?limit=20&page=1")
        assert (status, headers["Content-Type"], body) == (200, "application/json", b'{"docs": []}')
        assert fetch(mirror.base_url, "/api/posts?limit=20&page=2")[2] == b"[]"


def test_cnas_mirror_fixture_serves_the_sample(cnas_mirror: str, sample_root: Path) -> None:
    status, _, body = fetch(cnas_mirror, "/articles-multimedia/p2/")
    assert status == 200
    assert body == (sample_root / "articles-multimedia/p2/index.html").read_bytes()
    assert fetch(cnas_mirror, "/robots.txt")[2].decode() == ROBOTS_TXT_FROM_NOTES


# --- pagination ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "pages"), [(0, 1), (1, 1), (20, 1), (21, 2), (31, 2), (40, 2), (217, 11)]
)
def test_page_count(total: int, pages: int) -> None:
    assert cnas.page_count(total) == pages


def test_showing_line_matches_the_archived_headers() -> None:
    # Both headers are archived text of real listing pages (notes 1.5).
    assert cnas.showing_line(1, 31) == "Showing 1-20 of 31 Publications"
    assert cnas.showing_line(2, 217) == "Showing 21-40 of 217 Publications"
    assert cnas.showing_line(2, 31) == "Showing 21-31 of 31 Publications"


def test_page_paths_follow_the_recorded_forms() -> None:
    reports, articles, press = cnas.LISTINGS
    assert [reports.page_path(n) for n in (1, 2, 3)] == ["/reports", "/reports/p2", "/reports/p3"]
    assert articles.page_path(2) == "/articles-multimedia/p2/"
    assert press.page_path(2) == "/press/p2"
    assert reports.page_path(2, "area=defense") == "/reports/p2?area=defense"
    assert articles.page_path(2, "author=richard-fontaine&type=commentary") == (
        "/articles-multimedia/p2?author=richard-fontaine&type=commentary"
    )


def test_filtered_listing_pagination_keeps_the_query() -> None:
    articles = cnas.LISTINGS[1]
    records = cnas.synthetic_records(60)[20:40]
    html = cnas.render_listing(articles, records, 2, total=60, query="area=defense", pad=False)
    selector = Selector(text=html)
    assert selector.css("nav.pagination a::attr(href)").getall() == [
        "/articles-multimedia?area=defense",
        "/articles-multimedia?area=defense",
        "/articles-multimedia/p3?area=defense",
        "/articles-multimedia/p3?area=defense",
    ]
    assert texts(selector, ".listing__count") == ["Showing 21-40 of 60 Publications"]
    assert len(selector.css("a.sans-serif.fz16.bold.margin-top-half-em")) == 20


# --- the bundled sample ------------------------------------------------------------------


def listing_pages(sample_root: Path, listing: cnas.Listing) -> list[Selector]:
    pages = [page(sample_root, listing.path)]
    number = 2
    while (sample_root / listing.path.strip("/") / f"p{number}" / "index.html").is_file():
        pages.append(page(sample_root, f"{listing.path}/p{number}"))
        number += 1
    return pages


def test_sample_is_what_the_generator_writes(sample_root: Path, tmp_path: Path) -> None:
    cnas.generate_site(tmp_path, cnas.load_records())
    written = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    committed = {
        p.relative_to(sample_root)
        for p in sample_root.rglob("*")
        if p.is_file() and p.name != "README.md"
    }
    assert written == committed, "regenerate: python -m sitegen.cnas tests/mirrors/cnas"
    stale = [
        str(p)
        for p in sorted(written)
        if (tmp_path / p).read_bytes() != (sample_root / p).read_bytes()
    ]
    assert stale == [], "regenerate: python -m sitegen.cnas tests/mirrors/cnas"


def test_sample_robots_txt_is_the_sites_own(sample_root: Path) -> None:
    assert (sample_root / "robots.txt").read_text("utf-8") == ROBOTS_TXT_FROM_NOTES


def test_sample_listings_paginate_twenty_items_and_list_every_publication(
    sample_root: Path,
) -> None:
    records = [cnas.prepare(r) for r in cnas.load_records()]
    for listing in cnas.LISTINGS:
        expected = {r["url_path"] for r in records if cnas.listing_for(r) is listing}
        pages = listing_pages(sample_root, listing)
        total = len(expected)
        assert total > 20 and len(pages) == -(-total // 20) >= 2, listing.path
        listed: list[str] = []
        for number, selector in enumerate(pages, start=1):
            hrefs = selector.css("a.sans-serif.fz16.bold.margin-top-half-em::attr(href)").getall()
            assert len(hrefs) == min(20, total - (number - 1) * 20)
            first, last = (number - 1) * 20 + 1, (number - 1) * 20 + len(hrefs)
            assert texts(selector, ".listing__count") == [
                f"Showing {first}-{last} of {total} Publications"
            ]
            assert all(h.startswith("https://www.cnas.org/p") for h in hrefs), hrefs
            listed += hrefs
        paths = [urlsplit(h).path for h in listed]
        assert len(paths) == len(set(paths)) and set(paths) == expected, listing.path
        for path in paths:
            assert (sample_root / path.strip("/") / "index.html").is_file(), path


def test_sample_listings_are_newest_first_with_unpadded_card_dates(sample_root: Path) -> None:
    selector = page(sample_root, "/reports")
    first_card = selector.css("li.listing-item")[0]
    # The newest report in the notes: Future-Proofing Frontier AI Regulation, 2024-03-13.
    assert first_card.css("a.sans-serif::text").get() == "Future-Proofing Frontier AI Regulation"
    assert first_card.css("ul.listing-item__tags li::text").getall() == [
        "Reports",
        "March 13, 2024",
    ]


def test_sample_pages_weigh_like_real_pages(sample_root: Path) -> None:
    sizes = {p: p.stat().st_size for p in sample_root.rglob("index.html")}
    too_light_or_heavy = {str(p): s for p, s in sizes.items() if not 60_000 <= s <= 150_000}
    assert too_light_or_heavy == {}
    total = sum(p.stat().st_size for p in sample_root.rglob("*") if p.is_file())
    assert total < 8_500_000


def test_unpadded_pages_are_small_and_keep_the_article() -> None:
    record = cnas.load_records()[0]
    html = cnas.render_article(record, pad=False)
    assert len(html.encode()) < 10_000
    selector = Selector(text=html)
    assert selector.css("#content > article > header h1::text").get() == (
        "North Korea and the ‘Blink’ of War"
    )
    assert selector.css("title::text").get() == (
        "North Korea and the ‘Blink’ of War | Center for a New American Security (en-US)"
    )


# --- real evidence on the sample pages (values from the site notes) -----------------------


def test_report_header_subtitle_date_and_buttons(sample_root: Path) -> None:
    selector = page(sample_root, "/publications/reports/negotiating-with-north-korea")
    header = selector.css("#content > article > header")
    assert header.css("div.article__header__title-group ::text").getall() == [
        "Negotiating With North Korea",
        "How Will This End?",
    ]
    assert header.css("p.sans-serif.fz11.bold.uppercase.margin-bottom-1em::text").get() == (
        "February 12, 2019"
    )
    assert header.css("a.contributor::text").getall() == ["Patrick M. Cronin"]
    assert header.css("a.contributor::attr(href)").getall() == [
        "https://www.cnas.org/people/patrick-m-cronin"
    ]
    assert selector.css("a.button.margin-top-1em::attr(href)").getall() == [
        "//s3.amazonaws.com/files.cnas.org/documents/"
        "CNAS-Report_North-Korea-How-Does-This-End_Final-WEB-1.pdf?mtime=20190204114900",
        "javascript:window.print()",
    ]
    assert selector.css('meta[property="og:title"]::attr(content)').get() == (
        "Negotiating With North Korea"
    )


def test_date_precedes_the_title_and_image_credit_moves_it(sample_root: Path) -> None:
    selector = page(sample_root, "/publications/commentary/north-korea-and-the-blink-of-war")
    header = selector.xpath('//*[@id="content"]/article/header')
    assert header.xpath("div[2]/div[1]/p[1]/text()").get() == "Image credit: KCNA via Getty Images"
    assert header.xpath("div[2]/div[1]/p[2]/text()").get() == "August 02, 2017"
    assert header.css("button.image-attribution.credit span::text").get() == "Image Credit"
    plain = page(
        sample_root,
        "/publications/commentary/nancy-pelosi-and-theresa-may-are-leading-on-borrowed-time",
    )
    assert plain.xpath('//*[@id="content"]/article/header/div/div[1]/p/text()').get() == (
        "February 11, 2019"
    )
    # A zero-width space opens this contributor's link text.
    assert plain.css("a.contributor::text").get() == "\u200bChris Estep"


def test_detail_bylines_use_and_and_cards_use_ampersand(sample_root: Path) -> None:
    selector = page(
        sample_root,
        "/publications/commentary/trump-must-send-russia-powerful-message-through-tougher-actions",
    )
    assert texts(selector, "div.article__header__byline p") == [
        "By Peter Harrell and Elizabeth Rosenberg"
    ]
    assert texts(selector, "div#mainbar > div.wrapper.wysiwyg.margin-vertical.drop-cap p")[-1] == (
        "Read the full article in The Hill."
    )
    cards = page(sample_root, "/publications/commentary/north-korea-and-the-blink-of-war").css(
        "section.more-from-cnas li.card"
    )
    assert [texts(card, "ul.card__tags li") for card in cards] == [
        ["Commentary", "January 22, 2020"],
        ["Commentary", "War on the Rocks", "January 15, 2020"],
        ["Reports", "December 18, 2019"],
        ["Commentary", "CNN Opinion", "November 27, 2019"],
    ]
    assert [texts(card, ".card__byline") for card in cards][:3] == [
        ["By Kristine Lee & Karina Barbesino"],
        ["By Van Jackson"],
        ["By Kristine Lee, Daniel Kliman & Joshua Fitt"],
    ]


def test_in_the_news_lines(sample_root: Path) -> None:
    selector = page(sample_root, "/press/in-the-news/trumps-chance-to-take-the-high-road-with-iran")
    header_lines = texts(selector, "#content > article > header p")
    assert header_lines == [
        "January 08, 2020",
        "Featuring Ilan Goldenberg",
        "Source: The Atlantic",
        "Journalist Mike Giglio",
    ]
    interview = page(
        sample_root, "/press/in-the-news/where-washingtons-north-korea-policy-goes-from-here"
    )
    assert texts(interview, "#content > article > header p") == [
        "November 22, 2017",
        "Source: NK News",
        "Journalist: Oliver Hotham",
    ]
    assert texts(interview, "#mainbar p")[-1] == "Read the full interview here."
    assert interview.css("#mainbar a:contains('here')::attr(href)").get().startswith("https://")


def test_testimony_and_task_force_bylines(sample_root: Path) -> None:
    testimony = page(
        sample_root,
        "/publications/congressional-testimony/the-national-defense-strategy-and-the-defense-budget",
    )
    assert testimony.xpath(
        '//*[@id="content"]/article/header/div/div[3]/p/span[2]/text()'
    ).get() == ("Susanna V. Blume")
    assert testimony.css("a.contributor").getall() == []
    line = texts(testimony, "div.article__header__byline p")[0]
    assert line == (
        "Testimony by Susanna V. Blume, Director, Defense Program, "
        "Center for a New American Security"
    )
    task_force = page(
        sample_root,
        "/publications/reports/artificial-intelligence-and-national-security-task-force-findings",
    )
    header_text = " ".join(task_force.css("#content > article > header ::text").getall())
    assert "By " not in header_text
    assert texts(task_force, "div.article__header__byline h4") == ["Task Force Co-Chairs"]


def test_related_list_variants(sample_root: Path) -> None:
    glued = page(sample_root, "/publications/commentary/kim-jong-uns-summit-gamble")
    titles = texts(glued, "section.more-from-cnas a.card__title")
    assert titles[0] == "ReportsThe Financing of WMD Proliferation (JCE TEST)"
    assert titles[-1] == "VideoOn GPS: The future of US-China relations"
    assert texts(glued, ".card__excerpt")[-1] == "View the full vide..."
    assert all(
        h.startswith("http://104.239.228.80/publications/")
        for h in glued.css("section.more-from-cnas a::attr(href)").getall()
    )
    late = page(
        sample_root,
        "/publications/cnas-insights/cnas-insights-sovereign-ais-second-wave-is-coming-into-view",
    )
    card = late.css("section.more-from-cnas li.card")[0]
    assert texts(card, ".card__programs") == [
        "Energy, Economics & Security / Technology & National Security"
    ]
    assert texts(card, ".card__excerpt")[0].startswith(
        "This article was originally published on Just Security."
    )
    early = page(
        sample_root,
        "/publications/commentary/the-ultimate-missile-shield-the-u-s-south-korea-alliance",
    )
    assert texts(early, "section.more-from-cnas .card__dash") == ["-", "-", "-"]
    assert texts(early, ".card__excerpt")[0] == "Listen to the full episode on Call Me ..."


def test_bad_input_pages(sample_root: Path) -> None:
    untitled = page(
        sample_root, "/publications/reports/the-financing-of-wmd-proliferation-jce-test"
    )
    assert untitled.css("#content > article > header h1").get() == '<h1 class="page-title"></h1>'
    undated = page(sample_root, "/publications/commentary/notes-on-deterrence-in-the-gray-zone")
    assert undated.css("p.sans-serif.fz11.bold.uppercase.margin-bottom-1em::text").get() == (
        "Forthcoming"
    )
    links = page(sample_root, "/publications/commentary/the-middle-east-after-the-election")
    assert links.css("#mainbar a::attr(href)").getall() == [
        "http://[broken",
        "mailto:press@cnas.org",
        "javascript:void(0)",
        "",
    ]


# Every sentence of the notes' table 3.3 (and its "other variants"), as the page shows it.
SENTENCES = [
    "Read the full article in War on the Rocks.",
    "Read the full article at The National Interest.",
    "To read the full article, visit the Foreign Affairs website.",
    "Read the full article at The Hill.",
    "Read the full article in The Hill.",
    "Read the full article in Defense News.",
    "Read the full article in CNN Opinion.",
    "Read the full article in Foreign Policy.",
    "Read the full article at The New York Times.",
    "Read the full story and more in The Atlantic.",
    "Read the full article at The Diplomat.",
    "Read the full interview here.",
    "Listen to the full episode on Call Me ...",
    "View the full vide...",
    "This article was originally published on Foreign Affairs.",
    "This article was originally published on Just Security.",
    "This article was originally published on The Dispatch.",
    "Read it here.",
    "Watch the full hearing here.",
    "View the infographic on U.S. Strategy After the Iran Deal.",
    "Read the Full Article at Foreign Policy",
    "Read the full article in Politico Magazine.",
]


def test_every_outbound_sentence_variant_is_on_some_page(sample_root: Path) -> None:
    page_texts = [
        " ".join(
            "".join(Selector(text=p.read_text("utf-8")).css("#content ::text").getall()).split()
        )
        for p in sample_root.rglob("index.html")
    ]
    missing = [s for s in SENTENCES if not any(s in t for t in page_texts)]
    assert missing == []


def test_url_variants_and_slug_quirks_are_on_the_mirror(sample_root: Path) -> None:
    html = "\n".join(p.read_text("utf-8") for p in sample_root.rglob("index.html"))
    for variant in (
        'href="https://cnas.org/publications/',
        'href="http://104.239.228.80/publications/',
        "?x-craft-preview=sljrud8ndy",
        "?token=bVkdPxWLCzP0IEsRk92G4QE3LBFBwVos",
        "utm_source=Campaign%2520Monitor",
    ):
        assert variant in html, variant
    listed = [
        urlsplit(h).path
        for listing in cnas.LISTINGS
        for selector in listing_pages(sample_root, listing)
        for h in selector.css("a.margin-top-half-em::attr(href)").getall()
    ]
    assert "/publications/commentary/sharper-nato-75" in listed
    assert "/publications/commentary/the-u.s.-japan-alliance-needs-a-cyber-upgrade" in listed


def test_invented_content_is_announced_in_the_page(sample_root: Path) -> None:
    for record in map(cnas.prepare, cnas.load_records()):
        html = (sample_root / record["url_path"].strip("/") / "index.html").read_text("utf-8")
        if record.get("invented") or record.get("body") is None:
            assert "<!-- invented: " in html.split('<div id="content">')[0], record["url"]


# --- synthetic records ------------------------------------------------------------------


def test_synthetic_records_are_deterministic_and_prefix_stable() -> None:
    first = cnas.synthetic_records(500, seed=3)
    assert first == cnas.synthetic_records(500, seed=3)
    assert first != cnas.synthetic_records(500, seed=4)
    more = cnas.synthetic_records(507, seed=3)
    assert more[:500] == first
    newest_old = max(r["date_iso"] for r in first)
    assert all(r["date_iso"] >= newest_old for r in more[500:])
    urls = [r["url"] for r in more]
    assert len(set(urls)) == len(urls)
    assert {r["type"] for r in more} >= set(cnas.TYPE_LABELS) - {"event"}


def test_synthetic_site_puts_new_publications_first(tmp_path: Path) -> None:
    records = cnas.synthetic_records(507)
    cnas.generate_site(tmp_path, records, pad=False)
    new_paths = {cnas.url_path(r["url"]) for r in records[500:]}
    first_pages = [
        Selector(text=(tmp_path / listing.path.strip("/") / "index.html").read_text("utf-8"))
        for listing in cnas.LISTINGS
    ]
    listed_first = {
        urlsplit(h).path
        for s in first_pages
        for h in s.css("a.margin-top-half-em::attr(href)").getall()
    }
    assert new_paths <= listed_first
    assert (
        len(
            list(tmp_path.glob("publications/*/*/index.html"))
            + list(tmp_path.glob("press/*/*/index.html"))
        )
        == 507
    )


def test_generate_site_refuses_a_folder_that_is_not_a_mirror(tmp_path: Path) -> None:
    (tmp_path / "thesis.tex").write_text("keep me", encoding="utf-8")
    with pytest.raises(FileExistsError, match="no robots.txt"):
        cnas.generate_site(tmp_path, cnas.synthetic_records(3), pad=False)
    assert (tmp_path / "thesis.tex").read_text("utf-8") == "keep me"


def test_generate_site_refuses_cards_without_a_page(tmp_path: Path) -> None:
    records = cnas.synthetic_records(2)
    records[1]["related"] = {"layout": "2019", "items": ["https://www.cnas.org/publications/x"]}
    with pytest.raises(ValueError, match="related cards without a record"):
        cnas.generate_site(tmp_path, records, pad=False)
