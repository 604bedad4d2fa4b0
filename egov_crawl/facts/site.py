"""``site_crawl.site_facts``: what the crawler fetched about the site as a whole, beside its pages.

Written by the spider at the end of an agency's crawl, read by the checks through ``SiteFacts.site_facts``.
Every key is optional: a crawl that failed early has only some, and stored runs may predate a key. A site-level
fetch that failed carries ``url``, ``status`` None and ``error_class``. security.txt, the random-path 404 test
and the apex/www twin are not here: the probes observe them (``egov_crawl.facts.probe``). Runs stored before
that change still hold ``security_txt``, ``soft_404`` and ``twin`` keys; no check reads them.
"""

from __future__ import annotations

from typing import TypedDict

from egov_crawl.facts.json import JsonObject, JsonValue


class RobotsGroup(TypedDict):
    user_agents: list[str]
    allow: list[str]
    disallow: list[str]
    crawl_delay: float | None
    other: dict[str, str]


class Robots(TypedDict, total=False):
    """robots.txt of one host (RFC 9309): how it was treated and, when it had rules, the rules."""

    url: str
    status: int | None
    content_type: str | None
    size: int
    treated_as: str  # "rules" | "allow-all" (4xx) | "disallow-all" (5xx, 429)
    groups: list[RobotsGroup]
    group_count: int
    sitemaps: list[str]
    invalid_lines: int
    disallow_all_for_star: bool  # "Disallow: /" for every agent with nothing allowed back
    body: str
    crawl_delay_for_us: float | None
    error_class: str | None


class SitemapSummary(TypedDict, total=False):
    requested: int
    valid_files: int
    urls: int
    pdfs: int
    lastmod_latest: str | None


class LinkChecks(TypedDict, total=False):
    internal_targets: int
    checked: int
    broken: int  # 4xx, 5xx or no answer
    head_requests: int


class CrawlSummary(TypedDict, total=False):
    """How the crawl of the agency went (besides ``site_crawl.status``), and the hostile input it handled."""

    budget: int | None
    pages: int
    budget_hit: bool
    backlog: int
    depth_limit: int | None
    depth_skipped: int
    url_trap: JsonValue
    gave_up: JsonObject | None  # why the crawler gave up on a site that kept refusing
    robots_blocked: list[str]  # URLs robots.txt kept the crawler from, the first 100
    own_hosts: list[str]
    store_error: JsonObject


class SitePayload(TypedDict, total=False):
    robots: Robots | None  # of the homepage host
    robots_by_host: dict[str, Robots]
    homepage: JsonObject  # {url, status, final_url, error_class}
    sitemaps: dict[str, JsonObject]  # sitemap URL -> what was read in it
    sitemap_summary: SitemapSummary
    link_checks: LinkChecks
    crawl: CrawlSummary
