"""Where a site *offers* something, as opposed to where it *writes about* it.

Menus, headers, footers, section pages and their headings say what the agency provides; an article does not. A
blog post titled "Powering chatbots" is not a chatbot, a 2014 post on emergencies is not an emergency-information
section, a news headline about a recruitment exam is not a careers page. An article is recognised by what its
page says of itself (Open Graph ``article``, schema.org Article/NewsArticle/BlogPosting in JSON-LD, the crawler's
article signals: a single ``<article>`` with a dated byline) or by where it lives: below a news, blog or press
section of the site (``/news/2017/…``, ``/blog/why-…``, ``/ข่าว/…``), but not the section itself (``/news``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote

from egov_crawl.facts.page import PagePayload

ARTICLE_TYPES = frozenset(
    {"Article", "NewsArticle", "BlogPosting", "LiveBlogPosting", "Report", "ScholarlyArticle", "AnalysisNewsArticle"}
)
# Path segments that name a news, blog or press section (lower case, percent-decoded; Thai news sections too).
NEWS_SECTIONS = frozenset(
    {
        "news",
        "blog",
        "blogs",
        "press",
        "press-release",
        "press-releases",
        "pressrelease",
        "pressreleases",
        "media-releases",
        "articles",
        "article",
        "stories",
        "story",
        "posts",
        "post",
        "newsroom",
        "ข่าว",
        "ข่าวประชาสัมพันธ์",
        "ข่าวสาร",
    }
)
# An item below a section: a number (an id, a date) or a slug of several words — not a listing such as
# ``categories.aspx`` or a sub-section word.
_ITEM = re.compile(r"(\d|[-_].*[-_])")
_SEGMENT_SPLIT = re.compile(r"[/]+")


def is_article_facts(facts: PagePayload) -> bool:
    """The page says it is an article: Open Graph, JSON-LD, or the crawler's article signals."""
    graph = facts.get("open_graph") or {}
    if graph.get("article:published_time") or graph.get("og:type") == "article":
        return True
    if ARTICLE_TYPES.intersection(facts.get("jsonld_types") or ()):
        return True
    signals = facts.get("article")
    return signals is not None and bool(signals.get("byline_date")) and int(signals.get("elements") or 0) == 1


@lru_cache(maxsize=65_536)
def is_article_path(path: str) -> bool:
    """``/news/2017/05/title`` or ``/blog/why-you-do-not-need-an-app``: an item below a news/blog/press section."""
    segments = [s for s in _SEGMENT_SPLIT.split(unquote(path).lower()) if s]
    for index, segment in enumerate(segments[:-1]):
        if segment in NEWS_SECTIONS:
            rest = segments[index + 1 :]
            return any(_ITEM.search(part) for part in rest)
    return False
