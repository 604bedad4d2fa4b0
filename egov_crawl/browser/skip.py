"""When the browser does not open a site at all: its home page is already known to stall or overflow.

A site whose home page timed out, dropped the connection mid-body, or sent a body past the size cap makes every
browser job of that agency wait out its deadline (30 s per navigation, 90 s per job) or render a page no visitor
could load — the slow and memory-hungry half of a hostile run (docs/reliability.md, "Measured time and memory").
Two sources say so, both facts of the same run:

- the crawl: its home page fetch failed with one of :data:`STALLING` (``site_crawl.status`` = failed);
- the browser itself: the agency's home page job failed with one of them (a run without a crawl phase).

Every job of such an agency is then written as error rows of the same class, without a navigation, and the
payload says where the class was observed (``skipped_because``), so a reader never mistakes the row for the
browser's own observation. Cheap failures (TLS, DNS, refused connections, redirect caps, the SSRF guard) are
still browsed: Chromium fails them in milliseconds and its own record is better evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from egov_crawl import failures
from egov_crawl.browser.rows import FactRow
from egov_crawl.facts.browser import FactKind

# Failures that cost the browser its whole deadline, or memory, on every page of the site.
STALLING: Final = frozenset(
    {
        failures.TIMEOUT,
        failures.CONNECT_TIMEOUT,
        failures.CONNECTION_RESET,
        failures.DATA_LOSS,
        failures.TOO_LARGE,
        failures.DECOMPRESSION_BOMB,
        failures.SITE_TIMEOUT,
    }
)


@dataclass(frozen=True)
class Unreachable:
    """Why an agency's remaining jobs are not browsed."""

    error_class: str
    source: str  # "crawl" or "browser"
    url: str

    def rows(self, url: str, kinds: tuple[FactKind, ...]) -> list[FactRow]:
        """One error row per kind the job would have written."""
        payload: dict[str, Any] = {
            "error": f"not browsed: the {self.source} found the home page {self.url} failing with {self.error_class}",
            "net_error": None,
            "stage": "skipped",
            "skipped_because": {"source": self.source, "url": self.url, "error_class": self.error_class},
        }
        return [FactRow(url, kind, dict(payload), self.error_class) for kind in kinds]


def from_crawl(outcome: tuple[str, str | None] | None, homepage: str) -> Unreachable | None:
    """The crawl's verdict (``repository.crawl_outcomes``: status, error class): unreachable or not."""
    if outcome is None:
        return None
    status, error_class = outcome
    if status != "failed" or error_class not in STALLING:
        return None
    return Unreachable(error_class, "crawl", homepage)


def from_home_job(rows: list[FactRow], url: str) -> Unreachable | None:
    """The browser's own verdict after the home page job: its page row failed with a stalling class."""
    page = next((row for row in rows if row.kind == "page"), None)
    if page is None or page.error_class not in STALLING:
        return None
    return Unreachable(str(page.error_class), "browser", url)
