"""The facts one browser job produced, as rows for ``browser_fact``, and how errors become rows.

A job (one page, one journey, one search) knows which kinds it will write; whatever stops it (a timeout, a
renderer crash, a net::ERR_*), the kinds it did not write get an error row, so an unobserved fact is visible as
such and never mistaken for a pass or a fail.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import Any

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from egov_crawl import failures
from egov_crawl.browser.budget import BudgetExceeded
from egov_crawl.facts.browser import ErrorClass, ErrorFact, FactKind

NET_ERROR_RE = re.compile(r"net::(ERR_[A-Z0-9_]+)")
CRASH_MARKERS = ("crash", "Target closed", "has been closed", "Browser closed", "Connection closed")


@dataclass
class FactRow:
    url: str
    kind: FactKind
    payload: dict[str, Any]
    error_class: ErrorClass | None = None
    evidence_path: str | None = None


def classify(exc: BaseException) -> tuple[ErrorClass, str | None]:
    """The error class of an exception raised while driving Chromium, and the net::ERR_* code if any."""
    message = str(exc)
    if isinstance(exc, BudgetExceeded):
        return failures.TOO_LARGE, None
    if isinstance(exc, PlaywrightTimeout | asyncio.TimeoutError | TimeoutError):
        return "timeout", None
    net = NET_ERROR_RE.search(message)
    if net:
        return failures.CHROMIUM_NET_ERRORS.get(net.group(1), failures.NAVIGATION), net.group(1)
    if isinstance(exc, PlaywrightError) and any(marker in message for marker in CRASH_MARKERS):
        return "crash", None
    return "error", None


def shorten(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Collected:
    """Rows of one job, in the order they were observed."""

    url: str
    kinds: tuple[FactKind, ...]
    rows: list[FactRow] = field(default_factory=list)

    def add(self, kind: FactKind, payload: Any, *, url: str | None = None, evidence_path: str | None = None) -> None:
        self.rows.append(FactRow(url or self.url, kind, dict(payload), None, evidence_path))

    def fail(self, kind: FactKind, exc: BaseException, stage: str, *, error_class: ErrorClass | None = None) -> None:
        found_class, net_error = classify(exc)
        payload: ErrorFact = {"error": shorten(str(exc) or type(exc).__name__), "net_error": net_error, "stage": stage}
        row = FactRow(self.url, kind, dict(payload), error_class or found_class)
        if isinstance(exc, BudgetExceeded):
            row.payload["received_bytes"] = exc.received  # decoded bytes when the job was stopped
        self.rows.append(row)

    def written(self) -> set[str]:
        return {row.kind for row in self.rows}

    def fail_missing(self, exc: BaseException, stage: str, *, error_class: ErrorClass | None = None) -> None:
        """An error row for every kind of the job that has no row yet."""
        done = self.written()
        for kind in self.kinds:
            if kind not in done:
                self.fail(kind, exc, stage, error_class=error_class)
