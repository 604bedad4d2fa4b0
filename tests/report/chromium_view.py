"""Open report pages in headless Chromium (file:// URLs): console errors, counts of elements, screenshots.

Also a script: ``python -m tests.report.chromium_view REPORT_DIR docs/report-national.png`` saves the
screenshot of a national report used in docs/architecture.md.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Page

from egov_crawl.browser.session import browser_session


@dataclass
class Loaded:
    url: str
    errors: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    texts: dict[str, list[str]] = field(default_factory=dict)
    values: dict[str, object] = field(default_factory=dict)


def _watch(page: Page, errors: list[str]) -> None:
    """Console errors and warnings (CSP violations are reported there), script errors, failed loads."""
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url}"))


async def _open(
    pages: list[Path],
    selectors: list[str],
    screenshot: tuple[Path, Path] | None,
    click: str | None,
    evaluate: dict[str, str],
) -> list[Loaded]:
    loaded = []
    async with browser_session() as browser:
        for path in pages:
            page = await browser.new_page(viewport={"width": 1280, "height": 900})
            found = Loaded(path.as_uri())
            _watch(page, found.errors)
            await page.goto(found.url, wait_until="load")
            if click and path.name == "index.html":
                await page.click(click)
            for selector in selectors:
                found.counts[selector] = await page.locator(selector).count()
            found.texts["ranking_ids"] = await page.locator("table.ranking tbody tr td:nth-child(2)").all_inner_texts()
            found.texts["title"] = [await page.title()]
            for name, expression in evaluate.items():
                found.values[name] = await page.evaluate(expression)
            if screenshot and path == screenshot[0]:
                await page.screenshot(path=screenshot[1], full_page=True)
            await page.close()
            loaded.append(found)
    return loaded


def open_pages(
    pages: list[Path],
    selectors: list[str],
    *,
    screenshot: tuple[Path, Path] | None = None,
    click: str | None = None,
    evaluate: dict[str, str] | None = None,
) -> list[Loaded]:
    """Load each page once; ``click`` a selector on index.html before counting; ``evaluate`` JS expressions."""
    return asyncio.run(_open(pages, selectors, screenshot, click, evaluate or {}))


if __name__ == "__main__":
    report, png = Path(sys.argv[1]), Path(sys.argv[2])
    [result] = open_pages([report / "index.html"], ["svg"], screenshot=(report / "index.html", png))
    print(result)
