"""The tests reading saved real pages find them through one setting and skip without them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from shared_files import REPO_ROOT, real_pages, shared_dir


def test_shared_dir_honours_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("THINKSCRAPE_SHARED", str(tmp_path))
    assert shared_dir() == tmp_path
    monkeypatch.delenv("THINKSCRAPE_SHARED")
    assert shared_dir() == REPO_ROOT.parent / "shared"


def test_missing_real_pages_skip_with_the_path_looked_at(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("THINKSCRAPE_SHARED", str(tmp_path))
    with pytest.raises(pytest.skip.Exception, match="THINKSCRAPE_SHARED") as skipped:
        real_pages()
    assert str(tmp_path / "real-pages") in str(skipped.value)


def test_extraction_tests_skip_rather_than_fail_without_shared(tmp_path: Path) -> None:
    env = {**os.environ, "THINKSCRAPE_SHARED": str(tmp_path / "absent")}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rs",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            "tests/test_extract_generic.py",
            "tests/test_extract_cnas.py",
            "-k",
            "block_page or real_pages",
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "skipped" in result.stdout and "failed" not in result.stdout
    assert "saved real pages not found" in result.stdout
