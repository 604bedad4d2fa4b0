"""robots.txt and the operator's contact in the probes and the browser (audit L5: both ignored ``--contact`` and
visited sites whose robots.txt disallows everything).

One loopback server plays two agencies' hosts and logs every request with its User-Agent:

- ``www.closed.test``: ``User-agent: *`` / ``Disallow: /``. The browser opens nothing there (each job's facts are
  ``blocked_by_robots``, NOT_OBSERVED); the probes only make their infrastructure requests (one GET of the home
  page for each of the https and headers kinds, security.txt) and store availability and not-found as
  ``blocked_by_robots``.
- ``www.open.test``: a group for our agent disallows ``/private/``: its home page is browsed, its e-service under
  ``/private/`` is not.

Every request of both collectors carries exactly the crawler's User-Agent with the contact URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any, ClassVar

import pytest

from egov_crawl import failures
from egov_crawl.browser.runner import JOB_KINDS, browse
from egov_crawl.crawler.settings import user_agent as crawler_user_agent
from egov_crawl.hostmap import HostMap, Target
from egov_crawl.probes import facts
from egov_crawl.probes.runner import probe
from egov_crawl.registry.models import Agency, EService, JourneyStep, Names, Registry
from egov_crawl.store import repository
from egov_crawl.store.db import open_store, session_factory
from tests.fixtures import store_queries
from tests.fixtures.http_server import serving
from tests.fixtures.requirements import require_chromium

pytestmark = pytest.mark.browser

CLOSED, OPEN = "www.closed.test", "www.open.test"
CONTACT = "https://survey.example.test/contact"
ROBOTS = {CLOSED: "User-agent: *\nDisallow: /\n", OPEN: "User-agent: egov-crawl\nDisallow: /private/\n"}
PAGE = '<!DOCTYPE html><html lang="th"><head><title>หน้าแรก</title></head><body><main><p>บริการ</p></main></body></html>'


class _Site(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    log: ClassVar[list[tuple[str, str, str]]] = []  # (host, path, user agent)

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").split(":")[0]
        self.log.append((host, self.path, self.headers.get("User-Agent") or ""))
        if self.path == "/robots.txt":
            self._send(ROBOTS[host].encode(), "text/plain")
        elif self.path.startswith("/.well-known/") or self.path.startswith("/egov-crawl-"):
            self._send(b"not found", "text/plain", 404)
        else:
            self._send(PAGE.encode(), "text/html; charset=utf-8")

    def do_HEAD(self) -> None:
        self.do_GET()

    def _send(self, body: bytes, content_type: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[int]:
    with serving(_Site) as port:
        yield port


def _registry() -> Registry:
    def agency(slug: str, host: str, service_path: str) -> Agency:
        url = f"http://{host}{service_path}"
        steps = [JourneyStep(action="goto", target=url)]
        service = EService(id="form", name=Names(en="form"), url=url, steps=steps)
        return Agency(
            id=slug, name=Names(en=slug), cohort="department", homepage=f"http://{host}/", eservices=[service]
        )

    return Registry(version=1, agencies=[agency("closed", CLOSED, "/form"), agency("open", OPEN, "/private/form")])


@pytest.fixture(scope="module")
def collected(server: int, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    require_chromium()
    tmp = tmp_path_factory.mktemp("robots")
    db_url = f"sqlite:///{tmp / 'r.db'}"
    target = Target("127.0.0.1", server)
    hostmap = HostMap({(CLOSED, 80): target, (OPEN, 80): target}, allow_private_networks=True)
    registry = _registry()
    _Site.log.clear()
    summary = browse(
        registry, None, db_url=db_url, run_id=None, hostmap=hostmap, evidence_dir=tmp / "evidence", contexts=1,
        crawl_sample=False, contact_url=CONTACT,
    )  # fmt: skip
    browser_log = list(_Site.log)
    _Site.log.clear()
    probe(registry, None, db_url=db_url, run_id=summary.run_id, hostmap=hostmap, contact_url=CONTACT)
    with session_factory(open_store(db_url))() as session:
        browser_rows = repository.browser_facts(session, summary.run_id)
        probe_rows = store_queries.probe_facts(session, summary.run_id)
    return {"browser": browser_rows, "probes": probe_rows, "browser_log": browser_log, "probe_log": list(_Site.log)}


def test_every_request_carries_the_crawlers_user_agent_with_the_contact(collected: dict[str, Any]) -> None:
    agents = {agent for _, _, agent in collected["browser_log"] + collected["probe_log"]}
    assert agents == {crawler_user_agent(CONTACT)}
    assert CONTACT in crawler_user_agent(CONTACT)


def test_the_browser_opens_nothing_on_a_site_that_disallows_everything(collected: dict[str, Any]) -> None:
    assert {path for host, path, _ in collected["browser_log"] if host == CLOSED} == {"/robots.txt"}
    rows = [r for r in collected["browser"] if r.agency_id == "closed"]
    assert {r.kind for r in rows} == {k for kinds in JOB_KINDS.values() for k in kinds}
    assert {r.error_class for r in rows} == {failures.BLOCKED_BY_ROBOTS}
    assert {r.payload["not_requested"] for r in rows} == {"robots_disallowed"}


def test_the_browser_obeys_a_group_for_its_agent(collected: dict[str, Any]) -> None:
    paths = {path for host, path, _ in collected["browser_log"] if host == OPEN}
    assert "/" in paths and not [p for p in paths if p.startswith("/private/")]
    rows = {(r.url, r.kind): r for r in collected["browser"] if r.agency_id == "open"}
    assert rows[(f"http://{OPEN}/", "page")].error_class is None
    assert rows[(f"http://{OPEN}/private/form", "page")].error_class == failures.BLOCKED_BY_ROBOTS
    assert rows[(f"http://{OPEN}/private/form", "journey")].error_class == failures.BLOCKED_BY_ROBOTS


def test_the_probes_make_only_infrastructure_requests_to_a_closed_site(collected: dict[str, Any]) -> None:
    paths = [path for host, path, _ in collected["probe_log"] if host == CLOSED]
    # robots.txt, the home page once for the https kind's endpoint and once for its headers (not the three
    # availability samples), security.txt (an RFC 9116 well-known URI); not the not-found probe's invented path
    assert paths.count("/") == 2, paths
    assert set(paths) <= {"/robots.txt", "/", "/.well-known/security.txt"}, paths
    kinds = {r.kind: r for r in collected["probes"] if r.agency_id == "closed" and r.host == CLOSED}
    for kind in (facts.KIND_AVAILABILITY, facts.KIND_NOT_FOUND):
        assert kinds[kind].error_class == failures.BLOCKED_BY_ROBOTS
        assert kinds[kind].payload["not_requested"] == "robots_disallowed"
        assert kinds[kind].payload["error_class"] == failures.BLOCKED_BY_ROBOTS  # as every probe payload
    assert kinds[facts.KIND_HTTP].error_class is None  # headers of the home page: observed
    opened = [r for r in collected["probes"] if r.agency_id == "open" and r.host == OPEN]
    assert failures.BLOCKED_BY_ROBOTS not in {r.error_class for r in opened}
