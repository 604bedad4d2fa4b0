"""The generated sample government web: deterministic, complete, and consistent with its own manifest."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections import Counter

import pytest

from egov_crawl.registry.loader import load_registry
from egov_crawl.testbed.generator import generate
from egov_crawl.testbed.manifest import build_manifest
from egov_crawl.testbed.model import Testbed
from egov_crawl.testbed.registry import TEST_CITIZEN_ID, thai_id_check_digit, write_registry
from egov_crawl.thai import find_dates


@pytest.fixture(scope="module")
def testbed() -> Testbed:
    return generate()


@pytest.fixture(scope="module")
def manifest(testbed: Testbed) -> dict:  # type: ignore[type-arg]
    return build_manifest(testbed)


def test_same_seed_gives_an_identical_manifest_and_another_seed_a_different_one(manifest: dict) -> None:  # type: ignore[type-arg]
    again = json.dumps(build_manifest(generate(2551)), ensure_ascii=False, sort_keys=True)
    assert again == json.dumps(manifest, ensure_ascii=False, sort_keys=True)
    other = json.dumps(build_manifest(generate(7)), ensure_ascii=False, sort_keys=True)
    assert other != again


def test_at_least_twelve_normal_sites_graded_model_average_poor_and_one_fault_each(testbed: Testbed) -> None:
    tiers = Counter(site.quality.tier for site in testbed.sites)
    assert len(testbed.sites) >= 12
    assert tiers["model"] == 1 and tiers["poor"] == 1 and tiers["average"] >= 2
    faults = [site.quality.fault for site in testbed.sites if site.quality.tier == "fault"]
    assert len(faults) == len(set(faults))
    for needed in ("no-https", "https-not-enforced", "short-hsts", "expired-certificate", "self-signed-certificate",
                   "wrong-host-certificate", "no-privacy-policy", "pdf-only-forms", "broken-links", "stale-news",
                   "no-open-data", "inaccessible-forms", "mobile-overflow", "trackers-before-consent",
                   "javascript-only", "broken-eservice", "broken-search"):  # fmt: skip
        assert needed in faults
    assert all(site.host.endswith(".test") for site in testbed.sites)


def test_the_model_agency_passes_more_indicators_than_any_other_site(manifest: dict) -> None:  # type: ignore[type-arg]
    passes = {s["slug"]: sum(v == "PASS" for v in s["expected_indicators"].values()) for s in manifest["sites"]}
    model = next(s["slug"] for s in manifest["sites"] if s["tier"] == "model")
    poor = next(s["slug"] for s in manifest["sites"] if s["tier"] == "poor")
    assert passes[model] == max(passes.values())
    assert passes[poor] == min(passes.values())


def test_each_fault_site_differs_from_the_model_where_its_fault_says(manifest: dict) -> None:  # type: ignore[type-arg]
    by_fault = {s["fault"]: s["expected_indicators"] for s in manifest["sites"] if s["fault"]}
    assert by_fault["no-https"]["INF-03"] == "FAIL"
    assert by_fault["https-not-enforced"]["INF-04"] == "FAIL"
    assert by_fault["short-hsts"]["INF-05"] == "PARTIAL"
    assert by_fault["expired-certificate"]["INF-03"] == "FAIL"
    assert by_fault["no-privacy-policy"]["OPN-12"] == "FAIL"
    assert by_fault["stale-news"]["INF-30"] == "FAIL"
    assert by_fault["no-open-data"]["OPN-16"] == "FAIL"
    assert by_fault["mobile-overflow"]["INF-14"] == "FAIL"
    assert by_fault["trackers-before-consent"]["INF-31"] == "FAIL"
    assert by_fault["javascript-only"]["INF-33"] == "FAIL"
    assert by_fault["broken-search"]["INF-25"] == "PARTIAL"


def test_pages_look_thai_first_with_english_versions_and_the_usual_sections(manifest: dict) -> None:  # type: ignore[type-arg]
    model = next(s for s in manifest["sites"] if s["tier"] == "model")
    paths = {p["path"] for p in model["pages"]}
    assert {"/", "/en/", "/contact/", "/privacy/", "/info-center/", "/oit/", "/complaint/", "/faq/",
            "/accessibility/", "/sitemap/", "/about/executives/", "/about/structure/"} <= paths  # fmt: skip
    home = next(p for p in model["pages"] if p["path"] == "/")
    texts = {link["text"] for link in home["links"]}
    assert {"ติดต่อเรา", "นโยบายคุ้มครองข้อมูลส่วนบุคคล", "ศูนย์ข้อมูลข่าวสาร"} <= texts
    oit = next(p for p in model["pages"] if p["path"] == "/oit/")
    codes = {m.group(0) for link in oit["links"] if (m := re.match(r"O\d+", link["text"]))}
    assert {"O1", "O10", "O36"} <= codes


def test_news_dates_are_buddhist_era_some_in_thai_digits_and_parse_back(testbed: Testbed, manifest: dict) -> None:  # type: ignore[type-arg]
    dates = [d for s in manifest["sites"] for p in s["pages"] for d in p["dates"]]
    assert any(re.search("[๐-๙]", d["text"]) for d in dates)
    for d in dates[:200]:
        found = find_dates(d["text"])
        assert found and found[0].value.isoformat() == d["date"], d


def test_stale_and_fresh_news_relative_to_the_reference_date(testbed: Testbed) -> None:
    for site in testbed.sites:
        newest = max(p.published for p in site.pages if p.published)
        age = (testbed.reference_date - newest).days
        assert (age <= 30) if site.quality.fresh_news else (age > 365), site.slug


def test_every_internal_link_status_matches_the_target_page_in_the_manifest(manifest: dict) -> None:  # type: ignore[type-arg]
    for site in manifest["sites"]:
        status = {p["url"]: p["status"] for p in site["pages"]}
        status |= {d["url"]: 200 for d in site["documents"]}
        status |= {r["url"]: r["status"] for r in site["redirects"]}
        broken = 0
        for page in site["pages"]:
            for link in page["links"]:
                if link["external"]:
                    continue
                expected = status.get(link["url"].split("?")[0], site["not_found_status"])
                if link["url"].split("?")[0].endswith(("/search", "/data.json", "/api/3/action/package_search")):
                    expected = 200
                assert link["status"] == expected, (site["slug"], page["path"], link)
                broken += link["broken"]
        assert (broken > 0) == site["quality"]["broken_links"], site["slug"]


def test_documents_are_real_files_of_their_format(testbed: Testbed) -> None:
    formats = Counter()
    for doc in testbed.site("revenue").documents:
        formats[doc.format] += 1
        if doc.format == "pdf":
            assert doc.body.startswith(b"%PDF-1.4") and doc.body.rstrip().endswith(b"%%EOF")
        elif doc.format in ("docx", "xlsx"):
            names = zipfile.ZipFile(io.BytesIO(doc.body)).namelist()
            assert "[Content_Types].xml" in names
        elif doc.format == "png":
            assert doc.body.startswith(b"\x89PNG\r\n\x1a\n")
        elif doc.format == "csv":
            assert doc.body.startswith(b"\xef\xbb\xbf")
    assert {"pdf", "docx", "xlsx", "csv", "json", "png"} <= set(formats)


def test_registry_loads_with_the_project_loader_and_tags_hostile_sites(testbed: Testbed, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write_registry(testbed, tmp_path / "testbed.yaml")
    registry = load_registry(path)
    by_id = registry.by_id()
    assert by_id["revenue"].homepage == "https://www.revenue.test/"
    assert by_id["dol"].homepage == "http://www.dol.test/"
    assert len(by_id["revenue"].eservices) == 2 and by_id["revenue"].eservices[0].steps
    hostile = [a for a in registry.agencies if "hostile" in a.tags]
    assert len(hostile) >= 15


def test_the_journey_citizen_id_has_a_valid_check_digit() -> None:
    assert len(TEST_CITIZEN_ID) == 13
    assert int(TEST_CITIZEN_ID[-1]) == thai_id_check_digit(TEST_CITIZEN_ID[:12])
    assert thai_id_check_digit("110170020345") != thai_id_check_digit("110170020346")
