"""Probe many agencies at once: asyncio across hosts, politeness per host, hard time limits, facts to the store.

``probe()`` is what the CLI and the nightly run call. Per agency it probes each domain (``https``, ``dns``) and
each web host (``tls``, ``http``, ``availability``, ``not_found``, ``security_txt``; see ``probes.facts``),
at most ``concurrency`` hosts at a time, and writes the agency's rows as soon as its probes are done, so an
interrupted run keeps what it saw. A failing host never stops the others: every failure is an error class.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from egov_crawl import failures
from egov_crawl.errors import UserError
from egov_crawl.hostmap import HostMap
from egov_crawl.identity import user_agent
from egov_crawl.probes import facts
from egov_crawl.probes.dns import Nameserver, TrustAnchors, parse_nameserver, probe_dns
from egov_crawl.probes.https import error_class as https_error_class
from egov_crawl.probes.https import probe_https
from egov_crawl.probes.net import Fetcher, ProbeConfig, base_domain
from egov_crawl.probes.robots import Robots, RobotsCache, origin_of
from egov_crawl.probes.tls import probe_tls
from egov_crawl.probes.web import (
    availability_fact,
    home_samples,
    http_fact,
    probe_not_found,
    probe_security_txt,
)
from egov_crawl.registry.models import Agency, Registry
from egov_crawl.store import repository
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.store.models import Run

DEFAULT_CONCURRENCY = 16
DNS_TIMEOUT = 30.0


@dataclass(frozen=True)
class FactRow:
    agency_id: str
    host: str
    kind: str
    payload: dict[str, Any]
    error_class: str | None
    seconds: float = 0.0

    def to_row(self) -> dict[str, Any]:
        return {"host": self.host, "kind": self.kind, "payload": self.payload, "error_class": self.error_class}


@dataclass(frozen=True)
class ProbeEvent:
    """Progress for the CLI: ``kind`` is "agency_started", "fact" or "agency_finished"."""

    kind: str
    agency_id: str
    host: str | None = None
    fact_kind: str | None = None
    error_class: str | None = None
    total: int = 0


EventHandler = Callable[[ProbeEvent], None]


@dataclass
class AgencyProbeResult:
    agency_id: str
    hosts: list[str]
    facts: int = 0
    error_classes: dict[str, int] = field(default_factory=dict)  # class -> number of rows
    seconds: float = 0.0
    rows: list[FactRow] = field(default_factory=list, repr=False)


@dataclass
class ProbeSummary:
    run_id: int
    agencies: list[AgencyProbeResult]
    seconds: float

    @property
    def facts(self) -> int:
        return sum(a.facts for a in self.agencies)

    @property
    def hosts(self) -> int:
        return sum(len(a.hosts) for a in self.agencies)

    @property
    def detail(self) -> str:
        """One line for the run log: hosts, facts and failed facts."""
        failed = sum(sum(a.error_classes.values()) for a in self.agencies)
        return f"{self.hosts} hosts, {self.facts} facts ({failed} with an error class) in {self.seconds:.1f} s"


def _timed_out(host: str, kind: str, budget: float) -> FactRow:
    # A kind that did not finish within the host's budget: the payload says so, the class is "timeout".
    payload = facts.TimedOut(host=host, timed_out=True, budget_seconds=budget)
    return FactRow("", host, kind, dict(payload), facts.TIMEOUT)


async def _guard(host: str, kind: str, budget: float, work: Awaitable[tuple[dict[str, Any], str | None]]) -> FactRow:
    started = time.perf_counter()
    try:
        async with asyncio.timeout(budget):
            payload, error = await work
    except TimeoutError:
        return _timed_out(host, kind, budget)
    return FactRow("", host, kind, payload, error, round(time.perf_counter() - started, 3))


async def _domain_rows(
    fetcher: Fetcher, domain: str, dns_server: Nameserver | None, anchors: TrustAnchors | None
) -> list[FactRow]:
    async def https() -> tuple[dict[str, Any], str | None]:
        fact = await probe_https(fetcher, domain)
        return dict(fact), https_error_class(fact)

    async def dns() -> tuple[dict[str, Any], str | None]:
        fact = await probe_dns(domain, nameserver=dns_server, trust_anchors=anchors)
        return dict(fact), fact["error_class"]

    budget = fetcher.config.host_timeout
    return list(
        await asyncio.gather(
            _guard(domain, facts.KIND_HTTPS, budget, https()),
            _guard(domain, facts.KIND_DNS, min(budget, DNS_TIMEOUT), dns()),
        )
    )


def _not_requested(host: str, kind: str, robots: Robots) -> FactRow:
    refusal = robots.refusal(f"{origin_of(robots.url)}/")
    payload = facts.NotRequested(
        host=host,
        error=refusal["error"],
        not_requested="robots_disallowed",
        robots_url=robots.url,
        error_class=failures.BLOCKED_BY_ROBOTS,
    )
    return FactRow("", host, kind, dict(payload), failures.BLOCKED_BY_ROBOTS)


async def _host_rows(fetcher: Fetcher, host: str, robots_cache: RobotsCache) -> list[FactRow]:
    """Every per-host kind; one budget for all of them (``host_timeout``).

    robots.txt (RFC 9309) governs which paths a crawler requests. What the probes observe of a host that
    disallows everything for our agent: the TLS handshake (no HTTP request at all), one GET of the home page for
    its headers and redirects (the ``https`` kind and pshtt make the same request of every endpoint: transport
    facts, not crawling), and ``/.well-known/security.txt`` (RFC 9116: a well-known URI published for automated
    retrieval, as robots.txt itself). Not requested there: the repeated availability samples and the invented
    path of the ``not_found`` probe; those kinds are stored as ``blocked_by_robots`` (NOT_OBSERVED in scoring).
    """
    config = fetcher.config
    rows: dict[str, FactRow] = {}

    async def run() -> None:
        tls = await probe_tls(fetcher, host)
        rows[facts.KIND_TLS] = FactRow("", host, facts.KIND_TLS, dict(tls), tls["error_class"])
        robots = await robots_cache.for_url(f"{'https' if tls['error_class'] is None else 'http'}://{host}/")
        closed = robots.disallows_everything()
        scheme, samples = await home_samples(fetcher, host, samples=1 if closed else None)
        http = http_fact(host, scheme, samples)
        rows[facts.KIND_HTTP] = FactRow("", host, facts.KIND_HTTP, dict(http), http["error_class"])
        if closed:
            rows[facts.KIND_AVAILABILITY] = _not_requested(host, facts.KIND_AVAILABILITY, robots)
            rows[facts.KIND_NOT_FOUND] = _not_requested(host, facts.KIND_NOT_FOUND, robots)
        else:
            availability = availability_fact(host, scheme, samples, config.sample_interval)
            rows[facts.KIND_AVAILABILITY] = FactRow(
                "", host, facts.KIND_AVAILABILITY, dict(availability), availability["error_class"]
            )
            not_found = await probe_not_found(fetcher, host, scheme)
            rows[facts.KIND_NOT_FOUND] = FactRow(
                "", host, facts.KIND_NOT_FOUND, dict(not_found), not_found["error_class"]
            )
        security_txt = await probe_security_txt(fetcher, host, scheme)
        rows[facts.KIND_SECURITY_TXT] = FactRow(
            "", host, facts.KIND_SECURITY_TXT, dict(security_txt), security_txt["error_class"]
        )

    try:
        async with asyncio.timeout(config.host_timeout):
            await run()
    except TimeoutError:
        pass  # the kinds not finished in time are stored as timed out below
    return [rows.get(kind) or _timed_out(host, kind, config.host_timeout) for kind in facts.HOST_KINDS]


async def probe_agency(
    fetcher: Fetcher,
    agency: Agency,
    *,
    dns_server: Nameserver | None,
    trust_anchors: TrustAnchors | None,
    limit: asyncio.Semaphore,
    robots_cache: RobotsCache | None = None,
) -> AgencyProbeResult:
    hosts = agency.all_hosts
    domains = list(dict.fromkeys(base_domain(h) for h in hosts))
    started = time.perf_counter()

    async def limited(work: Awaitable[list[FactRow]]) -> list[FactRow]:
        async with limit:
            return await work

    groups = await asyncio.gather(
        *(limited(_domain_rows(fetcher, d, dns_server, trust_anchors)) for d in domains),
        *(limited(_host_rows(fetcher, h, robots_cache or RobotsCache(fetcher))) for h in hosts),
    )
    rows = [FactRow(agency.id, r.host, r.kind, r.payload, r.error_class, r.seconds) for g in groups for r in g]
    return AgencyProbeResult(
        agency_id=agency.id,
        hosts=hosts,
        facts=len(rows),
        error_classes=dict(Counter(r.error_class for r in rows if r.error_class)),
        seconds=round(time.perf_counter() - started, 3),
        rows=rows,
    )


async def probe_async(
    agencies: Sequence[Agency],
    config: ProbeConfig,
    *,
    dns_server: Nameserver | None = None,
    trust_anchors: TrustAnchors | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_result: Callable[[AgencyProbeResult], None] | None = None,
    on_event: EventHandler | None = None,
) -> list[AgencyProbeResult]:
    """Probe the agencies concurrently; ``on_result`` is called as each agency finishes (in the event loop)."""
    limit = asyncio.Semaphore(concurrency)
    emit = on_event or (lambda _event: None)
    async with Fetcher(config) as fetcher:
        robots_cache = RobotsCache(fetcher)

        async def one(agency: Agency) -> AgencyProbeResult:
            emit(ProbeEvent("agency_started", agency.id, total=len(agency.all_hosts)))
            result = await probe_agency(
                fetcher,
                agency,
                dns_server=dns_server,
                trust_anchors=trust_anchors,
                limit=limit,
                robots_cache=robots_cache,
            )
            for row in result.rows:
                emit(ProbeEvent("fact", agency.id, row.host, row.kind, row.error_class))
            if on_result is not None:
                on_result(result)
            emit(ProbeEvent("agency_finished", agency.id, total=result.facts))
            return result

        return list(await asyncio.gather(*(one(a) for a in agencies)))


def probe(
    registry: Registry,
    agency_ids: Sequence[str] | None,
    *,
    db_url: str,
    run_id: int,
    hostmap: HostMap | None = None,
    ca_file: Path | None = None,
    dns_server: Nameserver | str | None = None,
    trust_anchors: TrustAnchors | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    config: ProbeConfig | None = None,
    on_event: EventHandler | None = None,
    contact_url: str | None = None,
) -> ProbeSummary:
    """Probe the agencies (all of the registry when ``agency_ids`` is empty) and store ``probe_fact`` rows in run
    ``run_id``. ``hostmap``: route ``.test`` names to the testbed (never real DNS for mapped names);
    ``dns_server``: ``Nameserver`` or "ip:port" for DNS facts (default: the system's first nameserver);
    ``trust_anchors``: zone -> DNSKEY(s) to validate DNSSEC against; ``contact_url``: in the User-Agent, as the
    crawler sends it."""
    selected = registry.select(agency_ids)
    nameserver = parse_nameserver(dns_server) if isinstance(dns_server, str) else dns_server
    base = config or ProbeConfig()
    config = dataclasses.replace(
        base,
        hostmap=hostmap or base.hostmap,
        ca_file=ca_file or base.ca_file,
        user_agent=user_agent(contact_url) if contact_url else base.user_agent,
    )
    engine = open_store(db_url)
    sessions = session_factory(engine)
    with sessions.begin() as session:
        repository.sync_agencies(session, selected)

        if session.get(Run, run_id) is None:
            raise UserError(f"run {run_id} does not exist in this database; omit --run to use the newest run")

    def store(result: AgencyProbeResult) -> None:
        with sessions.begin() as session:
            repository.replace_probe_facts(session, run_id, result.agency_id, [r.to_row() for r in result.rows])

    started = time.perf_counter()
    try:
        results = asyncio.run(
            probe_async(
                selected,
                config,
                dns_server=nameserver,
                trust_anchors=trust_anchors,
                concurrency=concurrency,
                on_result=store,
                on_event=on_event,
            )
        )
    finally:
        engine.dispose()
    return ProbeSummary(run_id=run_id, agencies=results, seconds=round(time.perf_counter() - started, 3))
