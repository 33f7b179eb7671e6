"""Every SQL query the README and the operations guide show runs on a crawled archive."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DOCS = (REPO / "README.md", REPO / "docs" / "operations.md")


def statements() -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        for block in re.findall(
            r"^```sql\n(.*?)^```", doc.read_text(encoding="utf-8"), re.M | re.S
        ):
            for statement in block.split(";"):
                code = "\n".join(
                    line for line in statement.splitlines() if not line.strip().startswith("--")
                ).strip()
                if code:
                    found.append((doc.name, code))
    return found


@pytest.mark.parametrize(("doc", "sql"), statements())
def test_documented_query_runs(doc: str, sql: str, mirror_crawl: Path) -> None:
    db = sqlite3.connect(f"file:{mirror_crawl}?mode=ro", uri=True)
    try:
        # a query naming a column, table or JSON path the archive lacks raises here
        columns = db.execute(sql).description
    finally:
        db.close()
    assert columns, f"{doc}: not a query returning rows: {sql[:60]}"


def test_the_readme_shows_both_setup_commands() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "pip install -e . && thinkscrape demo" in readme
    assert "pip install -e '.[test]' && python -m pytest" in readme
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -e '.[test]' && python -m pytest" in ci


def test_the_operations_guide_names_every_coverage_floor_of_the_spider() -> None:
    from thinkscrape.spiders.thinktanks import CnasSpider

    guide = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    sentence = re.search(r"The CNAS spider's floors are (.*?)\. They are", guide, re.S)
    assert sentence, "the guide no longer lists the CNAS spider's floors"
    documented = dict(re.findall(r"`(\w+)` (\d\.\d+)", sentence.group(1)))
    declared = {field: str(share) for field, share in CnasSpider.coverage_floors.items()}
    assert documented == declared
