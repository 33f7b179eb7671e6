"""The layers keep to their parts: archive tables are read and written under archive/ only,
and the archive knows nothing of spiders."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "thinkscrape"
ARCHIVE = PACKAGE / "archive"

# A string that is an SQL statement, whatever its case.
SQL_STATEMENT = re.compile(
    r"^\s*(?:select\s.+\sfrom\s|insert\s+(?:or\s+\w+\s+)?into\s|update\s+\S+\s+set\s|"
    r"delete\s+from\s|with\s+\w+\s+as\s*\(|create\s+(?:table|index|view|trigger)\s|"
    r"drop\s+(?:table|index|view|trigger)\s|alter\s+table\s|pragma\s)",
    re.IGNORECASE | re.DOTALL,
)
# Methods that run SQL or read and write tables: sqlite3's and sqlite-utils'.
SQL_METHODS = {
    "execute",
    "executemany",
    "executescript",
    "query",
    "rows_where",
    "insert_all",
    "upsert_all",
    "delete_where",
    "count_where",
    "detect_fts",
}


def modules_outside_archive() -> list[Path]:
    return [path for path in sorted(PACKAGE.rglob("*.py")) if ARCHIVE not in path.parents]


def docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def sql_in(path: Path) -> list[str]:
    """Where the module at ``path`` writes SQL or calls a method that runs it."""
    tree = ast.parse(path.read_text(), filename=str(path))
    skip = docstrings(tree)
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(PACKAGE.parent)}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            if SQL_STATEMENT.match(node.value):
                found.append(f"{where} SQL {node.value.strip()[:40]!r}")
        elif isinstance(node, ast.JoinedStr):
            text = "".join(p.value for p in node.values if isinstance(p, ast.Constant))
            if SQL_STATEMENT.match(text):
                found.append(f"{where} SQL {text.strip()[:40]!r}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in SQL_METHODS:
                found.append(f"{where} .{node.func.attr}()")
            elif node.func.attr == "connect" and ast.unparse(node.func.value) == "sqlite3":
                found.append(f"{where} sqlite3.connect()")
    return found


def test_the_scan_finds_sql_where_it_is():
    store = sql_in(ARCHIVE / "store.py")
    assert any(" SQL " in finding for finding in store)
    assert any(".execute()" in finding for finding in store)


def test_no_sql_outside_the_archive_package():
    found = [finding for path in modules_outside_archive() for finding in sql_in(path)]
    assert found == []


def test_the_archive_imports_no_spider():
    for path in sorted(ARCHIVE.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            assert not any(name.startswith("thinkscrape.spiders") for name in names), path


def test_importing_the_archive_loads_no_spider():
    modules = sorted(
        f"thinkscrape.archive.{path.stem}" for path in ARCHIVE.glob("*.py") if path.stem[0] != "_"
    )
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.startswith('thinkscrape.spiders')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# --- one site's facts live in its site file -----------------------------------------------
SITE_NAME = re.compile(r"cnas|new american security", re.IGNORECASE)
# Documentation giving CNAS as an example ("the site's name, e.g. cnas") holds no value.
AN_EXAMPLE = re.compile(r"\be\.g\.\s")
# The CNAS values outside thinkscrape/sites/cnas.py, each with its reason (none: the demo
# replays every site's capture by the site serving its pages).
CNAS_LITERALS: list[str] = []


def site_literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    skip = docstrings(tree)
    return [
        f"{path.relative_to(PACKAGE.parent)} {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and SITE_NAME.search(node.value)
        and not AN_EXAMPLE.search(node.value)
    ]


def test_no_cnas_value_outside_its_site_file():
    outside = [
        path for path in sorted(PACKAGE.rglob("*.py")) if path != PACKAGE / "sites" / "cnas.py"
    ]
    found = sorted(literal for path in outside for literal in site_literals(path))
    assert found == CNAS_LITERALS


# A date order ('MDY') or a tuple of language codes (('en',)) written as a default: it
# would read every site's dates as one site's.
CONVENTION_DEFAULT = re.compile(r"'[MDY]{3}'|\(('[a-z]{2}',\s*)*'[a-z]{2}',?\)")


def test_no_signature_defaults_a_sites_date_conventions():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            defaults = [*node.args.defaults, *filter(None, node.args.kw_defaults)]
            for default in defaults:
                text = ast.unparse(default)
                if CONVENTION_DEFAULT.fullmatch(text):
                    found.append(f"{path.relative_to(PACKAGE.parent)}:{node.name} = {text}")
    assert found == []
