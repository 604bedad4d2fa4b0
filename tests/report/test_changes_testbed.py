"""``changes`` after two runs on the sample government web, with one site degraded between them, lists exactly
that site's regressions (issue 18, acceptance 6); ``actions`` then puts them on its to-do list.

The testbed runs in this process so that one site can be changed while it serves: between the runs the
revenue site stops sending its security headers (HSTS among them) and its security.txt. The browse phase is
left out: lab performance varies from run to run and would be a change of the machine, not of the site.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from egov_crawl.pipeline.nightly import RunOptions, run_pipeline
from egov_crawl.pipeline.runlog import JsonRunLog
from egov_crawl.registry import load_registry
from egov_crawl.testbed.runtime import RunningTestbed, start_testbed
from egov_crawl.testbed.server import TestbedApp
from tests.fixtures.cli import cli

pytestmark = pytest.mark.slow  # two crawl + probe runs of two testbed sites

AGENCIES = ["revenue", "cgd"]
SECURITY_HEADERS = {
    "strict-transport-security",
    "content-security-policy",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
    "permissions-policy",
}


def _serving_app(running: RunningTestbed) -> TestbedApp:
    """The dispatcher behind the running server (its one route's handler is ``TestbedApp.handle``)."""
    route = next(iter(running._runner.app.router.routes()))
    app = getattr(route.handler, "__self__", None)
    assert isinstance(app, TestbedApp)
    return app


def _degrade(running: RunningTestbed, slug: str) -> None:
    """The site's administrator drops its security headers and its security.txt."""
    app = _serving_app(running)
    site = next(s for s in running.testbed.sites if s.slug == slug)
    responder = app.sites[site.host]
    keep = tuple(h for h in responder.headers_https if h[0].lower() not in SECURITY_HEADERS)
    responder.headers_https = keep
    responder.headers_http = tuple(h for h in responder.headers_http if h[0].lower() not in SECURITY_HEADERS)
    responder.routes.pop("/.well-known/security.txt")


def test_changes_shows_exactly_the_degraded_sites_regressions(tmp_path: Path) -> None:
    db = tmp_path / "egov-crawl.db"
    running = start_testbed(tmp_path / "testbed", include_hostile=False)
    try:
        sample = load_registry(running.registry_path)
        options = RunOptions(
            agency_ids=AGENCIES,
            phases=("crawl", "probe", "score"),
            kind="adhoc",
            hostmap=running.hostmap,
            ca_file=running.ca_pem,
            dns_server=f"127.0.0.1:{running.dns_port}" if running.dns_port else None,
            trust_anchors=running.state().get("dns_trust_anchors"),
            polite=False,
            incremental=False,
            contact_url="https://egov-crawl.test/tests",
        )
        log = JsonRunLog(io.StringIO())
        first = run_pipeline(sample, db_url=f"sqlite:///{db}", options=options, log=log)
        _degrade(running, "revenue")
        second = run_pipeline(sample, db_url=f"sqlite:///{db}", options=options, log=log)
    finally:
        running.stop()
    assert (first.status, second.status) == ("complete", "complete")

    found = cli("changes", "--db", str(db), "-f", "csv")
    assert found.returncode == 0, found.stderr
    rows = list(csv.DictReader(io.StringIO(found.stdout)))
    assert {(r["agency_id"], r["check_id"], r["change"]) for r in rows} == {
        ("revenue", "INF-05", "regressed"),  # HSTS
        ("revenue", "INF-06", "regressed"),  # security headers
        ("revenue", "INF-08", "regressed"),  # security.txt
    }
    shown = cli("changes", "--db", str(db))
    assert f"run {second.run_id} compared with run {first.run_id}" in shown.stdout
    assert "0 improved, 3 regressed across 1 agencies" in shown.stdout

    todo = cli("actions", "revenue", "--db", str(db), "-f", "csv")
    fixes = {r["check_id"]: r for r in csv.DictReader(io.StringIO(todo.stdout))}
    assert {"INF-05", "INF-06", "INF-08"} <= set(fixes)
    assert float(fixes["INF-08"]["points_recoverable"]) > 0 and "RFC 9116" in fixes["INF-08"]["standard"]
