"""`thinkscrape export`: columns, formats, types, and an output that never costs a file.

Titles, dates, bylines and outlets are real CNAS pages from the site notes; bodies, topics
and the hostile titles are invented.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
from builders import person, publication
from click.testing import CliRunner
from crawling import CNAS_CAPTURE as SAMPLE_WARC

from thinkscrape.archive.schema import open_db
from thinkscrape.archive.store import Archive
from thinkscrape.cli import cli

REPO = Path(__file__).resolve().parent.parent

NEGOTIATING = publication(
    "/publications/reports/negotiating-with-north-korea",
    "report",
    "Negotiating With North Korea",
    "2019-02-12",
    subtitle="How Will This End?",
    published_raw="February 12, 2019",
    authors=[person("Patrick M. Cronin", 0)],
    topics=["Indo-Pacific Security", "North Korea"],  # invented
    body="North Korea negotiations need a plan.",  # invented
)
RUSSIA = publication(
    "/publications/commentary/trump-must-send-russia-powerful-message-through-tougher-actions",
    "commentary",
    "Trump must send Russia powerful message through tougher actions",
    "2018-02-12",
    authors=[person("Peter Harrell", 0), person("Elizabeth Rosenberg", 1)],
    outlet="The Hill",
)
# invented titles a spreadsheet would run as formulas
FORMULAS = {
    "equals": '=HYPERLINK("http://example.org/x","Click")',
    "plus": "+1+2",
    "minus": "-2+3",
    "at": "@SUM(A1:A2)",
    "tab": "\t=1+1",
    "return": "\r=1+1",
}


def hostile(name: str, title: str):
    return publication(f"/publications/blog/{name}", "blog", title, "2021-03-04")


def undated():
    return publication("/publications/blog/undated", "blog", "An Undated Post", None)


def build(path: Path, publications: list) -> Path:
    db = open_db(path)
    store = Archive(db, clock=lambda: "2026-11-01T02:00:00+00:00")
    crawl_id = store.start_crawl("cnas", {}, started="2026-11-01T01:00:00+00:00")
    for pub in publications:
        store.store(pub, crawl_id)
    db.close()
    return path


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    return build(tmp_path / "archive.db", [NEGOTIATING, RUSSIA])


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


# --- the output file ---------------------------------------------------------------------


def companions(archive: Path) -> list[Path]:
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{archive}{suffix}").write_bytes(b"part of the archive")
    return [Path(f"{archive}{suffix}") for suffix in ("-wal", "-shm", "-journal")]


def test_export_never_writes_over_the_archive_or_its_companions(
    archive: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    link = tmp_path / "link.db"
    link.symlink_to(archive)
    for target in [archive, Path("archive.db"), Path("./sub/../archive.db"), link]:
        (tmp_path / "sub").mkdir(exist_ok=True)
        before = archive.read_bytes()
        result = run("export", "--out", str(target), "--db", str(archive))
        assert result.exit_code == 3, result.output
        assert "is the archive being exported" in result.output
        assert archive.read_bytes() == before
    for companion in companions(archive):
        result = run("export", "--out", str(companion), "--db", str(archive))
        assert result.exit_code == 3, result.output
        assert f"{companion} belongs to the archive" in result.output
        assert companion.read_bytes() == b"part of the archive"


def test_export_never_writes_over_a_database_or_a_warc_file(archive: Path, tmp_path: Path) -> None:
    other = build(tmp_path / "other.sqlite", [RUSSIA])
    warc = tmp_path / "capture.warc.gz"
    shutil.copy(SAMPLE_WARC, warc)
    plain_warc = tmp_path / "capture.csv"  # a WARC whatever its name
    plain_warc.write_bytes(b"WARC/1.1\r\nWARC-Type: warcinfo\r\n\r\n")
    for target in (other, warc, plain_warc):
        before = target.read_bytes()
        result = run("export", "--out", str(target), "--db", str(archive))
        assert result.exit_code == 3, result.output
        assert f"{target} is a " in result.output and "not an export" in result.output
        assert target.read_bytes() == before


def test_failed_export_leaves_the_previous_file_as_it_was(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports.csv"
    out.write_text("earlier export\n")
    # fails on the second row only, after the output was opened and rows written
    where = "case when id = 2 then json_extract(title, '$.x') else 1 end"
    result = run("export", "--where", where, "--out", str(out), "--db", str(archive))
    assert result.exit_code == 1, result.output
    assert "Export stopped" in result.output
    assert out.read_text() == "earlier export\n"
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("archive")) == [
        "reports.csv"
    ]


def test_export_replaces_a_file_keeping_its_permissions(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "shared.csv"
    out.write_text("earlier export\n")
    out.chmod(0o640)
    assert run("export", "--out", str(out), "--db", str(archive)).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert out.read_text(encoding="utf-8").startswith("id,url,")
    new = tmp_path / "new.csv"
    umask = os.umask(0o022)
    try:
        assert run("export", "--out", str(new), "--db", str(archive)).exit_code == 0
    finally:
        os.umask(umask)
    assert stat.S_IMODE(new.stat().st_mode) == 0o644  # as open() would have made it


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("nosuchdir/x.csv", "there is no folder {tmp}/nosuchdir"),
        (".", "{tmp} is a folder"),
        ("/dev/full", "could not write /dev/full: [Errno 28] No space left on device"),
    ],
)
def test_an_output_that_cannot_be_written_is_a_message(
    archive: Path, tmp_path: Path, monkeypatch, out: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("export", "--out", out, "--db", str(archive))
    assert result.exit_code == 3, result.output
    assert message.format(tmp=tmp_path) in result.output
    assert isinstance(result.exception, SystemExit)  # no traceback
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)  # a device is written, never replaced


def test_parquet_needs_a_file(archive: Path) -> None:
    result = run("export", "--format", "parquet", "--db", str(archive))
    assert result.exit_code == 2
    assert "--format parquet writes a file: give --out" in result.output


# --- columns --------------------------------------------------------------------------


def header(result) -> list[str]:
    return next(csv.reader(io.StringIO(result.stdout, newline="")))


def test_columns_are_chosen_in_the_order_given(archive: Path) -> None:
    result = run("export", "--columns", "title, year,body,topics", "--db", str(archive))
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout, newline="")))
    assert rows == [
        ["title", "year", "body", "topics"],
        [
            "Negotiating With North Korea",
            "2019",
            "North Korea negotiations need a plan.",
            '["Indo-Pacific Security", "North Korea"]',
        ],
        [RUSSIA.title, "2018", "", "[]"],
    ]


def test_all_columns_include_every_normalised_field(archive: Path) -> None:
    result = run("export", "--columns", "all", "--db", str(archive))
    assert result.exit_code == 0, result.output
    columns = header(result)
    default = header(run("export", "--db", str(archive)))
    assert columns[: len(default)] == default
    for column in (
        "body",
        "topics",
        "published_precision",
        "published_raw",
        "published_ambiguous",
        "date_disagreement",
        "gone_at",
        "first_seen",
        "last_seen",
        "fetched_at",
    ):
        assert column in columns
    assert "raw" not in columns  # the raw extraction is not a normalised field


def test_unknown_column_is_a_message_listing_the_valid_ones(archive: Path) -> None:
    result = run("export", "--columns", "title,colour", "--db", str(archive))
    assert result.exit_code == 2
    assert "Unknown column 'colour'" in result.output
    assert "choose from: id, url, site, type" in result.output
    assert "gone_at" in result.output


def test_where_can_use_any_exportable_column(archive: Path) -> None:
    result = run(
        "export", "--where", "body like '%plan%'", "--columns", "url", "--db", str(archive)
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["url", f'"{NEGOTIATING.url}"']


# --- formats and types ------------------------------------------------------------------


@pytest.fixture
def mixed(tmp_path: Path) -> Path:
    pubs = [NEGOTIATING, RUSSIA, undated()]
    pubs += [hostile(name, title) for name, title in FORMULAS.items()]
    path = build(tmp_path / "mixed.db", pubs)
    db = sqlite3.connect(path)
    db.execute("update publications set gone_at = '2026-11-03T02:00:00+00:00' where id = 2")
    db.commit()
    db.close()
    return path


def test_csv_neutralises_formulas_and_jsonl_keeps_them(mixed: Path) -> None:
    result = run("export", "--columns", "url,title", "--db", str(mixed))
    assert result.exit_code == 0, result.output
    titles = {
        row["url"].rsplit("/", 1)[-1]: row["title"]
        for row in csv.DictReader(io.StringIO(result.stdout, newline=""))
    }
    for name, title in FORMULAS.items():
        assert titles[name] == "'" + title
    assert titles["negotiating-with-north-korea"] == "Negotiating With North Korea"
    lines = run("export", "--format", "jsonl", "--db", str(mixed)).stdout.splitlines()
    verbatim = {row["url"].rsplit("/", 1)[-1]: row["title"] for row in map(json.loads, lines)}
    for name, title in FORMULAS.items():
        assert verbatim[name] == title


def test_export_help_says_csv_formulas_are_neutralised() -> None:
    text = " ".join(run("export", "--help").output.split())
    assert "=, +, -, @, tab or carriage return" in text
    assert "single quote" in text


def readme_read_csv() -> str:
    """The pandas call the README's researcher section gives for the CSV export."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (call,) = set(re.findall(r"`(pd\.read_csv\([^`]*\))`", readme))
    return call


