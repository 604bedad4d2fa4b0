"""Checks with their own rules (not keyword presence), on hand-built SiteFacts: the outcome, score and evidence
a user reads in `egov-crawl explain`, for a passing site, a failing one, and one whose facts are missing."""

from __future__ import annotations

from typing import Any

from egov_crawl.scoring.model import Finding, Outcome
from egov_crawl.scoring.registry import all_checks, run_check
from tests.fixtures.sitefacts import HOME, browser_row, document, link, page, probe_row, site

ABOUT = page(f"{HOME}about/", "About the department", lang="en")


def run(check_id: str, facts: Any) -> Finding:
    return run_check(all_checks()[check_id], facts)


def graded(check_id: str, facts: Any) -> tuple[Outcome, float | None]:
    finding = run(check_id, facts)
    return finding.outcome, finding.score


# --- INF-01 availability --------------------------------------------------------------------------------------


def samples(ok: int, of: int) -> Any:
    payload = {"url": HOME, "samples": of, "ok": ok, "ok_share": ok / of, "statuses": [200] * ok, "error_classes": []}
    return probe_row("availability", payload)


def test_availability_is_the_share_of_probe_samples_answered() -> None:
    assert graded("INF-01", site(page(HOME, "x"), probes=(samples(4, 4),))) == (Outcome.PASS, 1.0)
    finding = run("INF-01", site(page(HOME, "x"), probes=(samples(1, 4),)))
    assert (finding.outcome, finding.score) == (Outcome.PARTIAL, 0.25)
    assert finding.evidence[0].summary == "[probe] 1 of 4 requests to www.x.test answered"
    assert graded("INF-01", site(crawled=False, probes=(samples(0, 4),))) == (Outcome.FAIL, 0.0)


def test_availability_without_probes_falls_back_to_the_crawled_home_page() -> None:
    assert graded("INF-01", site(page(HOME, "x"))) == (Outcome.PASS, 1.0)
    assert graded("INF-01", site(page(HOME, "x", status=503))) == (Outcome.FAIL, 0.0)
    refused = site(status="failed", error_class="connection_refused")
    assert graded("INF-01", refused) == (Outcome.FAIL, 0.0)
    # a certificate error says nothing about whether the server is up
    assert run("INF-01", site(status="failed", error_class="tls_error:expired")).outcome is Outcome.NOT_OBSERVED
    assert run("INF-01", site(crawled=False)).outcome is Outcome.NOT_OBSERVED


# --- INF-15 performance (browser) -----------------------------------------------------------------------------


def rendered(**vitals: float) -> Any:
    return site(page(HOME, "x"), browser=(browser_row("page", {"role": "home", "vitals": vitals}),))


def test_core_web_vitals_are_banded_and_averaged() -> None:
    assert graded("INF-15", rendered(lcp_ms=1800, cls=0.02)) == (Outcome.PASS, 1.0)
    assert graded("INF-15", rendered(lcp_ms=3000, cls=0.3)) == (Outcome.PARTIAL, 0.25)  # (0.5 + 0) / 2
    assert graded("INF-15", rendered(lcp_ms=9000, cls=0.5)) == (Outcome.FAIL, 0.0)
    finding = run("INF-15", rendered(lcp_ms=3000, cls=0.3))
    assert finding.evidence[0].summary == "LCP 3000 ms, CLS 0.3"


def test_performance_is_not_observed_without_a_rendered_home_page_or_its_vitals() -> None:
    assert run("INF-15", rendered()).outcome is Outcome.NOT_OBSERVED
    assert run("INF-15", site(page(HOME, "x"))).outcome is Outcome.NOT_OBSERVED  # the browser never ran


# --- INF-26 page metadata -------------------------------------------------------------------------------------

METADATA = {
    "meta_description": "The department's services",
    "canonical": HOME,
    "open_graph": {"og:title": "Department of X"},
    "jsonld_types": ["GovernmentOrganization"],
}


def test_page_metadata_is_the_share_of_five_items_on_the_home_page() -> None:
    assert graded("INF-26", site(page(HOME, "Department of X", **METADATA), ABOUT)) == (Outcome.PASS, 1.0)
    assert graded("INF-26", site(page(HOME, "Department of X"), ABOUT)) == (Outcome.PARTIAL, 0.2)  # a title only
    assert graded("INF-26", site(page(HOME, "Home"), ABOUT)) == (Outcome.FAIL, 0.0)  # a generic title is none
    assert run("INF-26", site(crawled=False)).outcome is Outcome.NOT_OBSERVED


# --- INF-29 link integrity ------------------------------------------------------------------------------------


def checked(total: int, broken: int) -> Any:
    links = tuple(link(HOME, f"{HOME}gone/{i}/", "gone", status=404) for i in range(broken))
    return site(page(HOME, "x"), ABOUT, links=links, site_facts={"link_checks": {"checked": total, "broken": broken}})


def test_link_integrity_is_one_minus_the_broken_share() -> None:
    assert graded("INF-29", checked(10, 0)) == (Outcome.PASS, 1.0)
    finding = run("INF-29", checked(10, 2))
    assert (finding.outcome, finding.score, finding.first_url) == (Outcome.PARTIAL, 0.8, f"{HOME}gone/0/")
    assert graded("INF-29", checked(3, 3)) == (Outcome.FAIL, 0.0)
    assert run("INF-29", site(page(HOME, "x"), ABOUT)).outcome is Outcome.NOT_OBSERVED  # no link was checked


# --- INF-34 HTML first ----------------------------------------------------------------------------------------


