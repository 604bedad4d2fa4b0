"""Issue 5, acceptance 2: each hostile host gets the right failure class on its home-page (``http``) fact.

The manifest's ``expected_class`` is the crawler's view of each hostile site. The probe shares that vocabulary
for network failures; for HTTP answers it records the status (``http_error:<code>``), and behaviours that only
a crawler can notice (URL traps, charsets, robots.txt, JavaScript-only pages, login walls) are no failure at
all for a probe that fetches one page. This table says which is which; the classes come from the manifest.
"""

from __future__ import annotations

import pytest

from egov_crawl.probes import facts
from egov_crawl.testbed.hostile import HOSTILE_SITES
from egov_crawl.testbed.process import TestbedHandle
from tests.fixtures.probed import Probed

# manifest expected_class -> the probe's class for the home page (a callable for status-dependent classes)
SAME_CLASS = {
    "timeout",
    "redirect_loop",
    "too_many_redirects",
    "too_large",
    "decompression_bomb",
    "connection_reset",
}
MAPPED_CLASS = {
    "rate_limited": {facts.http_error(429)},
    "server_error": {facts.http_error(code) for code in (500, 502, 503)},
    "blocked_address": {facts.BLOCKED_ADDRESS},
}
NOT_A_PROBE_FAILURE = {"url_trap", "parse_recovered", "charset_detected", "blocked_by_robots", "login_wall", "js_only"}


def test_the_table_covers_every_hostile_class() -> None:
    classes = {site.expected_class for site in HOSTILE_SITES}
    assert classes <= SAME_CLASS | set(MAPPED_CLASS) | NOT_A_PROBE_FAILURE, classes


@pytest.mark.parametrize("site", HOSTILE_SITES, ids=lambda s: s.slug)
def test_hostile_host_failure_class(testbed: TestbedHandle, probed: Probed, site: object) -> None:
    entry = next(h for h in testbed.manifest["hostile"] if h["slug"] == getattr(site, "slug", None))
    agency = f"hostile-{entry['slug']}"
    got = probed.error(agency, entry["host"], "http")
    expected = entry["expected_class"]
    if expected in SAME_CLASS:
        assert got == expected
    elif expected in MAPPED_CLASS:
        assert got in MAPPED_CLASS[expected]
    else:
        assert got is None, (expected, probed.fact(agency, entry["host"], "http"))
    # A hostile host never stops the rest: every kind of every host was stored, whatever happened.
    assert {kind for host, kind in probed.by_agency[agency] if host == entry["host"]} == set(facts.HOST_KINDS)


def test_no_hostile_probe_ran_past_the_host_budget(probed: Probed) -> None:
    hostile = [a for a in probed.summary.agencies if a.agency_id.startswith("hostile-")]
    assert hostile
    assert all(a.seconds < 60 for a in hostile), {a.agency_id: a.seconds for a in hostile}
