"""robots.txt for the probes and the browser: fetched once per origin, read as the crawler reads it.

RFC 9309 governs crawling: which paths an automated client may request. The probes and the browser obey it for
every page they open; they fetch robots.txt through the probes' guarded client (address guard, size cap, the
survey's User-Agent). Status handling matches the crawler's robots.txt middleware: 2xx is parsed (Protego, as
Scrapy uses), other 4xx means no rules (§2.3.1.3), 5xx and 429 mean complete disallow (§2.3.1.4), and a network
failure means no rules (the page requests then fail the same way and record why).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from protego import Protego

from egov_crawl.identity import ROBOTS_AGENT
from egov_crawl.probes.net import Fetcher

Treatment = Literal["rules", "allow-all", "disallow-all"]
MAX_ROBOTS_BYTES = 512 * 1024  # Google's documented limit (500 KiB); RFC 9309 §2.5 asks for at least 500 KiB


@dataclass(frozen=True)
class Robots:
    url: str  # the robots.txt asked for
    status: int | None
    treated_as: Treatment
    parser: Protego | None = None

    def allows(self, url: str) -> bool:
        if self.treated_as != "rules" or self.parser is None:
            return self.treated_as == "allow-all"
        return bool(self.parser.can_fetch(url, ROBOTS_AGENT))

    def disallows_everything(self) -> bool:
        """True when not even the home page may be requested: the site asks not to be browsed at all."""
        parts = urlsplit(self.url)
        return not self.allows(f"{parts.scheme}://{parts.netloc}/")

    def refusal(self, url: str) -> dict[str, str]:
        """The payload of a fact that was not observed because robots.txt disallows ``url``."""
        return {
            "error": f"robots.txt disallows {url} for {ROBOTS_AGENT}",
            "not_requested": "robots_disallowed",
            "robots_url": self.url,
        }


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


async def fetch_robots(fetcher: Fetcher, origin: str) -> Robots:
    """The robots.txt of ``origin`` (``scheme://host[:port]``)."""
    url = f"{origin}/robots.txt"
    response = await fetcher.fetch(url)
    status = response.status
    if response.error_class is not None and status is None:
        return Robots(url, None, "allow-all")
    if status is None or status >= 500 or status == 429:
        return Robots(url, status, "disallow-all")
    if status >= 400:
        return Robots(url, status, "allow-all")
    text = response.body[:MAX_ROBOTS_BYTES].decode("utf-8", "replace")
    return Robots(url, status, "rules", Protego.parse(text))


class RobotsCache:
    """One fetch per origin for the whole run, however many jobs ask at once."""

    def __init__(self, fetcher: Fetcher) -> None:
        self._fetcher = fetcher
        self._pending: dict[str, asyncio.Task[Robots]] = {}

    async def for_url(self, url: str) -> Robots:
        origin = origin_of(url)
        task = self._pending.get(origin)
        if task is None:
            task = self._pending[origin] = asyncio.ensure_future(fetch_robots(self._fetcher, origin))
        return await task

    async def first_refusal(self, urls: list[str]) -> tuple[Robots, str] | None:
        """The first of ``urls`` robots.txt disallows, with its robots.txt; None when all are allowed."""
        for url in urls:
            robots = await self.for_url(url)
            if not robots.allows(url):
                return robots, url
        return None
