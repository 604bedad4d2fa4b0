"""Render facts of one page in Chromium: status, console, requests, third parties and trackers, cookies
before any interaction, consent banner, web vitals, mobile layout, JavaScript-only content, axe-core, forms
and screenshots. Writes the ``page``, ``axe``, ``screenshot`` and ``forms`` kinds (see ``facts.py``).

The page is loaded once at the desktop size (1366x768, the most common desktop resolution in StatCounter's
Thailand figures) and then resized to 360x800 for the mobile facts: one load instead of two.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import lxml.html
from playwright.async_api import BrowserContext, ConsoleMessage, Page, Request, Response, ViewportSize

from egov_crawl.browser import assets
from egov_crawl.browser.axe import run_axe
from egov_crawl.browser.budget import PageHook
from egov_crawl.browser.evidence import Evidence
from egov_crawl.browser.forms import observe_forms
from egov_crawl.browser.guard import WriteGuard
from egov_crawl.browser.rows import Collected, shorten
from egov_crawl.browser.sample import PageTarget
from egov_crawl.facts.browser import CookieFact, MobileFact, PageFact, ScreenshotFact, TextFact

DESKTOP: ViewportSize = {"width": 1366, "height": 768}
MOBILE: ViewportSize = {"width": 360, "height": 800}
MAX_LISTED = 20
# Consent banners in Thai and English name cookies (คุกกี้); page_facts.js also wants a choice (a button or link)
# and a banner-like element (dialog, fixed/sticky layer, or an id/class naming cookies/consent/PDPA).
CONSENT_PATTERN = r"คุกกี้|cookie"
JS_ONLY_MIN_RENDERED = 200  # below this the page is too small to judge
JS_ONLY_MAX_RATIO = 0.2
# Second-level registries under which a registrable domain has three labels (e.g. revenue.go.th).
THREE_LABEL_SUFFIXES = ("go.th", "ac.th", "or.th", "co.th", "in.th", "mi.th", "net.th", "gov.uk", "gov.au")


def site_key(host: str) -> str:
    """The registrable domain of a host, for first/third-party decisions (a small stand-in for the Public
    Suffix List, enough for Thai government second-level domains)."""
    labels = host.lower().strip(".").split(".")
    keep = 3 if ".".join(labels[-2:]) in THREE_LABEL_SUFFIXES else 2
    return ".".join(labels[-keep:])


@dataclass(frozen=True)
class BrowseLimits:
    navigation_ms: float = 30_000  # page.goto deadline
    settle_ms: float = 2_000  # longest extra wait for the network to go quiet (JavaScript-rendered content)
    quiet_ms: float = 200  # "quiet": no request in flight for this long (Playwright's networkidle waits 500 ms)
    action_ms: float = 5_000  # clicks, fills, screenshots
    # Decoded bytes (budget.py): one HTML document may receive the crawler's page cap (DOWNLOAD_MAXSIZE); a
    # whole job several times a heavy page with its images, scripts and fonts, far below what an endless
    # stream or a gzip bomb sends.
    max_document_bytes: int = 10 * 1024 * 1024
    max_job_bytes: int = 64 * 1024 * 1024


class PageWatcher:
    """Listens to one page's console and network while it loads."""

    def __init__(self, page: Page) -> None:
        self.console_errors: list[str] = []
        self.failed: list[str] = []
        self.request_urls: list[str] = []
        self.in_flight = 0
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self._add(self.console_errors, f"uncaught: {exc}"))
        page.on("request", self._request)
        page.on("requestfinished", self._request_done)
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    def _request(self, request: Request) -> None:
        self.request_urls.append(request.url)
        self.in_flight += 1

    def _request_done(self, _request: Request) -> None:
        self.in_flight = max(0, self.in_flight - 1)

    async def settle(self, quiet_ms: float, max_ms: float) -> None:
        """Wait until no request has been in flight for ``quiet_ms`` (content a script fetches after ``load``,
        and the requests that content triggers), at most ``max_ms``. Shorter than Playwright's networkidle
        (500 ms quiet, bench/browser.py): a fetch chain on a page shows as back-to-back requests, so a 200 ms
        quiet window still sees the JavaScript-only site's content and its consent script."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max_ms / 1000
        quiet_since = loop.time()
        while loop.time() < deadline:
            if self.in_flight:
                quiet_since = loop.time()
            elif loop.time() - quiet_since >= quiet_ms / 1000:
                return
            await asyncio.sleep(0.025)

    @staticmethod
    def _add(bucket: list[str], text: str) -> None:
        if len(bucket) < MAX_LISTED:
            bucket.append(shorten(text, 200))

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self._add(self.console_errors, message.text)

    def _request_failed(self, request: Request) -> None:
        self._request_done(request)
        failure = request.failure or "failed"
        if "BLOCKED_BY_CLIENT" not in failure:  # our own aborts are reported by the guard, not as failures
            self._add(self.failed, f"{request.url} {failure}")

    def _response(self, response: Response) -> None:
        if response.status >= 400 and not response.request.is_navigation_request():
            self._add(self.failed, f"{response.url} HTTP {response.status}")


def _non_space(text: str) -> int:
    return len(re.sub(r"\s+", "", text))


def static_text_chars(html: bytes) -> int:
    """Non-space characters of the server's HTML as a client without JavaScript shows it (scripts, styles and
    <noscript> fallbacks removed)."""
    if not html.strip():
        return 0
    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return 0
    for element in root.xpath("//script|//style|//noscript|//template"):
        element.drop_tree()
    body = root.find("body")
    return _non_space((body if body is not None else root).text_content())


def text_fact(rendered: str, static_html: bytes) -> TextFact:
    rendered_chars, static_chars = _non_space(rendered), static_text_chars(static_html)
    ratio = round(min(static_chars / rendered_chars, 1.0), 3) if rendered_chars else 1.0
    return {
        "rendered_chars": rendered_chars,
        "static_chars": static_chars,
        "ratio": ratio,
        "js_only": rendered_chars >= JS_ONLY_MIN_RENDERED and ratio < JS_ONLY_MAX_RATIO,
    }


def _cookie(cookie: Any, page_key: str) -> CookieFact:
    domain = str(cookie.get("domain", "")).lstrip(".")
    return {
        "name": str(cookie.get("name", "")),
        "domain": domain,
        "first_party": site_key(domain) == page_key,
        "secure": bool(cookie.get("secure")),
        "httponly": bool(cookie.get("httpOnly")),
        "samesite": str(cookie.get("sameSite", "")),
    }


def _mixed_content(page_url: str, request_urls: list[str], dom_urls: list[str]) -> list[str]:
    """http:// subresources of an https:// page (W3C Mixed Content): requested, or written in the DOM (Chromium
    upgrades or blocks some before any request is made)."""
    if not page_url.startswith("https://"):
        return []
    found = {u for u in [*request_urls, *dom_urls] if u.startswith("http://")}
    return sorted(found)[:MAX_LISTED]


MIXED_DOM_JS = """() => Array.from(document.querySelectorAll(
  'img[src],script[src],iframe[src],audio[src],video[src],source[src],link[rel=stylesheet][href],embed[src],object[data]'
)).map((el) => el.src || el.href || el.data || '')"""


async def observe_page(
    context: BrowserContext,
    target: PageTarget,
    *,
    agency_id: str,
    agency_hosts: list[str],
    evidence: Evidence,
    collected: Collected,
    limits: BrowseLimits,
    watch: PageHook | None = None,
) -> None:
    """Load ``target`` in a fresh page of ``context`` and add its rows to ``collected``; ``watch`` is called on
    the page before it navigates (the job's byte budget)."""
    await context.clear_cookies()  # cookies "before interaction" must be this page's own
    page = await context.new_page()
    try:
        if watch is not None:
            await watch(page)
        await page.set_viewport_size(DESKTOP)
        guard = WriteGuard()
        await guard.install(page)
        watcher = PageWatcher(page)
        await page.add_init_script(assets.script("vitals"))
        response = await page.goto(target.url, wait_until="load", timeout=limits.navigation_ms)
        await watcher.settle(limits.quiet_ms, limits.settle_ms)  # a page that keeps polling is observed as it is
        static_html = b""
        if response is not None:
            try:
                static_html = await response.body()
            except Exception:  # e.g. a redirect without a body
                static_html = b""
        cookies = await context.cookies()
        raw: dict[str, Any] = await page.evaluate(assets.script("page_facts"), CONSENT_PATTERN)
        dom_urls: list[str] = await page.evaluate(MIXED_DOM_JS)
        page_key = site_key(urlsplit(page.url).hostname or "")
        own_keys = {site_key(h) for h in agency_hosts} | {page_key}
        hosts = {urlsplit(u).hostname or "" for u in watcher.request_urls if u.startswith(("http://", "https://"))}
        third_party = sorted(h for h in hosts if h and site_key(h) not in own_keys)
        consent = raw["consent_text"]
        fact: PageFact = {
            "role": target.role,
            "final_url": page.url,
            "status": response.status if response is not None else None,
            "title": raw["title"],
            "lang": raw["lang"],
            "console_errors": watcher.console_errors,
            "failed_requests": watcher.failed,
            "mixed_content": _mixed_content(page.url, watcher.request_urls, dom_urls),
            "third_party_hosts": third_party,
            "trackers": assets.trackers_of(third_party),
            "cookies_before_interaction": [_cookie(c, page_key) for c in cookies],
            "consent_banner": {"present": consent is not None, "text": shorten(consent or "", 200)},
            "vitals": {k: (round(v, 4) if isinstance(v, float) else v) for k, v in raw["vitals"].items()},  # type: ignore[typeddict-item]
            "bytes": int(raw["bytes"]),
            "requests": len(watcher.request_urls),
            "viewport_meta": raw["viewport_meta"],
            "mobile": {"viewport_width": MOBILE["width"], "scroll_width": 0, "overflow": False, "small_tap_targets": 0},
            "text": text_fact(raw["rendered_text"], static_html),
        }

        try:
            collected.add("axe", await run_axe(page))
        except Exception as exc:  # recorded as a fact; the other kinds go on
            collected.fail("axe", exc, "axe", error_class="script")

        desktop = evidence.relative_path(agency_id, target.url, "desktop")
        desktop_png = await page.screenshot(path=evidence.absolute(desktop), timeout=limits.action_ms)
        await page.set_viewport_size(MOBILE)
        await page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
        measured: dict[str, Any] = await page.evaluate(assets.script("mobile_facts"))
        mobile: MobileFact = {
            "viewport_width": int(measured["viewport_width"]),
            "scroll_width": int(measured["scroll_width"]),
            "overflow": int(measured["scroll_width"]) > int(measured["viewport_width"]) + 1,
            "small_tap_targets": int(measured["small_tap_targets"]),
        }
        fact["mobile"] = mobile
        mobile_path = evidence.relative_path(agency_id, target.url, "mobile")
        mobile_png = await page.screenshot(path=evidence.absolute(mobile_path), timeout=limits.action_ms)
        shots: ScreenshotFact = {
            "desktop": desktop,
            "mobile": mobile_path,
            "desktop_bytes": len(desktop_png),
            "mobile_bytes": len(mobile_png),
        }
        collected.add("page", fact)
        collected.add("screenshot", shots, evidence_path=desktop)

        await page.set_viewport_size(DESKTOP)
        try:
            forms = await observe_forms(page, guard, validate=True, timeout_ms=limits.action_ms)
            collected.add("forms", forms)
        except Exception as exc:
            collected.fail("forms", exc, "forms")
    finally:
        with contextlib.suppress(Exception):  # a crashed page may refuse to close; the context is recycled anyway
            await page.close()
