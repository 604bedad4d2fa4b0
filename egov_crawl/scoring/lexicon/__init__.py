"""Keyword matching for checks, in one place: the Thai and English lexicons (th.yaml, en.yaml) and where to look.

Normalisation follows catalog §8.6 (``egov_crawl.thai.normalize`` plus case folding and unified dashes); Thai
has no spaces between words, so terms match as *substrings*. Where a site names a thing is where a citizen finds
it: page titles and headings of pages that answered, and the labels of links that are not broken. Long labels
(news headlines) are skipped: a headline that mentions "budget" is not a budget page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from egov_crawl import thai
from egov_crawl.scoring.facts import PageFacts, SiteFacts

LEXICON_DIR = Path(__file__).resolve().parent
MAX_LABEL_CHARS = 120  # menu items, footer links and document titles are shorter; news headlines often are not
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d", "-"))


def fold(text: str) -> str:
    """Normalised, case-folded text with every dash as '-' (catalog §8.6)."""
    return thai.normalize(text).translate(_DASHES).casefold()


@dataclass(frozen=True)
class Lexicon:
    terms: dict[str, tuple[tuple[str, str], ...]]  # key → ((folded term, lang), …)
    paths: dict[str, tuple[re.Pattern[str], ...]]
    hosts: dict[str, tuple[str, ...]]
    files: tuple[Path, ...]

    def terms_of(self, key: str) -> tuple[tuple[str, str], ...]:
        return self.terms.get(key, ())

    def describe(self, key: str, limit: int = 6) -> str:
        words = [t for t, _ in self.terms_of(key)][:limit]
        return ", ".join(words) or "(no terms)"


def _read(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a mapping with 'terms' is expected")
    return data


@cache
def load_lexicon(directory: Path = LEXICON_DIR) -> Lexicon:
    files = (directory / "th.yaml", directory / "en.yaml")
    terms: dict[str, list[tuple[str, str]]] = {}
    paths: dict[str, tuple[re.Pattern[str], ...]] = {}
    hosts: dict[str, tuple[str, ...]] = {}
    for path in files:
        data = _read(path)
        lang = path.stem
        for key, words in (data.get("terms") or {}).items():
            terms.setdefault(str(key), []).extend((fold(str(w)), lang) for w in words)
        for key, patterns in (data.get("paths") or {}).items():
            paths[str(key)] = tuple(re.compile(str(p), re.IGNORECASE) for p in patterns)
        for key, suffixes in (data.get("hosts") or {}).items():
            hosts[str(key)] = tuple(str(s).lower() for s in suffixes)
    return Lexicon({k: tuple(v) for k, v in terms.items()}, paths, hosts, files)


@dataclass(frozen=True)
class Match:
    """Where a term was found: the field (title, heading, link_text, url_path, link_host, text), the URL a
    citizen would open, the term and the text it was found in (a snippet)."""

    key: str
    field: str
    url: str
    term: str
    lang: str
    snippet: str
    on_page: str | None = None

    def summary(self) -> str:
        where = {
            "title": "page title",
            "heading": "page heading",
            "link_text": "link label",
            "url_path": "URL path",
            "link_host": "link to",
            "text": "page text",
        }[self.field]
        return f"{where} matches '{self.term}': {self.snippet[:200]}"


@dataclass(frozen=True)
class _Entry:
    field: str
    folded: str
    url: str
    snippet: str
    on_page: str | None


def _title_label(title: str) -> str:
    """'อำนาจหน้าที่ | กรมสรรพากร' → 'อำนาจหน้าที่': the site name suffix would match every page."""
    return re.split(r"\s[|–-]\s", title, maxsplit=1)[0] if " " in title else title


def _is_article(facts: dict[str, Any]) -> bool:
    """A dated article (Open Graph ``article:published_time``, or og:type article)."""
    graph = facts.get("open_graph") or {}
    return bool(graph.get("article:published_time")) or graph.get("og:type") == "article"


def _index(site: SiteFacts) -> list[_Entry]:
    """Titles and headings of pages that answered, and short labels of links that are not broken; cached."""
    cache_key = "lexicon_index"
    cached = site.cache.get(cache_key)
    if cached is not None:
        return list(cached)
    entries: list[_Entry] = []
    # A news article is *about* something, it is not the thing (a headline on disaster drills is not a disaster
    # information section), and the home page's title is the agency's name (กรมกิจการผู้สูงอายุ is not a page
    # for the elderly): neither names a section.
    articles = {p.final_url or p.url for p in site.ok_pages if _is_article(p.facts)} | {
        p.url for p in site.ok_pages if _is_article(p.facts)
    }
    home = site.home
    for page in site.ok_pages:
        url = page.final_url or page.url
        if url in articles:
            continue
        if page.title and page is not home:
            label = _title_label(page.title)
            entries.append(_Entry("title", fold(label), url, label, None))
        for heading in page.headings[:20]:
            if heading and len(heading) <= MAX_LABEL_CHARS:
                entries.append(_Entry("heading", fold(heading), url, heading, None))
    seen: set[tuple[str, str]] = set()
    for link in site.links:
        text = (link.anchor_text or "").strip()
        if link.broken or not text or len(text) > MAX_LABEL_CHARS or (text, link.target_url) in seen:
            continue
        if link.target_url in articles:
            continue
        seen.add((text, link.target_url))
        entries.append(_Entry("link_text", fold(text), link.target_url, text, link.source_url))
    # The agency's own name is not a signal ("เกี่ยวกับกรมกิจการผู้สูงอายุ" is an about page, not one for the elderly).
    names = [fold(n) for n in (site.name_th, site.name_en) if n and len(n) > 3]
    if names:
        entries = [_Entry(e.field, _without(e.folded, names), e.url, e.snippet, e.on_page) for e in entries]
    site.cache[cache_key] = entries
    return entries


def _without(text: str, names: list[str]) -> str:
    for name in names:
        if name in text:
            text = text.replace(name, " ")
    return text


def find(site: SiteFacts, key: str, *, lexicon: Lexicon | None = None) -> Match | None:
    """The first place the site names the thing ``key`` stands for: titles and headings first (a page that *is*
    the thing), then link labels, then URL paths of answered pages and links, then links to external hosts."""
    lexicon = lexicon or load_lexicon()
    terms = lexicon.terms_of(key)
    entries = _index(site)
    for wanted in ("title", "heading", "link_text"):
        # The shortest matching label wins: "ผู้บริหาร" the page, not a headline about an executive's visit.
        best: tuple[int, Match] | None = None
        for entry in entries:
            if entry.field != wanted or (best is not None and len(entry.folded) >= best[0]):
                continue
            for term, lang in terms:
                if term in entry.folded:
                    best = (
                        len(entry.folded),
                        Match(key, entry.field, entry.url, term, lang, entry.snippet, entry.on_page),
                    )
                    break
        if best is not None:
            return best[1]
    for pattern in lexicon.paths.get(key, ()):
        for page in site.ok_pages:
            url = page.final_url or page.url
            if pattern.search(urlsplit(url).path):
                return Match(key, "url_path", url, pattern.pattern, "en", url)
        for link in site.links:
            if (
                link.internal
                and not link.broken
                and link.status is not None
                and pattern.search(urlsplit(link.target_url).path)
            ):
                return Match(key, "url_path", link.target_url, pattern.pattern, "en", link.target_url, link.source_url)
    host_match = find_host(site, key, lexicon=lexicon)
    return host_match


def find_host(site: SiteFacts, key: str, *, lexicon: Lexicon | None = None) -> Match | None:
    """A link to an external host of the indicator's host list (a national platform that provides the item)."""
    lexicon = lexicon or load_lexicon()
    suffixes = lexicon.hosts.get(key, ())
    if not suffixes:
        return None
    for link in site.links:
        host = (urlsplit(link.target_url).hostname or "").lower()
        for suffix in suffixes:
            if host == suffix or host.endswith("." + suffix):
                return Match(key, "link_host", link.target_url, suffix, "en", link.anchor_text or host, link.source_url)
    return None


def _page_texts(site: SiteFacts) -> list[tuple[PageFacts, str, str]]:
    """(page, normalised text, folded text) of answered pages, computed once per site: every text check
    searches the same pages (bench/scoring.py: folding was half of rescore's time)."""
    cached: list[tuple[PageFacts, str, str]] | None = site.cache.get("page_texts")
    if cached is None:
        cached = []
        for page in site.ok_pages:
            text = thai.normalize(page.text())
            cached.append((page, text, fold(text)))
        site.cache["page_texts"] = cached
    return cached


def find_in_text(
    site: SiteFacts, key: str, *, urls: set[str] | None = None, lexicon: Lexicon | None = None
) -> Match | None:
    """A term in the visible text of answered pages (all of them, or those in ``urls``)."""
    lexicon = lexicon or load_lexicon()
    terms = lexicon.terms_of(key)
    for page, text, folded in _page_texts(site):
        url = page.final_url or page.url
        if urls is not None and url not in urls and page.url not in urls:
            continue
        for term, lang in terms:
            position = folded.find(term)
            if position >= 0:
                start = max(0, position - 60)
                return Match(key, "text", url, term, lang, text[start : start + 200])
    return None
