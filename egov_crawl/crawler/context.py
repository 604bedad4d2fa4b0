"""Whether a link sits in an article or a news listing, and whether a page is itself an article.

A link to "ร้องเรียน" (complaints) in a news item's text is not the site's complaint channel; a news listing's
items are not the site's sections. The link context says so, and the page's article signals let the matcher
tell an article page from a section page.

What counts, checked on Thai home pages of 2018 (www.finearts.go.th, kmutt.ac.th, mahidol.ac.th, www.nu.ac.th,
www.forest.go.th, www.pea.co.th, www.onec.go.th):

* an ``<article>`` element with a heading, a ``<time>`` or some text of its own: www.finearts.go.th wraps every
  banner of a slideshow in ``<article>``, which is a wrapper, not an article;
* an element with a schema.org ``itemtype`` of an article kind;
* a block (div, section, list, table) whose id or class has the word news, blog, press, post or ข่าว, holding at
  most 60 links: kmutt.ac.th's ASP.NET ``<form class="News">`` wraps the whole page, and WordPress marks menu
  items ``menu-item-type-post_type`` (list items are not blocks here for that reason). "entry" is not a word
  here: WordPress's ``entry-content`` is the whole content of any page.
"""

from __future__ import annotations

import re
from typing import Any

import lxml.etree

from egov_crawl.facts.page import Article

ARTICLE = "article"
ARTICLE_TYPES = frozenset({"Article", "NewsArticle", "BlogPosting", "Report", "ScholarlyArticle", "TechArticle"})
_ITEMTYPE = re.compile(r"schema\.org/(Article|NewsArticle|BlogPosting|Report|ScholarlyArticle|TechArticle)\b")
_WORDS = frozenset({"news", "blog", "blogs", "press", "post", "posts", "ข่าว", "newslist", "latestnews", "newsfeed"})
_SPLIT = re.compile(r"[\s_\-]+")
_BLOCK_TAGS = frozenset({"div", "section", "ul", "ol", "dl", "table", "tbody", "tr", "td", "aside"})
MAX_LISTING_LINKS = 60
_OWN_TEXT = 80  # characters of text that make an <article> more than a wrapper around one link


class ContextFinder:
    """Link context by walking up from the link; each ancestor's verdict is cached (links share ancestors)."""

    def __init__(self) -> None:
        self._verdicts: dict[Any, bool] = {}

    def context_of(self, element: Any) -> str | None:
        node = element.getparent()
        while node is not None:
            tag = node.tag
            if tag == "body" or tag == "html":
                return None
            if isinstance(tag, str) and self._is_article(node):
                return ARTICLE
            node = node.getparent()
        return None

    def _is_article(self, node: Any) -> bool:
        verdict = self._verdicts.get(node)
        if verdict is None:
            verdict = _judge(node)
            self._verdicts[node] = verdict
        return verdict


def _judge(node: Any) -> bool:
    tag = node.tag
    if tag == "article":
        if next(node.iter("h1", "h2", "h3", "h4", "h5", "h6", "time"), None) is not None:
            return True
        return len("".join(node.itertext()).strip()) >= _OWN_TEXT
    itemtype = node.get("itemtype")
    if itemtype and _ITEMTYPE.search(itemtype):
        return True
    if tag not in _BLOCK_TAGS:
        return False
    marker = f"{node.get('id') or ''} {node.get('class') or ''}"
    if not marker.strip() or not _WORDS.intersection(_SPLIT.split(marker.lower())):
        return False
    return sum(1 for _ in node.iter("a")) <= MAX_LISTING_LINKS


_DATE_CANDIDATES = lxml.etree.XPath(
    "//*[contains(@class, 'byline') or contains(@class, 'posted-on') or contains(@class, 'date')"
    " or contains(@class, 'published')]"
)
_DATE_MARKERS = re.compile(r"\b(?:byline|posted-on|entry-date|published|post-date|article-date|date-published)\b")


def article_signals(root: Any, jsonld_types: list[str], open_graph: dict[str, str]) -> Article:
    """What says that a page is one article: ``<article>`` elements, article kinds in JSON-LD or microdata,
    and a publication date shown as a byline (``<time>`` in an article, ``datePublished``, article:published_time)."""
    articles = list(root.iter("article"))
    kinds = sorted({kind for kind in jsonld_types if kind in ARTICLE_TYPES})
    for element in root.iterfind(".//*[@itemtype]"):
        found = _ITEMTYPE.search(element.get("itemtype") or "")
        if found and found.group(1) not in kinds:
            kinds.append(found.group(1))
    # One byline, not a listing's many dates: a home page lists many dated items.
    byline = bool(open_graph.get("article:published_time"))
    if not byline:
        byline = 1 <= sum(1 for _ in root.iterfind(".//*[@itemprop='datePublished']")) <= 2
    if not byline and len(articles) == 1:
        byline = next(articles[0].iter("time"), None) is not None
    if not byline:
        marked = sum(1 for e in _DATE_CANDIDATES(root) if _DATE_MARKERS.search(e.get("class") or ""))
        byline = 1 <= marked <= 2
    return {"elements": len(articles), "jsonld": kinds, "byline_date": byline}