@pytest.fixture
def pd() -> Any:
    """pandas, what researchers read exports with (in the test extra); an environment
    installed without it skips these tests with the reason instead of failing to collect."""
    return pytest.importorskip("pandas", reason="pandas comes with pip install -e '.[test]'")


def test_readme_read_csv_gives_integer_years(
    mixed: Path, tmp_path: Path, monkeypatch, pd: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("export", "--out", "cnas.csv", "--db", str(mixed)).exit_code == 0
    frame = eval(readme_read_csv(), {"pd": pd})  # the README's own words
    assert str(frame.year.dtype) == "Int64"
    assert frame.year.isna().sum() == 1
    assert sorted(frame.year.dropna().tolist()) == [2018, 2019] + [2021] * len(FORMULAS)


def test_csv_years_read_as_integers_without_being_told_when_none_is_missing(
    mixed: Path, tmp_path: Path, pd: Any
) -> None:
    out = tmp_path / "dated.csv"
    assert run("export", "--where", "year is not null", "--out", str(out), "--db", str(mixed))
    assert pd.read_csv(out).year.dtype == "int64"


def test_jsonl_has_json_columns_as_json(mixed: Path) -> None:
    result = run("export", "--format", "jsonl", "--columns", "all", "--db", str(mixed))
    rows = {row["id"]: row for row in map(json.loads, result.stdout.splitlines())}
    assert rows[1]["topics"] == ["Indo-Pacific Security", "North Korea"]
    assert rows[1]["authors_json"] == ["Patrick M. Cronin"]
    assert rows[2]["topics"] == [] and rows[2]["gone_at"] == "2026-11-03T02:00:00+00:00"
    assert rows[3]["year"] is None


def test_parquet_keeps_types_pandas_reads_right(mixed: Path, tmp_path: Path, pd: Any) -> None:
    pytest.importorskip("pyarrow", reason="pyarrow comes with pip install -e '.[test]'")
    out = tmp_path / "cnas.parquet"
    result = run(
        "export", "--format", "parquet", "--columns", "all", "--out", str(out), "--db", str(mixed)
    )
    assert result.exit_code == 0, result.output
    assert f"Wrote {3 + len(FORMULAS)} publications to {out}" in result.output
    frame = pd.read_parquet(out)
    assert str(frame.year.dtype) == "Int64"
    assert frame.year.isna().sum() == 1
    assert str(frame.id.dtype) == "int64"
    by_id = frame.set_index("id")
    assert list(by_id.loc[1, "authors_json"]) == ["Patrick M. Cronin"]
    assert list(by_id.loc[1, "topics"]) == ["Indo-Pacific Security", "North Korea"]
    assert list(by_id.loc[2, "authors_json"]) == ["Peter Harrell", "Elizabeth Rosenberg"]
    assert str(by_id.loc[1, "published"]) == "2019-02-12"
    assert str(frame.gone_at.dtype) == "datetime64[us, UTC]"
    assert by_id.loc[2, "gone_at"] == pd.Timestamp("2026-11-03T02:00:00Z")
    # values as archived: no formula neutralisation outside CSV
    assert FORMULAS["equals"] in set(frame.title)
