"""Record the bundled site mirrors as the demo's WARC files: real crawls, captured.

    python -m sitegen.sample_warc [OUT_DIR] [--only NAME ...]

For each capture below, serves ``tests/mirrors/<NAME>`` on 127.0.0.1, runs ``scrapy crawl
SPIDER`` against it with WARC capture on, and keeps the one WARC file the crawl wrote as
``OUT_DIR/<NAME>.warc.gz`` (default ``data/samples/demo``). Re-run it for a mirror whenever
that mirror is regenerated (``tests/test_sample_warc.py`` fails when the two disagree);
``--only`` keeps the other files as they are, so only the changed capture is rewritten. As in
any crawl of a mirror, the records name the site's own URLs (``https://www.cnas.org/...``)
and the warcinfo record the 127.0.0.1 origin that served them, so the demo replays them with
no server.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from thinkscrape.mirror import serve_mirror

REPO_ROOT = Path(__file__).resolve().parents[1]
MIRRORS = REPO_ROOT / "tests" / "mirrors"
SAMPLE_DIR = REPO_ROOT / "data" / "samples" / "demo"

# Capture name (the mirror's folder under tests/mirrors, the WARC file's name) -> the spider
# that crawls it. brookings-2019 is the same site in its 2016-2023 theme.
CAPTURES = {
    "38north": "38north",
    "atlanticcouncil": "atlanticcouncil",
    "brookings": "brookings",
    "brookings-2019": "brookings",
    "carnegie": "carnegie",
    "cnas": "cnas",
    "csis": "csis",
    "rand": "rand",
    "stimson": "stimson",
}


def record_sample(name: str, out_dir: Path = SAMPLE_DIR) -> Path:
    """Crawl the mirror ``tests/mirrors/<name>`` and keep its WARC as ``out_dir/<name>.warc.gz``."""
    spider = CAPTURES[name]
    out = out_dir / f"{name}.warc.gz"
    with tempfile.TemporaryDirectory() as scratch, serve_mirror(MIRRORS / name) as mirror:
        warc_dir = Path(scratch) / "warc"
        command = [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            spider,
            "-a",
            f"base_url={mirror.base_url}",
            "-s",
            f"THINKSCRAPE_DB={Path(scratch) / 'sample.db'}",
            "-s",
            f"THINKSCRAPE_WARC_DIR={warc_dir}",
            "-s",
            "AUTOTHROTTLE_ENABLED=0",
            "-s",
            "DOWNLOAD_DELAY=0",
            "-s",
            "LOG_LEVEL=WARNING",
        ]
        subprocess.run(command, cwd=REPO_ROOT, check=True)
        (written,) = sorted(warc_dir.glob("*.warc.gz"))
        out_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(written, out)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m sitegen.sample_warc",
        description="Record the bundled site mirrors (tests/mirrors/<NAME>) as the demo's WARC "
        "files, one per mirror.",
    )
    parser.add_argument(
        "out_dir",
        nargs="?",
        type=Path,
        default=SAMPLE_DIR,
        help="the folder to write NAME.warc.gz into "
        f"(default: {SAMPLE_DIR.relative_to(REPO_ROOT)})",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        choices=sorted(CAPTURES),
        metavar="NAME",
        help=f"record only these mirrors (default: all of {', '.join(CAPTURES)})",
    )
    args = parser.parse_args(argv)
    for name in args.only or CAPTURES:
        print(record_sample(name, args.out_dir))


if __name__ == "__main__":
    main()
