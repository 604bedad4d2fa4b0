"""A journey's fill values stay in the registry file (audit L2: they were copied into ``agency.entry``,
``site_crawl.registry_entry`` and the crawl child's job file).

A registry whose e-service journey types a (made-up) citizen ID is crawled from a loopback site. Neither the
store (the whole SQLite file, byte for byte) nor the job file the crawl child reads may contain the value; the
stored entries say that a value was configured, which is all anything that reads them needs.
"""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from egov_crawl.crawler import runner as crawler_runner
from egov_crawl.crawler.runner import crawl
from egov_crawl.hostmap import HostMap, Target
from egov_crawl.registry.models import Agency, EService, JourneyStep, Names, Registry
from egov_crawl.store import repository
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.store.models import Agency as AgencyRow
from tests.fixtures.http_server import serving

pytestmark = pytest.mark.slow  # each test starts a crawl in a child process

SITE = "www.fill.test"
SECRET = "3-1009-99999-12-7"  # a made-up citizen ID a journey types into a form
PAGE = b'<!DOCTYPE html><html lang="th"><head><title>x</title></head><body><a href="/form">form</a></body></html>'


class _Site(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"User-agent: *\nAllow: /\n" if self.path == "/robots.txt" else PAGE
        self.send_response(200)
        self.send_header("Content-Type", "text/plain" if self.path == "/robots.txt" else "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def port() -> Iterator[int]:
    with serving(_Site) as port:
        yield port


def test_fill_values_reach_neither_the_store_nor_the_job_file(
    port: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = [
        JourneyStep(action="goto", target=f"http://{SITE}/form"),
        JourneyStep(action="fill", target="#citizen-id", value=SECRET),
        JourneyStep(action="expect_text", target="main", value="ผลการค้นหา"),
    ]
    service = EService(id="lookup", name=Names(en="lookup"), url=f"http://{SITE}/form", steps=steps)
    agency = Agency(
        id="fill", name=Names(en="Fill"), cohort="department", homepage=f"http://{SITE}/", eservices=[service]
    )
    registry = Registry(version=1, agencies=[agency])
    job_files: list[str] = []
    save = crawler_runner.CrawlJob.save

    def keep_a_copy(job: Any, path: Path) -> None:  # the job file is removed when the crawl ends
        save(job, path)
        job_files.append(path.read_text(encoding="utf-8"))

    monkeypatch.setattr(crawler_runner.CrawlJob, "save", keep_a_copy)
    db = tmp_path / "fill.db"
    hostmap = HostMap({(SITE, 80): Target("127.0.0.1", port)}, allow_private_networks=True)
    summary = crawl(
        registry, ["fill"], db_url=f"sqlite:///{db}", hostmap=hostmap, max_pages=3, polite=False,
        log_file=tmp_path / "crawl.log",
    )  # fmt: skip
    assert summary.pages >= 1
    assert job_files and not [text for text in job_files if SECRET in text]
    assert SECRET.encode() not in db.read_bytes()
    with session_factory(open_store(f"sqlite:///{db}"))() as session:
        entry = session.get(AgencyRow, "fill").entry
        (crawl_row,) = repository.site_crawls_for_run(session, summary.run_id)
    for stored in (entry, crawl_row.registry_entry):
        fill = stored["eservices"][0]["steps"][1]
        assert fill == {"action": "fill", "target": "#citizen-id", "note": None, "allow_submit": False,
                        "value_configured": True}  # fmt: skip
        assert stored["eservices"][0]["steps"][2]["value"] == "ผลการค้นหา"  # expected text is no secret
