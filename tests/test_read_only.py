"""Archives shared read-only: queried by every reading command, refused by every writer.

The tests run as root, which ignores file permissions, so "read-only" is made the way that
binds root too: the immutable attribute (``chattr +i``) on the archive's folder or file.
As another user, plain permissions do. Each test first proves the path cannot be written.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from crawling import run_crawl
from serving import read_stderr, start_browse, stop_group, wait_for_port

from thinkscrape.archive.schema import ArchiveError, open_db
from thinkscrape.cli import cli
from thinkscrape.runner import EXIT_NOT_STARTED


def _set_read_only(path: Path, read_only: bool) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i" if read_only else "-i", str(path)], check=True)
    else:
        mode = path.stat().st_mode
        path.chmod(mode & ~0o222 if read_only else mode | 0o200)


def _cannot_write(path: Path) -> bool:
    probe = path / "probe" if path.is_dir() else path
    try:
        with open(probe, "a"):
            pass
    except PermissionError:
        return True
    if probe != path:
        probe.unlink()
    return False


@pytest.fixture
def shared(mirror_crawl: Path, tmp_path: Path) -> Iterator[dict[str, Path]]:
    """A WAL archive of a real crawl in a read-only folder, and one as a read-only file."""
    folder = tmp_path / "shared"
    folder.mkdir()
    in_folder = folder / "archive.db"
    shutil.copy(mirror_crawl, in_folder)
    as_file = tmp_path / "file" / "archive.db"
    as_file.parent.mkdir()
    shutil.copy(mirror_crawl, as_file)
    for archive in (in_folder, as_file):
        # a WAL archive (file format bytes 2, 2), copied alone as archives are shared
        assert archive.read_bytes()[18:20] == b"\x02\x02"
        assert sorted(path.name for path in archive.parent.iterdir()) == ["archive.db"]
    _set_read_only(folder, True)
    _set_read_only(as_file, True)
    try:
        assert _cannot_write(folder) and _cannot_write(as_file), "could not make them read-only"
        yield {"folder": in_folder, "file": as_file}
    finally:
        _set_read_only(folder, False)
        _set_read_only(as_file, False)


def publications(archive: Path) -> int:
    connection = sqlite3.connect(f"file:{archive}?mode=ro&immutable=1", uri=True)
    try:
        return connection.execute("select count(*) from publications").fetchone()[0]
    finally:
        connection.close()


@pytest.mark.parametrize("where", ["folder", "file"])
def test_a_read_only_archive_is_queried_by_stats_search_and_export(
    shared: dict[str, Path], where: str, tmp_path: Path
) -> None:
    archive = shared[where]
    total = publications(archive)
    runner = CliRunner()
    stats = runner.invoke(cli, ["stats", "--json", "--db", str(archive)])
    assert stats.exit_code == 0, stats.output
    assert json.loads(stats.stdout)["publications"] == total
    search = runner.invoke(cli, ["search", "north korea", "--json", "--db", str(archive)])
    assert search.exit_code == 0, search.output
    assert json.loads(search.stdout)
    out = tmp_path / "export.jsonl"
    export = runner.invoke(
        cli, ["export", "--format", "jsonl", "--out", str(out), "--db", str(archive)]
    )
    assert export.exit_code == 0, export.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == total


def test_datasette_serves_an_archive_in_a_read_only_folder(
    shared: dict[str, Path], tmp_path: Path
) -> None:
    archive = shared["folder"]
    browse = start_browse(archive, tmp_path, "--port", "0")
    try:
        port = wait_for_port(read_stderr(browse), browse)
        url = (
            f"http://127.0.0.1:{port}/{archive.stem}.json"
            "?sql=select+count(*)+as+n+from+publications&_shape=array"
        )
        with urllib.request.urlopen(url, timeout=30) as response:
            rows = json.load(response)
    finally:
        stop_group(browse)
    assert rows == [{"n": publications(archive)}]


@pytest.mark.parametrize("where", ["folder", "file"])
def test_crawling_into_a_read_only_archive_is_a_message_and_exit_3(
    shared: dict[str, Path], where: str, cnas_mirror: str
) -> None:
    archive = shared[where]
    reason = "its folder" if where == "folder" else "the file is read-only"
    unattended = run_crawl(cnas_mirror, archive, runner=True, timeout=60)
    assert unattended.returncode == EXIT_NOT_STARTED, unattended.stderr[-3000:]
    assert f"cannot write to {archive}: {reason}" in unattended.stderr
    plain = run_crawl(cnas_mirror, archive, timeout=60)
    assert plain.returncode == EXIT_NOT_STARTED, plain.stderr[-3000:]
    assert f"cannot write to {archive}: {reason}" in plain.stderr
    assert "Closing spider (archive_unavailable)" in plain.stderr
    for result in (unattended, plain):
        assert "Traceback" not in result.stderr
    with pytest.raises(ArchiveError, match="read-only"):
        open_db(archive)
