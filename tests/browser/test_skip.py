"""A site whose home page stalls is not browsed further (issue 10, the hostile run's time bound).

Real Chromium against two hostile testbed sites that never answer in time:
- slow drip, whose crawl in the same run is stored as failed with ``timeout``: the browser never contacts it;
- slow start (45 s before any header), with no crawl: the home page job times out in the browser itself, and the
  agency's other jobs (its site search) are written as skipped, without a request.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

from egov_crawl.browser.pages import BrowseLimits
from egov_crawl.browser.runner import JOB_KINDS, browse
from egov_crawl.registry import load_registry
from egov_crawl.store import repository, runs
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.testbed.process import TestbedHandle
from tests.fixtures.requirements import require_chromium

pytestmark = pytest.mark.browser

DRIP, STALL = "hostile-slowdrip", "hostile-slowstart"


@pytest.fixture(scope="module")
def skipped(testbed: TestbedHandle, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    require_chromium()
    tmp = tmp_path_factory.mktemp("skip")
    db_url = f"sqlite:///{tmp / 's.db'}"
    registry = load_registry(testbed.registry_path)
    drip = registry.select([DRIP])[0]
    sessions = session_factory(open_store(db_url))
    with sessions.begin() as session:  # what the crawl phase stores for this site (tests/crawler/test_hostile.py)
        repository.sync_agencies(session, [drip])
        run = runs.create_run(session, kind="nightly").id
        crawl, _ = repository.open_site_crawl(session, run_id=run, agency_id=DRIP, registry_entry={}, max_pages=10)
        repository.finish_site_crawl(session, crawl.id, status="failed", error_class="timeout", pages=1)
    since, _ = testbed.requests()
    summary = browse(
        registry,
        [DRIP, STALL],
        db_url=db_url,
        run_id=run,
        hostmap=testbed.hostmap,
        ca_file=testbed.ca_pem,
        evidence_dir=tmp / "evidence",
        limits=BrowseLimits(navigation_ms=3_000),
        job_timeout_s=20,
    )
    _, log = testbed.requests(since)
    rows: dict[str, list[Any]] = defaultdict(list)
    with sessions() as session:
        for row in repository.browser_facts(session, run):
            rows[row.agency_id].append(row)
    return {"summary": summary, "rows": rows, "log": log}


def test_a_site_whose_crawl_timed_out_is_never_contacted_by_the_browser(skipped: dict[str, Any]) -> None:
    assert not [r for r in skipped["log"] if r["host"].endswith("slowdrip.test")]
    rows = skipped["rows"][DRIP]
    assert rows and {r.error_class for r in rows} == {"timeout"}
    assert {r.payload["skipped_because"]["source"] for r in rows} == {"crawl"}
    assert all(r.payload["stage"] == "skipped" and r.evidence_path is None for r in rows)


def test_a_home_page_timing_out_in_the_browser_skips_the_agencys_other_jobs(skipped: dict[str, Any]) -> None:
    rows = skipped["rows"][STALL]
    own = [r for r in rows if r.payload.get("stage") != "skipped"]
    later = [r for r in rows if r.payload.get("stage") == "skipped"]
    # The home page job is the browser's own observation: a navigation that timed out.
    assert own and {r.error_class for r in own} == {"timeout"} and {r.url for r in own} == {own[0].url}
    # Every other job of the agency (its site search at least) is written, as skipped, with the same class.
    assert any(r.kind == "search" for r in later)
    assert all(r.error_class == "timeout" and r.payload["skipped_because"]["source"] == "browser" for r in later)
    paths = {r["path"] for r in skipped["log"] if r["host"].endswith("slowstart.test")}
    assert paths <= {"/", "/favicon.ico", "/robots.txt"}, paths  # only the home page (and robots.txt) requested


def test_skipped_jobs_are_counted_and_every_kind_is_still_written(skipped: dict[str, Any]) -> None:
    summary = skipped["summary"]
    assert summary.skipped == summary.jobs - 1  # all but the slow start's home page
    assert "not browsed" in summary.detail
    for agency, rows in skipped["rows"].items():
        kinds = {r.kind for r in rows}
        assert kinds >= set(JOB_KINDS["page"]) | {"search"}, (agency, kinds)
