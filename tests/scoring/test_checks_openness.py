"""Openness checks on small SiteFacts: presence by title, link label or URL; graded parts; evidence; gates of
observation (a failed crawl is NOT_OBSERVED, never FAIL)."""

from __future__ import annotations

from datetime import timedelta

from egov_crawl.scoring.model import Outcome
from egov_crawl.scoring.registry import all_checks, run_check
from tests.fixtures.sitefacts import AS_OF, HOME, link, page, site


def run(check_id: str, facts: object) -> tuple[Outcome, float | None, str | None]:
    finding = run_check(all_checks()[check_id], facts)  # type: ignore[arg-type]
    return finding.outcome, finding.score, finding.first_url


def test_privacy_notice_by_footer_link_and_its_content() -> None:
    privacy = f"{HOME}privacy/"
    full = site(
        page(HOME, "กรมเอกซ์"),
        page(privacy, "นโยบายคุ้มครองข้อมูลส่วนบุคคล | กรมเอกซ์", text={"all": "ผู้ควบคุมข้อมูลส่วนบุคคล วัตถุประสงค์"}),
        links=(link(HOME, privacy, "นโยบาย\u200bคุ้มครองข้อมูลส่วนบุคคล", region="footer"),),
    )
    assert run("OPN-12", full) == (Outcome.PASS, 1.0, privacy)
    bare = site(page(HOME, "กรมเอกซ์"), page(privacy, "Privacy policy", lang="en"))
    assert run("OPN-12", bare)[:2] == (Outcome.PARTIAL, 0.5)


def test_absence_after_a_complete_crawl_is_a_fail_with_the_home_page_as_evidence() -> None:
    outcome, score, url = run("OPN-12", site(page(HOME, "กรมเอกซ์"), page(f"{HOME}about/", "เกี่ยวกับเรา")))
    assert (outcome, score, url) == (Outcome.FAIL, 0.0, HOME)


def test_a_news_headline_mentioning_a_policy_is_not_the_policy() -> None:
    headline = "กรมเอกซ์จัดอบรมเรื่องนโยบายคุ้มครองข้อมูลส่วนบุคคลให้แก่เจ้าหน้าที่ทุกระดับในส่วนภูมิภาคทั่วประเทศ " * 2
    facts = site(page(HOME, "กรมเอกซ์"), page(f"{HOME}about/", "x"), links=(link(HOME, f"{HOME}news/1/", headline),))
    assert run("OPN-12", facts)[0] is Outcome.FAIL


def test_failed_or_blocked_crawls_observe_nothing() -> None:
    failed = site(page(HOME, "", status=None), status="failed", error_class="tls_error:expired")  # type: ignore[arg-type]
    assert run("OPN-03", failed)[0] is Outcome.NOT_OBSERVED
    blocked = site(page(HOME, "x"), site_facts={"robots": {"disallow_all_for_star": True}})
    assert run("OPN-03", blocked)[0] is Outcome.NOT_OBSERVED
    budget = site(page(HOME, "x"), page(f"{HOME}a/", "y"), site_facts={"crawl": {"budget_hit": True, "budget": 2}})
    assert run("OPN-03", budget)[0] is Outcome.NOT_OBSERVED


def test_procurement_is_the_mean_of_its_four_parts() -> None:
    source = f"{HOME}procurement/"
    labels = ["แผนการจัดซื้อจัดจ้าง ประจำปีงบประมาณ พ.ศ. ๒๕๗๐", "ประกาศผู้ชนะการเสนอราคา ครั้งที่ 1"]
    facts = site(
        page(HOME, "กรมเอกซ์"),
        page(source, "จัดซื้อจัดจ้าง"),
        links=tuple(link(source, f"{HOME}files/{i}.pdf", text) for i, text in enumerate(labels)),
    )
    assert run("OPN-07", facts)[:2] == (Outcome.PARTIAL, 0.5)


def test_news_freshness_reads_buddhist_era_dates_against_the_run_date() -> None:
    news = f"{HOME}news/"

    def with_latest(days: int) -> object:
        latest = (AS_OF - timedelta(days=days)).isoformat()
        return site(page(HOME, "กรมเอกซ์"), page(news, "ข่าวประชาสัมพันธ์", latest_date=latest))

    assert run("OPN-09", with_latest(3))[0] is Outcome.PASS
    assert run("OPN-09", with_latest(45))[0] is Outcome.FAIL


def test_executives_need_their_own_contact_not_the_footer_one() -> None:
    footer = {"emails": ["saraban@x.test"], "phones": ["021234567"]}
    executives = f"{HOME}about/executives/"
    named = page(executives, "ผู้บริหาร", contacts=footer, text={"all": "นายเอ อธิบดี saraban@x.test"})
    reachable = page(executives, "ผู้บริหาร", contacts=footer, text={"all": "นายเอ อธิบดี โทรศัพท์ 02-987-7194"})
    home = page(HOME, "กรมเอกซ์", contacts=footer)
    assert run("OPN-02", site(home, named))[:2] == (Outcome.PARTIAL, 0.5)
    assert run("OPN-02", site(home, reachable))[:2] == (Outcome.PASS, 1.0)
