"""Hostile input the crawler handled: what the home page says about the site, as ``site_crawl`` classes.

These are not failures (``egov_crawl.failures``, "not failures" and "what answered was not the site"): the crawl
completed and its pages are stored and scored. The class tells a reader why the facts look the way they do:

* ``login_wall``: the home page redirected to a page with a password form (recorded, never submitted).
* ``js_only``: the home page has (almost) no text and no links without JavaScript, but has scripts; the
  browser phase renders it.
* ``charset_detected``: the home page declared no charset (no HTTP ``charset``, no ``<meta>``), and the crawler
  detected a non-UTF-8 one (``crawler/charset.py``: Thai TIS-620 / windows-874).
* ``parse_recovered``: libxml2 had to repair the home page's markup heavily (its error log, read from the one
  parse that extracts the facts: ``extract.py``, ``parse_errors``).

One site crawl has one ``error_class``; precedence (first that applies wins): a failure (the home page could
not be fetched, the crawl gave up: ``giveup.py``) > ``url_trap`` > ``login_wall`` > ``js_only`` >
``charset_detected`` > ``parse_recovered``. A failure hides the others because nothing was observed; among the
handled classes, the earlier one explains more of what the facts lack. Every signal found is kept as evidence
in ``site_facts.crawl`` under its class name, whichever wins.
"""

from __future__ import annotations

from typing import Any

from egov_crawl import failures
from egov_crawl.crawler.items import PageItem

# Visible characters below which a home page is an empty shell. The scoring uses the same figure
# (scoring/checks/common.py MIN_STATIC_TEXT) to call content unobserved rather than absent.
JS_ONLY_MAX_TEXT = 200
JS_ONLY_MAX_LINKS = 1  # a logo link may be static; a menu is not
# libxml2 errors (mismatched or unexpected end tags…) on the home page. The 22 sample sites of the testbed have
# none; the testbed's broken legacy page has four. Real pages often have one or two stray end tags.
PARSE_RECOVERED_MIN_ERRORS = 3

PRECEDENCE = (
    failures.URL_TRAP,
    failures.LOGIN_WALL,
    failures.JS_ONLY,
    failures.CHARSET_DETECTED,
    failures.PARSE_RECOVERED,
)


def home_signals(item: PageItem) -> dict[str, dict[str, Any]]:
    """The handled classes the home page shows, each with its evidence (empty when none)."""
    facts = item.facts
    signals: dict[str, dict[str, Any]] = {}
    chain = facts.get("redirect_chain") or []
    password_forms = [form for form in item.forms if form.has_password]
    if len(chain) > 1 and password_forms:
        form = password_forms[0]
        signals[failures.LOGIN_WALL] = {
            "url": item.final_url,
            "redirected_from": item.url,
            "form": {
                "action": form.action,
                "method": form.method,
                "fields": [{"name": f.get("name"), "type": f.get("type")} for f in form.fields],
            },
            "submitted": False,
        }
    scripts = facts.get("scripts") or {}
    script_count = len(scripts.get("external") or []) + int(scripts.get("inline") or 0)
    text_length = int(facts.get("text_length") or 0)
    if script_count and text_length < JS_ONLY_MAX_TEXT and len(item.links) <= JS_ONLY_MAX_LINKS:
        signals[failures.JS_ONLY] = {
            "url": item.url,
            "text_length": text_length,
            "links": len(item.links),
            "scripts": script_count,
        }
    charset = facts.get("charset") or {}
    if charset.get("source") == "sniffed" and charset.get("encoding") not in (None, "utf-8"):
        signals[failures.CHARSET_DETECTED] = {"url": item.url, "encoding": charset["encoding"], "declared": None}
    parse_errors = facts.get("parse_errors") or {}
    if int(parse_errors.get("count") or 0) >= PARSE_RECOVERED_MIN_ERRORS:
        signals[failures.PARSE_RECOVERED] = {"url": item.url, **parse_errors}
    return signals


def site_class(crawl_facts: dict[str, Any]) -> str | None:
    """The handled class of a completed crawl, by precedence, from ``site_facts.crawl``."""
    return next((name for name in PRECEDENCE if crawl_facts.get(name)), None)
