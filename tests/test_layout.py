"""How the repository's top-level packages may depend on one another."""

from __future__ import annotations

import ast
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
TESTS = REPO_ROOT / "tests"

# Under pytest the tests folder is itself on sys.path, so its helpers (crawling, builders, ...)
# import by their bare names too: importing one of those is importing test code.
TEST_MODULES = (
    {"tests"}
    | {path.stem for path in TESTS.glob("*.py") if path.stem != "conftest"}
    | {path.name for path in TESTS.iterdir() if (path / "__init__.py").exists()}
)


def imported_top_names(source: Path) -> set[str]:
    """The first dotted part of every module `source` imports (relative imports left out)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"), str(source))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_test_modules_are_known() -> None:
    # A guard on the guard: the set below really holds the helpers benchmarks once used.
    assert {"tests", "crawling", "builders", "serving"} <= TEST_MODULES


def test_no_benchmark_imports_test_code() -> None:
    offenders = {
        str(path.relative_to(REPO_ROOT)): sorted(imported_top_names(path) & TEST_MODULES)
        for path in sorted((REPO_ROOT / "benchmarks").rglob("*.py"))
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_mirror_generator_imports_no_test_code() -> None:
    # The demo, the benchmarks and the tests all build mirrors with sitegen.
    offenders = {
        str(path.relative_to(REPO_ROOT)): sorted(imported_top_names(path) & TEST_MODULES)
        for path in sorted((REPO_ROOT / "sitegen").rglob("*.py"))
    }
    assert {path: names for path, names in offenders.items() if names} == {}
