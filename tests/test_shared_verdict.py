"""A shared crawl is judged as one crawl, on its processes' stats added up."""

from __future__ import annotations

from thinkscrape.distributed.ingest import merged_stats, shared_verdict


def report(**stats: object) -> dict:
    return {"worker": "w", "reason": "finished", "stats": stats, "holes": []}


def judged(*reports: dict) -> list[str]:
    stats = merged_stats([r["stats"] for r in reports])
    return [failure["check"] for failure in shared_verdict(list(reports), stats, "finished")]


# the first crawler read every listing page and stored what they showed
EARLY = report(
    response_received_count=120,
    **{
        "thinkscrape/listing/pages": 5,
        "thinkscrape/listing/new_links": 115,
        "thinkscrape/health/stored": 100,
        "thinkscrape/health/max_errors": 10,
        "thinkscrape/coverage_counts": {"published": [100, 100]},
        "thinkscrape/coverage_floors": {"published": 0.9},
    },
)


def test_a_crawler_that_joined_late_and_read_no_listing_does_not_fail_the_crawl():
    # the other crawler had taken every listing page from the frontier: this one only read
    # publications (and on its own would fail `no_listing_pages`)
    late = report(
        response_received_count=15,
        **{"thinkscrape/health/stored": 15, "thinkscrape/health/max_errors": 10},
    )
    assert judged(EARLY, late) == []


def test_a_crawler_that_stored_nothing_of_what_its_listings_showed_does_not_fail_it():
    # the links it followed were fetched first by the other crawler
    beaten = report(
        response_received_count=2,
        **{"thinkscrape/listing/pages": 2, "thinkscrape/listing/new_links": 20},
    )
    assert judged(EARLY, beaten) == []


def test_coverage_is_judged_over_the_whole_crawl():
    # 0 of 2 is under a floor of 90% on its own; 100 of 102 is not
    small = report(
        response_received_count=2,
        **{
            "thinkscrape/health/stored": 2,
            "thinkscrape/coverage_counts": {"published": [0, 2]},
            "thinkscrape/coverage_floors": {"published": 0.9},
        },
    )
    assert judged(EARLY, small) == []
    # ... and a whole crawl under its floor still fails
    bad = report(
        response_received_count=40,
        **{
            "thinkscrape/health/stored": 40,
            "thinkscrape/coverage_counts": {"published": [10, 40]},
            "thinkscrape/coverage_floors": {"published": 0.9},
        },
    )
    assert judged(EARLY, bad) == ["coverage"]


def test_errors_are_counted_over_every_process():
    # 6 + 6 errors: each process under THINKSCRAPE_MAX_ERRORS=10, the crawl over it
    noisy = report(
        response_received_count=10,
        **{"log_count/ERROR": 6, "thinkscrape/health/max_errors": 10},
    )
    early = report(**{**EARLY["stats"], "log_count/ERROR": 6})
    assert judged(early, noisy) == ["errors"]


def test_no_listing_page_read_by_any_process_still_fails():
    only_pages = report(response_received_count=3, **{"thinkscrape/health/stored": 3})
    assert judged(only_pages, only_pages) == ["no_listing_pages"]
