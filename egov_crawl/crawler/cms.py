"""Which content management system served a page, from what the response itself says (headers, meta generator).

A fact, not a guess: every conclusion carries the evidence it rests on. Signals, strongest first:

* ``X-Generator`` response header (Drupal 7+ sends ``X-Generator: Drupal 7 (http://drupal.org)``);
* ``<meta name="generator">`` (WordPress, Joomla, Drupal, TYPO3… write ``Name version``);
* Drupal's page-cache headers ``X-Drupal-Cache`` / ``X-Drupal-Dynamic-Cache`` (the dynamic cache exists from
  Drupal 8 on), and ``Expires: Sun, 19 Nov 1978 05:00:00 GMT``, the date Drupal sends on uncacheable pages
  (Drupal core ``drupal_page_header``/``FinishResponseSubscriber``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

DRUPAL_EXPIRES = "sun, 19 nov 1978 05:00:00 gmt"
_NAME_VERSION = re.compile(
    r"^\s*([A-Za-z][\w!.+-]*(?:\s+[A-Za-z][\w!.+-]*)*?)(?:\s+v?(\d+(?:\.\d+)*))?(?:[\s(,;-].*)?$"
)


def _first(headers: Mapping[str, str | list[str]], name: str) -> str | None:
    value = headers.get(name)
    if isinstance(value, list):
        return value[0] if value else None
    return value


def parse_generator(value: str) -> tuple[str, str | None] | None:
    """``"Drupal 7 (http://drupal.org)"`` → ("Drupal", "7"); ``"WordPress 6.4.2"`` → ("WordPress", "6.4.2")."""
    match = _NAME_VERSION.match(value)
    if match is None:
        return None
    return match[1].rstrip("!").strip(), match[2]


def detect_cms(headers: Mapping[str, str | list[str]], generator: str | None) -> dict[str, Any] | None:
    """``{name, version, evidence}`` or None when nothing names a CMS. ``headers``: lower-case names."""
    name: str | None = None
    version: str | None = None
    evidence: list[str] = []
    for source, value in (("header X-Generator", _first(headers, "x-generator")), ("meta generator", generator)):
        parsed = parse_generator(value) if value else None
        if parsed is None:
            continue
        evidence.append(f"{source}: {value}")
        if name is None or parsed[0].lower() == name.lower():
            name = name or parsed[0]
            version = version or parsed[1]
    drupal_signals = [
        f"header {label}: {_first(headers, key)}"
        for key, label in (("x-drupal-cache", "X-Drupal-Cache"), ("x-drupal-dynamic-cache", "X-Drupal-Dynamic-Cache"))
        if _first(headers, key) is not None
    ]
    expires = _first(headers, "expires")
    if expires is not None and expires.strip().lower() == DRUPAL_EXPIRES:
        drupal_signals.append(f"header Expires: {expires}")
    if drupal_signals and (name is None or name.lower() == "drupal"):
        name = "Drupal"
        evidence += drupal_signals
        if version is None and _first(headers, "x-drupal-dynamic-cache") is not None:
            version = "8+"
    if name is None:
        return None
    return {"name": name, "version": version, "evidence": evidence}
