"""Acceptance on real government material: data.gov.uk as archived by the British Library (March 2014).

The WARC in ../shared/realweb/ (see its README) is replayed on loopback — each recorded URL answers with its
recorded status, headers and body — and crawled by egov-crawl. The facts stored are compared with the archive,
which no one on this team wrote: statuses, titles, headers, robots.txt rules (and that nothing they disallow is
requested), forms. Skipped when the material is absent (a fresh clone has no ../shared).
"""

from __future__ import annotations

import html as html_lib
import re
import urllib.robotparser
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from aiohttp import web
from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from egov_crawl.store.models import Form, Page
from tests.crawler.loopback import LoopbackSites, Reply
from tests.crawler.test_crawl import pages_of, registry, run_crawl, session, site_crawl

REALWEB = Path(__file__).resolve().parents[2].parent / "shared" / "realweb"
WARC = REALWEB / "BL-20140325121225068-00000-32090~opera~8443.warc.gz"
HOST = "data.gov.uk"
# Hop-by-hop and framing headers: the replay server frames the body itself.
DROPPED = {"content-length", "transfer-encoding", "connection", "content-encoding", "content-type", "keep-alive"}

pytestmark = pytest.mark.skipif(not WARC.is_file(), reason=f"real-web material not found at {REALWEB}")


@dataclass
class Recorded:
    status: int
    headers: list[tuple[str, str]]
    content_type: str | None
    body: bytes


def key(path_and_query: str) -> str:
    return unquote(path_and_query)


def load_archive() -> dict[str, Recorded]:
    recorded: dict[str, Recorded] = {}
    with WARC.open("rb") as stream:
        for record in ArchiveIterator(stream):
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            if record.rec_type != "response" or urlsplit(uri).hostname != HOST or record.http_headers is None:
                continue
            parts = urlsplit(uri)
            headers = [(n, v) for n, v in record.http_headers.headers if n.lower() not in DROPPED]
            recorded[key(parts.path + (f"?{parts.query}" if parts.query else ""))] = Recorded(
                int(record.http_headers.get_statuscode()),
                headers,
                record.http_headers.get_header("Content-Type"),
                record.content_stream().read(),
            )
    return recorded


def archived_title(body: bytes) -> str | None:
    """The title as written in the archived HTML, read without the crawler's parser."""
    match = re.search(rb"<title[^>]*>(.*?)</title>", body, re.S | re.I)
    return " ".join(html_lib.unescape(match[1].decode("utf-8")).split()) if match else None


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    archive = load_archive()

    def answer(request: web.Request) -> Reply:
        found = archive.get(key(request.raw_path))
        if found is None:
            return Reply(404, b"not archived", content_type="text/plain")
        return Reply(found.status, found.body, dict(found.headers), found.content_type)

    sites = LoopbackSites({HOST: {}})
    sites.fallback[HOST] = answer
    sites.start()
    tmp = tmp_path_factory.mktemp("realweb")
    db = tmp / "crawl.db"
    # data.gov.uk asks for Crawl-delay: 10; honouring it is tested elsewhere, so it is capped here.
    run_crawl(
        sites,
        registry(("data-gov-uk", f"http://{HOST}/")),
        db,
        tmp,
        max_pages=150,
        max_depth=1,
        settings={"EGOV_MAX_CRAWL_DELAY": 0.0},
    )
    yield {"sites": sites, "db": db, "archive": archive}
    sites.stop()


def archived_pages(replay: dict[str, Any]) -> dict[str, tuple[Page, Recorded]]:
    pages = pages_of(replay["db"], "data-gov-uk")
    out = {}
    for url, page in pages.items():
        parts = urlsplit(url)
        recorded = replay["archive"].get(key(parts.path + (f"?{parts.query}" if parts.query else "")))
        if recorded is not None:
            out[url] = (page, recorded)
    return out


def test_archived_pages_are_crawled_with_their_recorded_status_and_title(replay: dict[str, Any]) -> None:
    matched = archived_pages(replay)
    html_pages = {u: pr for u, pr in matched.items() if (pr[1].content_type or "").startswith("text/html")}
    assert len(html_pages) >= 30  # the home page links to most of what the archive holds
    for url, (page, recorded) in html_pages.items():
        if recorded.status in (301, 302):
            continue
        assert page.status == recorded.status, url
        assert page.title == archived_title(recorded.body), url
    assert matched[f"http://{HOST}/interact"][0].status == 404


def test_recorded_headers_are_stored(replay: dict[str, Any]) -> None:
    home, recorded = archived_pages(replay)[f"http://{HOST}/"]
    stored = home.facts["headers"]
    for name, value in recorded.headers:
        if name.lower() not in ("date", "vary"):
            assert stored[name.lower()] == value, name
    assert stored["x-app"] == "drupal"


def test_robots_txt_rules_are_recorded_and_obeyed(replay: dict[str, Any]) -> None:
    body = replay["archive"]["/robots.txt"].body.decode()
    robots = site_crawl(replay["db"], "data-gov-uk").site_facts["robots"]
    assert robots["body"] == body
    (group,) = robots["groups"]
    assert group["crawl_delay"] == 10.0
    assert group["disallow"] == [
        line.split(":", 1)[1].strip() for line in body.splitlines() if line.startswith("Disallow:")
    ]
    # An independent parser (the standard library's) agrees that nothing requested was disallowed.
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(body.splitlines())
    requested = [h.path for h in replay["sites"].hits if h.path != "/robots.txt"]
    assert requested and all(parser.can_fetch("egov-crawl", f"http://{HOST}{path}") for path in requested)
    assert not [path for path in requested if path.startswith("/user")]  # the login page: Disallow: /user


def test_the_contact_form_is_recorded(replay: dict[str, Any]) -> None:
    contact, recorded = archived_pages(replay)[f"http://{HOST}/contact"]
    with session(replay["db"]) as s:
        forms = s.scalars(select(Form).where(Form.page_id == contact.id)).all()
    tags = re.findall(rb"<form[^>]*>", recorded.body, re.I)
    # No method attribute means GET (HTML Living Standard, form submission: the method's missing value default).
    archived = [
        (m[1].decode().upper() if (m := re.search(rb'method="([a-z]+)"', tag, re.I)) else "GET") for tag in tags
    ]
    assert sorted(f.method for f in forms) == sorted(archived) == ["GET", "POST"]
    post = next(f for f in forms if f.method == "POST")
    assert post.action == f"http://{HOST}/contact"
