"""Forms as a browser sees them, and what happens when a citizen presses submit on the empty form.

Fields, label association, required, input types, autocomplete (WCAG 2.1 SC 1.3.5), CAPTCHA, login or
digital-ID wall, file upload and payment markers (catalog: SRV service indicators). Client-side validation is
observed by pressing submit with every non-GET request aborted by ``WriteGuard``: nothing is ever submitted.
One-box GET search forms are not pressed (the site-search check exercises them).
"""

from __future__ import annotations

import re
from typing import Any

from playwright.async_api import Page

from egov_crawl.browser import assets
from egov_crawl.browser.guard import WriteGuard
from egov_crawl.browser.rows import shorten
from egov_crawl.facts.browser import FieldFact, FormFact, FormsFact, ValidationFact

SUBMIT_SELECTOR = "button:not([type]), button[type=submit], input[type=submit], input[type=image]"
MAX_VALIDATED_FORMS = 3
SETTLE_MS = 400  # time for a validation script to write its messages after the press

# Markers matched in lower-cased HTML. ThaiD is the DOPA digital-ID app; "ไทยดี" is its Thai spelling.
LOGIN_MARKERS: dict[str, re.Pattern[str]] = {
    "password": re.compile(r"type=[\"']?password"),
    "thaid": re.compile(r"thaid|ไทยดี|imauth\.bora\.dopa"),
    "digital_id": re.compile(r"digital ?id|ดิจิทัลไอดี|ndid"),
    "oauth": re.compile(r"oauth|openid|response_type=|/authorize\?"),
}
CAPTCHA_RE = re.compile(r"g-recaptcha|recaptcha|hcaptcha|cf-turnstile|captcha")
PAYMENT_RE = re.compile(r"ชำระเงิน|พร้อมเพย์|promptpay|cc-number|cc-exp|payment|omise|2c2p|ksher|paysolutions")

VALIDATION_JS = """(form) => {
  const invalid = Array.from(form.querySelectorAll(':invalid')).filter((el) => el !== form);
  const messages = invalid.map((el) => el.validationMessage).filter(Boolean);
  for (const el of form.querySelectorAll('[role=alert], .error, .errors, .invalid-feedback, [aria-live]')) {
    const t = (el.innerText || '').trim();
    if (t) messages.push(t);
  }
  return { invalid: invalid.length, messages: messages.slice(0, 5), novalidate: form.noValidate };
}"""


def _markers(html: str) -> list[str]:
    return [name for name, pattern in LOGIN_MARKERS.items() if pattern.search(html)]


def _is_search(form: dict[str, Any]) -> bool:
    fields = form["fields"]
    return form["method"] == "GET" and (
        form["role"] == "search" or (len(fields) <= 1 and all(f["type"] in ("search", "text") for f in fields))
    )


def _not_attempted() -> ValidationFact:
    return {
        "attempted": False,
        "blocked_by_browser": False,
        "invalid_fields": 0,
        "messages": [],
        "aborted_requests": [],
        "navigated": False,
    }


async def _press_submit(page: Page, index: int, guard: WriteGuard, timeout_ms: float) -> ValidationFact:
    """Press the form's submit control on the empty form; requests that would send data are aborted."""
    url_before = page.url
    form = page.locator("form").nth(index)
    guard.take()
    await form.locator(SUBMIT_SELECTOR).first.click(timeout=timeout_ms, no_wait_after=True)
    await page.wait_for_timeout(SETTLE_MS)
    navigated = page.url != url_before
    state: dict[str, Any] = {"invalid": 0, "messages": [], "novalidate": False}
    if not navigated:
        state = await form.evaluate(VALIDATION_JS)
    return {
        "attempted": True,
        "blocked_by_browser": not navigated and not state["novalidate"] and state["invalid"] > 0,
        "invalid_fields": int(state["invalid"]),
        "messages": [shorten(m, 200) for m in state["messages"]],
        "aborted_requests": guard.take(),
        "navigated": navigated,
    }


async def observe_forms(page: Page, guard: WriteGuard, *, validate: bool, timeout_ms: float = 5000) -> FormsFact:
    """The forms of the loaded page; with ``validate``, the empty-submit result of up to three data forms."""
    raw: dict[str, Any] = await page.evaluate(assets.script("forms"))
    page_markers = _markers(raw["page_html"])
    url = page.url
    forms: list[FormFact] = []
    pressed = 0
    for form in raw["forms"]:
        fields: list[FieldFact] = form["fields"]
        html = form["html_markers"]
        markers = _markers(html)
        validation = _not_attempted()
        if validate and form["has_submit"] and not _is_search(form) and pressed < MAX_VALIDATED_FORMS:
            pressed += 1
            validation = await _press_submit(page, form["index"], guard, timeout_ms)
            if page.url != url:  # the press navigated (or an aborted POST left an error page): reload
                await page.goto(url, wait_until="load", timeout=timeout_ms * 3)
        forms.append(
            {
                "index": form["index"],
                "action": form["action"],
                "method": form["method"],
                "fields": fields,
                "unlabelled": sum(1 for f in fields if not f["labelled"]),
                "captcha": bool(CAPTCHA_RE.search(html)),
                "login_wall": bool(markers),
                "login_markers": markers,
                "file_upload": any(f["type"] == "file" for f in fields),
                "payment": bool(PAYMENT_RE.search(html)) or any(f["autocomplete"].startswith("cc-") for f in fields),
                "validation": validation,
            }
        )
    return {"forms": forms, "login_wall": bool(page_markers), "login_markers": page_markers}
