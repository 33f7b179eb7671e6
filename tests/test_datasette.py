"""Datasette on an archive with the project's metadata: canned queries and full-text search.

Datasette runs in a subprocess on 127.0.0.1 with a port the OS picks; the test reads the
port from its start-up line, queries the JSON API and always stops the server.

Publications are real CNAS pages from the site notes (4.1-4.3: URL, type, date, title,
byline, outlet). Bodies and program labels (topics) are invented; the program names are
the labels the notes record on 2025 related cards.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import CNAS, person, publication
from serving import listening, read_stderr, start_browse, stop_group, wait_for_port

from thinkscrape.archive.schema import open_db
from thinkscrape.archive.store import Archive
from thinkscrape.cli import (
    datasette_command,
    datasette_metadata,
    exposure_warning,
    server_url,
)

PUBLICATIONS = [
    publication(
        "/publications/commentary/how-to-tell-when-north-korea-starts-to-denuclearize",
        "commentary",
        "How to Tell When North Korea Starts to Denuclearize",
        "2018-10-10",
        outlet="The Atlantic",
    ),
    publication(
        "/publications/commentary/quad-restrictions",
        "commentary",
        "Quad Restrictions: Addressing PRC Investment Concerns in the Indo-Pacific",
        "2018-11-20",
        outlet="The Jamestown Foundation",
        authors=[person("Ashley Feng", 0), person("Sagatom Saha", 1)],
        body="Investment screening among the Quad partners.",  # invented
    ),
    publication(
        "/publications/commentary/for-japan-a-winning-formula-is-cyber-defense",
        "commentary",
        "For Japan, a Winning Formula is Cyber Defense and Innovation Offense",
        "2018-10-12",
        outlet="Sasakawa USA",
        authors=[person("Krista Auchenbach", 0), person("Daniel Kliman", 1)],
    ),
    publication(
        "/publications/reports/crossed-wires",
        "report",
        "Crossed Wires",
        "2019-12-18",
        authors=[person("Kristine Lee", 0), person("Daniel Kliman", 1), person("Joshua Fitt", 2)],
        topics=["Indo-Pacific Security", "Technology & National Security"],  # invented
    ),
    publication(
        "/publications/reports/negotiating-with-north-korea",
        "report",
        "Negotiating With North Korea",
        "2019-02-12",
        subtitle="How Will This End?",
        authors=[person("Patrick M. Cronin", 0)],
        topics=["Indo-Pacific Security"],  # invented
    ),
    publication(
        "/press/in-the-news/where-washingtons-north-korea-policy-goes-from-here",
        "in-the-news",
        "Where Washington’s North Korea policy goes from here",
        "2017-11-22",
        outlet="NK News",
        authors=[
            person("Oliver Hotham", 0, "journalist"),
            person("Patrick M. Cronin", 1, "featured"),
        ],
    ),
]


def build_archive(path: Path) -> None:
    db = open_db(path)
    archive = Archive(db, clock=lambda: "2026-11-02T03:00:00+00:00")
    crawl_id = archive.start_crawl("cnas", {}, started="2026-11-02T02:00:00+00:00")
    for item in PUBLICATIONS:
        archive.store(item, crawl_id)
    archive.finish_crawl(
        crawl_id,
        finish_reason="finished",
        items_stored=6,
        items_dropped=2,
        errors=0,
        stats={},
    )
    db.close()


@pytest.fixture(scope="module")
def datasette(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of Datasette serving a small archive as database "archive"."""
    folder = tmp_path_factory.mktemp("datasette")
    db_path = folder / "archive.db"
    build_archive(db_path)
    metadata_path = folder / "metadata.json"
    metadata_path.write_text(json.dumps(datasette_metadata(db_path)), encoding="utf-8")
    command = datasette_command(db_path, metadata_path, port=0)
    assert command[0] == sys.executable
    process = subprocess.Popen(
        command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    try:
        yield f"http://127.0.0.1:{wait_for_port(read_stderr(process), process)}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def get(base_url: str, path: str, **params: str) -> list[dict]:
    query = urllib.parse.urlencode({**params, "_shape": "array"})
    with urllib.request.urlopen(f"{base_url}{path}.json?{query}", timeout=10) as response:
        return json.load(response)


def test_topic_in_year(datasette: str) -> None:
    rows = get(datasette, "/archive/topic_in_year", q="north korea", year="2018")
    assert rows == [
        {
            "published": "2018-10-10",
            "type": "commentary",
            "title": "How to Tell When North Korea Starts to Denuclearize",
            "authors": None,
            "outlet": "The Atlantic",
            "url": PUBLICATIONS[0].url,
        }
    ]
    # A stray quote in the form field is no error.
    assert get(datasette, "/archive/topic_in_year", q='north "korea', year="2019") == [
        {
            "published": "2019-02-12",
            "type": "report",
            "title": "Negotiating With North Korea",
            "authors": "Patrick M. Cronin",
            "outlet": None,
            "url": f"{CNAS}/publications/reports/negotiating-with-north-korea",
        }
    ]


def test_op_ed_outlets_by_year(datasette: str) -> None:
    assert get(datasette, "/archive/op_ed_outlets_by_year") == [
        {"year": "2018", "outlet": "Sasakawa USA", "op_eds": 1},
        {"year": "2018", "outlet": "The Atlantic", "op_eds": 1},
        {"year": "2018", "outlet": "The Jamestown Foundation", "op_eds": 1},
    ]


def test_co_authors(datasette: str) -> None:
    rows = get(datasette, "/archive/co_authors")
    pairs = {frozenset((row["author"], row["co_author"])): row for row in rows}
    assert set(pairs) == {
        frozenset({"Ashley Feng", "Sagatom Saha"}),
        frozenset({"Krista Auchenbach", "Daniel Kliman"}),
        frozenset({"Kristine Lee", "Daniel Kliman"}),
        frozenset({"Kristine Lee", "Joshua Fitt"}),
        frozenset({"Daniel Kliman", "Joshua Fitt"}),
    }  # the journalist and the featured expert of the press item are no co-authors
    kliman_lee = pairs[frozenset({"Kristine Lee", "Daniel Kliman"})]
    assert (kliman_lee["publications"], kliman_lee["first_published"]) == (1, "2019-12-18")


def test_reports_per_program_per_year(datasette: str) -> None:
    assert get(datasette, "/archive/reports_per_program_per_year") == [
        {"program": "Indo-Pacific Security", "year": "2019", "reports": 2},
        {"program": "Technology & National Security", "year": "2019", "reports": 1},
    ]


def test_author_publications(datasette: str) -> None:
    rows = get(datasette, "/archive/author_publications", author="kliman")
    assert [(row["published"], row["title"], row["authors"]) for row in rows] == [
        ("2019-12-18", "Crossed Wires", "Kristine Lee; Daniel Kliman; Joshua Fitt"),
        (
            "2018-10-12",
            "For Japan, a Winning Formula is Cyber Defense and Innovation Offense",
            "Krista Auchenbach; Daniel Kliman",
        ),
    ]


def test_author_publications_without_an_author_returns_nothing(datasette: str) -> None:
    # An empty form field would match every name (like '%%'): the whole archive.
    assert get(datasette, "/archive/author_publications", author="") == []
    assert get(datasette, "/archive/author_publications", author="   ") == []
    assert get(datasette, "/archive/author_publications") == []


def test_crawl_health(datasette: str) -> None:
    assert get(datasette, "/archive/crawl_health") == [
        {
            "id": 1,
            "spider": "cnas",
            "started": "2026-11-02T02:00:00+00:00",
            "finished": "2026-11-02T03:00:00+00:00",
            "status": "ok",
            "finish_reason": "finished",
            "items_stored": 6,
            "items_dropped": 2,
            "errors": 0,
            "exit_code": None,
        }
    ]


def test_full_text_search_on_publications_and_the_flat_view(datasette: str) -> None:
    rows = get(datasette, "/archive/publications", _search="screening")
    assert [row["title"] for row in rows] == [
        "Quad Restrictions: Addressing PRC Investment Concerns in the Indo-Pacific"
    ]
    rows = get(datasette, "/archive/publications_flat", _search="north korea", _sort="published")
    assert [(row["published"], row["authors"]) for row in rows] == [
        ("2017-11-22", "Oliver Hotham; Patrick M. Cronin"),
        ("2018-10-10", None),
        ("2019-02-12", "Patrick M. Cronin"),
    ]


def test_metadata_describes_the_database(datasette: str) -> None:
    with urllib.request.urlopen(f"{datasette}/-/metadata.json", timeout=10) as response:
        metadata = json.load(response)
    tables = metadata["databases"]["archive"]["tables"]
    assert {
        "publications",
        "authors",
        "author_aliases",
        "publication_authors",
        "links",
        "outlets",
        "provenance",
        "publication_versions",
        "captures",
        "crawls",
        "publications_flat",
        "author_outlets",
    } <= set(tables)
    assert tables["publications_flat"]["facets"] == ["site", "type", "outlet", "year"]
    assert set(metadata["databases"]["archive"]["queries"]) == {
        "topic_in_year",
        "op_ed_outlets_by_year",
        "co_authors",
        "reports_per_program_per_year",
        "author_publications",
        "crawl_health",
    }


def test_flat_view_opens_with_facets_by_site_type_outlet_and_year(datasette: str) -> None:
    with urllib.request.urlopen(f"{datasette}/archive/publications_flat.json", timeout=10) as r:
        facets = json.load(r)["facet_results"]
    counts = {
        name: sorted((row["value"], row["count"]) for row in facet["results"])
        for name, facet in facets.items()
    }
    assert counts == {
        "site": [("cnas", 6)],
        "type": [("commentary", 3), ("in-the-news", 1), ("report", 2)],
        "outlet": [
            ("NK News", 1),
            ("Sasakawa USA", 1),
            ("The Atlantic", 1),
            ("The Jamestown Foundation", 1),
        ],
        "year": [(2017, 1), (2018, 3), (2019, 2)],
    }


def test_whole_archive_queries_get_time_to_finish(datasette: str) -> None:
    with urllib.request.urlopen(f"{datasette}/-/settings.json", timeout=10) as response:
        settings = json.load(response)
    assert (settings["sql_time_limit_ms"], settings["facet_time_limit_ms"]) == (30_000, 2_000)


# --- `thinkscrape browse` as a user runs it -------------------------------------------


@pytest.fixture
def archive_file(tmp_path: Path) -> Path:
    path = tmp_path / "archive.db"
    build_archive(path)
    return path


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_stops_datasette_and_removes_the_temp_folder(
    archive_file: Path, tmp_path: Path, signum: int
) -> None:
    # Sent to the command alone, as a service manager or `kill` does, not to its group.
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    browse = start_browse(archive_file, tmp, "--port", "0")
    try:
        port = wait_for_port(read_stderr(browse), browse)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/metadata.json") as response:
            assert "archive" in json.load(response)["databases"]
        assert [p.name[:12] for p in tmp.iterdir()] == ["thinkscrape-"]
        browse.send_signal(signum)
        assert browse.wait(timeout=20) == 0
        assert not listening("127.0.0.1", port)
        assert list(tmp.iterdir()) == []
    finally:
        stop_group(browse)


def test_host_option_serves_on_that_address(archive_file: Path, tmp_path: Path) -> None:
    browse = start_browse(archive_file, tmp_path, "--host", "127.0.0.2", "--port", "0")
    try:
        port = wait_for_port(read_stderr(browse), browse, host="127.0.0.2")
        assert listening("127.0.0.2", port)
        assert not listening("127.0.0.1", port)
    finally:
        browse.send_signal(signal.SIGTERM)
        stop_group(browse)


def test_only_a_loopback_host_goes_without_a_warning() -> None:
    assert exposure_warning("127.0.0.1") is None
    assert exposure_warning("localhost") is None
    assert exposure_warning("::1") is None
    warning = exposure_warning("0.0.0.0")
    assert warning and "every network" in warning


def test_the_charts_address_brackets_an_ipv6_host() -> None:
    assert server_url("127.0.0.1", 8001) == "http://127.0.0.1:8001"
    assert server_url("::1", 8001) == "http://[::1]:8001"


def test_a_busy_port_is_named(archive_file: Path, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        browse = start_browse(archive_file, tmp_path, "--port", str(port))
        try:
            _, stderr = browse.communicate(timeout=60)
        finally:
            stop_group(browse)
    assert browse.returncode == 3, stderr
    assert f"Port {port} on 127.0.0.1 is already in use" in stderr
    assert "--port" in stderr
    assert "Traceback" not in stderr and "exit code" not in stderr
