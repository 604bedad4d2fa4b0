"""Detections: does the site offer X, and where? One function per thing a citizen looks for, shared by the checks
(which then judge it) and by ``egov-crawl eval`` (which measures precision and recall against labels written by
reading real pages). Most are lexicon look-ups; contact details, social accounts and language versions read the
crawler's facts directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from egov_crawl.facts.model import PageFacts, SiteFacts
from egov_crawl.scoring.lexicon import Match, find, find_host, find_named

APP_STORES = ("app-store", "google-play")


def contact_pages(site: SiteFacts) -> list[PageFacts]:
    """The home page and the contact page (when the site names one and it answered)."""
    contact = find(site, "SRV-01")
    pages = [site.home] if site.home is not None else []
    if contact is not None and not contact.broken:
        page = site.page(contact.url)
        if page is not None and page not in pages:
            pages.append(page)
    return pages


def _contact_value(site: SiteFacts, kind: Literal["phones", "emails"]) -> Match | None:
    for page in contact_pages(site):
        contacts = page.facts.get("contacts")
        values = (contacts.get(kind) if contacts else None) or []
        if values:
            url = page.final_url or page.url
            return Match(f"contact.{kind}", "contact", url, str(values[0]), "", ", ".join(map(str, values[:3])))
    return None


def phone_number(site: SiteFacts) -> Match | None:
    return _contact_value(site, "phones")


def email_address(site: SiteFacts) -> Match | None:
    return _contact_value(site, "emails")


def social_accounts(site: SiteFacts) -> dict[str, str]:
    """Platform → first link to the agency's account (links and embedded feeds the crawler recorded)."""
    platforms: dict[str, str] = {}
    for page in site.ok_pages:
        for platform, url in (page.facts.get("social") or {}).items():
            if platform not in APP_STORES:
                platforms.setdefault(platform, str(url))
    return platforms


def social_media(site: SiteFacts) -> Match | None:
    platforms = social_accounts(site)
    if platforms:
        # The alphabetically first platform, not the first stored: PostgreSQL's jsonb reorders the keys of
        # page.facts.social, and the evidence must not depend on the store.
        first = min(platforms)
        return Match("SRV-15", "link_host", platforms[first], first, "", ", ".join(sorted(platforms)))
    return find_host(site, "SRV-15")


THAI_CONTENT_SHARE = 0.3  # Thai letters among all letters from which a page reads as Thai (menus mix scripts)


def page_language(page: PageFacts) -> str | None:
    """The language of a page's content: the crawler's reading of its script, else the share of Thai letters,
    else its lang attribute. Not the attribute first: three real Thai home pages declare lang="en"."""
    found = page.facts.get("content_lang")
    if found:
        return str(found)
    share = page.facts.get("thai_share")
    if share is not None:
        return "th" if float(share) >= THAI_CONTENT_SHARE else "en"
    return (page.lang or "")[:2].lower() or None


def main_language(site: SiteFacts) -> str | None:
    """The language of the site's content: its home page's."""
    return page_language(site.home) if site.home is not None else None


def other_language_pages(site: SiteFacts) -> list[PageFacts]:
    """Answered pages whose content is in another language than the home page's."""
    main = main_language(site)
    if main is None:
        return []
    return [p for p in site.ok_pages if (language := page_language(p)) is not None and language != main]


def language_versions(site: SiteFacts) -> list[tuple[str, str, str]]:
    """(language, URL, how) of every version in another language than the site's main one that the site links
    to: the crawler's language links (labels such as "English", "EN", "Eng", flags, hreflang, /en/ paths)."""
    main = main_language(site)
    found: dict[str, tuple[str, str, str]] = {}
    for page in site.ok_pages:
        for link in page.facts.get("language_links") or []:
            lang = str(link.get("lang") or "")
            if lang and lang != main:
                found.setdefault(lang, (lang, str(link.get("url") or ""), str(link.get("label") or link.get("how"))))
        for alternate in page.facts.get("hreflang") or []:
            lang = str(alternate.get("hreflang") or "")[:2].lower()
            if lang and lang != main and lang != "x-":
                found.setdefault(lang, (lang, str(alternate.get("url") or ""), "hreflang"))
    return list(found.values())


def other_language(site: SiteFacts) -> Match | None:
    versions = language_versions(site)
    if versions:
        lang, url, how = versions[0]
        return Match("SRV-16", "language_link", url, lang, lang, how)
    match = find_named(site, "SRV-16")
    if match is not None and main_language(site) != "en":
        return match
    return None


def procurement(site: SiteFacts) -> Match | None:
    """A procurement section, or any of its parts (plan, announcements, summaries), or the national e-GP."""
    for key in ("OPN-07", "OPN-07.announcements", "OPN-07.plan", "OPN-07.monthly", "OPN-07.annual"):
        match = find_named(site, key)
        if match is not None:
            return match
    return find_host(site, "SRV-23")


def _lexicon(key: str) -> Callable[[SiteFacts], Match | None]:
    def detect(site: SiteFacts) -> Match | None:
        return find_named(site, key)

    return detect


# Every item the evaluation corpus labels. Lexicon items use the same look-up as their check.
DETECTIONS: dict[str, Callable[[SiteFacts], Match | None]] = {
    "SRV-01": _lexicon("SRV-01"),
    "contact.phone": phone_number,
    "contact.email": email_address,
    "SRV-02": _lexicon("SRV-02"),
    "SRV-03": _lexicon("SRV-03"),
    "SRV-06": _lexicon("SRV-06"),
    "SRV-15": social_media,
    "SRV-16": other_language,
    "SRV-22": _lexicon("SRV-22"),
    "INF-23.html_sitemap": _lexicon("INF-23.html_sitemap"),
    "OPN-09": _lexicon("OPN-09"),
    "OPN-07": procurement,
    "OPN-12": _lexicon("OPN-12"),
    "OPN-13.website": _lexicon("OPN-13.website"),
    "OPN-14": _lexicon("OPN-14"),
    "INF-17": _lexicon("INF-17"),
    "OPN-15": _lexicon("OPN-15"),
    "OPN-01": _lexicon("OPN-01"),
    "OPN-02": _lexicon("OPN-02"),
    "OPN-03": _lexicon("OPN-03"),
    "OPN-04": _lexicon("OPN-04"),
    "OPN-08": _lexicon("OPN-08"),
    "OPN-25.channel": _lexicon("OPN-25.channel"),
}
