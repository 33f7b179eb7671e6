"""The accuracy benchmark's own parts: reading pages, the scoring rules and the skip without
shared data. The figures themselves come from ``python -m benchmarks.accuracy``."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from benchmarks import accuracy
from benchmarks.accuracy import Extracted, Page


def page(**overrides: object) -> Page:
    values: dict = {
        "id": "p",
        "url": "https://example.org/a",
        "html": "",
        "title": "Der Titel: eine „Frage“?",
        "title_alt": None,
        "date": "2021-11-05",
        "date_alt": [],
        "authors": ["Dr. José Müller", "Ann Lee"],
    }
    values.update(overrides)
    return Page(**values)


def test_decode_reads_utf8_then_the_declared_charset_then_cp1252() -> None:
    assert accuracy.decode("Überlebende".encode()) == "Überlebende"
    latin = '<meta charset="iso-8859-2"><p>Jażdżewski</p>'.encode("iso-8859-2")
    assert "Jażdżewski" in accuracy.decode(latin)
    assert accuracy.decode("„Quote“ café".encode("cp1252")) == "„Quote“ café"


def test_title_ignores_case_and_punctuation_but_not_added_words() -> None:
    assert accuracy.title_right(page(), Extracted(title="der titel — eine Frage"))
    assert not accuracy.title_right(page(), Extracted(title="Der Titel: eine Frage | Site"))
    assert accuracy.title_right(page(title_alt="Headline"), Extracted(title="HEADLINE"))
    assert not accuracy.title_right(page(), Extracted(title=None))


def test_date_counts_the_day_only_and_accepts_the_alternative_days() -> None:
    assert accuracy.date_right(page(), Extracted(date="2021-11-05T23:00:00+01:00"))
    assert accuracy.date_right(page(date_alt=["2021-11-04"]), Extracted(date="2021-11-04"))
    assert not accuracy.date_right(page(), Extracted(date="2021-11"))
    assert not accuracy.date_right(page(), Extracted(date=None))


def test_authors_are_a_set_of_folded_names_persons_only() -> None:
    assert accuracy.authors_right(page(), Extracted(authors=["ann lee", "Jose Muller"]))
    assert accuracy.authors_right(page(), Extracted(authors=["By Ann Lee", "José Müller, PhD"]))
    assert not accuracy.authors_right(page(), Extracted(authors=["Ann Lee"]))
    assert not accuracy.authors_right(
        page(), Extracted(authors=["Ann Lee", "José Müller", "Newsdesk"])
    )


def test_skips_with_a_reason_when_the_shared_folder_is_absent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("THINKSCRAPE_SHARED", str(tmp_path / "absent"))
    assert accuracy.main([]) == 0
    out = capsys.readouterr().out
    assert "skipped" in out and str(tmp_path / "absent") in out


def test_scores_a_small_eval_folder_with_the_project_extractor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "shared" / "eval-pages"
    (folder / "pages").mkdir(parents=True)
    html = (
        "<html lang='en'><head><title>A Headline | Site</title></head><body><article>"
        "<h1>A Headline</h1><p class='byline'>By Ann Lee</p>"
        "<time datetime='2020-03-02T10:00:00Z'>March 2, 2020</time></article></body></html>"
    )
    (folder / "pages" / "one.html.gz").write_bytes(gzip.compress(html.encode()))
    record = {
        "id": "one",
        "url": "https://example.org/one",
        "file": "pages/one.html.gz",
        "title": "A Headline",
        "title_alt": None,
        "date": "2020-03-02",
        "date_alt": [],
        "authors": ["Ann Lee"],
    }
    (folder / "gold.json").write_text(json.dumps({"pages": [record]}), encoding="utf-8")
    monkeypatch.setenv("THINKSCRAPE_SHARED", str(tmp_path / "shared"))
    monkeypatch.setattr(accuracy, "_PEER_LOADERS", {})
    assert accuracy.main([]) == 0
    out = capsys.readouterr().out
    assert "skipped real-pages" in out
    row = next(line for line in out.splitlines() if line.startswith("| thinkscrape"))
    assert row.split("|")[2:5] == [" 100.0% ", " 100.0% ", "  100.0% "]


def test_a_page_of_a_host_a_spider_declares_goes_through_that_sites_extractor() -> None:
    from thinkscrape.sites import get

    path = "publications/cnas-insights/cnas-insights-sovereign-ais-second-wave-is-coming-into-view"
    html = (Path(__file__).parent.parent / "tests/mirrors/cnas" / path / "index.html").read_text(
        encoding="utf-8"
    )
    url = f"https://www.cnas.org/{path}"
    raw = get("cnas").extract_article(url, html)
    found = accuracy.thinkscrape_extractor(url, html)
    assert found.title == raw["title"] and found.title
    assert found.authors and found.date
