"""The README's offline commands, run word for word as a new user would type them.

The Quick start block and the researchers' command-line block are read from the README when
the test runs and executed in order by a shell, after ``thinkscrape demo`` ran in an empty
folder, through the installed ``thinkscrape`` and ``sqlite-utils`` commands; only what needs
the network, a server or an install (``pip``, ``browse``, ``scrapy crawl`` of the live site)
is left out.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"
NOT_OFFLINE = ("pip ", "thinkscrape browse", "scrapy crawl", "thinkscrape crawl")


def section(title: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def commands(text: str) -> list[str]:
    """The command lines of the section's sh and console blocks, in order."""
    found = []
    for block in re.findall(r"^```(?:sh|console)\n(.*?)^```", text, re.M | re.S):
        for line in block.splitlines():
            line = line.removeprefix("$ ").strip()
            if line and not line.startswith("#") and not line.startswith(NOT_OFFLINE):
                found.append(line)
    return found


def run_session(lines: list[str], folder: Path) -> subprocess.CompletedProcess[str]:
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("THINKSCRAPE_DB", None)
    # each line echoed before it runs, so a failure names the command
    script = "set -e\n" + "".join(f"echo '>>> '{_quote(line)}\n{line}\n" for line in lines)
    return subprocess.run(
        ["bash", "-c", script],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _quote(line: str) -> str:
    return "'" + line.replace("'", "'\\''") + "'"


@pytest.fixture(scope="module")
def commands_on_path() -> None:
    for name in ("thinkscrape", "sqlite-utils"):
        if not (Path(sys.executable).parent / name).exists() and shutil.which(name) is None:
            pytest.fail(f"{name} is not installed: run the README's install command first")


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory: pytest.TempPathFactory, commands_on_path: None) -> Path:
    """A folder where `thinkscrape demo` ran, as the first line of both blocks: the blocks'
    other lines run on a copy of what it left, so the nine replays run once."""
    folder = tmp_path_factory.mktemp("readme-demo")
    result = run_session(["thinkscrape demo"], folder)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert (folder / "data" / "demo.db").is_file()
    assert not (folder / "data" / "thinktanks.db").exists()  # the demo keeps to its own file
    return folder


def after_the_demo(demo_folder: Path, folder: Path) -> None:
    shutil.copytree(demo_folder / "data", folder / "data")


def test_quick_start_runs_as_written(tmp_path: Path, demo_folder: Path) -> None:
    lines = commands(section("Quick start"))  # after `pip install -e . && thinkscrape demo`
    assert any(line.startswith("thinkscrape stats") for line in lines)

    after_the_demo(demo_folder, tmp_path)
    result = run_session(lines, tmp_path)

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert not (tmp_path / "data" / "thinktanks.db").exists()  # the commands read the demo's
    searched = result.stdout.split(">>> thinkscrape search", 1)[1]
    assert "north korea" in searched.lower()
    queried = result.stdout.split(">>> sqlite-utils", 1)[1]
    assert "outlet" in queried and "title" in queried


def test_the_researchers_command_line_runs_as_written(tmp_path: Path, demo_folder: Path) -> None:
    lines = commands(section("For researchers"))
    assert lines[0].split("#")[0].strip() == "thinkscrape demo"
    assert any(line.startswith("export THINKSCRAPE_DB=") for line in lines)

    after_the_demo(demo_folder, tmp_path)
    result = run_session(lines[1:], tmp_path)

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for written in ("cnas.csv", "reports-2018.jsonl", "cnas.parquet"):
        assert (tmp_path / written).stat().st_size > 0, written
    assert len((tmp_path / "cnas.csv").read_text(encoding="utf-8").splitlines()) > 100
