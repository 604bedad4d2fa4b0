"""Scripted e-service journeys from the registry (``EService.steps``): run each step, time it, and record the
first step that breaks.

Read-only by default, so a survey never files anything with an agency: while a journey runs, every non-GET
request is aborted unless the step being run says ``allow_submit: true``. A GET form (``submit``) is a navigation
like a link and runs. A step that navigates fails when the document answers HTTP >= 400, so a broken e-service
fails at the step that reaches the broken page, not at a later step that cannot find its form.
"""

from __future__ import annotations

import contextlib
import time
from urllib.parse import urlsplit

from playwright.async_api import BrowserContext, Locator, Page, Response

from egov_crawl.browser.budget import PageHook
from egov_crawl.browser.guard import WriteGuard
from egov_crawl.browser.pages import BrowseLimits
from egov_crawl.browser.rows import shorten
from egov_crawl.facts.browser import JourneyFact, JourneyStepFact
from egov_crawl.registry.models import EService, JourneyStep
from egov_crawl.thai import normalize


class StepFailed(Exception):
    """A step ran but its outcome is wrong (HTTP error, text or URL not as expected)."""


class _Navigation:
    """The status of the main document most recently received."""

    def __init__(self, page: Page) -> None:
        self.status: int | None = None
        page.on("response", self._response)
        self._page = page

    def _response(self, response: Response) -> None:
        if response.request.is_navigation_request() and response.frame == self._page.main_frame:
            self.status = response.status

    def check(self) -> None:
        if self.status is not None and self.status >= 400:
            raise StepFailed(f"the page answered HTTP {self.status}")


def _locator(page: Page, target: str | None) -> Locator:
    """A CSS selector, else link/button text (the registry lets an analyst write either)."""
    if not target:
        return page.locator("body")
    css = page.locator(target)
    return css if _looks_like_css(target) else page.get_by_text(target, exact=True)


def _looks_like_css(target: str) -> bool:
    return any(ch in target for ch in "#.[]>:=") or (target.isascii() and target.isidentifier())


def _url_matches(actual: str, expected: str) -> bool:
    """Equal URLs; an expected URL without a query also matches the same page with any query (GET forms)."""
    if actual == expected:
        return True
    a, e = urlsplit(actual), urlsplit(expected)
    return not e.query and (a.scheme, a.netloc, a.path.rstrip("/")) == (e.scheme, e.netloc, e.path.rstrip("/"))


async def _run_step(page: Page, step: JourneyStep, nav: _Navigation, limits: BrowseLimits) -> None:
    timeout = limits.action_ms
    match step.action:
        case "goto":
            await page.goto(step.target or "", wait_until="load", timeout=limits.navigation_ms)
            nav.check()
        case "click":
            await _locator(page, step.target).first.click(timeout=timeout)
            await page.wait_for_load_state("load", timeout=limits.navigation_ms)
            nav.check()
        case "fill":
            await _locator(page, step.target).first.fill(step.value or "", timeout=timeout)
        case "select":
            field = _locator(page, step.target).first
            try:
                await field.select_option(label=step.value or "", timeout=timeout)
            except Exception:  # the value may be the option's value rather than its label
                await field.select_option(value=step.value or "", timeout=timeout)
        case "check":
            await _locator(page, step.target).first.check(timeout=timeout)
        case "expect_text":
            text = normalize(await _locator(page, step.target).first.inner_text(timeout=timeout))
            if normalize(step.value or "") not in text:
                raise StepFailed(f"text {step.value!r} not found in {step.target or 'the page'}")
        case "expect_url":
            if not _url_matches(page.url, step.target or ""):
                raise StepFailed(f"URL is {page.url}, expected {step.target}")
        case "submit":
            form = _locator(page, step.target or "form").first
            async with page.expect_navigation(wait_until="load", timeout=limits.navigation_ms):
                # requestSubmit runs the form's validation and submit handlers, as a press on its button would.
                await form.evaluate("(f) => (f.tagName === 'FORM' ? f : f.form || f.closest('form')).requestSubmit()")
            nav.check()


async def run_journey(
    context: BrowserContext, service: EService, limits: BrowseLimits, watch: PageHook | None = None
) -> JourneyFact:
    await context.clear_cookies()
    page = await context.new_page()
    guard = WriteGuard()
    steps: list[JourneyStepFact] = []
    broken: int | None = None
    started = time.perf_counter()
    try:
        if watch is not None:
            await watch(page)  # the job's byte budget, before the first step navigates
        await guard.install(page)
        nav = _Navigation(page)
        for index, step in enumerate(service.steps):
            guard.allow = step.allow_submit
            t0 = time.perf_counter()
            error: str | None = None
            try:
                await _run_step(page, step, nav, limits)
            except Exception as exc:  # the failing step is the fact
                error = shorten(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, 200)
            finally:
                guard.allow = False
            steps.append(
                {
                    "index": index,
                    "action": step.action,
                    "target": step.target,
                    "ms": round((time.perf_counter() - t0) * 1000, 1),
                    "ok": error is None,
                    "error": error,
                    "url": page.url,
                }
            )
            if error is not None:
                broken = index
                break
    finally:
        with contextlib.suppress(Exception):
            await page.close()
    return {
        "eservice_id": service.id,
        "steps": steps,
        "ok": broken is None and len(steps) == len(service.steps),
        "broken_step": broken,
        "total_ms": round((time.perf_counter() - started) * 1000, 1),
        "aborted_requests": guard.take(),
    }
