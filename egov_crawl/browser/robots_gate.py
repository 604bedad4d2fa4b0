"""robots.txt before every browser job: a page, a journey or a site search opens only URLs the site's robots.txt
allows for our agent (RFC 9309, read as the crawler and the probes read it: ``probes/robots.py``).

A job that would open a disallowed URL is not run: each of its fact kinds becomes a ``blocked_by_robots`` row
(NOT_OBSERVED in scoring), whose payload names the URL and the robots.txt. robots.txt is fetched once per origin
through the probes' client, so it passes the same address guard and size cap as every other request.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urljoin

from egov_crawl import failures
from egov_crawl.browser.rows import FactRow
from egov_crawl.facts.browser import FactKind
from egov_crawl.hostmap import HostMap
from egov_crawl.probes.net import Fetcher, ProbeConfig
from egov_crawl.probes.robots import RobotsCache
from egov_crawl.registry.models import EService


def journey_urls(service: EService) -> list[str]:
    """The e-service's URL and every URL a ``goto`` step opens (selectors and link texts are not URLs)."""
    urls = [service.url]
    for step in service.steps:
        if step.action == "goto" and step.target:
            urls.append(urljoin(service.url, step.target))
    return urls


class RobotsGate:
    def __init__(self, cache: RobotsCache) -> None:
        self._cache = cache

    async def refused_rows(self, urls: list[str], kinds: tuple[FactKind, ...], job_url: str) -> list[FactRow]:
        """Rows for every kind of the job when robots.txt disallows one of ``urls``; [] when the job may run."""
        refusal = await self._cache.first_refusal(urls)
        if refusal is None:
            return []
        robots, url = refusal
        return [FactRow(job_url, kind, dict(robots.refusal(url)), failures.BLOCKED_BY_ROBOTS) for kind in kinds]


@asynccontextmanager
async def robots_gate(hostmap: HostMap | None, ca_file: Path | None, user_agent: str) -> AsyncIterator[RobotsGate]:
    async with Fetcher(ProbeConfig(hostmap=hostmap, ca_file=ca_file, user_agent=user_agent)) as fetcher:
        yield RobotsGate(RobotsCache(fetcher))
