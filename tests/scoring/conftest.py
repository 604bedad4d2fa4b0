"""Scoring fixtures: small SiteFacts built in the test (facts, not mocks), and one crawl of the testbed per session.

The crawled store is scored once with the manifest's reference date (the generated news is dated relative to it,
never to the wall clock); tests that change the store work on a copy.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from egov_crawl.browser.runner import browse
from egov_crawl.probes.dns import Nameserver
from egov_crawl.probes.net import ProbeConfig
from egov_crawl.probes.runner import probe
from egov_crawl.registry import load_registry
from egov_crawl.scoring.engine import AgencyScore, score_run
from egov_crawl.scoring.facts import CrawlFacts, LinkFacts, PageFacts, SiteFacts
from egov_crawl.testbed.process import TestbedHandle
from tests.crawler.test_testbed_crawl import crawl_testbed

AS_OF = date(2026, 11, 20)
BLOCKING = "hostile-norobots"  # robots.txt disallows everything: the crawler reads nothing


def page(url: str, title: str = "", *, status: int = 200, lang: str = "th", **facts: Any) -> PageFacts:
    facts.setdefault("text", {"all": title})
    facts.setdefault("text_length", 1000)
    return PageFacts(url, url, status, "text/html; charset=utf-8", title, lang, 0, None, facts)


def link(source: str, target: str, text: str, *, status: int | None = 200, region: str = "main") -> LinkFacts:
    return LinkFacts(source, target, text, region, target.startswith("https://www.x.test"), status)


def site(
    *pages: PageFacts,
    links: tuple[LinkFacts, ...] = (),
    status: str = "complete",
    error_class: str | None = None,
    site_facts: dict[str, Any] | None = None,
    cohort: str = "department",
    **extra: Any,
) -> SiteFacts:
    """A crawled agency at https://www.x.test/ whose home page is the first page given."""
    crawl = CrawlFacts(status, "finished", error_class, len(pages), 200, {}, site_facts or {})
    return SiteFacts(
        agency_id="x",
        cohort=cohort,
        homepage="https://www.x.test/",
        run_id=1,
        as_of=AS_OF,
        crawl=crawl,
        pages=pages,
        links=links,
        **extra,
    )


HOME = "https://www.x.test/"


@dataclass(frozen=True)
class Scored:
    db: Path
    url: str
    manifest: dict[str, Any]
    scores: dict[str, AgencyScore]
    slugs: list[str]


@pytest.fixture(scope="session")
def scored(testbed: TestbedHandle, tmp_path_factory: pytest.TempPathFactory) -> Scored:
    """Every sample agency and the crawler-blocking hostile site, crawled and probed once, scored (run 1).

    The browser sees each home page, the journeys and the site search (not the crawl sample: the indicators of
    the manifest need no more), which keeps the session's browse to about a minute.
    """
    tmp = tmp_path_factory.mktemp("scoring-crawl")
    slugs = [s["slug"] for s in testbed.manifest["sites"]] + [BLOCKING]
    crawl_testbed(testbed, slugs, tmp, max_pages=1000, polite=False)
    url = f"sqlite:///{tmp / 'c.db'}"
    assert testbed.dns_port is not None
    probe(
        load_registry(testbed.registry_path),
        slugs,
        db_url=url,
        run_id=1,
        hostmap=testbed.hostmap,
        ca_file=testbed.ca_pem,
        dns_server=Nameserver("127.0.0.1", testbed.dns_port),
        trust_anchors=testbed.state["dns_trust_anchors"],
        config=ProbeConfig(request_timeout=3.0, connect_timeout=2.0, host_timeout=25.0, sample_interval=0.05),
    )
    browse(
        load_registry(testbed.registry_path),
        slugs,
        db_url=url,
        run_id=1,
        hostmap=testbed.hostmap,
        ca_file=testbed.ca_pem,
        evidence_dir=tmp / "evidence",
        crawl_sample=False,
    )
    scores = {s.agency_id: s for s in score_run(url, 1, as_of=AS_OF)}
    return Scored(tmp / "c.db", url, testbed.manifest, scores, slugs)


@pytest.fixture()
def scored_copy(scored: Scored, tmp_path: Path) -> str:
    """A private copy of the scored store, for tests that write to it."""
    target = tmp_path / "copy.db"
    # SQLite's backup API, not a file copy: the store runs in WAL mode and recent pages live in the -wal file.
    with sqlite3.connect(scored.db) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return f"sqlite:///{target}"
