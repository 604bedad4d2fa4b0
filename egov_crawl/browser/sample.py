"""Which pages the browser visits for an agency: the home page, every declared e-service, and a small sample
of the crawl of the same run (a contact page, a form page, a document list, a search results page).

A pure function of the registry entry and the crawl facts, so the choice is reproducible and testable without
a browser. Crawl facts come from ``repository.crawl_sample_candidates``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from egov_crawl.facts.browser import PageRole
from egov_crawl.registry.models import Agency

CONTACT_RE = re.compile(r"ติดต่อ|contact", re.IGNORECASE)
SEARCH_URL_RE = re.compile(r"/search|[?&](q|s|keyword|search|query)=", re.IGNORECASE)


@dataclass(frozen=True)
class PageTarget:
    url: str
    role: PageRole


def _is_search_form(form: dict[str, Any]) -> bool:
    fields = [f for f in form.get("fields") or [] if isinstance(f, dict) and f.get("type") != "hidden"]
    return len(fields) <= 1 and str(form.get("method", "GET")).upper() == "GET"


def crawl_sample(candidates: dict[str, Any] | None) -> list[PageTarget]:
    """At most one page per role, in a fixed order; roles without a candidate are left out."""
    if not candidates:
        return []
    pages: list[dict[str, Any]] = candidates.get("pages", [])
    picked: list[PageTarget] = []
    contact = next((p for p in pages if CONTACT_RE.search(p["title"]) or CONTACT_RE.search(p["url"])), None)
    if contact:
        picked.append(PageTarget(contact["url"], "contact"))
    # A form page: prefer a form that sends data (POST, several fields) over a one-box search form.
    forms = sorted(candidates.get("forms", []), key=lambda f: (_is_search_form(f), f.get("method") != "POST"))
    if forms and not _is_search_form(forms[0]):
        picked.append(PageTarget(forms[0]["url"], "form"))
    documents: dict[str, int] = candidates.get("documents_per_page", {})
    if documents:
        best = max(sorted(documents), key=lambda url: documents[url])
        picked.append(PageTarget(best, "documents"))
    results = next((p for p in pages if SEARCH_URL_RE.search(p["url"])), None)
    if results:
        picked.append(PageTarget(results["url"], "search_results"))
    return picked


def pages_for(agency: Agency, candidates: dict[str, Any] | None = None) -> list[PageTarget]:
    """Home page, e-services, crawl sample; each URL once (the first role wins)."""
    targets = [PageTarget(agency.homepage, "home")]
    targets += [PageTarget(service.url, "eservice") for service in agency.eservices]
    targets += crawl_sample(candidates)
    seen: set[str] = set()
    unique = []
    for target in targets:
        if target.url not in seen:
            seen.add(target.url)
            unique.append(target)
    return unique
