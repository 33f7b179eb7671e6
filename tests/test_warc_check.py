"""Damaged WARC files: `thinkscrape warc check` names the damage, replay reads past it and the
crawl's verdict says what was skipped. The damaged files are real copies of the bundled
sample, cut short or with bytes overwritten, plus a gzip of plain text and an empty file."""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from crawling import CNAS_CAPTURE as SAMPLE

from thinkscrape.cli import cli
from thinkscrape.warc.check import Record, walk
from thinkscrape.warc.replay import WarcIndex

DAMAGED_PAGE = "https://www.cnas.org/publications/reports/negotiating-with-north-korea"


def response_record(path: Path, url: str) -> Record:
    (record,) = [
        found
        for found in walk(path)
        if isinstance(found, Record)
        and found.type == "response"
        and found.headers.get_header("WARC-Target-URI") == url
    ]
    return record


@pytest.fixture(scope="module")
def damaged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, int | None]]:
    """Each kind of damaged file and the offset its damage starts at."""
    folder = tmp_path_factory.mktemp("damaged")
    data = SAMPLE.read_bytes()
    page = response_record(SAMPLE, DAMAGED_PAGE)

    truncated = folder / "truncated.warc.gz"
    # Cut inside the member of the damaged page: the file ends mid-record.
    truncated.write_bytes(data[: page.offset + page.length // 2])

    flipped = folder / "flipped.warc.gz"
    middle = page.offset + page.length // 2
    flipped.write_bytes(data[:middle] + bytes(b ^ 0xFF for b in data[middle : middle + 64])
                        + data[middle + 64 :])  # fmt: skip

    text = folder / "notes.warc.gz"
    text.write_bytes(gzip.compress(b"Meeting notes, not a web archive.\n" * 50))
    empty = folder / "empty.warc.gz"
    empty.write_bytes(b"")
    return {
        "truncated": (truncated, page.offset),
        "flipped": (flipped, page.offset),
        "text": (text, None),
        "empty": (empty, None),
    }


@pytest.mark.parametrize(
    ("kind", "problem"),
    [
        ("truncated", "truncated: the file ends inside this gzip member"),
        ("flipped", "corrupt gzip member"),
        ("text", "not a WARC file (not a WARC record"),
        ("empty", "empty file, not a WARC file"),
    ],
)
def test_warc_check_fails_naming_the_file_the_offset_and_the_problem(
    damaged: dict, kind: str, problem: str
) -> None:
    path, offset = damaged[kind]
    result = CliRunner().invoke(cli, ["warc", "check", str(path)])
    assert result.exit_code == 1, result.output
    expected = f"{path}: offset {offset}: {problem}" if offset is not None else f"{path}: {problem}"
    assert expected in result.output
    assert "Error: 1 of 1 WARC file(s) are damaged." in result.output


def test_warc_check_summarises_each_sound_file_on_one_line(damaged: dict) -> None:
    result = CliRunner().invoke(cli, ["warc", "check", str(SAMPLE), str(damaged["empty"][0])])
    assert result.exit_code == 1
    size = SAMPLE.stat().st_size
    assert f"{SAMPLE}: ok, 253 records (126 responses), {size:,} bytes\n" in result.output
    alone = CliRunner().invoke(cli, ["warc", "check", str(SAMPLE)])
    assert (alone.exit_code, alone.output.count("\n")) == (0, 1)


def test_the_index_reads_past_a_damaged_record(damaged: dict) -> None:
    sound = WarcIndex(SAMPLE)
    flipped = WarcIndex(damaged["flipped"][0])
    # Only the damaged page is lost; every record after it is still found.
    assert {entry.url for entry in sound.entries()} - {
        entry.url for entry in flipped.entries()
    } == {DAMAGED_PAGE}
    (report,) = flipped.damaged
    ((_, offset),) = [(damage.reason, damage.offset) for damage in report.damage]
    assert offset == damaged["flipped"][1]
    truncated = WarcIndex(damaged["truncated"][0])
    assert truncated.damaged[0].damage[0].offset == damaged["truncated"][1]
    for kind in ("text", "empty"):
        index = WarcIndex(damaged[kind][0])
        assert len(index) == 0
        assert index.damaged[0].not_warc


@pytest.mark.parametrize("how", [[], ["--replay"]], ids=["direct", "replay"])
def test_reextract_of_damaged_files_is_not_healthy_and_says_what_was_skipped(
    damaged: dict, tmp_path: Path, how: list[str]
) -> None:
    folder = tmp_path / "warc"
    folder.mkdir()
    for kind in ("flipped", "text", "empty"):
        shutil.copy(damaged[kind][0], folder)
    db = tmp_path / "rebuilt.db"
    result = CliRunner().invoke(cli, ["reextract", *how, "--db", str(db), str(folder)])
    assert result.exit_code == 1, result.output
    assert "115 new" in result.output
    assert "Error: Not every capture was read: 1 damaged stretch(es) of WARC records " in (
        result.output
    )
    assert f"in {folder / 'flipped.warc.gz'}" in result.output
    assert f"2 file(s) are not WARC files: {folder / 'empty.warc.gz'}, " in result.output

    connection = sqlite3.connect(db)
    status, stats = connection.execute("select status, stats from crawls").fetchone()
    connection.close()
    stats = json.loads(stats)
    assert status == "failed"
    assert stats["thinkscrape/replay/damaged_records"] == 1
    assert stats["thinkscrape/replay/not_warc_files"] == 2
    assert stats["thinkscrape/replay/skipped_bytes"] == response_record(SAMPLE, DAMAGED_PAGE).length
    assert "damaged_warc" in [check["check"] for check in stats["thinkscrape/health/failed_checks"]]
