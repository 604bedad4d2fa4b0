"""Extraction facts on 16 real Thai public-sector home pages (March 2018, ../shared/realweb/th-home; see its README).

Facts only: which labels, numbers and languages the extractor reads off each page. Which services each page
offers is judged elsewhere, by reading the pages.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from egov_crawl.crawler.extract import PageExtract, extract_page
from tests.fixtures.requirements import missing

TH_HOME = Path(__file__).resolve().parents[2].parent / "shared" / "realweb" / "th-home"
HOSTS = [
    "dcy.go.th",
    "kmutt.ac.th",
    "mahidol.ac.th",
    "www.drr.go.th",
    "www.egat.co.th",
    "www.finearts.go.th",
    "www.forest.go.th",
    "www.mcot.net",
    "www.navy.mi.th",
    "www.nectec.or.th",
    "www.nrct.go.th",
    "www.nu.ac.th",
    "www.onec.go.th",
    "www.pcd.go.th",
    "www.pea.co.th",
    "www.soc.go.th",
]


@cache
def page(host: str) -> PageExtract:
    path = TH_HOME / host / "index.html"
    if not path.is_file():
        missing(f"real-web material not found at {path} (../shared/realweb/th-home beside the checkout)")
    twin = host.removeprefix("www.") if host.startswith("www.") else f"www.{host}"
    # The files hold UTF-8 (the README: every capture was decoded to UTF-8), whatever their <meta> declares.
    return extract_page(
        path.read_bytes(),
        url=f"http://{host}/",
        content_type="text/html; charset=utf-8",
        own_hosts=frozenset({host, twin}),
    )


def links(host: str) -> dict[str, str]:
    return {link.url: link.text for link in page(host).links}


def test_image_links_keep_their_alt_or_title_labels() -> None:
    assert links("www.pcd.go.th")["http://www.pcd.go.th/info_serv/plan.html"] == "งบบูรณาการ ปี 2561"
    assert links("www.pcd.go.th")["http://www.facebook.com/PCD.go.th"] == "PCD on Facebook"
    assert links("www.navy.mi.th")["http://www.navy.mi.th/index.php/main/index?language=en"] == "EN"


def test_links_without_any_label_are_kept_with_an_empty_label() -> None:
    assert links("kmutt.ac.th")["https://hermes.kmutt.ac.th/complain/login.aspx"] == ""
    assert links("www.egat.co.th")["http://www.egat.co.th/en/index.php"] == ""


def test_a_page_after_an_error_page_in_the_same_capture_is_read() -> None:
    assert len(page("www.pcd.go.th").links) > 50


def test_script_opened_menus_keep_their_labels() -> None:
    labels = [entry["label"] for entry in page("www.soc.go.th").facts["script_links"]]
    assert "ศูนย์รับเรื่องร้องเรียน สลค." in labels
    assert "e-Services" in [entry["label"] for entry in page("www.pea.co.th").facts["script_links"]]
    assert links("www.onec.go.th")["http://www.onec.go.th/index.php/book/BookGroup"] == "หนังสือทั้งหมด"


@pytest.mark.parametrize(
    ("host", "phones"),
    [
        ("www.drr.go.th", {"025515000", "1146"}),
        ("www.nrct.go.th", {"025612445"}),
        ("mahidol.ac.th", {"028496000"}),
        ("www.soc.go.th", {"022809000"}),
        ("kmutt.ac.th", {"024708000", "024270039"}),
        ("www.forest.go.th", {"025614292"}),
        ("www.mcot.net", {"022016435", "0944803047"}),
        ("www.pea.co.th", {"1129", "025890100"}),
    ],
)
def test_phone_numbers_shown_on_the_page_are_found(host: str, phones: set[str]) -> None:
    assert phones <= set(page(host).facts["contacts"]["phones"])


def test_extensions_fax_numbers_and_dates_are_not_phones() -> None:
    assert "1444" not in page("www.soc.go.th").facts["contacts"]["phones"]  # "ต่อ 1444": an extension
    assert "055961103" not in page("www.nu.ac.th").facts["contacts"]["phones"]  # after "โทรสาร" (fax)
    assert page("www.finearts.go.th").facts["contacts"]["phones"] == []  # dates such as 05-03-2561 only


def test_obfuscated_and_written_emails_are_found() -> None:
    assert page("www.forest.go.th").facts["contacts"]["emails_from"] == {"webmaster@forest.go.th": "cloudflare"}
    assert page("www.nrct.go.th").facts["contacts"]["emails_from"]["contact@nrct.go.th"] == "text"


@pytest.mark.parametrize("host", ["www.egat.co.th", "www.onec.go.th", "www.nrct.go.th", "www.pea.co.th"])
def test_thai_pages_that_say_lang_en_are_thai_by_content(host: str) -> None:
    extracted = page(host)
    assert extracted.lang is not None and extracted.lang.startswith("en")
    assert extracted.facts["content_lang"] == "th"


def test_english_page_is_english_by_content() -> None:
    assert page("mahidol.ac.th").facts["content_lang"] == "en"


def test_language_version_links() -> None:
    def found(host: str) -> set[tuple[str, str | None, str]]:
        return {(e["lang"], e["url"], e["how"]) for e in page(host).facts["language_links"]}

    assert ("en", "http://www.egat.co.th/en/index.php", "flag") in found("www.egat.co.th")
    assert ("en", "http://en.nrct.go.th", "label") in found("www.nrct.go.th")
    assert {lang for lang, _, _ in found("www.forest.go.th")} == {"en", "th"}
    assert len(found("www.forest.go.th")) == 2  # not every link carrying &lang=th


def test_news_listing_links_have_article_context_and_menus_do_not() -> None:
    forest = [link for link in page("www.forest.go.th").links if link.context == "article"]
    assert forest and all(link.region != "nav" for link in forest)
    assert not [link for link in page("kmutt.ac.th").links if link.context]  # <form class="News"> wraps all
    assert not [link for link in page("www.finearts.go.th").links if link.context]  # banners in <article>


def test_social_embeds() -> None:
    embeds = page("www.onec.go.th").facts["social_embeds"]
    assert [(e["platform"], e["account"]) for e in embeds] == [
        ("facebook", "http://www.facebook.com/thai.education.revolution")
    ]


@pytest.mark.parametrize("host", HOSTS)
def test_no_cap_is_hit_on_real_home_pages(host: str) -> None:
    assert page(host).facts["truncated"] == {"headings": False, "text": False, "text_regions": [], "links": False}


def test_splash_and_stub_pages() -> None:
    assert page("dcy.go.th").facts["meta_refresh_link"] == {"url": "http://dcy.go.th/webnew/main/", "delay": 0.0}
    assert len(page("www.navy.mi.th").links) == 4