def content_links(pages: int, pdfs: int) -> Any:
    targets = [f"{HOME}page/{i}/" for i in range(pages)] + [f"{HOME}files/{i}.pdf" for i in range(pdfs)]
    return site(page(HOME, "x"), ABOUT, links=tuple(link(HOME, t, "read") for t in targets))


def test_html_first_grades_the_share_of_content_links_to_pdfs() -> None:
    assert graded("INF-34", content_links(10, 0)) == (Outcome.PASS, 1.0)
    assert graded("INF-34", content_links(7, 3)) == (Outcome.PARTIAL, 0.5)
    finding = run("INF-34", content_links(2, 8))
    assert (finding.outcome, finding.score) == (Outcome.FAIL, 0.0)
    assert finding.evidence[0].summary == "8 of 10 content links are PDFs"
    assert run("INF-34", content_links(0, 0)).outcome is Outcome.NOT_OBSERVED


# --- OPN-17 open formats, OPN-21 machine-readable catalogue ---------------------------------------------------

OPEN_DATA = f"{HOME}open-data/"


def data_files(*names: str) -> Any:
    links = tuple(link(OPEN_DATA, f"{HOME}files/{name}", name) for name in names)
    return site(page(HOME, "x"), page(OPEN_DATA, "Open data", lang="en"), links=links)


def test_open_formats_score_the_files_on_the_open_data_page() -> None:
    assert graded("OPN-17", data_files("budget.csv", "staff.json")) == (Outcome.PASS, 1.0)
    assert graded("OPN-17", data_files("budget.xlsx")) == (Outcome.PARTIAL, 0.5)
    assert graded("OPN-17", data_files("budget.csv", "report.pdf")) == (Outcome.PARTIAL, 0.5)
    assert graded("OPN-17", data_files("report.pdf")) == (Outcome.FAIL, 0.0)
    assert graded("OPN-17", site(page(HOME, "x"), ABOUT)) == (Outcome.FAIL, 0.0)  # no open-data page at all
    assert run("OPN-17", site(crawled=False)).outcome is Outcome.NOT_OBSERVED


def test_a_catalogue_endpoint_that_answers_passes() -> None:
    api = f"{HOME}api/3/action/package_list"
    assert graded("OPN-21", site(page(HOME, "x"), ABOUT, links=(link(HOME, api, "API"),))) == (Outcome.PASS, 1.0)
    fetched = site(page(HOME, "x"), ABOUT, documents=(document(f"{HOME}data.json", "json"),))
    assert run("OPN-21", fetched).first_url == f"{HOME}data.json"
    dead = site(page(HOME, "x"), ABOUT, links=(link(HOME, api, "API", status=404),))
    assert graded("OPN-21", dead) == (Outcome.FAIL, 0.0)
    assert run("OPN-21", site(crawled=False)).outcome is Outcome.NOT_OBSERVED


# --- SRV-15 social media, SRV-17 mobile app, SRV-26 sector information --------------------------------------------

PLAY = "https://play.google.com/store/apps/details?id=th.go.x"
FACEBOOK = "https://www.facebook.com/departmentx"


def test_social_media_accounts_linked_from_the_site_pass() -> None:
    recorded = site(page(HOME, "x", social={"facebook": FACEBOOK, "google-play": PLAY}), ABOUT)
    finding = run("SRV-15", recorded)
    assert (finding.outcome, finding.first_url) == (Outcome.PASS, FACEBOOK)
    assert finding.evidence[0].summary == "linked platforms: facebook"  # an app store is not social media
    linked = site(page(HOME, "x"), ABOUT, links=(link(HOME, FACEBOOK, "Facebook"),))
    assert graded("SRV-15", linked) == (Outcome.PASS, 1.0)
    assert graded("SRV-15", site(page(HOME, "x", social={"google-play": PLAY}), ABOUT)) == (Outcome.FAIL, 0.0)
    assert run("SRV-15", site(crawled=False)).outcome is Outcome.NOT_OBSERVED


def test_a_mobile_app_is_found_by_store_link_or_by_name() -> None:
    social = site(page(HOME, "x", social={"google-play": PLAY}), ABOUT)
    assert run("SRV-17", social).first_url == PLAY
    assert graded("SRV-17", social) == (Outcome.PASS, 1.0)
    store_link = site(page(HOME, "x"), ABOUT, links=(link(HOME, PLAY, "Get it on Google Play"),))
    assert graded("SRV-17", store_link) == (Outcome.PASS, 1.0)
    assert graded("SRV-17", site(page(HOME, "x"), ABOUT)) == (Outcome.FAIL, 0.0)
    assert run("SRV-17", site(crawled=False)).outcome is Outcome.NOT_OBSERVED


SECTORS = ("Health", "Education", "Welfare", "Environment", "Waste", "Roads", "Labour", "Culture")


def sectors(*titles: str) -> Any:
    pages = [page(f"{HOME}s{i}/", title, lang="en") for i, title in enumerate(titles)]
    return site(page(HOME, "Pak Kret municipality", lang="en"), ABOUT, *pages, cohort="local")


def test_sector_information_is_the_share_of_sectors_with_a_page() -> None:
    assert graded("SRV-26", sectors(*SECTORS)) == (Outcome.PASS, 1.0)
    assert graded("SRV-26", sectors("Health", "Education")) == (Outcome.PARTIAL, 0.25)
    assert graded("SRV-26", sectors()) == (Outcome.FAIL, 0.0)
    assert run("SRV-26", site(crawled=False, cohort="local")).outcome is Outcome.NOT_OBSERVED
