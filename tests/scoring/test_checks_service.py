"""Service checks on small SiteFacts: contact details, complaint forms, digital forms, English, e-services."""

from __future__ import annotations

from egov_crawl.facts.model import BrowserFactRow, FormFacts
from egov_crawl.scoring.model import Outcome
from egov_crawl.scoring.registry import all_checks, run_check
from tests.fixtures.sitefacts import HOME, link, page, site


def run(check_id: str, facts: object) -> tuple[Outcome, float | None]:
    finding = run_check(all_checks()[check_id], facts)  # type: ignore[arg-type]
    return finding.outcome, finding.score


def test_contact_details_phone_email_and_address_with_thai_postcode() -> None:
    text = "ที่อยู่ 460 ถนนราชดำเนินนอก แขวงดุสิต เขตดุสิต กรุงเทพมหานคร ๑๐๓๐๐ โทรศัพท์ 02-829-7906"
    contacts = {"emails": ["saraban@x.test"], "phones": ["028297906"]}
    full = page(HOME, "กรมเอกซ์", contacts=contacts, text={"all": text})
    assert run("SRV-01", site(full)) == (Outcome.PASS, 1.0)
    no_address = page(HOME, "กรมเอกซ์", contacts=contacts, text={"all": "โทรศัพท์ 02-829-7906"})
    assert run("SRV-01", site(no_address)) == (Outcome.PARTIAL, 0.5)


def test_complaint_channel_with_and_without_an_online_form() -> None:
    complaint = f"{HOME}complaint/"
    pages = (page(HOME, "กรมเอกซ์"), page(complaint, "ร้องเรียน/ร้องทุกข์"))
    form = FormFacts(
        complaint, f"{complaint}submit", "POST", [{"tag": "textarea", "name": "detail"}], False, False, False
    )
    assert run("SRV-02", site(*pages, forms=(form,))) == (Outcome.PASS, 1.0)
    assert run("SRV-02", site(*pages)) == (Outcome.PARTIAL, 0.5)


def test_digital_forms_share_of_online_forms_on_the_forms_page() -> None:
    forms_page, online = f"{HOME}forms/", f"{HOME}complaint/"
    links = (
        link(forms_page, f"{HOME}files/a.pdf", "แบบฟอร์ม ก"),
        link(forms_page, f"{HOME}files/b.docx", "แบบคำร้อง ข"),
        link(forms_page, online, "ร้องเรียนออนไลน์"),
    )
    form = FormFacts(online, f"{online}submit", "POST", [{"tag": "textarea"}], False, False, False)
    facts = site(
        page(HOME, "x"), page(forms_page, "ดาวน์โหลดแบบฟอร์ม"), page(online, "ร้องเรียน"), links=links, forms=(form,)
    )
    assert run("SRV-11", facts) == (Outcome.PARTIAL, 0.333)


def test_english_pages_pass_a_link_alone_is_partial() -> None:
    assert run("SRV-16", site(page(HOME, "x"), page(f"{HOME}en/", "Home", lang="en"))) == (Outcome.PASS, 1.0)
    only_link = site(page(HOME, "x"), page(f"{HOME}a/", "y"), links=(link(HOME, f"{HOME}en/", "English", status=None),))
    assert run("SRV-16", only_link) == (Outcome.PARTIAL, 0.5)


def test_eservices_scored_by_the_browser_journeys_when_they_ran() -> None:
    journeys = tuple(
        BrowserFactRow(
            f"{HOME}eservice/{n}/",
            "journey",
            {"eservice_id": n, "ok": ok, "broken_step": None if ok else 2},
            None,
            None,
        )
        for n, ok in (("a", True), ("b", False))
    )
    assert run("SRV-06", site(page(HOME, "x"), browser=journeys)) == (Outcome.PARTIAL, 0.5)


def test_eservices_closed_by_robots_txt_are_not_observed_rather_than_missing() -> None:
    """The browser obeys robots.txt: a journey it did not take observed nothing, and the crawl (which obeys the
    same rules) could not see the e-service pages either, so "no e-service" would be a false FAIL."""
    blocked = BrowserFactRow(
        f"{HOME}eservice/a/",
        "journey",
        {"eservice_id": "a", "not_requested": "robots_disallowed"},
        "blocked_by_robots",
        None,
    )
    finding = run_check(
        all_checks()["SRV-06"], site(page(HOME, "x"), page(f"{HOME}about/", "About"), browser=(blocked,))
    )
    assert finding.outcome is Outcome.NOT_OBSERVED
    assert "robots.txt" in finding.evidence[0].summary
    assert finding.evidence[0].url == f"{HOME}eservice/a/"
    # Without the blocked journey the same crawl is evidence of absence.
    assert run("SRV-06", site(page(HOME, "x"), page(f"{HOME}about/", "About"))) == (Outcome.FAIL, 0.0)
