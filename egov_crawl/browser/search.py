"""Site search: find the search box on the home page, search a term the agency certainly has (its name, or a
configured term), and record whether a result links to a page that contains the term (catalog INF-25).

The query is the one built-in form submission of the browser checks, which never change a site: a GET search form.
A search form that would POST is not submitted (the guard aborts it) and is recorded as not working.
"""

from __future__ import annotations

import contextlib
from typing import Any
from urllib.parse import urljoin, urlsplit

from playwright.async_api import BrowserContext

from egov_crawl.browser.budget import PageHook
from egov_crawl.browser.guard import WriteGuard
from egov_crawl.browser.pages import BrowseLimits, site_key
from egov_crawl.facts.browser import SearchFact
from egov_crawl.thai import normalize

MAX_CHECKED = 3

# The first form that looks like a site search: role=search, a type=search box, or a usual query name.
FIND_JS = """() => {
  const names = ['q', 's', 'search', 'keyword', 'keywords', 'query', 'k', 'searchword', 'txtsearch'];
  const forms = Array.from(document.querySelectorAll('form'));
  const boxOf = (f) => f.querySelector('input[type=search]') ||
    Array.from(f.querySelectorAll('input:not([type]),input[type=text]'))
      .find((i) => names.includes((i.name || '').toLowerCase()));
  const form = forms.find((f) => f.getAttribute('role') === 'search' && boxOf(f)) || forms.find((f) => boxOf(f));
  if (!form) return null;
  const box = boxOf(form);
  return { form: forms.indexOf(form), box: Array.from(form.querySelectorAll('input')).indexOf(box) };
}"""

# Result links: links of the main content, not of the page furniture (menus, header, footer).
RESULTS_JS = """() => {
  const root = document.querySelector('main,[role=main],#main,#content') || document.body;
  return Array.from(root.querySelectorAll('a[href]'))
    .filter((a) => !a.closest('nav,header,footer,form,[role=navigation]'))
    .map((a) => a.href);
}"""


def _norm(text: str) -> str:
    return normalize(text).casefold()


async def site_search(
    context: BrowserContext, home: str, term: str, limits: BrowseLimits, watch: PageHook | None = None
) -> SearchFact:
    await context.clear_cookies()
    page = await context.new_page()
    fact: SearchFact = {
        "form_found": False,
        "term": term,
        "results_url": None,
        "results_status": None,
        "result_links": 0,
        "checked_links": [],
        "term_found": False,
        "ok": False,
    }
    try:
        if watch is not None:
            await watch(page)  # the job's byte budget
        await WriteGuard().install(page)
        await page.goto(home, wait_until="load", timeout=limits.navigation_ms)
        with contextlib.suppress(Exception):  # the form may be written by JavaScript after load
            await page.wait_for_load_state("networkidle", timeout=limits.settle_ms)
        found: dict[str, Any] | None = await page.evaluate(FIND_JS)
        if found is None:
            return fact
        fact["form_found"] = True
        form = page.locator("form").nth(int(found["form"]))
        await form.locator("input").nth(int(found["box"])).fill(term, timeout=limits.action_ms)
        async with page.expect_navigation(wait_until="load", timeout=limits.navigation_ms) as navigation:
            await form.evaluate("(f) => f.requestSubmit()")
        response = await navigation.value
        fact["results_url"] = page.url
        fact["results_status"] = response.status if response is not None else None
        home_key = site_key(urlsplit(home).hostname or "")
        links = [
            u
            for u in dict.fromkeys(await page.evaluate(RESULTS_JS))
            if site_key(urlsplit(u).hostname or "") == home_key and urljoin(u, "#") != urljoin(page.url, "#")
        ]
        fact["result_links"] = len(links)
        wanted = _norm(term)
        for url in links[:MAX_CHECKED]:
            fact["checked_links"].append(url)
            await page.goto(url, wait_until="load", timeout=limits.navigation_ms)
            if wanted in _norm(await page.inner_text("body", timeout=limits.action_ms)):
                fact["term_found"] = True
                break
        fact["ok"] = fact["term_found"]
        return fact
    finally:
        with contextlib.suppress(Exception):
            await page.close()
