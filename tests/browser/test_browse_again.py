"""Browsing an agency again into the same run replaces its browser facts: one set, never two (issue 22).

The probe and score phases already replaced their facts of (run, agency); the browser appended, so a second
``egov-crawl browse --run N`` stored every fact twice and the scoring counted both. Real Chromium; the agency's
crawl in the run timed out, so its jobs are written without a navigation (the facts, not the site, are tested).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from egov_crawl.browser.runner import browse
from egov_crawl.registry import load_registry
from egov_crawl.store import repository, runs
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.testbed.process import TestbedHandle
from tests.fixtures.requirements import require_chromium

pytestmark = pytest.mark.browser

DRIP = "hostile-slowdrip"


def test_browsing_an_agency_again_into_a_run_leaves_one_set_of_facts(testbed: TestbedHandle, tmp_path: Path) -> None:
    require_chromium()
    db_url = f"sqlite:///{tmp_path / 'again.db'}"
    registry = load_registry(testbed.registry_path)
    sessions = session_factory(open_store(db_url))
    with sessions.begin() as session:
        repository.sync_agencies(session, registry.select([DRIP]))
        run = runs.create_run(session, kind="nightly").id
        crawl, _ = repository.open_site_crawl(session, run_id=run, agency_id=DRIP, registry_entry={}, max_pages=10)
        repository.finish_site_crawl(session, crawl.id, status="failed", error_class="timeout", pages=1)

    def browse_once() -> list[tuple[str, str, str | None]]:
        browse(
            registry,
            [DRIP],
            db_url=db_url,
            run_id=run,
            hostmap=testbed.hostmap,
            ca_file=testbed.ca_pem,
            evidence_dir=tmp_path / "evidence",
        )
        with sessions() as session:
            return sorted((row.url, row.kind, row.error_class) for row in repository.browser_facts(session, run))

    first = browse_once()
    assert first
    assert browse_once() == first
