"""INFRASTRUCTURE checks on what Chromium saw (egov_crawl/facts/browser.py): vitals, axe, search, trackers."""

from __future__ import annotations

from egov_crawl.facts.browser import PageFact
from egov_crawl.facts.kinds import BrowserKind
from egov_crawl.facts.model import BrowserFactRow, SiteFacts, Source
from egov_crawl.scoring.checks.common import content_unobserved
from egov_crawl.scoring.model import Evidence, Finding
from egov_crawl.scoring.registry import check

# Core Web Vitals "good" / "needs improvement" limits (web.dev/vitals; catalog INF-15).
LCP_MS = (2500, 4000)
CLS = (0.1, 0.25)
SERIOUS = {"serious", "critical"}


def _pages(site: SiteFacts, role: str | None = None) -> list[BrowserFactRow[PageFact]]:
    return [
        b
        for b in site.browser_of(BrowserKind.PAGE)
        if not b.error_class and (role is None or b.payload.get("role") == role)
    ]


def _band(value: float | None, limits: tuple[float, float]) -> float | None:
    if value is None:
        return None
    return 1.0 if value <= limits[0] else 0.5 if value <= limits[1] else 0.0


@check("INF-15", "performance", "Performance (Core Web Vitals, lab)", mode="B", needs=(Source.BROWSER,))
def performance(site: SiteFacts) -> Finding:
    """What: Largest Contentful Paint and Cumulative Layout Shift of the home page, each scored 1 / 0.5 / 0
    (LCP ≤ 2.5 s / ≤ 4 s; CLS ≤ 0.1 / ≤ 0.25), averaged.
    Why: GSA, ITIF page speed, LOSI reliability: slow pages fail citizens on mobile networks.
    Evidence: the measured LCP and CLS.
    Outcomes: graded mean; NOT_OBSERVED when the browser reported no vitals.
    """
    pages = _pages(site, "home")
    if not pages:
        return Finding.not_observed("the home page was not rendered", site.homepage)
    vitals = pages[0].payload.get("vitals") or {}
    bands = [b for b in (_band(vitals.get("lcp_ms"), LCP_MS), _band(vitals.get("cls"), CLS)) if b is not None]
    if not bands:
        return Finding.not_observed("the browser reported no vitals", pages[0].url)
    data = {"lcp_ms": vitals.get("lcp_ms"), "cls": vitals.get("cls")}
    summary = f"LCP {vitals.get('lcp_ms')} ms, CLS {vitals.get('cls')}"
    return Finding.graded(sum(bands) / len(bands), Evidence(summary, pages[0].url, data))


@check("INF-16", "automated-accessibility", "Automated accessibility (axe)", mode="B", needs=(Source.BROWSER,))
def automated_accessibility(site: SiteFacts) -> Finding:
    """What: The share of sampled pages with no serious or critical axe-core violation (WCAG 2.x A/AA rules).
    Why: WCAG 2.2, EN 301 549, Web Accessibility Directive simplified monitoring, LOSI #210.
    Evidence: per page, the serious/critical rule ids and node counts.
    Outcomes: graded by share (PASS all clean); NOT_OBSERVED when axe did not run.
    """
    results = [b for b in site.browser_of(BrowserKind.AXE) if not b.error_class]
    if not results:
        return Finding.not_observed("axe did not run on any page", site.homepage)
    clean = 0
    evidence: list[Evidence] = []
    for row in results:
        serious = [v for v in row.payload.get("violations") or [] if v.get("impact") in SERIOUS]
        if not serious:
            clean += 1
        elif len(evidence) < 5:
            ids = ", ".join(f"{v.get('id')}×{v.get('count')}" for v in serious[:5])
            evidence.append(Evidence(f"serious violations: {ids}", row.url))
    summary = Evidence(f"{clean} of {len(results)} pages without serious violations", site.homepage)
    return Finding.graded(clean / len(results), summary, *evidence)


@check("INF-25", "site-search", "Site search present and functional", mode="A+B", needs=(Source.BROWSER,))
def site_search(site: SiteFacts) -> Finding:
    """What: A search box that returns relevant results for a one-word query (the agency's short name).
    Why: LOSI #206/#207, UN #003/#004, IDEA, M-23-22, Thai Website Standard.
    Evidence: the browser's search: the form found, the term, the results URL and whether a result contained it.
    Outcomes: PASS when the search works; PARTIAL 0.5 when a box exists but the query fails; FAIL when the
    rendered home page has no search box; NOT_OBSERVED when the search was not tried.
    """
    rows = [b for b in site.browser_of(BrowserKind.SEARCH) if not b.error_class]
    if not rows:
        return Finding.not_observed("the site search was not tried", site.homepage)
    payload = rows[0].payload
    data = {k: payload.get(k) for k in ("term", "results_url", "results_status", "result_links", "term_found")}
    if payload.get("ok"):
        return Finding.passed(Evidence(f"searching '{payload.get('term')}' found it", payload.get("results_url"), data))
    if payload.get("form_found"):
        summary = f"a search box, but searching '{payload.get('term')}' found nothing relevant"
        return Finding.graded(0.5, Evidence(summary, payload.get("results_url") or rows[0].url, data))
    return Finding.failed(Evidence("no search box on the rendered home page", rows[0].url, data))


@check("INF-31", "trackers-before-consent", "Third-party trackers before consent", mode="B", needs=(Source.BROWSER,))
def trackers_before_consent(site: SiteFacts) -> Finding:
    """What: No advertising/analytics tracker loads before the visitor consents (third-party hosts recorded).
    Why: PDPA B.E. 2562 consent rules; GSA third-party services: trackers leak citizens' visits.
    Evidence: the trackers and third-party hosts the rendered pages requested before any click.
    Outcomes: PASS with no tracker; FAIL with one; NOT_OBSERVED when no page was rendered.
    """
    pages = _pages(site)
    if not pages:
        return Finding.not_observed(content_unobserved(site) or "no page was rendered", site.homepage)
    for row in pages:
        trackers = list(row.payload.get("trackers") or [])
        if trackers:
            hosts = list(row.payload.get("third_party_hosts") or [])
            return Finding.failed(
                Evidence(f"trackers before consent: {', '.join(trackers)}", row.url, {"hosts": hosts})
            )
    hosts = sorted({h for row in pages for h in row.payload.get("third_party_hosts") or []})
    return Finding.passed(Evidence(f"no tracker on {len(pages)} rendered pages", site.homepage, {"hosts": hosts}))
