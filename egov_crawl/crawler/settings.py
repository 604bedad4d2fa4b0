"""Scrapy settings for surveying government sites: polite by default, every override says what it replaces.

Modelled on Scrapy's project template and open-contracting/kingfisher-collect: the module-level names are a
Scrapy settings module (``Settings().setmodule(...)`` works), and ``process_settings()`` adds what depends on
the job (host map, CA bundle, User-Agent contact, politeness profile).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from egov_crawl import __version__
from egov_crawl.crawler.resolver import BLOCK_PRIVATE_SETTING, HOSTMAP_SETTING
from egov_crawl.hostmap import HostMap

BOT_NAME = "egov-crawl"
# Scrapy finds the spider by name ("agency") here, so the crawler never imports the spiders package that builds on it.
SPIDER_MODULES = ["egov_crawl.spiders"]

# The product token robots.txt groups are matched against (RFC 9309 §2.2.1: "User-agent: egov-crawl").
ROBOTSTXT_USER_AGENT = "egov-crawl"
# No made-up address: until the operator sets EGOV_CRAWL_CONTACT / --contact, the User-Agent says so plainly.
DEFAULT_CONTACT_URL = "operator contact not configured"


def user_agent(contact_url: str | None = None) -> str:
    """An identifying User-Agent with a way to reach the operator (RFC 9110 §10.1.5; Scrapy docs, "Avoiding
    getting banned": identify yourself)."""
    contact = f"+{contact_url}" if contact_url else DEFAULT_CONTACT_URL
    return f"egov-crawl/{__version__} ({contact}; government website readiness survey)"


# Default: "Scrapy/VERSION (+https://scrapy.org)"
USER_AGENT = user_agent()

# Default: False. Obey robots.txt (RFC 9309); the rules are also recorded as site facts.
ROBOTSTXT_OBEY = True

# Default: 16. Requests in flight per agency crawl; several agencies run at once in one process.
CONCURRENT_REQUESTS = 8
# Default: 8. At most 2 connections to one host at a time (the "per-host concurrency 1-2").
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# Default: 0. Half a second between requests to one host before AutoThrottle adapts it.
DOWNLOAD_DELAY = 0.5

# Default: "scrapy.core.downloader.Downloader". Same downloader, with the per-host limit enforced even when
# there is no delay (Scrapy 2.19 released a host's whole queue at once with DOWNLOAD_DELAY = 0).
DOWNLOADER = "egov_crawl.crawler.downloader.PerHostLimitDownloader"

# Default: False. Adapt the delay to the server's latency; never hammer a slow government server.
AUTOTHROTTLE_ENABLED = True
# Default: 5.0. First delay before AutoThrottle has measured anything.
AUTOTHROTTLE_START_DELAY = 1.0
# Default: 60.0. Slowest pace AutoThrottle may choose.
AUTOTHROTTLE_MAX_DELAY = 30.0
# Default: 1.0. On average one request in flight per host.
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Default: 0 (no limit). Links deeper than this from the home page are not followed (the spider enforces it,
# because Scrapy's DepthMiddleware drops requests silently and would leak the page budget).
DEPTH_LIMIT = 5
# Default: 0. Breadth-first: with a page budget, the pages closest to the home page matter most
# (Scrapy FAQ "Does Scrapy crawl in breadth-first or depth-first order?").
DEPTH_PRIORITY = 1
# Default: LIFO queues (depth-first). FIFO queues for breadth-first order.
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

# Default: 1 GiB. What the crawler downloads whole is HTML pages (documents are only HEADed): a page above
# 10 MiB is not downloaded (too_large), gzip bombs included (the limit applies to the decompressed size). The
# HTML of a page is tens of kilobytes (HTTP Archive's Web Almanac, "Page weight": the median page's HTML is
# around 30 KB, the 90th percentile in the low hundreds of KB), so only a generated dump or a hostile server
# reaches 10 MiB. Sitemaps keep their protocol's own 50 MiB (spiders/agency.py, SITEMAP_MAXSIZE).
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
# Default: 32 MiB. Log pages above 5 MiB.
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
# Default: 180. Seconds before one download is abandoned (slow-drip servers).
DOWNLOAD_TIMEOUT = 30
# Default: 60. Seconds for one DNS lookup.
DNS_TIMEOUT = 15
# Default: 20 (Firefox). Browsers give up sooner; 10 hops is plenty for http→https→www→/th/ chains.
REDIRECT_MAX_TIMES = 10
# Default: 2. One retry is polite enough for transient errors; 429 and 5xx are retried once.
RETRY_TIMES = 1

# Default: False. Every status is a fact: 404 and 500 pages reach the spider (redirects are still followed,
# unlike with the handle_httpstatus_all meta key, which also stops RedirectMiddleware).
HTTPERROR_ALLOW_ALL = True

# Default: False. Check certificates like a browser; SSL_CERT_FILE (environment) names the CA bundle, which
# for the testbed is its CA concatenated with the system roots.
DOWNLOAD_VERIFY_CERTIFICATES = True

# Default: True (2.19 starts an HTTP control server). A survey crawler exposes no control port.
REMOTE_CONTROL_ENABLED = False
# Default: True. No telnet console either.
TELNETCONSOLE_ENABLED = False

# Default: "scrapy.resolver.CachingThreadedResolver". Host-map aware; falls back to Scrapy's resolver and
# refuses non-public answers. Installed per process (it must be in the CrawlerProcess settings).
TWISTED_DNS_RESOLVER = "egov_crawl.crawler.resolver.HostMapResolver"
# Default: the same; stated because the resolver and the runner rely on it (epoll was slower).
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

# Default: 100. Scrapy 2.19 starts this many asyncio tasks for *every* callback's output; the pipeline is
# synchronous, so more than one buys nothing and cost ~10% of the crawl's CPU (measured: bench/crawl.py).
CONCURRENT_ITEMS = 1
# Default: True. A development-time check that re-reads each callback's source code; bound methods defeat
# its cache, so it ran once per page (~1 ms) in Scrapy 2.19.
WARN_ON_GENERATOR_RETURN_VALUE = False

# Default: DEBUG. One line per page is too much for hundreds of agencies.
LOG_LEVEL = "INFO"
# Default: 60. Per-agency progress goes to the runner's event stream instead.
LOGSTATS_INTERVAL = 0.0

# Default: 0. Seconds after which one agency's crawl stops ("timeout" finish reason, status "partial").
CLOSESPIDER_TIMEOUT = 3600

# Default: "scrapy.robotstxt.ProtegoRobotParser" — kept; stated so the robots facts and the parser agree.
ROBOTSTXT_PARSER = "scrapy.robotstxt.ProtegoRobotParser"

DOWNLOADER_MIDDLEWARES = {
    # Default RobotsTxtMiddleware replaced (same priority, 100) by one that records robots.txt as facts,
    # treats 5xx as disallow-all (RFC 9309) and honours Crawl-delay.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "egov_crawl.crawler.middlewares.RecordingRobotsTxtMiddleware": 100,
    # Not in Scrapy: refuse URLs naming private IP addresses (only active without a host map).
    "egov_crawl.crawler.middlewares.PublicAddressMiddleware": 50,
    # Scrapy's meta refresh handling replaced (same priority, 580) by one that keeps splash pages and delayed
    # refreshes as pages (their target becomes a link) and redirects only at an immediate refresh on an
    # empty page.
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "egov_crawl.crawler.refresh.SplashAwareMetaRefreshMiddleware": 580,
    # Not in Scrapy: a redirect to an already-fetched page is recorded, not followed (no double download).
    "egov_crawl.crawler.middlewares.RedirectOnceMiddleware": 650,
    # Not in Scrapy: honour Retry-After on 429/503 by slowing the host's slot before the retry.
    "egov_crawl.crawler.middlewares.RetryAfterMiddleware": 560,
    # Not in Scrapy: give up on a site that keeps answering 429 after slowing down, or 5xx after the retry
    # (rate_limited / server_error). Sees every attempt, before RetryMiddleware (550) in the response direction.
    "egov_crawl.crawler.giveup.GiveUpMiddleware": 570,
    # Not in Scrapy: with --warc, every exchange as received (before redirects, retries, decompression) into
    # the agency's WARC file. Next to the downloader, after DownloaderStats (850) and HttpCache (900).
    "egov_crawl.crawler.warc.WarcRecordingMiddleware": 950,
    # Not in Scrapy: a body cut at DOWNLOAD_MAXSIZE while streaming (no Content-Length) is too_large, not a bare
    # cancellation. Next to the downloader, so its process_exception runs first.
    "egov_crawl.crawler.middlewares.OversizeMiddleware": 960,
}
SPIDER_MIDDLEWARES = {
    # Default: enabled. It drops over-deep requests silently; the spider enforces DEPTH_LIMIT itself so that
    # every page request it counts against the budget is either fetched or refunded.
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
}
EXTENSIONS = {
    # Default AutoThrottle replaced by one that never undercuts a robots.txt Crawl-delay.
    "scrapy.extensions.throttle.AutoThrottle": None,
    "egov_crawl.crawler.extensions.CrawlDelayAutoThrottle": 0,
}
ITEM_PIPELINES = {
    "egov_crawl.crawler.pipelines.StorePipeline": 300,
}

# --- egov-crawl's own settings (read by the spider, pipeline and runner) ------------------------------------
EGOV_MAX_PAGES = 200  # pages per agency unless the registry entry or --max-pages says otherwise
EGOV_MAX_LINK_CHECKS = 200  # HEAD checks of unfetched internal links and documents per agency
EGOV_MAX_SITEMAPS = 20  # sitemap files read per agency (indexes included)
EGOV_MAX_CRAWL_DELAY = 60.0  # Crawl-delay honoured up to this many seconds
EGOV_CONCURRENT_AGENCIES = 8  # agency crawls running at once in one process
EGOV_DB_BATCH_PAGES = 50  # pages per database transaction
EGOV_DB_FLUSH_SECONDS = 5.0  # …or sooner, so a killed crawl loses little (see --resume)
EGOV_BLOCK_PRIVATE_ADDRESSES = True

# What "fast" changes: for servers you run yourself (the testbed, benchmarks). Robots.txt, Crawl-delay,
# per-host concurrency and the budget still apply.
FAST_PROFILE: dict[str, Any] = {
    "DOWNLOAD_DELAY": 0.0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 16,
    "RETRY_TIMES": 0,
    "DOWNLOAD_TIMEOUT": 10,
}


def module_settings() -> dict[str, Any]:
    return {name: value for name, value in globals().items() if name.isupper()}


def process_settings(
    *,
    hostmap: HostMap | None = None,
    contact_url: str | None = None,
    polite: bool = True,
    verify_certificates: bool = True,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The settings dict for the ``CrawlerProcess`` of one crawl job."""
    settings = module_settings()
    del settings["FAST_PROFILE"], settings["DEFAULT_CONTACT_URL"]
    settings["USER_AGENT"] = user_agent(contact_url)
    settings[HOSTMAP_SETTING] = hostmap.to_json() if hostmap is not None else None
    settings[BLOCK_PRIVATE_SETTING] = EGOV_BLOCK_PRIVATE_ADDRESSES
    settings["DOWNLOAD_VERIFY_CERTIFICATES"] = verify_certificates
    if not polite:
        settings.update(FAST_PROFILE)
    if overrides:
        settings.update(overrides)
    return settings
