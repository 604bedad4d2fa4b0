"""Keyword matching for checks, in one place: the Thai and English lexicons (th.yaml, en.yaml) and where to look.

Text is normalised (``egov_crawl.thai.normalize``: NFC, zero-width characters removed, Thai digits as ASCII),
case-folded and its dashes unified; a term then counts only as a word of its own (``words``: word boundaries,
Thai ones found by PyThaiNLP's segmenter, negative contexts) and only where the site offers things
(``context``): page titles and headings of pages that are not articles, and the short labels of links that are
not headlines of news, blog or press items. A link without any label is read by its URL path. A labelled link
whose target fails still names the thing: the match says so (``Match.target_status``) instead of vanishing.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote

import yaml

from egov_crawl import thai
from egov_crawl.facts.model import LinkFacts, PageFacts, SiteFacts
from egov_crawl.scoring.derived import derived
from egov_crawl.scoring.lexicon.context import is_article_facts, is_article_path
from egov_crawl.scoring.lexicon.words import Term, occurrence

LEXICON_DIR = Path(__file__).resolve().parent
# Menu items, footer links and section titles are short; a label longer than this is a sentence (a headline).
MAX_LABEL_CHARS = 80
MAX_LABEL_WORDS = 10  # space-separated words: "Why your agency doesn't need a mobile app" has 8
_SEPARATOR = "\x00"  # between the texts joined for searching: no term contains it, so no match spans two texts
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"


def fold(text: str) -> str:
    """Normalised, case-folded text with every dash as '-'."""
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
    terms: dict[str, tuple[Term, ...]]  # key → terms in file order (Thai file first)
    paths: dict[str, tuple[re.Pattern[str], ...]]
    hosts: dict[str, tuple[str, ...]]
    files: tuple[Path, ...]

    def terms_of(self, key: str) -> tuple[Term, ...]:
        return self.terms.get(key, ())

    def describe(self, key: str, limit: int = 6, *, languages: Iterable[str] = ("th", "en")) -> str:
        """A few terms of ``key`` for "nothing named like …": the given languages only, in their order."""
        order = list(languages)
        terms = [t for t in self.terms_of(key) if t.lang in order]
        terms.sort(key=lambda t: order.index(t.lang))
        words = [t.text for t in terms][:limit]
        return ", ".join(words) or "(no terms)"


def _read(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a mapping with 'terms' is expected")
    return data


def _term(entry: Any, lang: str, path: Path, key: str) -> Term:
    """A term is a string, or ``{term: …, prefix: true, not: [longer phrases it does not count inside]}``."""
    if isinstance(entry, dict):
        text = entry.get("term")
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{path}: {key}: a term mapping needs 'term: <text>'")
        unknown = set(entry) - {"term", "prefix", "not", "source"}
        if unknown:
            raise ValueError(f"{path}: {key}: unknown field(s) {', '.join(sorted(unknown))} in term {text!r}")
        negatives = tuple(fold(str(n)) for n in entry.get("not") or ())
        folded = fold(text)
        bad = [n for n in negatives if folded not in n]
        if bad:
            raise ValueError(f"{path}: {key}: negative context {bad[0]!r} does not contain the term {folded!r}")
        return Term(folded, lang, bool(entry.get("prefix")), negatives)
    return Term(fold(str(entry)), lang)


@cache
def load_lexicon(directory: Path = LEXICON_DIR) -> Lexicon:
    files = (directory / "th.yaml", directory / "en.yaml")
    terms: dict[str, list[Term]] = {}
    paths: dict[str, tuple[re.Pattern[str], ...]] = {}
    hosts: dict[str, tuple[str, ...]] = {}
    for path in files:
        data = _read(path)
        lang = path.stem
        for key, words in (data.get("terms") or {}).items():
            terms.setdefault(str(key), []).extend(_term(w, lang, path, str(key)) for w in words)
        for key, patterns in (data.get("paths") or {}).items():
            paths[str(key)] = tuple(re.compile(str(p), re.IGNORECASE) for p in patterns)
        for key, suffixes in (data.get("hosts") or {}).items():
            hosts[str(key)] = tuple(str(s).lower() for s in suffixes)
    return Lexicon({k: tuple(v) for k, v in terms.items()}, paths, hosts, files)


@dataclass(frozen=True)
class Match:
    """Where a term was found: the field (title, heading, link_text, url_path, link_host, text), the URL a
    citizen would open, the term and the text it was found in (a snippet). ``target_status`` is the HTTP status
    of a matched link's target when that target failed (the site names the thing, but the link is broken)."""

    key: str
    field: str
    url: str
    term: str
    lang: str
    snippet: str
    on_page: str | None = None
    target_status: int | None = None

    @property
    def broken(self) -> bool:
        return self.target_status is not None

    def summary(self) -> str:
        where = {
            "title": "page title",
            "heading": "page heading",
            "link_text": "link label",
            "url_path": "URL path",
            "link_host": "link to",
            "text": "page text",
        }.get(self.field, self.field.replace("_", " "))
        found = f"{where} matches '{self.term}': {self.snippet[:200]}"
        if self.broken:
            found += f" (linked, but the target answers {self.target_status})"
        return found


