"""Helpers every check family shares: when may absence count as a FAIL, and the keyword-presence patterns.

Catalog §8.7: FAIL only with positive evidence of absence — the site answered, the crawl completed within its
scope and found nothing. A crawl that failed, was blocked, hit its page budget, or saw an empty JavaScript shell
observed nothing, and the indicator is NOT_OBSERVED.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from urllib.parse import urlsplit

from egov_crawl.facts.model import PageFacts, SiteFacts, Source
from egov_crawl.scoring.derived import derived
from egov_crawl.scoring.detections import main_language
from egov_crawl.scoring.lexicon import Match, find, find_host, find_in_text, find_named, load_lexicon

__all__ = [
    "Match",
    "absent",
    "content_unobserved",
    "find",
    "find_host",
    "find_in_text",
    "home_unread",
    "keyword_check",
    "latest_news_date",
    "match_evidence",
    "news_urls",
    "page_of",
    "parts",
    "presence",
    "profile_platform_link",
]
from egov_crawl.scoring.model import Evidence, Finding
from egov_crawl.scoring.registry import CheckSpec, register

EMPTY_SHELL = "the home page has no content without JavaScript (an empty shell in the static HTML)"
MIN_STATIC_TEXT = 200  # characters of visible text below which a home page is an empty (JavaScript) shell


def content_unobserved(site: SiteFacts) -> str | None:
    """Why the crawl cannot show that something is absent, or None when it can (asked by most checks: once per
    agency)."""
    return derived(site, "content_unobserved", lambda: _content_unobserved(site))


def home_unread(site: SiteFacts) -> str | None:
    """Why the home page's own facts (lang, viewport…) cannot be judged, or None. Narrower than
    ``content_unobserved``: a splash page or a JavaScript shell still has a lang attribute and a viewport the
    crawler recorded; only the *absence* of content on it proves nothing."""
    reason = content_unobserved(site)
    if reason is None or reason == EMPTY_SHELL:
        return None
    return reason


def _content_unobserved(site: SiteFacts) -> str | None:
    crawl = site.crawl
    if crawl is None:
        return "the site was not crawled in this run"
    robots = site.site_facts.get("robots") or {}
    if robots.get("disallow_all_for_star"):
        return "robots.txt disallows crawling, so the site's pages were not read"
    if crawl.status != "complete":
        return f"the crawl did not complete ({crawl.status}: {crawl.error_class or crawl.finish_reason or 'unknown'})"
    home = site.home
    if home is None or not home.ok:
        status = home.status if home else None
        return f"the home page did not answer with content (HTTP {status}, {home.error_class if home else 'no page'})"
    if len(site.ok_pages) < 2 and int(home.facts.get("text_length") or 0) < MIN_STATIC_TEXT:
        return EMPTY_SHELL
    return None


def budget_note(site: SiteFacts) -> str | None:
    """The crawl stopped at its page budget: an item not found may lie beyond it."""
    crawl = (site.site_facts.get("crawl") or {}) if site.crawl else {}
    if crawl.get("budget_hit"):
        return f"the crawl stopped at its budget of {crawl.get('budget')} pages"
    return None


def absent(site: SiteFacts, what: str, *, key: str | None = None) -> Finding:
    """FAIL with the evidence of a complete crawl, or NOT_OBSERVED when the budget cut it short. With the lexicon
    ``key``: a labelled link to the thing whose target failed is the evidence ("linked, but the target answers
    404"), never "nothing named like …"."""
    named = find_named(site, key) if key else None
    if named is not None and named.broken:
        return Finding.failed(match_evidence(named))
    note = budget_note(site)
    if note:
        return Finding.not_observed(f"{what} not found, but {note}")
    pages = len(site.ok_pages)
    return Finding.failed(Evidence(f"{what} (searched {pages} pages of a complete crawl)", site.homepage))


def languages_of(site: SiteFacts) -> tuple[str, ...]:
    """The lexicon languages to quote in "nothing named like …": the site's own language first, then its country
    profile's; an English site of an English-speaking country is not told it lacks a Thai term."""
    main = main_language(site)
    ordered = [main] if main else []
    ordered += [lang for lang in site.profile.languages if lang not in ordered]
    return tuple(ordered)


def match_evidence(match: Match) -> Evidence:
    data: dict[str, object] = {"keyword": match.term, "lang": match.lang, "field": match.field}
    if match.on_page:
        data["on_page"] = match.on_page
    if match.broken:
        data["target_status"] = match.target_status
    return Evidence(match.summary(), match.url, data)


def presence(site: SiteFacts, key: str, *, text: bool = False) -> Finding:
    """PASS when the site names the item (title, heading, link label, URL path, platform link; optionally page
    text); FAIL after a complete crawl without it; NOT_OBSERVED otherwise."""
    reason = content_unobserved(site)
    if reason:
        return Finding.not_observed(reason, site.homepage)
    match = find(site, key) or (find_in_text(site, key) if text else None) or find_named(site, key)
    if match and not match.broken:
        return Finding.passed(match_evidence(match))
    platform = profile_platform_link(site, key)
    if platform:
        return Finding.passed(platform)
    if match:
        # Named and linked, but the citizen cannot open it: a finding of its own, not "nothing named like …".
        return Finding.failed(match_evidence(match))
    return absent(site, f"no page or link named like {load_lexicon().describe(key, languages=languages_of(site))}")


def parts(site: SiteFacts, key: str, names: Sequence[str], *, text: bool = False) -> Finding:
    """The mean of several presence items (catalog: "s = mean of …"), each with its own evidence."""
    reason = content_unobserved(site)
    if reason:
        return Finding.not_observed(reason, site.homepage)
    evidence: list[Evidence] = []
    found = 0
    for name in names:
        part = f"{key}.{name}"
        match = find(site, part) or (find_in_text(site, part) if text else None) or find_named(site, part)
        if match:
            found += 0 if match.broken else 1
            evidence.append(match_evidence(match))
        else:
            like = load_lexicon().describe(part, 3, languages=languages_of(site))
            evidence.append(Evidence(f"{name}: nothing named like {like}", site.homepage))
    if found == 0 and budget_note(site):
        return Finding.not_observed(f"none of {', '.join(names)} found, but {budget_note(site)}")
    return Finding.graded(found / len(names), *evidence)


def page_of(site: SiteFacts, match: Match | None) -> PageFacts | None:
    """The crawled page a match points to (a title/heading match, or the target of a matched link)."""
    return site.page(match.url) if match else None


def profile_platform_link(site: SiteFacts, indicator: str) -> Evidence | None:
    """The first sign that the agency uses a national platform its country profile declares for ``indicator``
    (Login.gov for SRV-07 in the United States): a link to the platform's host, a page loading one of its
    scripts, or its name in a page's text. The lexicon's own host lists are searched by ``find`` before this."""
    platforms = site.profile.platforms_for(indicator)
    for platform in platforms:
        data = {"platform": platform.name, "profile": site.profile.id}
        if platform.hosts:
            for link in site.links:
                host = (site.split(link.target_url).hostname or "").lower()
                if not link.internal and platform.has_host(host):
                    summary = f"link to {platform.name} ({host}): {link.anchor_text or link.target_url}"
                    return Evidence(
                        summary, link.target_url, {**data, "field": "link_host", "on_page": link.source_url}
                    )
        for page in site.ok_pages:
            url = page.final_url or page.url
            scripts = page.facts.get("scripts")
            sources = (scripts.get("external") if scripts else None) or []
            script = next((str(s) for s in sources if any(marker in str(s) for marker in platform.scripts)), None)
            if script:
                return Evidence(f"{platform.name} script: {script}", url, {**data, "field": "script"})
            text = page.text().casefold() if platform.terms else ""
            term = next((t for t in platform.terms if t.casefold() in text), None)
            if term:
                return Evidence(f"page text names {platform.name} ('{term}')", url, {**data, "field": "text"})
    return None


_OBSERVATION = (
    "NOT_OBSERVED when the crawl did not complete, was blocked, saw only a JavaScript shell or stopped at its "
    "page budget before finding it."
)


def keyword_check(
    id: str,
    slug: str,
    title: str,
    *,
    what: str,
    why: str,
    mode: str = "A",
    part_names: Sequence[str] = (),
    text: bool = False,
) -> None:
    """Declare a presence check whose detection is all data (the lexicon entry named by the id)."""
    where = "page titles, headings, link labels" + (", page text" if text else "") + ", URL paths, platform links"
    if part_names:
        keys = ", ".join(f"`{id}.{name}`" for name in part_names)
        outcomes = (
            f"the share of the parts found ({', '.join(part_names)}): PASS all, PARTIAL some, FAIL none after a "
            f"complete crawl; {_OBSERVATION}"
        )
    else:
        keys = f"`{id}`"
        outcomes = f"PASS when found; FAIL when a complete crawl found nothing; {_OBSERVATION}"
    doc = (
        f"What: {what}\nWhy: {why}\n"
        f"Evidence: the match in {where} for the lexicon entries {keys} (scoring/lexicon/th.yaml, en.yaml): "
        f"keyword, field and URL.\nOutcomes: {outcomes}"
    )

    def run(site: SiteFacts) -> Finding:
        if part_names:
            return parts(site, id, part_names, text=text)
        return presence(site, id, text=text)

    run.__name__ = slug.replace("-", "_")
    register(CheckSpec(id, slug, title, frozenset({Source.CRAWL}), mode, "1", run, doc))


def latest_news_date(site: SiteFacts, news_urls: set[str]) -> tuple[date | None, str | None]:
    """The newest date on the news list pages (and the news items they link to), with the page it is on."""
    best: tuple[date | None, str | None] = (None, None)
    for page in site.ok_pages:
        url = page.final_url or page.url
        in_news = url in news_urls or any(url.startswith(n.rstrip("/") + "/") for n in news_urls)
        if not in_news:
            continue
        for text in [page.facts.get("latest_date"), *(page.facts.get("time_elements") or [])]:
            if not text:
                continue
            try:
                day = date.fromisoformat(str(text)[:10])
            except ValueError:
                continue
            if best[0] is None or day > best[0]:
                best = (day, url)
    return best


def news_urls(site: SiteFacts) -> tuple[Match | None, set[str]]:
    """The news list (lexicon OPN-09) and every answered page under a /news path."""
    match = find(site, "OPN-09")
    urls = {match.url} if match else set()
    urls |= {p.final_url or p.url for p in site.ok_pages if urlsplit(p.url).path.startswith(("/news", "/en/news"))}
    return match, urls
