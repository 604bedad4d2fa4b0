"""Keyword matching an auditor can sign: words, not substrings; offers, not articles; a broken link is named.

Every case here is a false match or a miss seen on a real government site (the host or the report is named).
"""

from __future__ import annotations

import pytest

from egov_crawl.profiles import load_profile
from egov_crawl.scoring.lexicon import find, find_in_text, find_named, fold
from egov_crawl.scoring.lexicon.words import Term, occurrence
from egov_crawl.scoring.model import Outcome
from egov_crawl.scoring.registry import all_checks, run_check
from tests.fixtures.sitefacts import HOME, link, page, site


def word_in(text: str, term: str, **rules: object) -> bool:
    return occurrence(fold(text), Term(fold(term), "x", **rules)) >= 0  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Information for candidates and their candidature", "ndid"),  # SRV-07 on a US federal site
        ("See the revision history", "vision"),  # OPN-03
        ("Department of Agriculture", "culture"),  # SRV-26
        ("research papers", "search"),
        ("ศูนย์ข้อมูลข่าวสาร", "ข่าวสาร"),  # official information centre, not a news list
        ("สถานศึกษา", "การศึกษา"),
        ("ภารกิจผู้บริหาร", "ผู้บริหาร"),  # www.nu.ac.th: the executives' engagements (a negative context)
    ],
)
def test_a_term_inside_another_word_is_not_a_match(text: str, term: str) -> None:
    rules = {"prefix": True, "not_in": (fold("ภารกิจผู้บริหาร"),)} if term == "ผู้บริหาร" else {}
    assert not word_in(text, term, **rules)


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Our vision", "vision"),
        ("FAQs", "faq"),  # a plural still names the thing
        ("Q&A", "q&a"),
        ("E-Services", "e-service"),
        ("ข่าวสารประชาสัมพันธ์", "ข่าวสาร"),
        ("ร้องเรียน/ร้องทุกข์", "ร้องเรียน"),
        ("ระบบบริการออนไลน์", "บริการออนไลน์"),
        ("ข่าวการสมัครงาน", "สมัครงาน"),  # www.soc.go.th: after the nominaliser การ
        ("FAQคำถาม", "faq"),  # a change of script is a boundary
    ],
)
def test_a_term_as_a_word_matches(text: str, term: str) -> None:
    assert word_in(text, term)


def test_a_prefix_term_may_run_into_a_longer_word() -> None:
    # www.finearts.go.th: ผู้บริหารระดับสูง is one dictionary word; ผู้บริหาร is a prefix by design.
    assert not word_in("ผู้บริหารระดับสูง", "ผู้บริหาร")
    assert word_in("ผู้บริหารระดับสูง", "ผู้บริหาร", prefix=True)


def test_the_bundled_lexicon_rejects_the_reported_false_matches() -> None:
    pages = (page(HOME, "กรมเอกซ์"),)
    links = (
        link(HOME, f"{HOME}about/candidates/", "Candidates"),
        link(HOME, f"{HOME}history/", "Revision history"),
        link(HOME, f"{HOME}agri/", "Agriculture"),
        link(HOME, f"{HOME}info/", "ศูนย์ข้อมูลข่าวสาร"),
        link(HOME, f"{HOME}plan/", "แผนการจัดการเรื่องร้องเรียน 2561"),
    )
    facts = site(*pages, links=links)
    assert find(facts, "SRV-07") is None
    assert find(facts, "OPN-03") is None
    assert find(facts, "SRV-26.culture") is None
    assert find(facts, "SRV-02") is None
    news = find(facts, "OPN-09")
    assert news is None, news
    assert find(facts, "OPN-14") is not None


