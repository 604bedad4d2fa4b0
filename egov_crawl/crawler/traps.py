"""URL traps: a site that makes up new URLs without end (a calendar with a "next month" link on every month,
search results whose links vary page, sort and a token, paths that grow one segment per hop).

The crawl is bounded anyway (depth limit, page budget); this module only says whether what was left unfollowed
looks like a trap, so the site crawl records ``url_trap`` (``egov_crawl.failures``) instead of looking like an
ordinary complete crawl. The evidence is the URLs the bounds cut off, grouped by *shape*: the first path segment
with digit runs folded, plus the sorted query keys. Many unfollowed URLs of one shape are a generator, not a
site's content (Heritrix calls these "crawler traps"; its defences are the same: a depth cap and path-repetition
and query-variation limits).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any
from urllib.parse import parse_qsl, urlsplit

# Unfollowed URLs of one shape before the crawl calls it a trap. A real site's archive beyond five clicks rarely
# holds this many pages of one section; the testbed's calendar leaves 36 at depth 5, its query trap hundreds.
TRAP_MIN_URLS = 20
_DIGITS = re.compile(r"\d+")


def url_shape(url: str) -> str:
    """``/calendar/2568/01`` → ``/calendar``; ``/search?page=2&sort=new&s=x1`` → ``/search?page&s&sort``."""
    parts = urlsplit(url)
    first = parts.path.strip("/").split("/", 1)[0]
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    shape = "/" + _DIGITS.sub("N", first)
    return shape + ("?" + "&".join(keys) if keys else "")


def counts_as_cut_off(url: str, *, beyond_depth: bool) -> bool:
    """URLs cut off by the depth limit count; over the page budget only query-string variants do (a big site
    with an ordinary archive beyond the budget is not a trap)."""
    return beyond_depth or bool(urlsplit(url).query)


def detect(cut_off: Counter[str]) -> dict[str, Any] | None:
    """``{"shape": …, "urls": n}`` for the commonest shape of the cut-off URLs when it reaches the threshold."""
    if not cut_off:
        return None
    shape, count = cut_off.most_common(1)[0]
    return {"shape": shape, "urls": count} if count >= TRAP_MIN_URLS else None
