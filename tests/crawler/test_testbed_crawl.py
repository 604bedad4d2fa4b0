"""Crawling the sample government web stores the facts its manifest promises (issue 4, acceptance 1, in part).

Checked site by site for every sample agency whose HTTPS is verifiable: each stored page's status, final URL,
title and lang equal the manifest; nearly every manifest page is reached; documents by format; robots.txt rules.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from egov_crawl.store.db import open_store, session_factory
from egov_crawl.store.models import Document, Page, SiteCrawl
from egov_crawl.testbed.process import TestbedHandle
from tests.fixtures.crawl import TestbedCrawl, crawl_testbed


@pytest.fixture(scope="module")
def crawled(testbed: TestbedHandle, testbed_crawl: TestbedCrawl) -> dict[str, Any]:
    """The session's crawl of the testbed, seen through the sites whose HTTPS is verifiable."""
    sites = [s for s in testbed.manifest["sites"] if s["quality"]["tls"] in ("valid", "none")]
    slugs = {s["slug"] for s in sites}
    summary = replace(
        testbed_crawl.summary, agencies=[a for a in testbed_crawl.summary.agencies if a.agency_id in slugs]
    )
    return {"db": testbed_crawl.db, "sites": sites, "summary": summary}


def _stored(db: Path, slug: str) -> tuple[SiteCrawl, list[Page], list[Document]]:
    with session_factory(open_store(f"sqlite:///{db}"))() as session:
        crawl_row = session.scalars(select(SiteCrawl).where(SiteCrawl.agency_id == slug)).one()
        pages = list(session.scalars(select(Page).where(Page.site_crawl_id == crawl_row.id)))
        documents = list(session.scalars(select(Document).where(Document.site_crawl_id == crawl_row.id)))
        return crawl_row, pages, documents


def test_every_verifiable_site_is_crawled_completely(crawled: dict[str, Any]) -> None:
    results = {a.agency_id: a for a in crawled["summary"].agencies}
    assert {s["slug"] for s in crawled["sites"]} == set(results)
    assert all(r.status == "complete" for r in results.values()), results


def test_only_the_javascript_site_gets_a_handled_input_class(crawled: dict[str, Any]) -> None:
    """No give-up and none of the handled-input classes (crawler/handled.py, whose thresholds are chosen so) on
    the sample sites, except ``js_only`` where the manifest says the content exists only after JavaScript."""
    classes = {a.agency_id: a.error_class for a in crawled["summary"].agencies}
    expected = {s["slug"]: "js_only" if s["quality"]["js_only"] else None for s in crawled["sites"]}
    assert classes == expected


def test_page_facts_equal_the_manifest_site_by_site(crawled: dict[str, Any]) -> None:
    for site in crawled["sites"]:
        _, pages, _ = _stored(crawled["db"], site["slug"])
        stored = {p.url: p for p in pages}
        expected = {p["url"]: p for p in site["pages"] if p["content_in_static_html"]}
        reached = expected.keys() & stored.keys()
        assert len(reached) >= 0.9 * len(expected), (site["slug"], sorted(expected.keys() - stored.keys())[:5])
        for url in reached:
            page, truth = stored[url], expected[url]
            assert (page.status, page.final_url, page.title, page.lang) == (
                truth["status"],
                truth["final_url"],
                truth["title"],
                truth["lang"],
            ), (site["slug"], url)


def test_documents_by_format_and_robots_rules(crawled: dict[str, Any]) -> None:
    for site in crawled["sites"]:
        crawl_row, _, documents = _stored(crawled["db"], site["slug"])
        if site["quality"]["js_only"]:
            assert documents == []  # links exist only after JavaScript: a static crawler honestly sees none
            continue
        found = Counter(d.format for d in documents)
        for fmt, count in site["documents_by_format"].items():
            if fmt in ("pdf", "docx", "xlsx", "csv", "json"):
                assert found[fmt] >= count, (site["slug"], fmt, found)
        robots = crawl_row.site_facts["robots"]
        if not site["robots"]:
            assert robots["status"] == 404, site["slug"]
            continue
        assert (robots["status"], robots["body"], robots["sitemaps"]) == (
            200,
            site["robots"]["text"],
            site["robots"]["sitemaps"],
        ), site["slug"]
        stored_rules = {
            (agent, directive, path)
            for group in robots["groups"]
            for agent in group["user_agents"]
            for directive in ("allow", "disallow")
            for path in group[directive]
        }
        assert stored_rules == {(r["user_agent"], r["directive"], r["path"]) for r in site["robots"]["rules"]}


