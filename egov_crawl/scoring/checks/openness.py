"""OPENNESS checks computable from crawled pages: statutory disclosure, ITA-OIT items, policies.

Open-data checks that read catalogue facts (OPN-16…22, 24) live in ``probed.py``.
"""

from __future__ import annotations

import re

from egov_crawl.facts.model import PageFacts, SiteFacts
from egov_crawl.scoring.checks.common import (
    Match,
    absent,
    content_unobserved,
    find,
    keyword_check,
    latest_news_date,
    match_evidence,
    news_urls,
    page_of,
    presence,
)
from egov_crawl.scoring.lexicon import find_in_text
from egov_crawl.scoring.model import Evidence, Finding
from egov_crawl.scoring.registry import check

FRESH_DAYS = 30  # catalog OPN-09 / INF-30: an item ≤ 30 days old

keyword_check(
    "OPN-01",
    "organisation-structure",
    "Organisation structure",
    what="An organigram page showing divisions and key positions.",
    why="OIA §7(1) and ITA-OIT O1 require it; LOSI #215, UN #010.",
    mode="A→J",
)
keyword_check(
    "OPN-03",
    "powers-and-duties",
    "Powers and duties / mission",
    what="A page stating the agency's legal powers and duties, vision or mission.",
    why="OIA §7(2), ITA-OIT O3, Thai Website Standard.",
)
keyword_check(
    "OPN-04",
    "strategic-plan",
    "Strategic / development plan",
    what="A multi-year strategic or development plan.",
    why="ITA-OIT O4 and OIA §9; a reviewer confirms it covers the assessed fiscal year.",
    mode="A→J",
)
keyword_check(
    "OPN-05",
    "annual-plan-and-reports",
    "Annual operating plan, 6-month and annual performance reports",
    what="The annual operating plan, the 6-month monitoring report and the annual performance report.",
    why="ITA67 O11–O13, OIA §9 (Thai fiscal year 1 Oct – 30 Sep).",
    mode="A→J",
    part_names=("plan", "midyear", "annual"),
)
keyword_check(
    "OPN-06",
    "budget-information",
    "Budget information (plan, execution, reports)",
    what="The budget plan, its execution report and the annual spending report.",
    why="LOSI #219, ITA-OIT, OIA §9, ODB budget/spend.",
    mode="A→J",
    part_names=("plan", "execution", "annual"),
)
keyword_check(
    "OPN-07",
    "procurement-transparency",
    "Procurement transparency",
    what="The procurement plan, announcements, monthly summaries (สขร.1) and the annual procurement report.",
    why="ITA67 O19–O22, LOSI #220/#221, ODB public contracts.",
    mode="A→J",
    part_names=("plan", "announcements", "monthly", "annual"),
)
keyword_check(
    "OPN-08",
    "laws-and-regulations",
    "Laws, regulations, orders",
    what="A page listing the laws and regulations relevant to the agency.",
    why="OIA §7(4), ITA-OIT O6, Thai Website Standard.",
)
keyword_check(
    "OPN-10",
    "events-calendar",
    "Events calendar",
    what="A calendar of upcoming events.",
    why="LOSI #295, UN #033.",
)
keyword_check(
    "OPN-11",
    "council-meetings",
    "Council / board meetings",
    what="Council meeting calendar and minutes (local administrations).",
    why="LOSI #280; the methodology applies it to local administrations only.",
)
keyword_check(
    "OPN-13",
    "website-policies",
    "Website policy & website security policy",
    what="A website policy (terms of use) and a website security policy.",
    why="Thai Government Website Standard v2/v3.",
    part_names=("website", "security"),
)
keyword_check(
    "OPN-14",
    "information-centre",
    "Official-information centre (OIA)",
    what="The official-information centre page (ศูนย์ข้อมูลข่าวสาร) with the §7/§9 items.",
    why="Official Information Act B.E. 2540; LOSI #224, UN #339.",
)
keyword_check(
    "OPN-15",
    "open-data-page",
    "Open-data policy / open-data page",
    what="A page describing the agency's open data (policy, catalogue link, data governance) or a data.go.th link.",
    why="LOSI #236, UN #341, Open Data Maturity policy dimension.",
)
keyword_check(
    "OPN-23",
    "dataset-requests",
    "Dataset requests / data feedback",
    what="A way to request a new dataset or report a data problem.",
    why="UN #040, Open Data Maturity portal dimension.",
)
keyword_check(
    "OPN-25",
    "anti-corruption-complaints",
    "Anti-corruption complaints (guideline, channel, statistics)",
    what="The anti-corruption complaint guideline, the reporting channel and the annual statistics.",
    why="ITA67 O27–O29, UN #021.",
    mode="A→J",
    part_names=("guideline", "channel", "statistics"),
    text=True,
)
keyword_check(
    "OPN-26",
    "integrity-disclosures",
    "Integrity & anti-corruption disclosures",
    what="Integrity statement, No Gift Policy, corruption-risk assessment, prevention plan, code of ethics, "
    "integrity measures.",
    why="ITA67 O31–O43.",
    mode="A→J",
    part_names=("statement", "no_gift", "risk", "prevention", "ethics", "measures"),
    text=True,
)
keyword_check(
    "OPN-27",
    "hr-disclosures",
    "Human-resource management disclosures",
    what="HR policy, HR management criteria and the annual HR report.",
    why="ITA67 O23–O26.",
    mode="A→J",
    part_names=("policy", "criteria", "report"),
    text=True,
)
keyword_check(
    "OPN-28",
    "operating-manuals",
    "Operating manuals / work standards",
    what="Published operating manuals or work standards.",
    why="ITA67 O14, OIA §9.",
    mode="A→J",
    text=True,
)
keyword_check(
    "OPN-29",
    "visitor-statistics",
    "Portal usage statistics published",
    what="Visitor statistics shown on the site (counters, dashboards).",
    why="LOSI #289, UN #088, Thai Website Standard.",
    text=True,
)
keyword_check(
    "OPN-32",
    "sdg-environment-data",
    "SDG / environmental data (local)",
    what="SDG or local environmental data such as air quality (provinces and local administrations).",
    why="LOSI #243/#291/#292.",
    mode="A→J",
    text=True,
)


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<!\d)0\d{1,2}[-\s]?\d{3}[-\s]?\d{3,4}(?!\d)")  # catalog SRV-01 Thai phone pattern