class _Entry(NamedTuple):
    field: str
    folded: str
    url: str
    snippet: str
    on_page: str | None
    region: str | None
    target_status: int | None  # a failed target's status (broken link), else None


_TITLE_SUFFIX = re.compile(r"\s[|–-]\s")
# Regions where a site lists what it offers; a label in the main content may be a headline.
_NAVIGATION = ("nav", "header", "footer")


def _title_label(title: str) -> str:
    """'อำนาจหน้าที่ | กรมสรรพากร' → 'อำนาจหน้าที่': the site name suffix would match every page."""
    return _TITLE_SUFFIX.split(title, maxsplit=1)[0] if " " in title else title


_ADDRESS_LIKE = re.compile(r"^(/|https?:|www\.)", re.IGNORECASE)


def is_short_label(text: str) -> bool:
    """A menu label, not a sentence: at most ``MAX_LABEL_CHARS`` characters and ``MAX_LABEL_WORDS`` words; and not
    an address printed as link text (a usage-statistics table of paths such as ``/dataset/jobcentre-plus-vacancies``
    names no section of the site)."""
    return len(text) <= MAX_LABEL_CHARS and text.count(" ") < MAX_LABEL_WORDS and not _ADDRESS_LIKE.match(text)


_PATH_WORDS = re.compile(r"[a-z]+|[\u0e00-\u0e7f]+")
_PATH_NOISE = frozenset(
    {"index", "php", "html", "htm", "aspx", "asp", "jsp", "default", "main", "home", "www", "option"}
)


def path_label(url: str, site: SiteFacts) -> str:
    """The words of a link's URL path and query (``/index.php/contact-us`` → "contact us"), for a link that has no
    label at all: what a citizen would read from the address bar."""
    parts = site.split(url)
    words = _PATH_WORDS.findall(unquote(f"{parts.path} {parts.query}").lower())
    return " ".join(w for w in words if w not in _PATH_NOISE and not w.startswith("com_")) or ""


def _article_urls(site: SiteFacts) -> set[str]:
    def collect() -> set[str]:
        urls: set[str] = set()
        for page in site.ok_pages:
            if is_article_facts(page.facts) or is_article_path(page.path):
                urls.add(page.url)
                if page.final_url:
                    urls.add(page.final_url)
        return urls

    return derived(site, "article_urls", collect)


def is_article_link(site: SiteFacts, link: LinkFacts) -> bool:
    """A link to a news, blog or press item, or sitting inside one (the crawler's link context); cached per
    target (menus repeat the same links on every page)."""
    if link.context == "article":
        return True
    known: dict[str, bool] = derived(site, "article_targets", dict[str, bool])
    answer = known.get(link.target_url)
    if answer is None:
        answer = known[link.target_url] = link.target_url in _article_urls(site) or is_article_path(
            site.split(link.target_url).path
        )
    return answer


