"""Country profiles in the checks: a US agency imported from CISA's .gov list is judged by US rules (INF-02,
OPN-30, national platforms), a Thai one as before.

The US agency's profile is chosen the way a run chooses it: registry ``country`` → the agency entry in the
store → ``load_sites``; the crawled facts are then added by hand.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from egov_crawl.facts.model import BrowserFactRow, LinkFacts, SiteFacts
from egov_crawl.profiles import load_profile
from egov_crawl.registry.dotgov import import_dotgov_file
from egov_crawl.scoring.model import Outcome
from egov_crawl.scoring.registry import all_checks, run_check
from egov_crawl.store import repository, runs
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.store.site_facts import load_sites
from tests.fixtures.sitefacts import HOME, page, site

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "dotgov-sample.csv"
CENSUS = "https://census.gov/"


def outcome(check_id: str, facts: SiteFacts) -> Outcome:
    return run_check(all_checks()[check_id], facts).outcome


@pytest.fixture(scope="module")
def census(tmp_path_factory: pytest.TempPathFactory) -> SiteFacts:
    """The Census Bureau of the dotgov sample, as ``load_sites`` reads it from a store."""
    registry = import_dotgov_file(SAMPLE, None)
    url = f"sqlite:///{tmp_path_factory.mktemp('profiles') / 'p.db'}"
    with session_factory(open_store(url))() as session:
        repository.sync_agencies(session, registry.agencies)
        run = runs.create_run(session)
        session.commit()
        (loaded,) = load_sites(session, run.id, ["census-bureau"])
    crawled = site(page(CENSUS, "Census Bureau"), status="complete")
    return changed(crawled, agency_id=loaded.agency_id, cohort=loaded.cohort, homepage=CENSUS, profile=loaded.profile)


def changed(facts: SiteFacts, **fields: object) -> SiteFacts:
    """``facts`` with other fields."""
    return replace(facts, **fields)  # type: ignore[arg-type]


def external(source: str, target: str, text: str) -> LinkFacts:
    return LinkFacts(source, target, text, "footer", False, 200)


def test_an_agency_of_a_dotgov_registry_is_judged_under_the_us_profile(census: SiteFacts) -> None:
    assert census.profile.id == "us" and census.profile.languages == ("en",)
    assert outcome("INF-02", census) is Outcome.PASS  # census.gov: before profiles, FAIL for not being .go.th


def test_usa_gov_and_dot_gov_links_count_as_government_links_in_the_us(census: SiteFacts) -> None:
    links = (
        external(CENSUS, "https://www.usa.gov/", "USA.gov"),
        external(CENSUS, "https://www.commerce.gov/", "Department of Commerce"),
        external(CENSUS, "https://www.bls.gov/data/", "Bureau of Labor Statistics"),
        external(CENSUS, "https://www.example.com/", "Not government"),
    )
    finding = run_check(all_checks()["OPN-30"], changed(census, links=links))
    assert finding.outcome is Outcome.PASS
    assert finding.evidence[0].data["hosts"] == ["www.bls.gov", "www.commerce.gov", "www.usa.gov"]
    thai = site(page(HOME, "x"), links=links)  # the same links from a Thai agency are not Thai government
    assert outcome("OPN-30", thai) is Outcome.FAIL


def test_national_platforms_of_the_profile_count(census: SiteFacts) -> None:
    login = changed(census, links=(external(CENSUS, "https://secure.login.gov/", "Sign in"),))
    finding = run_check(all_checks()["SRV-07"], login)
    assert finding.outcome is Outcome.PASS and finding.evidence[0].data["platform"] == "Login.gov"
    dap = "https://dap.digitalgov.gov/Universal-Federated-Analytics-Min.js"
    analytics = changed(census, pages=(page(CENSUS, "Census", scripts={"external": [dap]}),))
    assert outcome("INF-32", analytics) is Outcome.PASS
    assert outcome("INF-32", census) is Outcome.FAIL
    assert outcome("SRV-07", census) is Outcome.FAIL


def test_a_thai_agency_keeps_the_thai_rules() -> None:
    thai = site(page("https://www.rd.go.th/", "กรมสรรพากร"))
    assert thai.profile.id == "th"
    assert outcome("INF-02", changed(thai, homepage="https://www.rd.go.th/")) is Outcome.PASS
    us_profile = changed(thai, profile=load_profile("us"))
    assert outcome("INF-02", us_profile) is Outcome.FAIL
    enterprise = site(page("https://www.tat.or.th/", "x"), cohort="state-enterprise")
    assert outcome("INF-02", enterprise) is Outcome.PASS
    assert outcome("INF-02", site(page("https://www.tat.or.th/", "x"))) is Outcome.FAIL  # a department on .or.th
    assert outcome("INF-02", site(page("https://www.rta.mi.th/", "x"))) is Outcome.PASS  # the army


def test_a_cookie_banner_is_expected_only_where_the_law_asks_for_one(census: SiteFacts) -> None:
    rendered = BrowserFactRow(
        CENSUS,
        "page",
        {"role": "home", "final_url": CENSUS, "consent_banner": {"present": False}, "trackers": []},
        None,
        None,
    )
    us = changed(census, browser=(rendered,))
    assert outcome("INF-07", us) is Outcome.PASS  # no cookie, no tracker; no banner is due in the US
    thai = changed(us, profile=load_profile("th"))
    finding = run_check(all_checks()["INF-07"], thai)
    assert (finding.outcome, finding.score) == (Outcome.PARTIAL, 0.667)  # PDPA: the missing banner counts
