"""INFRASTRUCTURE checks judged from crawled pages and site-level fetches, and from the probes' or the browser's
facts where those collectors see something the crawl does not.

Each fact has one collector: security.txt, the random-path 404 test and the apex/www twin are the probes' alone.
Where two collectors genuinely see different things (the probe's home-page request and the crawled pages, the
rendered DOM and the static HTML), the check declares its sources in order (``*_SOURCES``, see ``sources.py``)
and the finding names the one that decided.

Probe-only checks (availability, TLS, HTTPS enforcement, headers, DNS) are in ``probed.py``; browser-only ones
(performance, axe, search, trackers) in ``browsed.py``.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

from egov_crawl.facts.browser import PageFact
from egov_crawl.facts.kinds import BrowserKind, ProbeKind
from egov_crawl.facts.model import BrowserFactRow, PageFacts, SiteFacts, Source
from egov_crawl.scoring.checks.common import (
    absent,
    content_unobserved,
    find,
    home_unread,
    keyword_check,
    latest_news_date,
    match_evidence,
    news_urls,
    page_of,
    profile_platform_link,
)
from egov_crawl.scoring.checks.sources import Preference, decide, sourced
from egov_crawl.scoring.lexicon import find_in_text
from egov_crawl.scoring.model import Evidence, Finding
from egov_crawl.scoring.registry import check

BOTH = (Source.CRAWL, Source.PROBE)
VERSION = re.compile(r"\d+\.\d+")
CHALLENGE_STATUSES = {403, 429, 503}  # catalog INF-35: WAF / rate-limit challenge pages
FRESH_DAYS, STALE_DAYS = 30, 90  # catalog INF-30 bands

keyword_check(
    "INF-18",
    "display-aids",
    "Accessibility aids / customisable display",
    what="Text-size and contrast controls (ก- ก ก+, high contrast); informative, never a substitute for INF-16.",
    why="LOSI 2018 customisable display; Thai Website Standard.",
    text=True,
)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


@check("INF-02", "official-domain", "Official government domain")
def official_domain(site: SiteFacts) -> Finding:
    """What: The home page ends on an official government domain of the agency's country profile and cohort
    (Thailand: .go.th or .mi.th; .or.th, .co.th, .ac.th for state enterprises, public organisations and
    universities; United States: .gov, .mil, .fed.us; United Kingdom: .gov.uk, .nhs.uk, .police.uk…).
    Why: LOSI #281, ScanGov: citizens can tell a real government site from an impostor by its domain.
    Evidence: the final host of the home page after redirects and the suffixes the profile allows for the cohort.
    Outcomes: PASS on an allowed suffix; FAIL otherwise; NOT_OBSERVED when the home page was not reached.
    """
    home = site.home
    if home is None or home.status is None:
        return Finding.not_observed("the home page was not fetched", site.homepage)
    host = _host(home.final_url or home.url)
    allowed = site.profile.official_suffixes(site.cohort)
    data: dict[str, object] = {"allowed": allowed}
    banner = site.profile.official_banner
    if banner:  # informative: the domain decides, but an analyst looking at a FAIL wants to know
        data["official_banner"] = banner.lower() in home.text().lower()
    evidence = Evidence(f"the home page is served from {host}", home.final_url or home.url, data)
    return Finding.passed(evidence) if site.profile.is_official(host, site.cohort) else Finding.failed(evidence)


@check("INF-08", "security-txt", "Vulnerability disclosure / security.txt", needs=BOTH)
def security_txt(site: SiteFacts) -> Finding:
    """What: A valid /.well-known/security.txt (RFC 9116: Contact and Expires, not expired) or a published
    vulnerability-disclosure page.
    Why: ScanGov, M-17 VDP link, Internet.nl: researchers who find a hole need to know whom to tell.
    Evidence: the security.txt URL, its status and the problems RFC 9116 names (the probe's fetch and parse), or
    the disclosure page found by the lexicon entry `INF-08` in the crawled pages.
    Outcomes: PASS when security.txt is valid or a disclosure page is published; FAIL when neither; NOT_OBSERVED
    when the file could not be fetched and no disclosure page was found.
    """
    probed = [
        p for p in site.probe(ProbeKind.SECURITY_TXT) if p.payload.get("status") is not None or p.payload.get("found")
    ]
    if not probed:
        vdp = find(site, "INF-08")
        if vdp is None:
            return Finding.not_observed("security.txt was not fetched")
        return Finding.passed(sourced(match_evidence(vdp), Source.CRAWL))
    best = max(probed, key=lambda p: bool(p.payload.get("valid")))
    payload = best.payload
    found: dict[str, object] = {"status": payload.get("status"), "problems": payload.get("problems")}
    evidence = Evidence(f"security.txt on {best.host}: HTTP {payload.get('status')}", payload.get("url"), found)
    if payload.get("valid"):
        return Finding.passed(sourced(evidence, Source.PROBE))
    # Without a valid security.txt, a published vulnerability-disclosure page passes INF-08 on its own.
    vdp = find(site, "INF-08")
    if vdp is not None:
        return Finding.passed(sourced(match_evidence(vdp), Source.CRAWL))
    return Finding.failed(sourced(evidence, Source.PROBE))


def version_banners(headers: dict[str, str], generator: str | None) -> dict[str, str]:
    """Server, X-Powered-By and generator values that disclose a version number."""
    found = {k: v for k, v in (("server", headers.get("server")), ("x-powered-by", headers.get("x-powered-by"))) if v}
    if generator:
        found["generator"] = generator
    return {k: v for k, v in found.items() if VERSION.search(v)}


@check("INF-12", "software-hygiene", "Software hygiene: no version disclosure", needs=BOTH)
def software_hygiene(site: SiteFacts) -> Finding:
    """What: No version banners in Server, X-Powered-By or <meta name="generator"> (end-of-life lists are a
    later refinement of the same facts).
    Why: Thai Website Standard security part (patching), EU security pilot: a version banner tells an attacker
    which exploit to use, and usually means an old one.
    Evidence: the banners found, from the probe's disclosure record of the home page, else from the headers of
    up to 20 crawled pages.
    Outcomes: PASS with none; FAIL with one; NOT_OBSERVED when no response was recorded.
    """
    return decide(site, BANNER_SOURCES, Finding.not_observed("no HTML response was recorded"))


def _banners_probed(site: SiteFacts) -> Finding | None:
    for probe in site.probe(ProbeKind.HTTP):
        disclosure = probe.payload.get("disclosure")
        if disclosure and probe.payload.get("status") is not None:
            shown = {k: v for k, v in disclosure.items() if k != "version_disclosed" and v}
            evidence = Evidence(f"headers of {probe.host}: {shown or 'no banners'}", probe.payload.get("url"), shown)
            return Finding.failed(evidence) if disclosure.get("version_disclosed") else Finding.passed(evidence)
    return None


def _banners_crawled(site: SiteFacts) -> Finding | None:
    pages = [p for p in site.pages if p.status is not None and p.is_html][:20]
    if not pages:
        return None
    for page in pages:
        banners = version_banners(page.headers, page.facts.get("generator"))
        if banners:
            return Finding.failed(Evidence(f"version disclosed: {banners}", page.final_url or page.url, banners))
    return Finding.passed(Evidence(f"no version banner on {len(pages)} responses", site.homepage))


BANNER_SOURCES: Preference = ((Source.PROBE, _banners_probed), (Source.CRAWL, _banners_crawled))


def _https_pages(site: SiteFacts) -> list[PageFacts]:
    return [p for p in site.ok_pages if (p.final_url or p.url).startswith("https://")]


@check("INF-13", "mixed-content", "No mixed content", mode="A/B", needs=(Source.CRAWL, Source.BROWSER))
def mixed_content(site: SiteFacts) -> Finding:
    """What: HTTPS pages load no http:// sub-resources (scripts, images, iframes, styles).
    Why: Mozilla Observatory, ScanGov: mixed content lets a network attacker change what an HTTPS page shows, and
    browsers block or flag it.
    Evidence: the http:// sub-resource URLs requested (browser network log) or referenced (static HTML).
    Outcomes: PASS with none; FAIL with one; NOT_APPLICABLE for a site without HTTPS pages; NOT_OBSERVED when
    no page was read.
    """
    # Either collector's sighting fails the site: the browser's network log (what was requested) and the static
    # HTML (what was referenced) each see mixed content the other may not.
    rendered = [b for b in site.browser_of(BrowserKind.PAGE) if not b.error_class]
    https_rendered = _https_rendered(site)
    pages = _https_pages(site)
    if pages or https_rendered:
        seen = [source for source, read in ((Source.BROWSER, https_rendered), (Source.CRAWL, pages)) if read]
        clean = Evidence(f"no mixed content on {len(pages) + len(https_rendered)} HTTPS pages", site.homepage)
        return decide(site, MIXED_CONTENT_SOURCES, Finding.passed(sourced(clean, *seen)))
    if site.ok_pages or rendered:
        return Finding.not_applicable("the site serves no page over HTTPS")
    return Finding.not_observed("no page was read")


def _https_rendered(site: SiteFacts) -> list[BrowserFactRow[PageFact]]:
    rendered = [b for b in site.browser_of(BrowserKind.PAGE) if not b.error_class]
    return [b for b in rendered if str(b.payload.get("final_url", b.url)).startswith("https://")]


def _mixed_content_rendered(site: SiteFacts) -> Finding | None:
    for fact in _https_rendered(site):
        if fact.payload.get("mixed_content"):
            urls = list(fact.payload["mixed_content"])[:5]
            return Finding.failed(Evidence(f"{len(urls)} http:// sub-resources", fact.url, {"urls": urls}))
    return None


def _mixed_content_crawled(site: SiteFacts) -> Finding | None:
    for page in _https_pages(site):
        if page.facts.get("mixed_content"):
            urls = list(page.facts["mixed_content"])[:5]
            return Finding.failed(
                Evidence(f"{len(urls)} http:// sub-resources", page.final_url or page.url, {"urls": urls})
            )
    return None


MIXED_CONTENT_SOURCES: Preference = (
    (Source.BROWSER, _mixed_content_rendered),
    (Source.CRAWL, _mixed_content_crawled),
)


def _viewport_ok(content: str | None) -> bool:
    """width=device-width without disabling zoom (WCAG 1.4.4: user-scalable=no / maximum-scale=1 block it)."""
    value = (content or "").replace(" ", "").lower()
    blocks_zoom = "user-scalable=no" in value or re.search(r"maximum-scale=1(\.0)?(,|;|$)", value) is not None
    return "width=device-width" in value and not blocks_zoom


@check("INF-14", "mobile-friendly", "Mobile-friendly / responsive", mode="A+B", needs=(Source.CRAWL, Source.BROWSER))
def mobile_friendly(site: SiteFacts) -> Finding:
    """What: A viewport meta tag (width=device-width, zoom not disabled) and no sideways scrolling at 360 px.
    Why: LOSI #204, UN #071, EU mobile friendliness, IDEA, M-23-22: most Thai citizens browse on phones.
    Evidence: the home page's viewport meta; the browser's scroll width at a 360×800 viewport when it ran.
    Outcomes: PASS with both (or a good viewport when the browser did not run); PARTIAL 0.5 with a viewport but
    overflow; FAIL without a usable viewport; NOT_OBSERVED when the home page was not read.
    """
    return decide(site, MOBILE_SOURCES, Finding.not_observed("the home page was not read", site.homepage))


def _rendered_home(site: SiteFacts) -> BrowserFactRow[PageFact] | None:
    rendered = [b for b in site.browser_of(BrowserKind.PAGE) if not b.error_class and b.payload.get("role") == "home"]
    return rendered[0] if rendered else None


def _mobile_rendered(site: SiteFacts) -> Finding | None:
    rendered = _rendered_home(site)
    if rendered is not None:
        payload = rendered.payload
        meta = payload.get("viewport_meta")
        mobile = payload.get("mobile") or {}
        data = {"viewport": meta, "scroll_width": mobile.get("scroll_width")}
        if not _viewport_ok(meta):
            return Finding.failed(Evidence(f"no usable viewport meta ({meta!r})", rendered.url, data))
        if mobile.get("overflow"):
            return Finding.graded(0.5, Evidence("the page scrolls sideways at 360 px", rendered.url, data))
        return Finding.passed(Evidence("viewport meta and no overflow at 360 px", rendered.url, data))
    return None


def _mobile_crawled(site: SiteFacts) -> Finding | None:
    home = site.home
    if home is None or not home.ok or home_unread(site):
        return Finding.not_observed(home_unread(site) or "the home page was not read", site.homepage)
    meta = home.facts.get("viewport")
    evidence = Evidence(f"viewport meta: {meta!r} (overflow not measured without the browser)", home.url)
    return Finding.passed(evidence) if _viewport_ok(meta) else Finding.failed(evidence)


MOBILE_SOURCES: Preference = ((Source.BROWSER, _mobile_rendered), (Source.CRAWL, _mobile_crawled))


@check("INF-17", "accessibility-statement", "Accessibility statement", mode="A→J")
def accessibility_statement(site: SiteFacts) -> Finding:
    """What: An accessibility statement with the conformance status (WCAG / TWCAG level), a contact and a date.
    Why: Web Accessibility Directive + Implementing Decision 2018/1523, M-17, M-23-22, GSA required links.
    Evidence: the statement page and the conformance terms found in it.
    Outcomes: PASS with a statement naming its conformance; PARTIAL 0.5 without; FAIL when a complete crawl found
    none; NOT_OBSERVED when the crawl could not tell.
    """
    reason = content_unobserved(site)
    if reason:
        return Finding.not_observed(reason, site.homepage)
    match = find(site, "INF-17")
    if match is None:
        return absent(site, "no accessibility statement", key="INF-17")
    page = page_of(site, match)
    conformance = find_in_text(site, "INF-17.conformance", urls={page.final_url or page.url}) if page else None
    if conformance:
        return Finding.passed(match_evidence(match), match_evidence(conformance))
    return Finding.graded(0.5, match_evidence(match), Evidence("the statement names no conformance level"))


@check("INF-19", "page-language", "Page language declared")
def page_language(site: SiteFacts) -> Finding:
    """What: <html lang> is present, a valid language tag, and matches the page's dominant script.
    Why: WCAG 2.x SC 3.1.1: screen readers pronounce Thai text with an English voice without it.
    Evidence: the home page's lang attribute and the share of Thai letters in its text.
    Outcomes: PASS when declared and consistent; FAIL when missing or contradicted by the text (a 'en' page in
    Thai); NOT_OBSERVED when the home page was not read.
    """
    reason = home_unread(site)
    home = site.home
    if reason or home is None:
        return Finding.not_observed(reason or "no home page", site.homepage)
    lang = (home.lang or "").strip().lower()
    share = home.facts.get("thai_share")
    data = {"lang": lang or None, "thai_share": share}
    url = home.final_url or home.url
    if not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})*", lang):
        return Finding.failed(Evidence(f"no valid <html lang> ({lang!r})", url, data))
    if share is not None and ((lang.startswith("th") and share < 0.2) or (lang.startswith("en") and share > 0.8)):
        return Finding.failed(Evidence(f"lang={lang} but {share:.0%} of the letters are Thai", url, data))
    return Finding.passed(Evidence(f"<html lang={lang}>", url, data))


@check("INF-23", "robots-and-sitemaps", "robots.txt, XML sitemap, HTML site map")
def robots_and_sitemaps(site: SiteFacts) -> Finding:
    """What: The mean of: a robots.txt that parses and does not block everyone; an XML sitemap with at least one
    URL; an HTML site-map page.
    Why: LOSI #205, UN #005, GSA, ScanGov, Thai Website Standard: search engines and people find pages through them.
    Evidence: the robots.txt status and rules, the sitemap summary, the site-map page.
    Outcomes: PASS all three, PARTIAL some, FAIL none; NOT_OBSERVED when the site-level fetches did not run.
    """
    reason = content_unobserved(site)
    if reason:
        return Finding.not_observed(reason, site.homepage)
    robots = site.site_facts.get("robots") or {}
    sitemap = site.site_facts.get("sitemap_summary") or {}
    robots_ok = robots.get("status") == 200 and robots.get("treated_as") == "rules"
    robots_ok = robots_ok and not robots.get("disallow_all_for_star")
    sitemap_ok = int(sitemap.get("valid_files") or 0) > 0 and int(sitemap.get("urls") or 0) > 0
    html_map = find(site, "INF-23.html_sitemap")
    evidence = [
        Evidence(f"robots.txt: HTTP {robots.get('status')}, {robots.get('treated_as')}", robots.get("url")),
        Evidence(f"XML sitemaps: {sitemap.get('valid_files', 0)} valid, {sitemap.get('urls', 0)} URLs"),
        match_evidence(html_map) if html_map else Evidence("no HTML site-map page"),
    ]
    return Finding.graded((int(robots_ok) + int(sitemap_ok) + int(html_map is not None)) / 3, *evidence)


def _generic_title(title: str | None, site: SiteFacts) -> bool:
    text = (title or "").strip().lower()
    return text in ("", "home", "index", "untitled", "หน้าหลัก", "welcome") or len(text) < 3


@check("INF-26", "page-metadata", "Page metadata for discoverability")
def page_metadata(site: SiteFacts) -> Finding:
    """What: The mean of: a non-generic <title>, a meta description, a canonical link, Open Graph tags, and a
    schema.org GovernmentOrganization JSON-LD block, on the home page.
    Why: GSA, ScanGov, M-23-22: search engines and link previews show these to citizens.
    Evidence: which of the five the home page has.
    Outcomes: PASS all, PARTIAL some, FAIL none; NOT_OBSERVED when the home page was not read.
    """
    reason = content_unobserved(site)
    home = site.home
    if reason or home is None:
        return Finding.not_observed(reason or "no home page", site.homepage)
    facts = home.facts
    have = {
        "title": not _generic_title(home.title, site),
        "description": bool(facts.get("meta_description")),
        "canonical": bool(facts.get("canonical")),
        "open_graph": bool(facts.get("open_graph")),
        "jsonld_government_organization": "GovernmentOrganization" in (facts.get("jsonld_types") or []),
    }
    summary = "home page metadata: " + ", ".join(f"{k} {'yes' if v else 'no'}" for k, v in have.items())
    return Finding.graded(sum(have.values()) / len(have), Evidence(summary, home.final_url or home.url, have))


@check("INF-27", "not-found-handling", "Correct 404 handling", needs=(Source.PROBE,))
def not_found_handling(site: SiteFacts) -> Finding:
    """What: A random path answers HTTP 404 (not a 200 "soft 404", not a redirect to the home page).
    Why: GSA 404 test: soft 404s hide broken links from their owners and pollute search results.
    Evidence: the random URL the probe asked, its status and where it ended.
    Outcomes: PASS on 404/410; FAIL on a soft 404; NOT_OBSERVED when the request failed.
    """
    for probe in site.probe(ProbeKind.NOT_FOUND):
        payload = probe.payload
        if payload.get("status") is None:
            continue
        evidence = Evidence(f"a random path answered HTTP {payload.get('status')}", payload.get("url"), dict(payload))
        return Finding.failed(evidence) if payload.get("soft_404") else Finding.passed(evidence)
    return Finding.not_observed("the 404 test request was not made or failed")


# The crawl is named beside the probe because a subdomain is NOT_APPLICABLE from the registry alone: a crawl-only
# run says so rather than NOT_OBSERVED. The twin itself is observed by the probe only.
@check("INF-28", "apex-www-consistency", "Apex/www consistency", needs=BOTH)
def apex_www(site: SiteFacts) -> Finding:
    """What: Both example.go.th and www.example.go.th answer and reach the same canonical site.
    Why: ScanGov, GSA: citizens type either; one of them failing looks like the site is down.
    Evidence: the apex and www endpoints and where they end (the probe's four HTTPS endpoints).
    Outcomes: PASS when both reach the same host; FAIL when one fails or they diverge; NOT_APPLICABLE when the
    site is on a subdomain (18f.gsa.gov: only a registrable domain, computed with the country profile's public
    suffixes, and its www form are twins); NOT_OBSERVED otherwise.
    """
    host = _host(site.homepage)
    domain = site.profile.registrable_domain(host) if host else ""
    if host and host not in (domain, f"www.{domain}"):
        return Finding.not_applicable(
            f"{host} is a subdomain of {domain}: only a registrable domain and its www form are twins"
        )
    for probe in site.probe(ProbeKind.HTTPS):
        endpoints = probe.payload.get("endpoints") or {}
        finals = {}
        for name, endpoint in endpoints.items():
            if endpoint.get("live") and endpoint.get("final_url") and (endpoint.get("status") or 500) < 400:
                finals[name] = _host(str(endpoint["final_url"]))
        apex = {finals.get("https://apex") or finals.get("http://apex")}
        www = {finals.get("https://www") or finals.get("http://www")}
        hosts: dict[str, object] = {"final_hosts": finals}
        if None in apex or None in www:
            return Finding.failed(Evidence("the apex or the www host does not answer", None, hosts))
        if apex == www:
            return Finding.passed(Evidence(f"apex and www both reach {next(iter(apex))}", None, hosts))
        return Finding.failed(Evidence("apex and www reach different hosts", None, hosts))
    return Finding.not_observed("the apex and www host names were not probed")


@check("INF-29", "link-integrity", "Link integrity")
def link_integrity(site: SiteFacts) -> Finding:
    """What: 1 − the share of broken internal link targets (4xx/5xx) among those checked.
    Why: LOSI TEC functionality, the 2008 survey's "problems": broken links are the most visible decay.
    Evidence: the counts of checked and broken targets and the first broken ones.
    Outcomes: PASS with none broken, PARTIAL by share, FAIL when all are; NOT_OBSERVED when no link was checked.
    """
    checks = site.site_facts.get("link_checks") or {}
    checked = int(checks.get("checked") or 0)
    if not checked or content_unobserved(site):
        return Finding.not_observed(content_unobserved(site) or "no internal link was checked")
    broken = int(checks.get("broken") or 0)
    examples = sorted({link.target_url for link in site.links if link.internal and link.broken})[:5]
    data = {"checked": checked, "broken": broken, "examples": examples}
    summary = f"{broken} of {checked} internal link targets are broken"
    return Finding.graded(1 - broken / checked, Evidence(summary, examples[0] if examples else site.homepage, data))


@check("INF-30", "content-freshness", "Content freshness")
def content_freshness(site: SiteFacts) -> Finding:
    """What: The newest dated news item or announcement is at most 30 days old (PARTIAL 0.5 up to 90 days).
    Why: UN #072, Thai Website Standard (last-updated): a site nobody updates gives citizens stale information.
    Evidence: the newest date on the news list and its items (Buddhist-era years and Thai month names read as
    such), against the run's reference date; the newest sitemap lastmod when the site has no news list.
    Outcomes: PASS ≤ 30 days, PARTIAL ≤ 90, FAIL older or undated; NOT_OBSERVED when the crawl could not tell.
    """
    reason = content_unobserved(site)
    if reason:
        return Finding.not_observed(reason, site.homepage)
    _, urls = news_urls(site)
    latest, on = latest_news_date(site, urls)
    source = "news"
    if latest is None:
        lastmod = (site.site_facts.get("sitemap_summary") or {}).get("lastmod_latest")
        if lastmod:
            latest, on, source = date.fromisoformat(str(lastmod)[:10]), None, "sitemap lastmod"
    if latest is None:
        return absent(site, "no dated news item or sitemap lastmod")
    age = (site.as_of - latest).days
    data = {"latest": latest.isoformat(), "as_of": site.as_of.isoformat(), "age_days": age, "source": source}
    evidence = Evidence(f"newest {source} date {latest.isoformat()} is {age} days old", on or site.homepage, data)
    score = 1.0 if age <= FRESH_DAYS else 0.5 if age <= STALE_DAYS else 0.0
    return Finding.graded(score, evidence)


@check("INF-32", "web-analytics", "Web analytics in place")
def web_analytics(site: SiteFacts) -> Finding:
    """What: An analytics or visitor-statistics tool on the site (GA tag ids, Matomo, Truehits, counters).
    Why: M-23-22 and 21st Century IDEA ask for data-driven design; informative.
    Evidence: the analytics ids or script markers the crawler recorded, or a visitor counter.
    Outcomes: PASS when present; FAIL when a complete crawl found none; NOT_OBSERVED when it could not tell.
    """
    reason = content_unobserved(site)
    if reason:
        return Finding.not_observed(reason, site.homepage)
    for page in site.ok_pages[:50]:
        scripts = page.facts.get("scripts")
        ids = list(scripts.get("analytics_ids") or []) + list(scripts.get("markers") or []) if scripts else []
        if ids:
            return Finding.passed(Evidence(f"analytics: {', '.join(map(str, ids[:3]))}", page.final_url or page.url))
    counter = find_in_text(site, "OPN-29")
    if counter:
        return Finding.passed(match_evidence(counter))
    platform = profile_platform_link(site, "INF-32")  # a national analytics programme (the US DAP script)
    if platform:
        return Finding.passed(platform)
    return absent(site, "no analytics tag or visitor counter")


@check(
    "INF-33",
    "static-content",
    "Main content available in initial HTML",
    mode="A+B",
    needs=(Source.CRAWL, Source.BROWSER),
)
def static_content(site: SiteFacts) -> Finding:
    """What: The visible text is already in the server's HTML rather than written by JavaScript.
    Why: ScanGov botability, M-23-22: crawlers, archives, assistive tools and slow phones see the static HTML.
    Evidence: rendered vs static text length of the home page (browser), else the static text length alone.
    Outcomes: PASS when the content is static; FAIL when the page is an empty shell that JavaScript fills;
    NOT_OBSERVED when the home page was not read.
    """
    return decide(site, STATIC_CONTENT_SOURCES, Finding.not_observed("the home page was not read", site.homepage))


def _static_content_rendered(site: SiteFacts) -> Finding | None:
    rendered = _rendered_home(site)
    if rendered is None:
        return None
    text = rendered.payload.get("text") or {}
    data = {k: text.get(k) for k in ("rendered_chars", "static_chars", "ratio")}
    evidence = Evidence(f"static/rendered text ratio {text.get('ratio')}", rendered.url, data)
    return Finding.failed(evidence) if text.get("js_only") else Finding.passed(evidence)


def _static_content_crawled(site: SiteFacts) -> Finding | None:
    home = site.home
    if home is None or not home.ok or site.crawl is None:
        return Finding.not_observed("the home page was not read", site.homepage)
    length = int(home.facts.get("text_length") or 0)
    scripts = home.facts.get("scripts")
    has_scripts = bool(scripts.get("external") or scripts.get("inline")) if scripts else False
    evidence = Evidence(f"the static home page has {length} characters of text", home.url, {"text_length": length})
    if length < 200 and has_scripts and len(site.ok_pages) < 2:
        return Finding.failed(evidence)
    return Finding.passed(evidence)


STATIC_CONTENT_SOURCES: Preference = (
    (Source.BROWSER, _static_content_rendered),
    (Source.CRAWL, _static_content_crawled),
)


@check("INF-34", "html-first", "HTML-first publishing (not PDF-only)")
def html_first(site: SiteFacts) -> Finding:
    """What: 1 − the share of content links (main region) that lead to PDF files rather than HTML pages.
    Why: M-23-22 "default to HTML", WCAG for documents: PDFs are hard to read on phones and with screen readers.
    Evidence: the counts of main-region internal links to PDFs and to pages.
    Outcomes: graded by share (PASS with no PDF links); NOT_OBSERVED when the crawl could not tell.
    """
    reason = content_unobserved(site)
    if reason:
        return Finding.not_observed(reason, site.homepage)
    content = {link.target_url for link in site.links if link.region == "main" and link.internal and not link.broken}
    if not content:
        return Finding.not_observed("no content links were recorded")
    pdfs = sorted(url for url in content if site.split(url).path.lower().endswith(".pdf"))
    share = len(pdfs) / len(content)
    data = {"content_links": len(content), "pdf_links": len(pdfs), "examples": pdfs[:5]}
    score = 1.0 if share <= 0.1 else 0.5 if share <= 0.5 else 0.0  # grades {0, 0.5, 1}
    return Finding.graded(score, Evidence(f"{len(pdfs)} of {len(content)} content links are PDFs", site.homepage, data))


@check("INF-35", "crawler-access", "No crawler/archive blocking")
def crawler_access(site: SiteFacts) -> Finding:
    """What: A polite crawler is not blocked by a WAF/CAPTCHA challenge and robots.txt does not disallow everyone.
    Why: M-23-22 (must not limit crawlers, no CAPTCHAs), ScanGov: search engines and archives keep public records.
    Evidence: robots.txt's rule for '*', the home page's status and challenge markers.
    Outcomes: PASS when neither; FAIL when robots.txt disallows all or the home page is a challenge (403/429/503
    or a CAPTCHA); NOT_OBSERVED when the site was not reached.
    """
    if site.crawl is None:
        return Finding.not_observed("the site was not crawled")
    robots = site.site_facts.get("robots") or {}
    if robots.get("disallow_all_for_star"):
        return Finding.failed(Evidence("robots.txt disallows everything for '*'", robots.get("url")))
    home = site.home
    if home is None or home.status is None:
        return Finding.not_observed(f"the home page was not reached ({site.crawl.error_class})", site.homepage)
    if home.status in CHALLENGE_STATUSES or home.facts.get("captcha_script"):
        return Finding.failed(Evidence(f"the home page answered HTTP {home.status} (a challenge)", home.url))
    return Finding.passed(Evidence(f"robots.txt allows crawling; home page HTTP {home.status}", home.url))
