"""The testbed in a real Chromium (Playwright), mapped by the host map and trusting the testbed CA.

Acceptance 2 of issue 3: https://www.revenue.test/ opens with a verified certificate and renders Thai text
(with a Thai font, not boxes). Also the browser-only behaviours the testbed is designed to show: content that
exists only after JavaScript, a fixed layout that overflows a phone screen, the e-service's JavaScript
validation, the consent banner, the tracker's cookies before consent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser

from egov_crawl.browser.session import browser_session
from egov_crawl.testbed.process import TestbedHandle
from egov_crawl.testbed.registry import TEST_CITIZEN_ID

pytestmark = pytest.mark.browser

# A Thai font gives a combining vowel (ิ, U+0E34) no advance width of its own; the "missing glyph" box does.
THAI_FONT_JS = """() => {
  const span = document.createElement('span');
  span.style.fontSize = '40px';
  document.body.appendChild(span);
  span.textContent = 'กกกกกกกกกก'; const base = span.getBoundingClientRect().width;
  span.textContent = 'กิกิกิกิกิกิกิกิกิกิ'; const marked = span.getBoundingClientRect().width;
  span.remove();
  return {base, marked};
}"""


def in_browser(testbed: TestbedHandle, tmp_path: Path, body: Callable[[Browser], Awaitable[Any]]) -> Any:
    async def run() -> Any:
        async with browser_session(hostmap=testbed.hostmap, ca_pem=testbed.ca_pem, workdir=tmp_path) as browser:
            return await body(browser)

    return asyncio.run(run())


def test_chromium_opens_the_model_site_over_verified_https_and_renders_thai(
    testbed: TestbedHandle, tmp_path: Path
) -> None:
    screenshot = tmp_path / "revenue.png"

    async def body(browser: Browser) -> dict[str, Any]:
        page = await browser.new_page(viewport={"width": 1280, "height": 900})
        response = await page.goto("https://www.revenue.test/")
        assert response is not None
        security = await response.security_details()
        await page.screenshot(path=str(screenshot))
        return {
            "status": response.status,
            "title": await page.title(),
            "h1": await page.inner_text("h1"),
            "protocol": (security or {}).get("protocol"),
            "widths": await page.evaluate(THAI_FONT_JS),
        }

    seen = in_browser(testbed, tmp_path, body)
    home = next(p for p in testbed.site("revenue")["pages"] if p["path"] == "/")
    assert seen["status"] == 200 and seen["title"] == home["title"] == "กรมสรรพากร"
    assert seen["h1"] == "กรมสรรพากร"
    assert str(seen["protocol"]).startswith("TLS")  # loaded over HTTPS: Chromium accepted the testbed CA
    assert seen["widths"]["marked"] == pytest.approx(seen["widths"]["base"], abs=1)
    assert screenshot.stat().st_size > 10_000


def test_expired_certificate_is_refused_by_the_browser(testbed: TestbedHandle, tmp_path: Path) -> None:
    async def body(browser: Browser) -> str:
        page = await browser.new_page()
        try:
            await page.goto("https://www.dsd.test/")
        except Exception as error:  # Playwright raises its own Error with the net:: code
            return str(error)
        return "loaded"

    assert "ERR_CERT_DATE_INVALID" in in_browser(testbed, tmp_path, body)


def test_browser_only_behaviours(testbed: TestbedHandle, tmp_path: Path) -> None:
    async def body(browser: Browser) -> dict[str, Any]:
        out: dict[str, Any] = {}
        page = await browser.new_page()
        await page.goto("https://www.nso.test/about/")
        await page.wait_for_selector("a[href='/about/authority/']")
        out["nso_links"] = await page.eval_on_selector_all("a", "els => els.length")

        phone = await browser.new_page(viewport={"width": 360, "height": 800})
        for slug in ("rid", "revenue"):
            await phone.goto(f"https://www.{slug}.test/")
            out[f"{slug}_width"] = await phone.evaluate("document.documentElement.scrollWidth")

        form = await browser.new_page()
        await form.goto("https://www.revenue.test/eservice/certificate/step-1/")
        await form.fill("#certificate-step-1-citizen_id", "1234567890123")
        await form.fill("#certificate-step-1-fullname", "ทดสอบ ระบบ")
        await form.click("#certificate-step-1 button[type=submit]")
        out["invalid_id_error"] = await form.inner_text("#certificate-step-1-errors")
        out["invalid_id_url"] = form.url
        await form.fill("#certificate-step-1-citizen_id", TEST_CITIZEN_ID)
        async with form.expect_navigation():
            await form.click("#certificate-step-1 button[type=submit]")
        out["valid_id_url"] = form.url

        context = await browser.new_context()
        tat = await context.new_page()
        await tat.goto("https://www.tat.test/")
        await tat.wait_for_function("document.cookie.indexOf('_trk_uid') >= 0")
        out["tat_cookies"] = sorted(c["name"] for c in await context.cookies())
        out["tat_banner"] = await tat.query_selector("#cookie-consent") is not None
        revenue = await context.new_page()
        await revenue.goto("https://www.revenue.test/")
        out["revenue_banner"] = await revenue.is_visible("#cookie-consent")
        return out

    seen = in_browser(testbed, tmp_path, body)
    assert seen["nso_links"] > 20
    assert seen["rid_width"] >= 1200 and seen["revenue_width"] <= 360
    assert "เลขประจำตัวประชาชนไม่ถูกต้อง" in seen["invalid_id_error"] and seen["invalid_id_url"].endswith("/step-1/")
    assert "/eservice/certificate/step-2/?citizen_id=" + TEST_CITIZEN_ID in seen["valid_id_url"]
    # The tracker's own Domain=tracker.test cookie is third-party (Chromium may block it); the cookie its script
    # writes into the agency's domain is first-party, set on first load, before any consent.
    assert "_trk_uid" in seen["tat_cookies"] and not seen["tat_banner"]
    assert seen["revenue_banner"]
