"""A truncated WARC file, or one with a damaged record in the middle, replayed into an
archive: the replay must not call itself healthy, and one default crawl of the site
afterwards must leave nothing missing."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from chaos_harness import (
    MIRROR,
    Facts,
    ReferenceCrawl,
    act,
    default_crawl,
    judge,
    night_detail,
)
from crawling import run_crawl
from faultserver import FaultServer
from warcio.archiveiterator import ArchiveIterator

pytestmark = pytest.mark.chaos


# The damage falls on the record of a later listing page, the only one to list some
# publications: the crawl's order decides where it lies in the file, the damage does not.
DAMAGED_PAGE = "/articles-multimedia/p3/"


def _record_middle(warc: bytes, path: str) -> int:
    """The offset of the middle of the response record of ``path`` in ``warc``."""
    records = ArchiveIterator(io.BytesIO(warc))
    for record in records:
        uri = record.rec_headers.get_header("WARC-Target-URI") or ""
        if record.rec_type == "response" and urlsplit(uri).path == path:
            record.content_stream().read()
            offset, length = records.get_record_offset(), records.get_record_length()
            return offset + length // 2
    raise AssertionError(f"no response record for {path}")


def _truncated(warc: bytes) -> bytes:
    return warc[: _record_middle(warc, DAMAGED_PAGE)]


def _damaged_in_the_middle(warc: bytes) -> bytes:
    # 64 zero bytes inside that record's gzip member; the records after it are whole
    middle = _record_middle(warc, DAMAGED_PAGE)
    return warc[:middle] + bytes(64) + warc[middle + 64 :]


def damaged_warc_replayed(damage: Callable[[bytes], bytes]) -> Callable[..., Facts]:
    def run(folder: Path, reference: ReferenceCrawl) -> Facts:
        warc = folder / "replayed.warc.gz"
        warc.write_bytes(damage(reference.warc.read_bytes()))
        db = folder / "archive.db"
        # answered from the file alone: nothing listens at the recorded origin any more
        night = run_crawl(
            reference.base_url,
            db,
            runner=True,
            settings={"THINKSCRAPE_REPLAY": str(warc), "THINKSCRAPE_WARC_DIR": ""},
        )
        night_text = night_detail("replay", night, db)
        with FaultServer(MIRROR) as server:
            again = default_crawl(server.base_url, db, folder / "warc")
        detail = f"{night_text}; re-crawl of the mirror exit {again.returncode}"
        return Facts(judge(db, reference.content), detail, again, night)

    return run


act("truncated-warc-replayed")(damaged_warc_replayed(_truncated))
act("damaged-warc-member-replayed")(damaged_warc_replayed(_damaged_in_the_middle))


@pytest.mark.parametrize("scenario", ["truncated-warc-replayed", "damaged-warc-member-replayed"])
def test_a_damaged_warc_replayed(scenario: str, scenario_runs, record_outcome) -> None:
    facts = scenario_runs.facts(scenario)
    record_outcome("fault", scenario, facts)
    assert facts.night.returncode != 0, "the replay of a damaged WARC file called itself healthy"
    assert facts.judgement.identical, (facts.judgement, facts.again.stderr[-3000:])
    assert facts.again.returncode == 0, facts.again.stderr[-3000:]
