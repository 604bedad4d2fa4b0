"""The ground-truth manifest: what a correct collector observes on each testbed site, as JSON-able data.

Built from the same model that renders the sites (``render.page_title`` for titles, the resolved ``Link``s
for links, ``feeds`` for sitemaps), so a test comparing crawler facts with the manifest compares them with
what was really served. Deterministic for a seed: ports appear only in the optional ``hostmap`` section.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from typing import Any
from urllib.parse import urljoin

from egov_crawl.hostmap import HostMap
from egov_crawl.testbed import dnszones, feeds, indicators, render
from egov_crawl.testbed.content import fiscal_year_be
from egov_crawl.testbed.hostile import HOSTILE_SITES
from egov_crawl.testbed.model import Form, Link, NewsList, Page, Site, Testbed
from egov_crawl.testbed.pki import CA_ORGANIZATION, cert_plan
from egov_crawl.testbed.sitefacts import hsts_value

MANIFEST_VERSION = 1


def _link(site: Site, page_url: str, link: Link) -> dict[str, Any]:
    absolute = link.href if link.external else urljoin(page_url, link.href)
    return {
        "url": absolute,
        "href": link.href,
        "text": link.text,
        "external": link.external,
        "status": link.expected_status,
        "broken": link.broken,
    }


def _form(form: Form) -> dict[str, Any]:
    return {
        "id": form.id,
        "action": form.action,
        "method": form.method,
        "purpose": form.purpose,
        "labelled": form.labelled,
        "fields": [
            {"name": f.name, "label": f.label, "type": f.type, "required": f.required, "placeholder": f.placeholder}
            for f in form.fields
        ],
    }


def _page(site: Site, page: Page) -> dict[str, Any]:
    url = site.base_url + page.path
    links = site.links_of(page)
    docs = {d.path for d in site.documents}
    dates = [
        {"date": item.day.isoformat(), "text": item.date_text}
        for block in page.blocks
        if isinstance(block, NewsList)
        for item in block.items
    ]
    return {
        "url": url,
        "path": page.path,
        "status": page.status,
        "final_url": url,
        "title": render.page_title(site, page),
        "h1": page.title,
        "lang": page.lang,
        "kind": page.kind,
        "in_sitemap": page.in_sitemap and page.status == 200,
        "content_in_static_html": not site.quality.js_only,
        "published": page.published.isoformat() if page.published else None,
        "links": [_link(site, url, link) for link in links],
        "documents": sorted({urljoin(url, link.href) for link in links if link.href in docs}),
        "forms": [_form(form) for form in page.forms()],
        "dates": dates,
    }


def _redirects(site: Site) -> list[dict[str, Any]]:
    q = site.quality
    https_site = site.scheme == "https"
    enforce = https_site and q.https_redirect
    out = []
    for scheme in ("http", "https") if https_site else ("http",):
        apex_target = "https" if (enforce or (scheme == "https")) else "http"
        out.append({"url": f"{scheme}://{site.apex}/", "status": 301, "location": f"{apex_target}://{site.host}/"})
        if scheme == "http" and enforce:
            out.append({"url": f"http://{site.host}/", "status": 301, "location": f"https://{site.host}/"})
    for redirect in site.redirects:
        out.append(
            {
                "url": site.base_url + redirect.path,
                "status": redirect.status,
                "location": redirect.location,
                "final_url": urljoin(site.base_url + redirect.path, redirect.location),
            }
        )
    return out


def _robots(text: str | None) -> dict[str, Any] | None:
    if text is None:
        return None
    rules: list[dict[str, str]] = []
    sitemaps: list[str] = []
    agent = None
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key, value = key.strip().lower(), value.strip()
        if key == "user-agent":
            agent = value
        elif key in ("allow", "disallow") and agent is not None:
            rules.append({"user_agent": agent, "directive": key, "path": value})
        elif key == "sitemap":
            sitemaps.append(value)
    return {"text": text, "rules": rules, "sitemaps": sitemaps}


def _headers(site: Site, secure: bool) -> dict[str, str]:
    headers = dict(site.headers)
    hsts = hsts_value(site.quality)
    if secure and hsts:
        headers["Strict-Transport-Security"] = hsts
    return headers


def _security_txt(site: Site) -> dict[str, Any] | None:
    if site.security_txt_fields is None:
        return None
    return {"text": site.security_txt, "fields": dict(site.security_txt_fields)}


# axe-core rules the testbed injects on purpose; other rules are not part of the ground truth.
INJECTED_AXE_RULES = ("color-contrast", "image-alt", "label", "select-name")


def _browser(site: Site) -> dict[str, Any]:
    """What Chromium should observe (egov_crawl.browser facts), derived from the quality profile.

    ``axe_violations``: the injected rules axe-core reports on the home page plus the complaint-form page.
    axe-core 4.12 takes a placeholder as an accessible name, so the unlabelled inputs, textarea and checkbox
    (all with placeholders) pass its ``label`` rule; the unlabelled select has no placeholder semantics and
    fails ``select-name``. The browser's own forms fact (placeholders are not labels) counts all of them.
    """
    q = site.quality
    rules = set()
    if not q.image_alt:
        rules.add("image-alt")
    if not q.text_contrast:
        rules.add("color-contrast")
    if not q.labelled_forms and q.online_forms:
        rules.add("select-name")
    return {
        "axe_rules_checked": list(INJECTED_AXE_RULES),
        "axe_violations": sorted(rules),
        "mobile_overflow": not q.responsive,
        "viewport_meta": q.responsive,
        "consent_banner": q.consent_banner,
        "trackers_before_consent": q.trackers_before_consent,
        "third_party_cookies_before_consent": q.trackers_before_consent,
        "js_only": q.js_only,
        "mixed_content": q.mixed_content,
    }


def site_manifest(site: Site) -> dict[str, Any]:
    q = site.quality
    plan = cert_plan(q.tls, site.hosts)
    sitemap_files = feeds.sitemaps(site) if q.sitemap else {}
    documents = [
        {
            "url": site.base_url + d.path,
            "path": d.path,
            "title": d.title,
            "format": d.format,
            "content_type": d.content_type,
            "size": d.size,
            "category": d.category,
        }
        for d in site.documents
    ]
    return {
        "slug": site.slug,
        "name_th": site.name_th,
        "name_en": site.name_en,
        "cohort": site.cohort,
        "tier": q.tier,
        "fault": q.fault,
        "description": site.description,
        "homepage": site.homepage,
        "hosts": list(site.hosts),
        "scheme": site.scheme,
        "quality": asdict(q),
        "tls": plan.to_json() if plan else None,
        "https_listening": plan is not None,
        "redirects": _redirects(site),
        "headers": {"http": _headers(site, False), "https": _headers(site, True) if plan else None},
        "cookies": list(site.cookies),
        "robots": _robots(site.robots_txt),
        "sitemap": {
            "url": f"{site.base_url}/sitemap.xml",
            "index": len(sitemap_files) > 1,
            # the urlset files: the children of the index, or the single /sitemap.xml
            "files": [site.base_url + p for p in sitemap_files if p != "/sitemap.xml" or len(sitemap_files) == 1],
            "url_count": len(feeds.sitemap_urls(site)),
        }
        if q.sitemap
        else None,
        "security_txt": _security_txt(site),
        "rss": f"{site.base_url}/news/rss.xml",
        "not_found_status": 200 if q.soft_404 else 404,
        "pages": [_page(site, page) for page in site.pages],
        "documents": documents,
        "documents_by_format": dict(sorted(Counter(d.format for d in site.documents).items())),
        "open_data": {
            "ckan_api": f"{site.base_url}/api/3/action/",
            "data_json": f"{site.base_url}/data.json",
            "datasets": [feeds.ckan_package(site, d) for d in site.datasets],
        }
        if q.open_data
        else None,
        "eservices": [
            {
                "id": e.id,
                "name_th": e.name_th,
                "name_en": e.name_en,
                "url": site.base_url + e.start_path,
                "works": e.works,
                "steps": [{"url": site.base_url + s.path, "title": s.title, "status": s.status} for s in e.steps],
            }
            for e in site.eservices
        ],
        "search": {
            "url": f"{site.base_url}/search?q=",
            "works": q.search_works,
            "examples": [{"q": query, "results": n} for query, n in site.search_examples],
        },
        "third_party": {
            "scripts_before_consent": [render.TRACKER_SCRIPT] if q.trackers_before_consent else [],
            "hosts": list(site.extra_hosts),
        },
        "dns": {
            "zone": site.zone.origin,
            "dnssec": site.zone.dnssec,
            "records": [{"name": r.name, "type": r.rtype, "value": r.value, "ttl": r.ttl} for r in site.zone.records],
            "expected_answers": dnszones.expected_answers(site.zone),
        },
        "browser": _browser(site),
        "expected_indicators": indicators.expected_indicators(site),
        "expected_scores": indicators.expected_scores(site),
    }


def hostile_manifest() -> list[dict[str, Any]]:
    return [
        {
            "slug": h.slug,
            "host": h.host,
            "name_th": h.name_th,
            "name_en": h.name_en,
            "behaviour": h.behaviour,
            "expected_class": h.expected_class,
            "expected_handling": h.expected_handling,
            "https": h.https,
            "homepage": f"{'https' if h.https else 'http'}://{h.host}/",
        }
        for h in HOSTILE_SITES
    ]


def build_manifest(testbed: Testbed, hostmap: HostMap | None = None, *, include_hostile: bool = True) -> dict[str, Any]:
    manifest: dict[str, Any] = {
        "version": MANIFEST_VERSION,
        "seed": testbed.seed,
        "reference_date": testbed.reference_date.isoformat(),
        "fiscal_year_be": fiscal_year_be(testbed.reference_date),
        "ca": {"organization": CA_ORGANIZATION},
        "sites": [site_manifest(site) for site in testbed.sites],
        "third_party_hosts": [{"host": t.host, "purpose": t.purpose} for t in testbed.third_party],
        "hostile": hostile_manifest() if include_hostile else [],
    }
    if hostmap is not None:
        manifest["hostmap"] = hostmap.to_json()
    return manifest
