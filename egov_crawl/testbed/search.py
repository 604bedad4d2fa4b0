"""The site search of a testbed site: a real substring search over the site's pages.

Thai is written without spaces between words, so the search matches substrings of normalised, case-folded
text (the same normalisation the checks use, egov_crawl.thai). The generator uses the same function to write
the expected result counts into the manifest, and the server to answer ``/search?q=``.
"""

from __future__ import annotations

from dataclasses import dataclass

from egov_crawl.testbed.model import Site
from egov_crawl.thai import normalize

MAX_RESULTS = 50


@dataclass(frozen=True)
class Entry:
    path: str
    title: str
    lang: str
    text: str  # normalised, case-folded


@dataclass(frozen=True)
class SearchIndex:
    entries: tuple[Entry, ...]

    @classmethod
    def of(cls, site: Site) -> SearchIndex:
        entries = tuple(
            Entry(page.path, page.title, page.lang, normalize(page.text()).casefold())
            for page in site.pages
            if page.status == 200 and page.kind not in ("eservice-step", "error")
        )
        return cls(entries)

    def search(self, query: str) -> tuple[int, tuple[Entry, ...]]:
        """All matches counted; at most MAX_RESULTS returned. Every word of the query must occur."""
        words = normalize(query).casefold().split()
        if not words:
            return 0, ()
        hits = [e for e in self.entries if all(w in e.text for w in words)]
        return len(hits), tuple(hits[:MAX_RESULTS])