def test_sitemaps_equal_the_manifest(crawled: dict[str, Any]) -> None:
    for site in crawled["sites"]:
        facts = _stored(crawled["db"], site["slug"])[0].site_facts
        if site["sitemap"]:
            assert facts["sitemap_summary"]["urls"] == site["sitemap"]["url_count"], site["slug"]
        else:
            assert not facts["sitemap_summary"].get("urls"), site["slug"]
        # security.txt and the 404 test are the probes' (tests/probes/test_testbed_probe.py), not the crawl's.
        assert not {"security_txt", "soft_404", "twin"} & set(facts), site["slug"]


def test_broken_internal_links_are_found_with_their_status(crawled: dict[str, Any]) -> None:
    from egov_crawl.store.models import Link

    for site in crawled["sites"]:
        broken = {link["url"] for page in site["pages"] for link in page["links"] if link["broken"]}
        _, pages, _ = _stored(crawled["db"], site["slug"])
        with session_factory(open_store(f"sqlite:///{crawled['db']}"))() as session:
            page_ids = [p.id for p in pages]
            statuses = {
                link.target_url: link.status
                for link in session.scalars(select(Link).where(Link.page_id.in_(page_ids), Link.internal))
            }
        found = {url for url, status in statuses.items() if status is not None and status >= 400}
        assert broken <= found, (site["slug"], sorted(broken - found)[:3])
        if not broken:
            assert not found, (site["slug"], sorted(found)[:3])


def test_forms_and_their_fields_equal_the_manifest(crawled: dict[str, Any]) -> None:
    from egov_crawl.store.models import Form

    checked = 0
    for site in crawled["sites"]:
        _, pages, _ = _stored(crawled["db"], site["slug"])
        by_url = {p.url: p.id for p in pages}
        with session_factory(open_store(f"sqlite:///{crawled['db']}"))() as session:
            for truth in site["pages"]:
                if not truth.get("forms") or truth["url"] not in by_url or not truth["content_in_static_html"]:
                    continue
                stored = session.scalars(select(Form).where(Form.page_id == by_url[truth["url"]])).all()
                expected = sorted((f["method"].upper(), sorted(x["name"] for x in f["fields"])) for f in truth["forms"])
                got = sorted((f.method.upper(), sorted(x["name"] for x in f.fields if x.get("name"))) for f in stored)
                assert got == expected, (site["slug"], truth["url"])
                checked += 1
    assert checked > 50


def test_politeness_seen_from_the_testbed_server(testbed: TestbedHandle, tmp_path: Path) -> None:
    """Budget exact, robots.txt obeyed, at most 2 requests in flight per host: read from the server's own log."""
    site = testbed.site("revenue")
    disallowed = [r["path"] for r in site["robots"]["rules"] if r["directive"] == "disallow"]
    start, _ = testbed.requests()
    fast_polite = {"DOWNLOAD_DELAY": 0.01, "AUTOTHROTTLE_ENABLED": False}
    summary = crawl_testbed(testbed, ["revenue"], tmp_path, max_pages=25, polite=True, settings=fast_polite)
    _, log = testbed.requests(start)
    hits = [entry for entry in log if entry["host"] in ("www.revenue.test", "revenue.test")]
    assert summary.agencies[0].pages == 25
    assert hits and all(entry["user_agent"].startswith("egov-crawl/") for entry in hits)
    assert not [e["path"] for e in hits if any(e["path"].startswith(p) for p in disallowed)]
    assert testbed.max_in_flight()["www.revenue.test"] <= 2
