"""Long work on an archive at an operator's terminal: reextract, renormalize and export show a
live progress line there, nothing of it in a pipe (cron), and nothing at all with --quiet when
all goes well."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from crawling import CNAS_CAPTURE as SAMPLE_WARC
from crawling import REPO_ROOT, run_in_terminal

THINKSCRAPE = str(Path(sys.executable).parent / "thinkscrape")
PUBLICATIONS = 116  # in the bundled sample
ERASE = "\x1b[K"  # what the live line starts with after its carriage return


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [THINKSCRAPE, *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300
    )


def updates(screen: str) -> list[str]:
    """The states of the live line (what each carriage return started, its erase code off),
    then the lines printed after it."""
    parts = (part.removeprefix(ERASE).strip() for part in screen.split("\r"))
    return [part for part in parts if part]


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive of the bundled sample, by `thinkscrape reextract` with its stderr a pipe."""
    db = tmp_path_factory.mktemp("progress") / "archive.db"
    result = run("reextract", "--db", str(db), str(SAMPLE_WARC))
    assert result.returncode == 0, result.stderr[-3000:]
    # a pipe (cron): the summary alone, no progress line
    assert result.stdout.startswith("Re-extracted "), result.stdout
    assert result.stderr == ""
    return db


@pytest.fixture
def archive(replayed: Path, tmp_path: Path) -> Path:
    db = tmp_path / "archive.db"
    shutil.copy(replayed, db)
    return db


def test_reextract_shows_progress_on_a_terminal_and_nothing_with_quiet(archive: Path) -> None:
    code, screen = run_in_terminal(
        [THINKSCRAPE, "reextract", "--db", str(archive), str(SAMPLE_WARC)], stdout_too=True
    )
    assert code == 0, screen[-3000:]
    lines = [line for line in updates(screen) if "pages/min" in line]
    assert lines and lines[-1].startswith("cnas: "), screen[-3000:]
    assert re.search(r"\d+ pages, \d+ stored", lines[-1]), lines[-1]
    assert "Re-extracted " in screen  # the summary as before

    code, screen = run_in_terminal(
        [THINKSCRAPE, "reextract", "--quiet", "--db", str(archive), str(SAMPLE_WARC)],
        stdout_too=True,
    )
    assert (code, screen) == (0, "")


def test_renormalize_shows_progress_on_a_terminal_only(archive: Path) -> None:
    argv = [THINKSCRAPE, "renormalize", "--db", str(archive)]
    code, screen = run_in_terminal(argv, stdout_too=True)
    assert code == 0, screen[-3000:]
    lines = updates(screen)
    # the total is known from the start, the last state counts them all
    assert f"renormalize: 0 of {PUBLICATIONS} publications, 0.0/min" in lines, lines
    progress = [line for line in lines if line.startswith("renormalize: ")]
    assert progress[-1].startswith(f"renormalize: {PUBLICATIONS} publications, "), lines
    assert f"{PUBLICATIONS} publications; 0 values changed." in lines

    piped = run("renormalize", "--db", str(archive))
    assert piped.returncode == 0
    assert piped.stdout == f"{PUBLICATIONS} publications; 0 values changed.\n"
    assert piped.stderr == ""

    code, screen = run_in_terminal([*argv, "--quiet"], stdout_too=True)
    assert (code, screen) == (0, "")


def test_export_shows_progress_on_a_terminal_only(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    argv = [THINKSCRAPE, "export", "--db", str(archive), "--out", str(out)]
    code, screen = run_in_terminal(argv)
    assert code == 0, screen[-3000:]
    lines = updates(screen)
    assert f"export: 0 of {PUBLICATIONS} publications, 0.0/min" in lines, lines
    progress = [line for line in lines if line.startswith("export: ")]
    assert progress[-1].startswith(f"export: {PUBLICATIONS} publications, "), lines
    assert lines[-1] == f"Wrote {PUBLICATIONS} publications to {out}"
    assert len(out.read_text(encoding="utf-8").splitlines()) == PUBLICATIONS + 1

    piped = run("export", "--db", str(archive), "--out", str(out))
    assert piped.returncode == 0
    assert piped.stderr == f"Wrote {PUBLICATIONS} publications to {out}\n"

    out.unlink()
    code, screen = run_in_terminal([*argv, "--quiet"])
    assert (code, screen) == (0, "")
    assert len(out.read_text(encoding="utf-8").splitlines()) == PUBLICATIONS + 1


def test_export_to_stdout_keeps_the_progress_line_off_the_rows(archive: Path) -> None:
    code, screen = run_in_terminal([THINKSCRAPE, "export", "--db", str(archive), "--quiet"])
    assert (code, screen) == (0, "")  # stdout (the rows) is not the terminal here
    piped = run("export", "--db", str(archive), "--format", "jsonl")
    assert piped.returncode == 0 and piped.stderr == ""
    assert len(piped.stdout.splitlines()) == PUBLICATIONS
