"""Page facts keep what the cookie checks read of ``Set-Cookie`` — names and attributes — never values (audit L2).

Session ids were stored verbatim in ``page.facts.headers``: a credential in a store kept for years and exported.
INF-07 (cookies-and-consent) judges a cookie by its Secure, HttpOnly and SameSite attributes, which are kept.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from egov_crawl.crawler.cookies import without_value
from egov_crawl.store.models import Page
from tests.fixtures.loopback import LoopbackSites, Reply
from tests.fixtures.loopback_crawl import html, registry, run_crawl, session

SESSION = "sid=9f8e7d6c5b4a-SECRET; Path=/; Domain=www.mu.test; Max-Age=3600; Secure; HttpOnly; SameSite=Lax"
PREFERENCE = "lang=th-SECRET; Expires=Wed, 21 Oct 2026 07:28:00 GMT; Path=/"


class CookieReply(Reply):
    def render(self):  # type: ignore[no-untyped-def]
        response = super().render()
        response.headers.add("Set-Cookie", SESSION)
        response.headers.add("Set-Cookie", PREFERENCE)
        return response


@pytest.mark.slow  # a crawl in a child process
def test_set_cookie_is_stored_without_values(tmp_path: Path) -> None:
    sites = LoopbackSites({"www.mu.test": {"/": CookieReply(body=html("กรมมิว"))}}).start()
    try:
        run_crawl(sites, registry(("mu", "http://www.mu.test/")), tmp_path / "c.db", tmp_path)
    finally:
        sites.stop()
    with session(tmp_path / "c.db") as s:
        [home] = s.scalars(select(Page)).all()
        stored = home.facts["headers"]["set-cookie"]
    assert "SECRET" not in str(home.facts)
    assert stored == [
        "sid=; Path=/; Domain=www.mu.test; Max-Age; Secure; HttpOnly; SameSite=Lax",
        "lang=; Expires; Path=/",
    ]


def test_what_the_cookie_check_reads_is_unchanged() -> None:
    """INF-07's crawled-header rule: Secure, HttpOnly and SameSite all present (case-insensitive)."""

    def flags(value: str) -> tuple[bool, bool, bool]:
        lowered = value.lower()
        return "secure" in lowered, "httponly" in lowered, "samesite" in lowered

    for header in (SESSION, PREFERENCE, "a=b", "x=1; secure", "Secure=1; HttpOnly", "k=v; SameSite=None; Secure"):
        assert flags(without_value(header)) == flags(header), header
