"""The README's `thinkscrape search` and `export` examples do what it says on the demo archive.

The README is read when the test runs, so a changed example is checked as written.
"""

from __future__ import annotations

import json
import re
import shlex
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from thinkscrape.cli import cli

README = Path(__file__).resolve().parent.parent / "README.md"


def readme() -> str:
    return README.read_text(encoding="utf-8")


def researchers_section() -> str:
    text = readme()
    start = text.index("\n## For researchers\n")
    return text[start : text.index("\n## ", start + 1)]


def examples(command: str) -> list[list[str]]:
    """Every ``thinkscrape COMMAND ...`` line of the README's code blocks, as arguments."""
    found = []
    for block in re.findall(r"^```(?:sh|console)\n(.*?)^```", readme(), re.M | re.S):
        for line in block.splitlines():
            line = line.removeprefix("$ ").strip()
            if line.startswith(f"thinkscrape {command}"):
                found.append(shlex.split(line, comments=True)[1:])
    return found


def on_archive(args: list[str], archive: Path) -> list[str]:
    """``args`` reading ``archive``, whichever --db the README names."""
    kept = [arg for i, arg in enumerate(args) if "--db" not in args[max(i - 1, 0) : i + 1]]
    return [*kept, "--db", str(archive)]


@pytest.fixture(scope="module")
def demo_archive(demo_run: tuple[Path, str]) -> Path:
    return demo_run[0]  # the examples only read it


def test_the_readme_has_search_and_export_examples() -> None:
    assert len(examples("search")) >= 5
    assert len(examples("export")) >= 3


@pytest.mark.parametrize("args", examples("search"), ids=shlex.join)
def test_readme_search_example_finds_publications(demo_archive: Path, args: list[str]) -> None:
    as_json = [args[0], "--json", *[arg for arg in args[1:] if arg != "--json"]]
    result = CliRunner().invoke(cli, on_archive(as_json, demo_archive))
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout), f"no publications for {shlex.join(args)}"


@pytest.mark.parametrize("args", examples("export"), ids=shlex.join)
def test_readme_export_example_writes_publications(
    demo_archive: Path, args: list[str], tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, on_archive(args, demo_archive))
    assert result.exit_code == 0, result.output
    (written,) = re.findall(r"Wrote (\d+) publications to (\S+)", result.output)
    assert int(written[0]) > 0 and (tmp_path / written[1]).stat().st_size > 0


def test_first_sql_example_names_each_outlets_domain(demo_archive: Path) -> None:
    (first,) = re.findall(r"^```sql\n(.*?);", readme(), re.M | re.S)[:1]
    db = sqlite3.connect(f"file:{demo_archive}?mode=ro", uri=True)
    rows = db.execute(first).fetchall()
    with_domain = {
        outlet
        for (outlet,) in db.execute(
            "select outlet from publications where full_article_domain is not null"
        )
    }
    db.close()
    assert rows and rows[0][1] is not None
    assert [row for row in rows if row[0] in with_domain and row[1] is None] == []


def test_researchers_section_says_the_demo_replays_a_capture() -> None:
    demo = re.search(r"^- `demo` (.*?)^- ", researchers_section(), re.M | re.S)[1]
    assert "replays" in demo and "data/samples/demo/cnas.warc.gz" in demo
    assert "scrapy crawl" not in demo and "serves" not in demo
