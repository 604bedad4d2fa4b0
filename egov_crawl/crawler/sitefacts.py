"""Site-level files the crawler reads, into facts: robots.txt and XML sitemaps.

Pure functions from bytes to JSON-ready dicts, so they are tested on strings. The spider (``agency.py``) decides
what to fetch; the checks decide what the facts mean. security.txt and the random-path 404 test are the probes'
(``egov_crawl/probes/web.py``): each fact has one collector.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import lxml.etree
from scrapy.utils.sitemap import Sitemap

MAX_ROBOTS_GROUPS = 50
MAX_RULES_PER_GROUP = 200
MAX_SITEMAP_SAMPLE = 20
_DATE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})")


def parse_robots(text: str) -> dict[str, Any]:
    """Groups, rules and sitemaps of a robots.txt, as written (RFC 9309 §2.1–2.2).

    Consecutive ``user-agent`` lines open one group; rules before any ``user-agent`` belong to no group and
    are ignored (§2.2.1); ``sitemap`` lines are global. ``crawl-delay`` is not in RFC 9309 but is widely used
    (and honoured by this crawler), so it is recorded per group.
    """
    groups: list[dict[str, Any]] = []
    sitemaps: list[str] = []
    current: dict[str, Any] | None = None
    previous_was_agent = False
    invalid_lines = 0
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if ":" not in line:
            invalid_lines += 1
            continue
        key, value = (part.strip() for part in line.split(":", 1))
        key = key.lower()
        if key == "user-agent":
            if current is None or not previous_was_agent:
                current = {"user_agents": [], "allow": [], "disallow": [], "crawl_delay": None, "other": {}}
                groups.append(current)
            current["user_agents"].append(value.lower())
            previous_was_agent = True
            continue
        previous_was_agent = False
        if key == "sitemap":
            if value not in sitemaps:
                sitemaps.append(value)
            continue
        if current is None:
            continue
        if key in ("allow", "disallow"):
            if len(current[key]) < MAX_RULES_PER_GROUP:
                current[key].append(value)
        elif key == "crawl-delay":
            try:
                current["crawl_delay"] = float(value)
            except ValueError:
                invalid_lines += 1
        else:
            current["other"].setdefault(key, value)
    star = [group for group in groups if "*" in group["user_agents"]]
    return {
        "groups": groups[:MAX_ROBOTS_GROUPS],
        "group_count": len(groups),
        "sitemaps": sitemaps,
        "invalid_lines": invalid_lines,
        # "Disallow: /" for every agent, with nothing allowed back (catalog INF-35, INF-23).
        "disallow_all_for_star": any(
            "/" in group["disallow"] and not any(rule for rule in group["allow"]) for group in star
        ),
    }


def parse_sitemap(body: bytes) -> dict[str, Any]:
    """URL count, newest ``lastmod``, PDFs and child sitemaps of a sitemap or sitemap index (sitemaps.org 0.9)."""
    try:
        sitemap = Sitemap(body)
    except (lxml.etree.XMLSyntaxError, StopIteration, ValueError):
        return {"valid": False, "kind": None}
    kind = sitemap.type
    if kind not in ("urlset", "sitemapindex"):
        return {"valid": False, "kind": kind}
    count = pdfs = 0
    latest: str | None = None
    children: list[str] = []
    sample: list[str] = []
    try:
        for entry in sitemap:
            loc = entry.get("loc", "")
            if not loc:
                continue
            count += 1
            match = _DATE.match(entry.get("lastmod") or "")
            if match and (latest is None or match[1] > latest):
                latest = match[1]
            if kind == "sitemapindex":
                children.append(loc)
                continue
            if urlsplit(loc).path.lower().endswith(".pdf"):
                pdfs += 1
            if len(sample) < MAX_SITEMAP_SAMPLE:
                sample.append(loc)
    except lxml.etree.XMLSyntaxError:
        pass  # keep what was read before the damage; "recover" mode rarely gets here
    if kind == "sitemapindex":
        return {"valid": True, "kind": kind, "sitemaps": count, "children": children, "lastmod_latest": latest}
    return {"valid": True, "kind": kind, "urls": count, "pdfs": pdfs, "lastmod_latest": latest, "sample": sample}


def twin_host(host: str) -> str:
    """The apex for a ``www.`` host, the ``www.`` host for an apex (catalog INF-28)."""
    return host[4:] if host.startswith("www.") else f"www.{host}"
