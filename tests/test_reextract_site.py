"""Which site `reextract` replays captures with: the one named, or the registered site whose
hosts served the captured pages; never a default."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from crawling import CNAS_CAPTURE as SAMPLE_WARC

from tests.registered import register_site
from thinkscrape import sites
from thinkscrape.cli import cli
from thinkscrape.warc.reextract import ReextractError, reextract, site_of_captures
from thinkscrape.warc.writer import HttpMessage, WarcWriter


def capture(folder: Path, *urls: str) -> Path:
    """A WARC file holding one small page per URL (the pages are invented)."""
    with WarcWriter(folder, "pages") as writer:
        for url in urls:
            writer.write_exchange(
                url,
                method="GET",
                request=HttpMessage(headers=[]),
                status=200,
                response=HttpMessage(
                    headers=[("Content-Type", "text/html")], body=b"<html><h1>A page</h1></html>"
                ),
            )
    (path,) = folder.glob("*.warc.gz")
    return path


def test_the_bundled_sample_is_cnas_by_its_hosts():
    assert site_of_captures([SAMPLE_WARC]) == "cnas"


def test_another_registered_site_is_found_by_its_hosts(monkeypatch, tmp_path):
    register_site(monkeypatch, "exemple", hosts=("www.exemple.org", "exemple.org"))
    warc = capture(tmp_path, "https://exemple.org/analysis/a-note")
    assert site_of_captures([warc]) == "exemple"


def test_captures_of_no_registered_site_say_what_to_do(tmp_path):
    warc = capture(tmp_path, "https://www.nowhere.example/a-page")
    with pytest.raises(ReextractError) as raised:
        site_of_captures([warc])
    assert str(raised.value) == (
        "No registered site serves the captured pages (hosts: www.nowhere.example); name the "
        f"site they are a capture of (known: {', '.join(sites.names())})."
    )


def test_captures_of_two_sites_are_not_guessed_between(monkeypatch, tmp_path):
    register_site(monkeypatch, "exemple")
    warc = capture(tmp_path, "https://www.exemple.org/analysis/a-note")
    with pytest.raises(ReextractError, match=r"pages of several sites \(cnas, exemple\)"):
        site_of_captures([SAMPLE_WARC, warc])


def test_an_unknown_site_stops_reextract_before_anything_runs(tmp_path):
    with pytest.raises(ReextractError, match=r"No site named 'nosite'; known: .*cnas"):
        reextract(tmp_path / "archive.db", [SAMPLE_WARC], site="nosite")
    assert not (tmp_path / "archive.db").exists()


def test_the_command_says_which_site_is_wrong_in_one_line(tmp_path):
    result = CliRunner().invoke(
        cli, ["reextract", "--db", str(tmp_path / "a.db"), "--site", "nosite", str(SAMPLE_WARC)]
    )
    assert result.exit_code == 1
    assert result.output == f"Error: No site named 'nosite'; known: {', '.join(sites.names())}\n"