def test_blog_posts_and_news_items_are_not_services() -> None:
    # 18F's blog: "Powering chatbots…" and "Why your agency doesn't need a mobile app" are articles.
    post = f"{HOME}2017/06/01/powering-chatbots/"
    pages = (
        page(HOME, "18F"),
        page(post, "Powering chatbots with plain language", open_graph={"og:type": "article"}),
        page(f"{HOME}blog/why-your-agency-doesnt-need-a-mobile-app/", "Why your agency doesn't need a mobile app"),
    )
    links = (
        link(HOME, post, "Powering chatbots"),
        link(HOME, f"{HOME}blog/why-your-agency-doesnt-need-a-mobile-app/", "Mobile app"),
        link(HOME, f"{HOME}news/2014/emergency-drill/", "Emergency"),
    )
    facts = site(*pages, links=links)
    assert find(facts, "SRV-04") is None
    assert find_in_text(facts, "SRV-04") is None
    assert find(facts, "SRV-17") is None
    assert find(facts, "SRV-21") is None


def test_a_headline_long_as_a_sentence_is_not_a_menu_label() -> None:
    headline = "Department launches a new chatbot to answer questions about permits and licences this year"
    facts = site(page(HOME, "x"), links=(link(HOME, f"{HOME}press/", headline),))
    assert find(facts, "SRV-04") is None


def test_a_link_without_a_label_is_read_by_its_url_path() -> None:
    # kmutt.ac.th: the complaint channel is an image without alt text linking to /complain/ (here: contact).
    facts = site(page(HOME, "x"), links=(link(HOME, f"{HOME}index.php/contact-us", ""),))
    match = find(facts, "SRV-01")
    assert match is not None and match.field == "url_path"


def test_a_labelled_link_whose_target_fails_is_evidence_of_its_own() -> None:
    # A correctly labelled FAQ link answering 404 used to read "no FAQ (searched 1 pages …)".
    facts = site(page(HOME, "x"), page(f"{HOME}a/", "y"), links=(link(HOME, f"{HOME}faq/", "FAQ", status=404),))
    assert find(facts, "SRV-03") is None
    named = find_named(facts, "SRV-03")
    assert named is not None and named.target_status == 404
    finding = run_check(all_checks()["SRV-03"], facts)
    assert finding.outcome is Outcome.FAIL
    assert "linked, but the target answers 404" in finding.evidence[0].summary
    assert "nothing named like" not in finding.evidence[0].summary


def test_evidence_of_absence_on_an_english_site_quotes_english_terms() -> None:
    # A US federal site's FAIL evidence listed "nothing named like แบบประเมินความพึงพอใจ…".
    english = page(HOME, "Agency", lang="en", thai_share=0.0, text={"all": "Welcome to the agency " * 20})
    about = page(f"{HOME}a/", "About", thai_share=0.0)
    finding = run_check(all_checks()["SRV-13"], site(english, about, profile=load_profile("us")))
    text = " ".join(e.summary for e in finding.evidence)
    assert "nothing named like" in text
    assert not any("\u0e00" <= ch <= "\u0e7f" for ch in text), text


def test_an_english_only_site_has_no_other_language_content() -> None:
    # SRV-16 used to pass any site with English pages, the English-only ones included.
    english = {"thai_share": 0.0, "lang": "en"}
    pages = (page(HOME, "Agency", **english), page(f"{HOME}about/", "About", **english))
    assert run_check(all_checks()["SRV-16"], site(*pages)).outcome is Outcome.FAIL
    spanish = page(f"{HOME}es/", "Agencia", lang="es", thai_share=0.0, content_lang="es")
    passed = run_check(all_checks()["SRV-16"], site(*pages, spanish))
    assert passed.outcome is Outcome.PASS


def test_a_splash_page_keeps_its_own_lang_and_viewport() -> None:
    # www.navy.mi.th: an entry page of 49 characters with Thai and English links into the real site. Its lang
    # and viewport were recorded; the empty-shell rule used to make both NOT_OBSERVED.
    splash = page(HOME, "Royal Thai Navy - Index", text_length=49, thai_share=0.5, viewport="width=device-width")
    facts = site(splash)
    assert run_check(all_checks()["INF-14"], facts).outcome is Outcome.PASS
    assert run_check(all_checks()["SRV-01"], facts).outcome is Outcome.NOT_OBSERVED  # content: not observable
