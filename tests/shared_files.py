"""Where the tests find the files kept outside the repository (saved real pages and notes).

They live in one folder, ``<repo>/../shared`` by default; THINKSCRAPE_SHARED names another
(a worktree or a clone elsewhere has no ``../shared`` beside it). A test that needs them and
does not find them is skipped with the path it looked at, never failed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent


def shared_dir() -> Path:
    """The shared folder: THINKSCRAPE_SHARED if set, else ``<repo>/../shared``."""
    configured = os.environ.get("THINKSCRAPE_SHARED")
    return Path(configured) if configured else REPO_ROOT.parent / "shared"


def real_pages() -> Path:
    """The saved real pages folder; skips the calling test when it is not there."""
    folder = shared_dir() / "real-pages"
    if not folder.is_dir():
        pytest.skip(
            f"saved real pages not found at {folder}: "
            "set THINKSCRAPE_SHARED to the folder that holds real-pages/"
        )
    return folder
