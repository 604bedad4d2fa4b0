"""Hostile web through ``egov-crawl run`` (issue 10): crawl, probes and browser on hostile testbed sites; the run
completes (exit 0) and records each site's failure class — the manifest's ``expected_class``.

The sites here are the ones every collector gets through in seconds. The slow ones (slow drip, slow start, the
429 with Retry-After that a polite crawler waits out, the 20 MiB page in Chromium, the connection reset that
Chromium waits on until its navigation timeout) take minutes through a whole run: they are classified by
collector in tests/crawler/test_hostile.py and tests/probes/test_hostile_probe.py, and measured end to end over
the whole testbed by bench/hostile.py (docs/reliability.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from sqlalchemy import select

from egov_crawl import failures
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.store.models import BrowserFact, Page, ProbeFact, SiteCrawl
from egov_crawl.testbed.pytest_plugin import TestbedHandle

SITES = ("privateredirect", "redirectloop", "gzipbomb", "calendar")


@pytest.fixture(scope="module")
def hostile_run(testbed: TestbedHandle, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("hostile-run")
    db = tmp / "store.db"
    result = subprocess.run(
        [sys.executable, "-m", "egov_crawl", "run", *(f"hostile-{s}" for s in SITES), "--testbed",
         str(testbed.state_dir), "--db", str(db), "--fast", "--evidence", str(tmp / "ev"), "--format", "json"],
        cwd=tmp, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    classes: dict[str, set[str]] = {}
    with session_factory(open_store(f"sqlite:///{db}"))() as session:
        rows = [
            *session.execute(select(SiteCrawl.agency_id, SiteCrawl.error_class)),
            *session.execute(select(SiteCrawl.agency_id, Page.error_class).join(Page)),
            *session.execute(select(ProbeFact.agency_id, ProbeFact.error_class)),
            *session.execute(select(BrowserFact.agency_id, BrowserFact.error_class)),
        ]
    for agency, error_class in rows:
        classes.setdefault(agency.removeprefix("hostile-"), set()).add(error_class or "ok")
    return {"result": result, "classes": classes}


def test_the_run_completes_whatever_the_sites_do(hostile_run: dict[str, Any]) -> None:
    result = hostile_run["result"]
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "complete"


@pytest.mark.parametrize("slug", SITES)
def test_each_hostile_site_gets_its_expected_class(
    slug: str, testbed: TestbedHandle, hostile_run: dict[str, Any]
) -> None:
    expected = next(h["expected_class"] for h in testbed.manifest["hostile"] if h["slug"] == slug)
    assert failures.is_known(expected)
    assert expected in hostile_run["classes"][slug], hostile_run["classes"][slug]
