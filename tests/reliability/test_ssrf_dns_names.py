"""The crawler's refusal of a DNS name that answers a non-public address is ``blocked_address`` (audit L3).

The resolver drops such answers (SSRF through a DNS answer), which Twisted then reports as an ordinary failed
lookup: the crawler recorded the refusal as ``dns_error``, so a report counted a guarded attack as a broken
site. ``localhost`` is such a name on every system (``/etc/hosts``, no network needed): a page redirecting
there must be stored as refused, and nothing may reach the loopback server under that name.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from sqlalchemy import select

from egov_crawl import failures
from egov_crawl.crawler.runner import crawl
from egov_crawl.store.models import Page
from tests.fixtures.loopback import LoopbackSites, Reply
from tests.fixtures.loopback_crawl import FAST, html, registry, session

pytestmark = pytest.mark.slow  # each test starts a crawl in a child process


def test_a_redirect_to_a_name_with_a_private_answer_is_blocked_address(tmp_path: Path) -> None:
    site = {"/": Reply(body=html("กรมไอโอตา", [("/go", "ไป")]))}
    sites = LoopbackSites({"www.iota.test": site})
    sites.start()
    site["/go"] = Reply(302, b"", {"Location": f"http://localhost:{sites.port}/internal"}, content_type=None)
    db = tmp_path / "c.db"
    try:
        # Not strict: names outside the map go to the system resolver, as every name does in production.
        hostmap = dataclasses.replace(sites.hostmap(), strict=False)
        summary = crawl(
            registry(("iota", "http://www.iota.test/")),
            None,
            db_url=f"sqlite:///{db}",
            hostmap=hostmap,
            polite=False,
            settings=FAST,
            log_file=tmp_path / "crawl.log",
        )
    finally:
        sites.stop()
    assert [(a.status, a.pages) for a in summary.agencies] == [("complete", 2)]
    with session(db) as s:
        stored = {p.url.removeprefix("http://www.iota.test"): p.error_class for p in s.scalars(select(Page))}
    assert stored == {"/": None, "/go": failures.BLOCKED_ADDRESS}
    assert not [hit for hit in sites.hits if hit.host == "localhost"]
