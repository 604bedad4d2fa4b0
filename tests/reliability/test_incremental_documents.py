"""An incremental run stores the same documents as the full run before it (audit M2).

Incremental crawls are what ``egov-crawl run`` does every night after the first. Pages that answer 304 Not
Modified are stored as copies of the earlier night's rows; their links and forms were copied, their documents
were not, so from the second night on the store held almost no ``document`` rows (52 → 0 and 171 → 0 in the
audit) and the browser's document sample and the catalogue check went blind.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from egov_crawl.crawler.runner import CrawlSummary, crawl
from egov_crawl.registry import load_registry
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.store.models import Document, Page, SiteCrawl
from egov_crawl.testbed.process import TestbedHandle

AGENCIES = ["revenue", "dopa"]  # revenue: the most documents of the sample; dopa: a small second site


def crawl_testbed(testbed: TestbedHandle, db_url: str, tmp: Path, **options: Any) -> CrawlSummary:
    return crawl(
        load_registry(testbed.registry_path),
        AGENCIES,
        db_url=db_url,
        hostmap=testbed.hostmap,
        ca_file=testbed.ca_pem,
        polite=False,
        log_file=tmp / "crawl.log",
        **options,
    )


def documents_by_agency(db_url: str, run_id: int) -> dict[str, set[tuple[Any, ...]]]:
    """What a check reads of each document: URL, format, and what the HEAD check found."""
    with session_factory(open_store(db_url))() as session:
        rows = session.execute(
            select(SiteCrawl.agency_id, Document.url, Document.format, Document.status, Document.size_bytes)
            .join(Document)
            .where(SiteCrawl.run_id == run_id)
        ).all()
    found: dict[str, set[tuple[Any, ...]]] = {}
    for agency, *row in rows:
        found.setdefault(agency, set()).add(tuple(row))
    return found


def copied_pages(db_url: str, run_id: int) -> int:
    with session_factory(open_store(db_url))() as session:
        pages = session.scalars(select(Page).join(SiteCrawl).where(SiteCrawl.run_id == run_id)).all()
        return sum(1 for page in pages if "copied_from_page" in (page.facts or {}))


def test_a_second_incremental_run_stores_the_same_documents(testbed: TestbedHandle, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    first = crawl_testbed(testbed, db_url, tmp_path)
    second = crawl_testbed(testbed, db_url, tmp_path, incremental=True)

    assert [a.status for a in second.agencies] == ["complete"] * len(AGENCIES)
    assert copied_pages(db_url, second.run_id) > 0, "the testbed answered no conditional request with 304"
    full, incremental = documents_by_agency(db_url, first.run_id), documents_by_agency(db_url, second.run_id)
    assert set(full) == set(AGENCIES) and all(full.values()), full
    assert {a: len(d) for a, d in incremental.items()} == {a: len(d) for a, d in full.items()}
    assert {a: incremental[a] ^ full[a] for a in AGENCIES} == {a: set() for a in AGENCIES}