def _contacts(page: PageFacts) -> set[str]:
    """E-mail addresses and phone numbers (digits only) of a page: its links and its text."""
    recorded = page.facts.get("contacts")
    emails = (recorded.get("emails") if recorded else None) or []
    numbers = (recorded.get("phones") if recorded else None) or []
    text = page.text()
    found = {e.lower() for e in emails} | {e.lower() for e in EMAIL.findall(text)}
    phones = set(numbers) | set(PHONE.findall(text))
    return found | {re.sub(r"\D", "", p) for p in phones}


def _matched_page(site: SiteFacts, key: str, item: str, page_name: str) -> Finding | tuple[Match, PageFacts]:
    """The lexicon match for ``key`` and the crawled page it names; else the finding that ends the check:
    NOT_OBSERVED when the crawl could not tell, FAIL "no <item>" after a complete crawl, PARTIAL 0.5 when only a
    link to the page was found (the page itself was not crawled, so its content cannot be judged)."""
    reason = content_unobserved(site)
    if reason:
        return Finding.not_observed(reason, site.homepage)
    match = find(site, key)
    if match is None:
        return absent(site, f"no {item}", key=key)
    page = page_of(site, match)
    if page is None:
        return Finding.graded(0.5, match_evidence(match), Evidence(f"the {page_name} page itself was not crawled"))
    return match, page


@check("OPN-02", "executives", "Executives with name, position, photo, contact", mode="A→J")
def executives(site: SiteFacts) -> Finding:
    """What: The executives page lists the head and deputies with name, position, photo and their own contact.
    Why: LOSI #216, UN #011, ITA-OIT O2: citizens should know who is accountable and how to reach them.
    Evidence: the executives page, its photos, and the e-mail addresses and phone numbers it shows beyond the
    site-wide ones (those of the home page's footer).
    Outcomes: PASS when the page has people with their own contact; PARTIAL 0.5 when it names them only; FAIL
    when a complete crawl found no executives page; NOT_OBSERVED when the crawl could not tell.
    """
    found = _matched_page(site, "OPN-02", "executives page", "executives")
    if isinstance(found, Finding):
        return found
    _, page = found
    site_wide = _contacts(site.home) if site.home is not None else set()
    own = sorted(_contacts(page) - site_wide)
    images = page.facts.get("images")
    photos = int((images.get("count") if images else None) or 0)
    data = {"own_contacts": own[:10], "images": photos}
    url = page.final_url or page.url
    if own:
        return Finding.passed(Evidence(f"executives page with {len(own)} personal contacts", url, data))
    return Finding.graded(0.5, Evidence("executives page names people without their own contact", url, data))


