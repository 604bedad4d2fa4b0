"""Infrastructure checks on small SiteFacts: headers, HSTS, viewport, 404, robots/sitemaps, probe facts first."""

from __future__ import annotations

from dataclasses import replace

from egov_crawl.facts.model import ProbeFactRow
from egov_crawl.profiles import load_profile
from egov_crawl.scoring.model import Outcome
from egov_crawl.scoring.registry import all_checks, run_check
from tests.fixtures.sitefacts import HOME, link, page, site

HEADERS = {
    "strict-transport-security": "max-age=63072000; includeSubDomains",
    "content-security-policy": "default-src 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "server": "Apache/2.4.29 (Ubuntu)",
}


def run(check_id: str, facts: object) -> tuple[Outcome, float | None]:
    finding = run_check(all_checks()[check_id], facts)  # type: ignore[arg-type]
    return finding.outcome, finding.score


def run_outcome(check_id: str, facts: object) -> Outcome:
    return run(check_id, facts)[0]


def test_security_headers_hsts_and_version_banner_from_the_crawled_home_page() -> None:
    facts = site(page(HOME, "x", headers=HEADERS))
    assert run("INF-06", facts) == (Outcome.PARTIAL, 0.6)  # CSP, nosniff, referrer: 3 of 5
    assert run("INF-05", facts) == (Outcome.PASS, 1.0)
    assert run("INF-12", facts) == (Outcome.FAIL, 0.0)
    short = site(page(HOME, "x", headers={"strict-transport-security": "max-age=86400"}))
    assert run("INF-05", short) == (Outcome.PARTIAL, 0.5)


def test_probe_facts_win_over_the_crawled_headers() -> None:
    probe = ProbeFactRow(
        "www.x.test",
        "http",
        {
            "status": 200,
            "url": HOME,
            "scheme": "https",
            "hsts": None,
            "disclosure": {"server": "nginx", "version_disclosed": False},
        },
        None,
    )
    facts = site(page(HOME, "x", headers=HEADERS), probes=(probe,))
    assert run("INF-05", facts) == (Outcome.FAIL, 0.0)
    assert run("INF-12", facts) == (Outcome.PASS, 1.0)


def test_probe_only_checks_are_not_observed_without_probes() -> None:
    facts = site(page(HOME, "x"))
    for check_id in ("INF-04", "INF-09", "INF-10", "INF-11"):
        assert run(check_id, facts)[0] is Outcome.NOT_OBSERVED, check_id


def test_viewport_that_blocks_zoom_fails() -> None:
    good = site(page(HOME, "x", viewport="width=device-width, initial-scale=1"))
    locked = site(page(HOME, "x", viewport="width=device-width, maximum-scale=1, user-scalable=no"))
    assert run("INF-14", good)[0] is Outcome.PASS
    assert run("INF-14", locked)[0] is Outcome.FAIL
    assert run("INF-14", site(page(HOME, "x")))[0] is Outcome.FAIL


def not_found(status: int, soft_404: bool) -> ProbeFactRow:
    payload = {"url": f"{HOME}egov-crawl-1-does-not-exist", "status": status, "soft_404": soft_404}
    return ProbeFactRow("www.x.test", "not_found", payload, None)


def test_soft_404_fails_and_a_real_404_passes() -> None:
    soft = site(page(HOME, "x"), probes=(not_found(200, True),))
    hard = site(page(HOME, "x"), probes=(not_found(404, False),))
    assert run("INF-27", soft)[0] is Outcome.FAIL
    assert run("INF-27", hard)[0] is Outcome.PASS


def test_robots_sitemap_and_html_site_map_are_averaged() -> None:
    facts = site(
        page(HOME, "x"),
        page(f"{HOME}sitemap/", "แผนผังเว็บไซต์"),
        site_facts={"robots": {"status": 200, "treated_as": "rules"}, "sitemap_summary": {"valid_files": 0, "urls": 0}},
    )
    assert run("INF-23", facts) == (Outcome.PARTIAL, 0.667)


def test_mixed_content_is_not_applicable_to_a_plain_http_site() -> None:
    http_home = "http://www.x.test/"
    facts = site(page(http_home, "x"))
    facts = replace(facts, homepage=http_home)
    assert run("INF-13", facts)[0] is Outcome.NOT_APPLICABLE


def test_a_published_disclosure_page_passes_when_the_probe_found_no_security_txt() -> None:
    policy = "https://www.x.test/vulnerability-disclosure"
    missing = ProbeFactRow(
        "www.x.test", "security_txt", {"status": 404, "found": False, "valid": False, "url": HOME}, None
    )
    facts = site(
        page(HOME, "x"),
        page(policy, "Vulnerability disclosure policy", lang="en"),
        links=(link(HOME, policy, "Vulnerability disclosure", region="footer"),),
        probes=(missing,),
    )
    finding = run_check(all_checks()["INF-08"], facts)
    assert finding.outcome is Outcome.PASS, finding
    assert finding.evidence[0].url == policy
    without = site(page(HOME, "x"), probes=(missing,))
    assert run_outcome("INF-08", without) is Outcome.FAIL


def twin_probe(host: str) -> ProbeFactRow:
    endpoints = {
        name: {"live": True, "status": 200, "final_url": f"https://{host}/"}
        for name in ("https://apex", "https://www", "http://apex", "http://www")
    }
    endpoints["https://www"] = {"live": False, "status": None, "final_url": None}
    endpoints["http://www"] = {"live": False, "status": None, "final_url": None}
    return ProbeFactRow(host, "https", {"endpoints": endpoints}, None)


def test_a_subdomain_site_has_no_www_twin() -> None:
    subdomain = "https://18f.gsa.gov/"
    facts = replace(
        site(page(subdomain, "18F")),
        homepage=subdomain,
        profile=load_profile("us"),
        probes=(twin_probe("18f.gsa.gov"),),
        crawl=None,
    )
    finding = run_check(all_checks()["INF-28"], facts)
    assert finding.outcome is Outcome.NOT_APPLICABLE, finding
    assert "gsa.gov" in finding.evidence[0].summary
    # The registrable domain and its www form are twins: the missing www host is a failure there.
    apex = replace(facts, homepage="https://gsa.gov/", probes=(twin_probe("gsa.gov"),))
    assert run_outcome("INF-28", apex) is Outcome.FAIL
    thai = replace(site(page("https://www.revenue.go.th/", "x")), homepage="https://www.revenue.go.th/")
    assert thai.profile.registrable_domain("www.revenue.go.th") == "revenue.go.th"
    assert run_outcome("INF-28", replace(thai, probes=(twin_probe("revenue.go.th"),))) is Outcome.FAIL
    deep = replace(thai, homepage="https://efiling.rd.go.th/", probes=(twin_probe("efiling.rd.go.th"),))
    assert run_outcome("INF-28", deep) is Outcome.NOT_APPLICABLE
