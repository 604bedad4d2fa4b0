"""Issue 10, SSRF guard: no collector reaches a non-public address unless the host map allows private networks.

The testbed's ``www.privateredirect.test`` looks like any agency site, but every page redirects to the cloud
metadata endpoint (169.254.169.254). The testbed's host map allows private networks (its own loopback
listeners), yet the redirect target is an address met on the network, so the crawler, the probes and the browser
all refuse it and store the refusal as a fact (``blocked_address``). Without ``allow_private_networks`` even the
testbed's own loopback targets are refused before any request leaves.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from egov_crawl import failures
from egov_crawl.browser.runner import browse
from egov_crawl.hostmap import HostMap
from egov_crawl.netguard import is_public_address, refusal, with_private_networks
from egov_crawl.probes.net import Fetcher, ProbeConfig
from egov_crawl.registry import load_registry
from egov_crawl.store import repository
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.store.models import Page, SiteCrawl
from egov_crawl.testbed.hostile import PRIVATE_REDIRECT_TARGET
from egov_crawl.testbed.process import TestbedHandle
from tests.fixtures import store_queries
from tests.fixtures.crawl import crawl_testbed

SSRF_SITE = "hostile-privateredirect"
SSRF_URL = "https://www.privateredirect.test/"


def _pages(db: Path, agency: str) -> list[Page]:
    with session_factory(open_store(f"sqlite:///{db}"))() as session:
        crawl = session.scalars(select(SiteCrawl).where(SiteCrawl.agency_id == agency)).one()
        return list(session.scalars(select(Page).where(Page.site_crawl_id == crawl.id)))


def _without_private(hostmap: HostMap) -> HostMap:
    return dataclasses.replace(hostmap, allow_private_networks=False)


@pytest.fixture(scope="module")
def guarded_crawl(testbed: TestbedHandle, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("ssrf")
    summary = crawl_testbed(testbed, [SSRF_SITE], tmp, max_pages=5, polite=False)
    return {"db": tmp / "c.db", "summary": summary, "tmp": tmp}


def test_the_address_rule() -> None:
    assert is_public_address("203.150.0.10") and is_public_address("2001:4860::8888")
    for address in (
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "127.0.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
    ):
        assert not is_public_address(address), address  # fmt: skip
    assert refusal("169.254.169.254", 80, None)
    assert refusal("[::1]", 443, None)
    assert refusal("www.example.test", 443, None) is None  # names are checked on the answer, at connect time


def test_the_default_configuration_never_allows_private_networks() -> None:
    assert HostMap().allow_private_networks is False
    assert HostMap.from_json({"entries": []}).allow_private_networks is False
    mapped = HostMap.from_json({"entries": [{"host": "a.test", "port": 80, "ip": "127.0.0.1", "target_port": 1}]})
    assert refusal("a.test", 80, mapped)
    assert refusal("a.test", 80, with_private_networks(mapped, True)) is None


def test_crawler_refuses_a_redirect_to_the_metadata_address_and_records_it(guarded_crawl: dict[str, Any]) -> None:
    pages = _pages(guarded_crawl["db"], SSRF_SITE)
    assert pages, "the home page is stored as a fact"
    home = next(p for p in pages if p.url == SSRF_URL)
    assert home.error_class == failures.BLOCKED_ADDRESS
    assert all(p.error_class == failures.BLOCKED_ADDRESS for p in pages if p.status is None)


def test_probe_refuses_the_redirect_after_recording_the_hop(testbed: TestbedHandle) -> None:
    async def fetch() -> Any:
        async with Fetcher(ProbeConfig(hostmap=testbed.hostmap, ca_file=testbed.ca_pem)) as fetcher:
            return await fetcher.fetch(SSRF_URL)

    result = asyncio.run(fetch())
    assert result.error_class == failures.BLOCKED_ADDRESS
    assert [hop["location"] for hop in result.chain] == [PRIVATE_REDIRECT_TARGET]  # seen, not followed


def test_without_allow_private_networks_no_collector_reaches_the_loopback_testbed(
    testbed: TestbedHandle, tmp_path: Path
) -> None:
    site = next(s for s in testbed.manifest["sites"] if s["quality"]["tls"] == "valid")
    since, _ = testbed.requests()
    closed = _without_private(testbed.hostmap)
    from egov_crawl.crawler.runner import crawl

    crawl(
        load_registry(testbed.registry_path), [site["slug"]], db_url=f"sqlite:///{tmp_path / 'c.db'}",
        hostmap=closed, ca_file=testbed.ca_pem, max_pages=3, polite=False, log_file=tmp_path / "crawl.log",
    )  # fmt: skip

    async def fetch() -> Any:
        async with Fetcher(ProbeConfig(hostmap=closed, ca_file=testbed.ca_pem)) as fetcher:
            return await fetcher.fetch(site["homepage"])

    assert asyncio.run(fetch()).error_class == failures.BLOCKED_ADDRESS
    _, log = testbed.requests(since)
    host = site["homepage"].split("/")[2]
    assert not [r for r in log if r.get("host", "").split(":")[0] == host], "a request reached the testbed"
    with session_factory(open_store(f"sqlite:///{tmp_path / 'c.db'}"))() as session:
        classes = {p.error_class for p in session.scalars(select(Page))}
        crawls = {c.error_class for c in session.scalars(select(SiteCrawl))}
    assert failures.BLOCKED_ADDRESS in classes | crawls, (classes, crawls)


def test_browser_refuses_the_redirect_and_records_it(
    chromium: object, testbed: TestbedHandle, guarded_crawl: dict[str, Any]
) -> None:
    db_url = f"sqlite:///{guarded_crawl['db']}"
    summary = browse(
        load_registry(testbed.registry_path), [SSRF_SITE], db_url=db_url, run_id=guarded_crawl["summary"].run_id,
        hostmap=testbed.hostmap, ca_file=testbed.ca_pem, evidence_dir=guarded_crawl["tmp"] / "evidence", contexts=1,
    )  # fmt: skip
    with session_factory(open_store(db_url))() as session:
        rows = [r for r in repository.browser_facts(session, summary.run_id) if r.url == SSRF_URL]
    assert rows
    assert {r.error_class for r in rows if r.kind == "page"} == {failures.BLOCKED_ADDRESS}
    refused = [url for r in rows if r.error_class for url in r.payload["refused"]]
    assert refused and all(url.startswith(PRIVATE_REDIRECT_TARGET) for url in refused)


@pytest.mark.parametrize("allow", [False, True], ids=["default", "allow-private-networks"])
def test_the_allow_private_networks_flag_of_a_command(testbed: TestbedHandle, tmp_path: Path, allow: bool) -> None:
    """A host map whose targets are loopback: refused by default, reached with ``--allow-private-networks``."""
    hostmap = tmp_path / "hostmap.json"
    _without_private(testbed.hostmap).save(hostmap)
    db = tmp_path / "p.db"
    flag = ["--allow-private-networks"] if allow else []
    result = subprocess.run(
        [sys.executable, "-m", "egov_crawl", "probe", "dopa", "--hostmap", str(hostmap), "--ca-file",
         str(testbed.ca_pem), "--db", str(db), *flag],
        capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "EGOV_CRAWL_REGISTRY": str(testbed.registry_path)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with session_factory(open_store(f"sqlite:///{db}"))() as session:
        http = [f for f in store_queries.probe_facts(session, 1, "dopa") if f.kind == "http"]
    assert http and {f.error_class for f in http} == ({None} if allow else {failures.BLOCKED_ADDRESS})