@check("OPN-09", "news-with-feed", "News / public relations, with feed")
def news(site: SiteFacts) -> Finding:
    """What: A news list whose newest item is at most 30 days old (the RSS/Atom feed is recorded as a flag).
    Why: LOSI #296, ITA-OIT O7: a site that stopped publishing news has stopped talking to citizens.
    Evidence: the news page, the newest date found on it or its items (Buddhist-era dates read as such), the
    run's reference date and the feed URL.
    Outcomes: PASS when a news list has an item ≤ 30 days old; FAIL when the newest item is older or no news
    list exists after a complete crawl; NOT_OBSERVED when the crawl could not tell.
    """
    reason = content_unobserved(site)
    if reason:
        return Finding.not_observed(reason, site.homepage)
    match, urls = news_urls(site)
    if match is None:
        return absent(site, "no news list", key="OPN-09")
    latest, on = latest_news_date(site, urls)
    feeds = sorted({f.get("url") for p in site.ok_pages for f in p.facts.get("feeds") or [] if f.get("url")})
    data: dict[str, object] = {
        "latest": latest.isoformat() if latest else None,
        "as_of": site.as_of.isoformat(),
        "feeds": feeds[:3],
    }
    if latest is None:
        return Finding.failed(Evidence("the news list carries no readable dates", match.url, data))
    age = (site.as_of - latest).days
    data["age_days"] = age
    summary = f"newest news item dated {latest.isoformat()} ({age} days before {site.as_of.isoformat()})"
    if age <= FRESH_DAYS:
        return Finding.passed(Evidence(summary, on or match.url, data))
    return Finding.failed(Evidence(summary, on or match.url, data))


@check("OPN-12", "privacy-policy", "Privacy policy / PDPA notice", mode="A→J")
def privacy_policy(site: SiteFacts) -> Finding:
    """What: A privacy notice reachable from the site, naming the controller, purposes, rights and a contact (DPO).
    Why: PDPA B.E. 2562 requires a notice; ITA67 O10, LOSI #234, UN #014, Thai Website Standard.
    Evidence: the privacy page and the PDPA terms found in its text (ผู้ควบคุมข้อมูล, วัตถุประสงค์, สิทธิของ
    เจ้าของข้อมูล, DPO).
    Outcomes: PASS when the page exists and names them; PARTIAL 0.5 for a link or a page without them; FAIL when a
    complete crawl found no privacy notice; NOT_OBSERVED when the crawl could not tell.
    """
    found = _matched_page(site, "OPN-12", "privacy notice", "privacy")
    if isinstance(found, Finding):
        return found
    match, page = found
    content = find_in_text(site, "OPN-12.content", urls={page.final_url or page.url})
    if content:
        return Finding.passed(match_evidence(match), match_evidence(content))
    return Finding.graded(0.5, match_evidence(match), Evidence("the notice names no controller, purpose or rights"))


@check("OPN-30", "government-links", "Links to other government agencies / national portal")
def government_links(site: SiteFacts) -> Finding:
    """What: A section of links to the parent ministry, related agencies or the national portal.
    Why: LOSI #242, UN #012: citizens move between agencies; a government web links itself together.
    Evidence: the 'related agencies' section or the outbound government hosts linked from the site: hosts under
    the country profile's official suffixes or its other government hosts (*.go.th; *.gov and usa.gov; *.gov.uk).
    Outcomes: PASS with such a section or links to ≥ 3 government hosts; FAIL after a complete crawl without;
    NOT_OBSERVED when the crawl could not tell.
    """
    reason = content_unobserved(site)
    if reason:
        return Finding.not_observed(reason, site.homepage)
    external = {(site.split(link.target_url).hostname or "").lower() for link in site.links if not link.internal}
    hosts = sorted(host for host in external if host and site.profile.is_government_host(host))
    if len(hosts) >= 3:
        return Finding.passed(Evidence(f"links to {len(hosts)} government hosts", site.homepage, {"hosts": hosts[:10]}))
    found = presence(site, "OPN-30")
    if found.outcome.observed and found.score == 1.0:
        return found
    return absent(site, f"fewer than 3 government hosts linked ({len(hosts)}) and no related-agencies section")
