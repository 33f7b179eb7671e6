"""Record the bundled sample mirror as the demo's WARC file: a real crawl, captured.

    python -m sitegen.sample_warc [data/samples/cnas.warc.gz]

Serves ``data/samples/cnas`` on 127.0.0.1, runs ``scrapy crawl cnas`` against it with WARC
capture on, and keeps the one WARC file the crawl wrote. Re-run it whenever the mirror is
regenerated (``tests/test_sample_warc.py`` fails when the two disagree). As in any crawl of a
mirror, the records name the site's own URLs (``https://www.cnas.org/...``) and the warcinfo
record the 127.0.0.1 origin that served them, so the demo replays it with no server.
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
SAMPLE_ROOT = REPO_ROOT / "data" / "samples" / "cnas"
SAMPLE_WARC = REPO_ROOT / "data" / "samples" / "cnas.warc.gz"


def record_sample(out: Path = SAMPLE_WARC) -> Path:
    with tempfile.TemporaryDirectory() as scratch, serve_mirror(SAMPLE_ROOT) as mirror:
        warc_dir = Path(scratch) / "warc"
        command = [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "cnas",
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
        shutil.copyfile(written, out)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m sitegen.sample_warc",
        description="Record the bundled sample mirror (data/samples/cnas) as the demo's WARC.",
    )
    parser.add_argument(
        "out",
        nargs="?",
        type=Path,
        default=SAMPLE_WARC,
        help=f"the WARC file to write (default: {SAMPLE_WARC.relative_to(REPO_ROOT)})",
    )
    print(record_sample(parser.parse_args(argv).out))


if __name__ == "__main__":
    main()
