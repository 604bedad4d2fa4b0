"""Keyword matching for checks, in one place: the Thai and English lexicons (th.yaml, en.yaml) and where to look.

Normalisation follows catalog §8.6 (``egov_crawl.thai.normalize`` plus case folding and unified dashes); Thai
has no spaces between words, so terms match as *substrings*. Where a site names a thing is where a citizen finds
it: page titles and headings of pages that answered, and the labels of links that are not broken. Long labels
(news headlines) are skipped: a headline that mentions "budget" is not a budget page.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from egov_crawl import thai
from egov_crawl.scoring.facts import LinkFacts, PageFacts, SiteFacts

LEXICON_DIR = Path(__file__).resolve().parent
MAX_LABEL_CHARS = 120  # menu items, footer links and document titles are shorter; news headlines often are not
_SEPARATOR = "\x00"  # between the texts joined for searching: no term contains it, so no match spans two texts
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"


def fold(text: str) -> str:
    """Normalised, case-folded text with every dash as '-' (catalog §8.6)."""
    return fold_normalized(thai.normalize(text))


def fold_all(texts: list[str]) -> list[str]:
    """``[fold(t) for t in texts]`` in a few passes over the texts joined into one string: a site has hundreds of
    labels, and each ``fold`` call costs more than the folding itself. Normalising, dashes and case folding act
    character by character and never across the separator; spaces are collapsed per text (``str.split`` sees the
    same white space before and after case folding, checked over all of Unicode)."""
    if not texts or any(_SEPARATOR in text for text in texts):
        return [fold(text) for text in texts]
    joined = fold_normalized(thai.normalize(_SEPARATOR.join(texts), collapse_spaces=False))
    return [" ".join(part.split()) for part in joined.split(_SEPARATOR)]


def fold_normalized(text: str) -> str:
    """``fold`` of text that is already ``thai.normalize``d (normalising is idempotent)."""
    for dash in _DASHES:
        # One C scan per dash: str.translate with a table looks up every character of Thai text in a dict
        # (10 times slower on page text, bench/scoring.py).
        if dash in text:
            text = text.replace(dash, "-")
    return text.casefold()


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


class _Entry(NamedTuple):
    field: str
    folded: str
    url: str
    snippet: str
    on_page: str | None


_TITLE_SUFFIX = re.compile(r"\s[|–-]\s")


def _title_label(title: str) -> str:
    """'อำนาจหน้าที่ | กรมสรรพากร' → 'อำนาจหน้าที่': the site name suffix would match every page."""
    return _TITLE_SUFFIX.split(title, maxsplit=1)[0] if " " in title else title


def _is_article(facts: dict[str, Any]) -> bool:
    """A dated article (Open Graph ``article:published_time``, or og:type article)."""
    graph = facts.get("open_graph") or {}
    return bool(graph.get("article:published_time")) or graph.get("og:type") == "article"


class _Texts:
    """Several folded texts joined into one string, so that finding which of them contain a term is a few
    ``str.find`` calls in C over one string instead of a Python loop over every text and term (rescore calls
    this for each of the lexicon's 450 terms on every agency: bench/scoring.py). Answers are cached per term."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.joined = _SEPARATOR.join(texts)
        self.starts: list[int] = []
        offset = 0
        for text in texts:
            self.starts.append(offset)
            offset += len(text) + 1
        self._hits: dict[str, tuple[int, ...]] = {}

    def containing(self, term: str) -> tuple[int, ...]:
        """Indexes of the texts that contain ``term``, in order."""
        hits = self._hits.get(term)
        if hits is None:
            if not term:
                hits = tuple(range(len(self.texts)))
            else:
                found: list[int] = []
                joined, starts, position = self.joined, self.starts, self.joined.find(term)
                while position >= 0:
                    index = bisect_right(starts, position) - 1
                    found.append(index)
                    if index + 1 >= len(starts):
                        break
                    position = joined.find(term, starts[index + 1])  # the next text: one hit per text is enough
                hits = tuple(found)
            self._hits[term] = hits
        return hits


@dataclass(frozen=True)
class _Labels:
    entries: list[_Entry]
    texts: _Texts


def _index(site: SiteFacts) -> _Labels:
    """Titles and headings of pages that answered, and short labels of links that are not broken; cached."""
    cache_key = "lexicon_index"
    cached: _Labels | None = site.cache.get(cache_key)
    if cached is not None:
        return cached
    raw: list[tuple[str, str, str, str | None]] = []  # (field, label, url, on_page), folded together below
    # A news article is *about* something, it is not the thing (a headline on disaster drills is not a disaster
    # information section), and the home page's title is the agency's name (กรมกิจการผู้สูงอายุ is not a page
    # for the elderly): neither names a section.
    ok_pages = site.ok_pages
    articles = {p.final_url or p.url for p in ok_pages if _is_article(p.facts)} | {
        p.url for p in ok_pages if _is_article(p.facts)
    }
    home = site.home
    for page in ok_pages:
        url = page.final_url or page.url
        if url in articles:
            continue
        if page.title and page is not home:
            raw.append(("title", _title_label(page.title), url, None))
        for heading in page.headings[:20]:
            if heading and len(heading) <= MAX_LABEL_CHARS:
                raw.append(("heading", heading, url, None))
    seen: set[tuple[str, str]] = set()
    for link in site.links:
        text = (link.anchor_text or "").strip()
        if link.broken or not text or len(text) > MAX_LABEL_CHARS or (text, link.target_url) in seen:
            continue
        if link.target_url in articles:
            continue
        seen.add((text, link.target_url))
        raw.append(("link_text", text, link.target_url, link.source_url))
    # The agency's own name is not a signal ("เกี่ยวกับกรมกิจการผู้สูงอายุ" is an about page, not one for the elderly).
    names = [fold(n) for n in (site.name_th, site.name_en) if n and len(n) > 3]
    unique = list(dict.fromkeys(label for _, label, _, _ in raw))  # menus repeat on every page: fold each once
    folded = dict(zip(unique, fold_all(unique), strict=True))
    if names:
        folded = {label: _without(text, names) for label, text in folded.items()}
    entries = [_Entry(field, folded[label], url, label, on_page) for field, label, url, on_page in raw]
    labels = _Labels(entries, _Texts([e.folded for e in entries]))
    site.cache[cache_key] = labels
    return labels


def _without(text: str, names: list[str]) -> str:
    for name in names:
        if name in text:
            text = text.replace(name, " ")
    return text


_FIELDS = ("title", "heading", "link_text")


def find(site: SiteFacts, key: str, *, lexicon: Lexicon | None = None) -> Match | None:
    """The first place the site names the thing ``key`` stands for: titles and headings first (a page that *is*
    the thing), then link labels, then URL paths of answered pages and links, then links to external hosts.

    Several checks ask for the same key (OPN-09, the news list): with the default lexicon the answer is cached."""
    if lexicon is None:
        cached = site.cache.setdefault("lexicon_find", {})
        if key not in cached:
            cached[key] = _find(site, key, load_lexicon())
        match: Match | None = cached[key]
        return match
    return _find(site, key, lexicon)


def _find(site: SiteFacts, key: str, lexicon: Lexicon) -> Match | None:
    terms = lexicon.terms_of(key)
    labels = _index(site)
    entries = labels.entries
    hits: set[int] = set()
    for term, _ in terms:
        hits.update(labels.texts.containing(term))
    if hits:
        # The shortest matching label wins: "ผู้บริหาร" the page, not a headline about an executive's visit;
        # among labels of one length, the first.
        for wanted in _FIELDS:
            best: _Entry | None = None
            for index in sorted(hits):
                entry = entries[index]
                if entry.field == wanted and (best is None or len(entry.folded) < len(best.folded)):
                    best = entry
            if best is not None:
                term, lang = next((t, lang) for t, lang in terms if t in best.folded)
                return Match(key, best.field, best.url, term, lang, best.snippet, best.on_page)
    paths = lexicon.paths.get(key, ())
    if paths:
        page_paths, link_paths = _paths(site)
        for pattern in paths:
            for path, url in page_paths:
                if pattern.search(path):
                    return Match(key, "url_path", url, pattern.pattern, "en", url)
            for path, link in link_paths:
                if pattern.search(path):
                    return Match(
                        key, "url_path", link.target_url, pattern.pattern, "en", link.target_url, link.source_url
                    )
    return find_host(site, key, lexicon=lexicon)


def _paths(site: SiteFacts) -> tuple[list[tuple[str, str]], list[tuple[str, LinkFacts]]]:
    """(URL path, URL) of answered pages, and (path, first link to it) of internal links that answered; cached."""
    cached: tuple[list[tuple[str, str]], list[tuple[str, LinkFacts]]] | None = site.cache.get("lexicon_paths")
    if cached is None:
        page_paths = [(site.split(url).path, url) for url in (p.final_url or p.url for p in site.ok_pages)]
        first: dict[str, LinkFacts] = {}
        for link in site.links:
            if link.internal and not link.broken and link.status is not None:
                first.setdefault(site.split(link.target_url).path, link)
        cached = (page_paths, list(first.items()))
        site.cache["lexicon_paths"] = cached
    return cached


def _hosts(site: SiteFacts) -> list[tuple[str, LinkFacts]]:
    """(lower-case host, first link to it) in link order; cached (every platform check scans the links)."""
    cached: list[tuple[str, LinkFacts]] | None = site.cache.get("lexicon_hosts")
    if cached is None:
        first: dict[str, LinkFacts] = {}
        targets: set[str] = set()
        for link in site.links:
            if link.target_url not in targets:  # the host of each URL once: menus repeat on every page
                targets.add(link.target_url)
                first.setdefault((site.split(link.target_url).hostname or "").lower(), link)
        cached = list(first.items())
        site.cache["lexicon_hosts"] = cached
    return cached


def find_host(site: SiteFacts, key: str, *, lexicon: Lexicon | None = None) -> Match | None:
    """A link to an external host of the indicator's host list (a national platform that provides the item)."""
    lexicon = lexicon or load_lexicon()
    suffixes = lexicon.hosts.get(key, ())
    if not suffixes:
        return None
    for host, link in _hosts(site):
        for suffix in suffixes:
            if host == suffix or host.endswith("." + suffix):
                return Match(key, "link_host", link.target_url, suffix, "en", link.anchor_text or host, link.source_url)
    return None


@dataclass(frozen=True)
class _PageTexts:
    pages: list[tuple[PageFacts, str, str]]  # (page, normalised text, folded text)
    texts: _Texts


def _page_texts(site: SiteFacts) -> _PageTexts:
    """Normalised and folded text of answered pages, computed once per site: every text check searches the same
    pages (bench/scoring.py: folding was half of rescore's time)."""
    cached: _PageTexts | None = site.cache.get("page_texts")
    if cached is None:
        pages = []
        for page in site.ok_pages:
            text = thai.normalize(page.text())
            pages.append((page, text, fold_normalized(text)))
        cached = _PageTexts(pages, _Texts([folded for _, _, folded in pages]))
        site.cache["page_texts"] = cached
    return cached


def find_in_text(
    site: SiteFacts, key: str, *, urls: set[str] | None = None, lexicon: Lexicon | None = None
) -> Match | None:
    """A term in the visible text of answered pages (all of them, or those in ``urls``): the first such page,
    and the first of the key's terms on it."""
    lexicon = lexicon or load_lexicon()
    terms = lexicon.terms_of(key)
    texts = _page_texts(site)
    first: int | None = None
    for term, _ in terms:
        for index in texts.texts.containing(term):
            if first is not None and index >= first:
                break
            page = texts.pages[index][0]
            if urls is None or (page.final_url or page.url) in urls or page.url in urls:
                first = index
                break
    if first is None:
        return None
    page, text, folded = texts.pages[first]
    for term, lang in terms:
        position = folded.find(term)
        if position >= 0:
            start = max(0, position - 60)
            return Match(key, "text", page.final_url or page.url, term, lang, text[start : start + 200])
    return None  # unreachable: the page contains one of the terms
