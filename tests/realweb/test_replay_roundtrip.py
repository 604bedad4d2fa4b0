"""Issue 9, item 5: egov-crawl's own ``--warc`` output replays, and a re-crawl of the replay sees the same pages.

Three testbed sites are crawled live with ``--warc`` (two HTTPS sites, one with broken links, and an
HTTP-only one); the WARC files are replayed by egov_crawl/testbed/replay.py and the same agencies
crawled again through the replay's host map and CA. Every page fact that depends on what the server sent —
status, final URL, title, lang, content hash, links (with their checked status), forms — must be identical.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from egov_crawl.crawler.runner import crawl
from egov_crawl.registry import load_registry
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.store.models import Form, Link, Page, SiteCrawl
from egov_crawl.testbed.process import TestbedHandle
from egov_crawl.testbed.replay import start_replay

SLUGS = ["dopa", "dol", "doa"]
OPTIONS: dict[str, Any] = {"max_pages": 200, "polite": False, "contact_url": "https://survey.example.test/"}


def page_facts(db: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """(agency, url) → what the crawler stored about the page, minus what depends on time (latency, dates)."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    with session_factory(open_store(f"sqlite:///{db}"))() as session:
        rows = session.execute(select(SiteCrawl.agency_id, Page).join(Page, Page.site_crawl_id == SiteCrawl.id))
        for agency, page in rows:
            links = session.scalars(select(Link).where(Link.page_id == page.id))
            forms = session.scalars(select(Form).where(Form.page_id == page.id))
            out[(agency, page.url)] = {
                "status": page.status,
                "final_url": page.final_url,
                "title": page.title,
                "lang": page.lang,
                "content_hash": page.content_hash,
                "redirect_chain": page.facts.get("redirect_chain"),
                "links": sorted(
                    (k.target_url, k.anchor_text or "", k.region or "", k.internal, k.status) for k in links
                ),
                "forms": sorted(
                    (f.action or "", f.method, repr(f.fields), f.has_password, f.has_captcha, f.has_file_upload)
                    for f in forms
                ),
            }
    return out


@pytest.fixture(scope="module")
def roundtrip(testbed: TestbedHandle, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("warc-roundtrip")
    registry = load_registry(testbed.registry_path)
    live, again = tmp / "live.db", tmp / "replayed.db"
    crawl(
        registry,
        SLUGS,
        db_url=f"sqlite:///{live}",
        hostmap=testbed.hostmap,
        ca_file=testbed.ca_pem,
        warc_dir=tmp / "warc",
        log_file=tmp / "live.log",
        **OPTIONS,
    )
    warcs = sorted((tmp / "warc").glob("*.warc.gz"))
    with start_replay(warcs, tmp / "replay") as replay:
        crawl(
            registry,
            SLUGS,
            db_url=f"sqlite:///{again}",
            hostmap=replay.hostmap,
            ca_file=replay.ca_pem,
            log_file=tmp / "replayed.log",
            **OPTIONS,
        )
        unanswered = [r for r in replay.requests if r["status"] == 404]
        index = replay.index
    return {"live": page_facts(live), "again": page_facts(again), "warcs": warcs, "index": index, "404": unanswered}


def test_a_replayed_crawl_stores_identical_page_facts(roundtrip: dict[str, Any]) -> None:
    live, again = roundtrip["live"], roundtrip["again"]
    assert {agency for agency, _ in live} == set(SLUGS)
    assert len(live) >= 100
    assert live.keys() == again.keys()
    for key in live:
        assert again[key] == live[key], key


def test_the_warc_holds_redirects_robots_and_https(roundtrip: dict[str, Any]) -> None:
    index = roundtrip["index"]
    assert len(roundtrip["warcs"]) == len(SLUGS)  # one file per agency crawl
    # Each redirect hop is its own exchange: an old URL's 301 inside the site. (The apex twin's 301 is the
    # probes' to see: the crawler no longer fetches the twin host, so its WARC holds no exchange with it.)
    assert index.lookup("GET", "https", "dopa.test", "/") is None
    moved = index.lookup("GET", "http", "www.dol.test", "/news.php")
    assert moved is not None and (moved.status, moved.header("Location")) == (301, "/news/")
    assert index.lookup("GET", "https", "www.dopa.test", "/robots.txt") is not None
    assert index.schemes("www.dol.test") == {"http"}
    assert any(method == "HEAD" for method, *_ in index.responses)  # link checks, kept apart from GET