class _Texts:
    """Several folded texts joined into one string, so that finding which of them contain a term is a few
    ``str.find`` calls in C over one string instead of a Python loop over every text and term (rescore calls
    this for each of the lexicon's terms on every agency: bench/scoring.py). Answers are cached per term; a
    candidate found this way is then checked for word boundaries (``words.occurrence``)."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.joined = _SEPARATOR.join(texts)
        self.starts: list[int] = []
        offset = 0
        for text in texts:
            self.starts.append(offset)
            offset += len(text) + 1
        self._hits: dict[Term, tuple[int, ...]] = {}

    def containing(self, term: Term) -> tuple[int, ...]:
        """Indexes of the texts in which ``term`` occurs as a word, in order."""
        hits = self._hits.get(term)
        if hits is None:
            found: list[int] = []
            word = term.text
            if word:
                joined, starts, texts = self.joined, self.starts, self.texts
                position = joined.find(word)
                while position >= 0:
                    index = bisect_right(starts, position) - 1
                    if occurrence(texts[index], term) >= 0:
                        found.append(index)
                    if index + 1 >= len(starts):
                        break
                    position = joined.find(word, starts[index + 1])  # the next text: one hit per text is enough
            hits = self._hits[term] = tuple(found)
        return hits


@dataclass(frozen=True)
class _Labels:
    entries: list[_Entry]
    texts: _Texts


def _index(site: SiteFacts) -> _Labels:
    """Titles and headings of pages that are not articles, short labels of links that are not article links (a
    broken one marked so), and the URL path of a link without any label; cached."""
    return derived(site, "lexicon_index", lambda: _build_index(site))


def _build_index(site: SiteFacts) -> _Labels:
    raw: list[tuple[str, str, str, str | None, str | None, int | None]] = []
    # The home page's title is the agency's name (กรมกิจการผู้สูงอายุ is not a page for the elderly).
    articles = _article_urls(site)
    home = site.home
    for page in site.ok_pages:
        url = page.final_url or page.url
        if url in articles or page.url in articles:
            continue
        if page.title and page is not home:
            raw.append(("title", _title_label(page.title), url, None, None, None))
        for heading in page.facts.get("headings") or []:
            text = str(heading.get("text") or "")
            if text and is_short_label(text) and heading.get("context") != "article":
                raw.append(("heading", text, url, None, heading.get("region"), None))
    for page in site.ok_pages:
        # Menus opened by script and in-page tabs (href="#tab02", "javascript:"): labels a citizen sees that lead
        # to no URL of their own; what they offer is on the page that shows them.
        url = page.final_url or page.url
        for script_link in page.facts.get("script_links") or []:
            text = str(script_link.get("label") or "").strip()
            if text and is_short_label(text) and url not in articles:
                raw.append(("link_text", text, url, url, script_link.get("region"), None))
    seen: set[tuple[str, str]] = set()
    for link in site.links:
        text = (link.anchor_text or "").strip()
        if (text, link.target_url) in seen or is_article_link(site, link):
            continue
        seen.add((text, link.target_url))
        status = link.status if link.broken else None
        if not text:
            words = path_label(link.target_url, site)
            if words:
                raw.append(("url_path", words, link.target_url, link.source_url, link.region, status))
        elif is_short_label(text):
            raw.append(("link_text", text, link.target_url, link.source_url, link.region, status))
    # The agency's own name is not a signal ("เกี่ยวกับกรมกิจการผู้สูงอายุ" is an about page, not one for the elderly).
    names = [fold(n) for n in (site.name_th, site.name_en) if n and len(n) > 3]
    unique = list(dict.fromkeys(entry[1] for entry in raw))  # menus repeat on every page: fold each once
    folded = dict(zip(unique, fold_all(unique), strict=True))
    if names:
        folded = {label: _without(text, names) for label, text in folded.items()}
    entries = [
        _Entry(field, folded[label], url, label, on_page, region, status)
        for field, label, url, on_page, region, status in raw
    ]
    return _Labels(entries, _Texts([e.folded for e in entries]))


def _without(text: str, names: list[str]) -> str:
    for name in names:
        if name in text:
            text = text.replace(name, " ")
    return text


_FIELDS = ("title", "heading", "link_text", "url_path")


def _rank(entry: _Entry, exact: bool) -> tuple[int, int, int, int, int]:
    """Which of several matching labels is the evidence: a working link before a broken one; a page that *is*
    the thing (title, heading) before a link to it; a label that is exactly the term, then one in a menu,
    header or footer, before one in the content; then the shorter label."""
    return (
        entry.target_status is not None,
        _FIELDS.index(entry.field),
        not exact,
        entry.region not in _NAVIGATION,
        len(entry.folded),
    )


def find(site: SiteFacts, key: str, *, lexicon: Lexicon | None = None) -> Match | None:
    """The place the site names the thing ``key`` stands for and a citizen can open: titles and headings first (a
    page that *is* the thing), then link labels, then URL paths of pages and links, then links to external hosts.
    A link whose target failed is not returned here (``find_named`` returns it)."""
    match = find_named(site, key, lexicon=lexicon)
    return None if match is None or match.broken else match


def find_named(site: SiteFacts, key: str, *, lexicon: Lexicon | None = None) -> Match | None:
    """Like ``find``, but a labelled link whose target failed counts too (``Match.broken``), when nothing that
    works names the thing: the site names it, the citizen cannot open it.

    Several checks ask for the same key (OPN-09, the news list): with the default lexicon the answer is cached."""
    if lexicon is None:
        cached: dict[str, Match | None] = derived(site, "lexicon_find", dict[str, Match | None])
        if key not in cached:
            cached[key] = _find(site, key, load_lexicon())
        match: Match | None = cached[key]
        return match
    return _find(site, key, lexicon)


def _find(site: SiteFacts, key: str, lexicon: Lexicon) -> Match | None:
    terms = lexicon.terms_of(key)
    labels = _index(site)
    entries = labels.entries
    best: tuple[tuple[int, int, int, int, int], int, Term] | None = None
    for term in terms:
        for index in labels.texts.containing(term):
            entry = entries[index]
            rank = _rank(entry, entry.folded.strip() == term.text)
            if best is None or rank < best[0]:
                best = (rank, index, term)
    label_match: Match | None = None
    if best is not None:
        _, index, term = best
        entry = entries[index]
        label_match = Match(
            key, entry.field, entry.url, term.text, term.lang, entry.snippet, entry.on_page, entry.target_status
        )
        if not label_match.broken:
            return label_match
    other = _find_path(site, key, lexicon) or find_host(site, key, lexicon=lexicon)
    if other is not None and not other.broken:
        return other
    return label_match or other


def _find_path(site: SiteFacts, key: str, lexicon: Lexicon) -> Match | None:
    paths = lexicon.paths.get(key, ())
    if not paths:
        return None
    page_paths, link_paths = _paths(site)
    broken: Match | None = None
    for pattern in paths:
        for path, url in page_paths:
            if pattern.search(path):
                return Match(key, "url_path", url, pattern.pattern, "en", url)
        for path, link in link_paths:
            if pattern.search(path):
                match = Match(
                    key,
                    "url_path",
                    link.target_url,
                    pattern.pattern,
                    "en",
                    link.target_url,
                    link.source_url,
                    link.status if link.broken else None,
                )
                if not match.broken:
                    return match
                broken = broken or match
    return broken


def _paths(site: SiteFacts) -> tuple[list[tuple[str, str]], list[tuple[str, LinkFacts]]]:
    """(URL path, URL) of answered pages that are not articles, and (path, first link to it) of internal links
    that were followed or checked and are not article links; cached."""

    def collect() -> tuple[list[tuple[str, str]], list[tuple[str, LinkFacts]]]:
        articles = _article_urls(site)
        page_paths = [
            (site.split(url).path, url) for url in (p.final_url or p.url for p in site.ok_pages) if url not in articles
        ]
        first: dict[str, LinkFacts] = {}
        for link in site.links:
            if link.internal and link.status is not None and not is_article_link(site, link):
                path = site.split(link.target_url).path
                current = first.get(path)
                if current is None or (current.broken and not link.broken):
                    first[path] = link
        return page_paths, list(first.items())

    return derived(site, "lexicon_paths", collect)


def _hosts(site: SiteFacts) -> list[tuple[str, LinkFacts]]:
    """(lower-case host, first link to it) in link order; cached (every platform check scans the links)."""

    def collect() -> list[tuple[str, LinkFacts]]:
        first: dict[str, LinkFacts] = {}
        targets: set[str] = set()
        for link in site.links:
            if link.target_url not in targets:  # the host of each URL once: menus repeat on every page
                targets.add(link.target_url)
                first.setdefault((site.split(link.target_url).hostname or "").lower(), link)
        return list(first.items())

    return derived(site, "lexicon_hosts", collect)


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
    """Normalised and folded text of answered pages that are not articles, computed once per site: every text
    check searches the same pages (bench/scoring.py: folding was half of rescore's time)."""

    def collect() -> _PageTexts:
        articles = _article_urls(site)
        pages = []
        for page in site.ok_pages:
            if page.url in articles:
                continue
            text = thai.normalize(page.text())
            pages.append((page, text, fold_normalized(text)))
        return _PageTexts(pages, _Texts([folded for _, _, folded in pages]))

    return derived(site, "page_texts", collect)


def find_in_text(
    site: SiteFacts, key: str, *, urls: set[str] | None = None, lexicon: Lexicon | None = None
) -> Match | None:
    """A term, as a word, in the visible text of answered pages that are not articles (all of them, or those in
    ``urls``): the first such page, and the first of the key's terms on it. Text that is the label of an article
    link on that page (a headline in a news list) does not count."""
    lexicon = lexicon or load_lexicon()
    terms = lexicon.terms_of(key)
    texts = _page_texts(site)
    for index, (page, text, folded) in enumerate(texts.pages):
        if urls is not None and (page.final_url or page.url) not in urls and page.url not in urls:
            continue
        candidates = [t for t in terms if index in texts.texts.containing(t)]
        if not candidates:
            continue
        searchable = _without_headlines(site, page, folded)
        for term in candidates:
            position = occurrence(searchable, term)
            if position >= 0:
                start = max(0, position - 60)
                return Match(key, "text", page.final_url or page.url, term.text, term.lang, text[start : start + 200])
    return None


def _without_headlines(site: SiteFacts, page: PageFacts, folded: str) -> str:
    """The page's folded text with the labels of its article links blanked (same length, so offsets hold)."""
    for label in _headlines(site).get(page.url, ()):
        if label in folded:
            folded = folded.replace(label, "\x00" * len(label))
    return folded


def _headlines(site: SiteFacts) -> dict[str, set[str]]:
    """Folded labels of article links and of sentence-long links, by the page they are on; cached."""

    def collect() -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for link in site.links:
            text = link.anchor_text
            if text and (not is_short_label(text) or is_article_link(site, link)):
                label = fold(text)
                if len(label) > 3:
                    found.setdefault(link.source_url, set()).add(label)
        return found

    return derived(site, "headlines", collect)
