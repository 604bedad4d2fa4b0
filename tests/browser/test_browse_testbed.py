"""Issue 6 acceptance: the browser checks in a real Chromium against the testbed, compared with the manifest.

One module-scoped run: a short crawl of two sites (so the page sample comes from crawl facts, as in a nightly
run), then ``browse`` over seven sites chosen for what they break: revenue (model), dop (inaccessible),
rid (mobile overflow), tat (tracker before consent), nso (JavaScript-only), cgd (broken e-service), dft (broken
search). Every expectation comes from the manifest (``browser``, ``eservices``, ``search``, ``pages``).
"""

from __future__ import annotations

import struct
import subprocess
import zlib
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from egov_crawl.browser.pages import BrowseLimits
from egov_crawl.browser.runner import browse
from egov_crawl.crawler.runner import crawl
from egov_crawl.registry import load_registry
from egov_crawl.registry.models import Registry
from egov_crawl.store import repository
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.testbed.process import TestbedHandle
from tests.fixtures.requirements import require_chromium

pytestmark = pytest.mark.browser

SLUGS = ["revenue", "dop", "rid", "tat", "nso", "cgd", "dft"]
CRAWLED = ["revenue", "dop"]


@pytest.fixture(scope="module")
def browsed(testbed: TestbedHandle, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    require_chromium()
    tmp = tmp_path_factory.mktemp("browse")
    db_url = f"sqlite:///{tmp / 'b.db'}"
    registry = load_registry(testbed.registry_path)
    crawled = crawl(
        registry,
        CRAWLED,
        db_url=db_url,
        hostmap=testbed.hostmap,
        ca_file=testbed.ca_pem,
        max_pages=40,
        polite=False,
        contact_url="https://survey.example.test/",
        log_file=tmp / "crawl.log",
    )
    since, _ = testbed.requests()
    summary = browse(
        registry,
        SLUGS,
        db_url=db_url,
        run_id=crawled.run_id,
        hostmap=testbed.hostmap,
        ca_file=testbed.ca_pem,
        evidence_dir=tmp / "evidence",
        contexts=2,
    )
    _, log = testbed.requests(since)
    facts: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    with session_factory(open_store(db_url))() as session:
        for row in repository.browser_facts(session, summary.run_id):
            facts[row.agency_id][row.kind].append(row)
    return {"summary": summary, "facts": facts, "log": log, "evidence": tmp / "evidence"}


def _home(browsed: dict[str, Any], slug: str) -> dict[str, Any]:
    return next(r.payload for r in browsed["facts"][slug]["page"] if r.payload["role"] == "home")


def test_every_job_was_observed_without_errors(browsed: dict[str, Any]) -> None:
    summary = browsed["summary"]
    assert summary.errors == {}, summary.detail
    assert summary.run_id and summary.pages >= len(SLUGS) * 3  # home + two e-services each, + crawl sample


def test_the_crawl_sample_adds_a_form_page_and_a_contact_page(browsed: dict[str, Any]) -> None:
    for slug in CRAWLED:
        roles = {r.payload["role"] for r in browsed["facts"][slug]["page"]}
        assert {"home", "eservice", "form", "contact"} <= roles, (slug, roles)


def test_axe_finds_exactly_the_injected_violations(testbed: TestbedHandle, browsed: dict[str, Any]) -> None:
    for slug in SLUGS:
        expected = testbed.site(slug)["browser"]
        found = {v for r in browsed["facts"][slug]["axe"] for v in r.payload["violation_ids"]}
        if slug not in CRAWLED:  # no complaint-form page in the sample: only the page-wide injections are seen
            expected_rules = set(expected["axe_violations"]) & {"image-alt", "color-contrast"}
        else:
            expected_rules = set(expected["axe_violations"])
        assert found & set(expected["axe_rules_checked"]) == expected_rules, slug
    axe = browsed["facts"]["dop"]["axe"][0].payload
    assert axe["axe_version"].count(".") == 2
    contrast = next(v for v in axe["violations"] if v["id"] == "color-contrast")
    assert contrast["impact"] == "serious" and contrast["targets"]


def test_layout_trackers_consent_and_javascript_facts_equal_the_manifest(
    testbed: TestbedHandle, browsed: dict[str, Any]
) -> None:
    for slug in SLUGS:
        site, home = testbed.site(slug), _home(browsed, slug)
        expected = site["browser"]
        assert home["status"] == 200 and home["final_url"] == site["homepage"], slug
        assert home["mobile"]["overflow"] == expected["mobile_overflow"], slug
        assert (home["viewport_meta"] is not None) == expected["viewport_meta"], slug
        assert bool(home["trackers"]) == expected["trackers_before_consent"], slug
        assert home["consent_banner"]["present"] == expected["consent_banner"], slug
        assert home["text"]["js_only"] == expected["js_only"], slug
        own = {cookie.split("=", 1)[0] for cookie in site["cookies"]}
        extra = {c["name"] for c in home["cookies_before_interaction"]} - own
        assert bool(extra) == expected["trackers_before_consent"], (slug, extra)
        assert home["vitals"]["fcp_ms"] is not None and home["vitals"]["ttfb_ms"] is not None
        assert home["requests"] >= 1 and home["bytes"] > 0
    tat = _home(browsed, "tat")
    assert [host for host in tat["third_party_hosts"]] == ["www.tracker.test"]


def test_journeys_pass_on_working_eservices_and_break_at_the_broken_step(
    testbed: TestbedHandle, browsed: dict[str, Any]
) -> None:
    for slug in SLUGS:
        journeys = {r.payload["eservice_id"]: r.payload for r in browsed["facts"][slug]["journey"]}
        for service in testbed.site(slug)["eservices"]:
            journey = journeys[f"{slug}-{service['id']}"]
            assert journey["ok"] == service["works"], (slug, journey)
            if not service["works"]:
                broken_url = next(s["url"] for s in service["steps"] if s["status"] >= 400)
                step = journey["steps"][journey["broken_step"]]
                assert step["url"].split("?")[0] == broken_url and "HTTP 500" in step["error"]
            assert all(s["ms"] >= 0 for s in journey["steps"])


def test_site_search_works_where_the_manifest_says(testbed: TestbedHandle, browsed: dict[str, Any]) -> None:
    for slug in SLUGS:
        (search,) = [r.payload for r in browsed["facts"][slug]["search"]]
        assert search["form_found"], slug
        assert search["ok"] == testbed.site(slug)["search"]["works"], (slug, search)


def test_forms_labels_and_empty_submit_send_nothing(testbed: TestbedHandle, browsed: dict[str, Any]) -> None:
    for slug in CRAWLED:
        manifest_forms = {p["url"]: {f["id"]: f for f in p["forms"]} for p in testbed.site(slug)["pages"] if p["forms"]}
        form_page = next(
            r
            for r in browsed["facts"][slug]["forms"]
            if r.url in manifest_forms and any(f["method"] == "POST" for f in r.payload["forms"])
        )
        (complaint,) = [f for f in form_page.payload["forms"] if f["method"] == "POST"]
        expected = next(f for f in manifest_forms[form_page.url].values() if f["method"] == "post")
        assert (complaint["unlabelled"] == 0) == expected["labelled"], slug
        assert [f["required"] for f in complaint["fields"]] == [f["required"] for f in expected["fields"]]
        validation = complaint["validation"]
        assert validation["attempted"] and validation["blocked_by_browser"] and validation["invalid_fields"] > 0
        assert not validation["navigated"]
    # Acceptance 2: whatever the browser pressed, the testbed never received a request that sends data.
    assert browsed["log"], "the request log is empty: the browser did not reach the testbed"
    assert {entry["method"] for entry in browsed["log"]} <= {"GET", "HEAD"}


def _png_pixels(path: Path) -> tuple[int, int, bytes]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    chunks, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        if data[pos + 4 : pos + 8] == b"IDAT":
            chunks.append(data[pos + 8 : pos + 8 + length])
        pos += 12 + length
    return width, height, zlib.decompress(b"".join(chunks))


def test_screenshots_exist_inside_the_evidence_folder_and_are_not_blank(browsed: dict[str, Any]) -> None:
    evidence: Path = browsed["evidence"]
    # Thai text renders with a Thai font only when one is installed (fonts-thai-tlwg); without it, tofu boxes.
    fonts = subprocess.run(["fc-list", ":lang=th", "family"], capture_output=True, text=True, check=False)
    assert fonts.stdout.strip(), "no Thai font: install fonts-thai-tlwg"
    for slug in SLUGS:
        for row in browsed["facts"][slug]["screenshot"]:
            shot = row.payload
            assert row.evidence_path == shot["desktop"] and not Path(shot["desktop"]).is_absolute()
            for variant, size in (("desktop", (1366, 768)), ("mobile", (360, 800))):
                path = (evidence / shot[variant]).resolve()
                assert path.is_relative_to(evidence.resolve())
                width, height, pixels = _png_pixels(path)
                assert (width, height) == size
                assert len(set(pixels[::97])) > 8, f"{path} looks blank"


def test_a_page_that_never_finishes_loading_does_not_stop_the_others(testbed: TestbedHandle, tmp_path: Path) -> None:
    require_chromium()
    full = load_registry(testbed.registry_path)
    slowdrip = next(a for a in full.agencies if "slowdrip" in a.id)
    revenue = full.get("revenue").model_copy(update={"eservices": []})
    registry = Registry(version=1, agencies=[slowdrip, revenue])
    summary = browse(
        registry,
        None,
        db_url=f"sqlite:///{tmp_path / 't.db'}",
        run_id=None,
        hostmap=testbed.hostmap,
        ca_file=testbed.ca_pem,
        evidence_dir=tmp_path / "evidence",
        contexts=2,
        limits=BrowseLimits(navigation_ms=3_000, settle_ms=500, action_ms=2_000),
        job_timeout_s=8,
    )
    with session_factory(open_store(f"sqlite:///{tmp_path / 't.db'}"))() as session:
        rows = repository.browser_facts(session, summary.run_id)
    drip = [r for r in rows if r.agency_id == slowdrip.id]
    assert drip and all(r.error_class == "timeout" for r in drip)
    assert {r.kind for r in drip} == {"page", "axe", "screenshot", "forms", "search"}
    ok = [r for r in rows if r.agency_id == "revenue"]
    assert {r.kind for r in ok} == {"page", "axe", "screenshot", "forms", "search"}
    assert all(r.error_class is None for r in ok)
