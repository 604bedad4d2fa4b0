"""What a citizen reads on a link: its label, the URL a script handler opens, and whether it leads to another
language version of the site.

Thai government home pages label many links with images only (banners, icons) and open many menus by script
(``<a href="#">``, ``javascript:void(0)``, ``onclick="window.location.href='…'"``); both are read here so that
the matcher sees the same labels a reader does.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote, urlsplit

import lxml.etree

from egov_crawl import thai

MAX_LABEL = 300
_STRING = lxml.etree.XPath("string()")


def _clean(value: str | None) -> str:
    return thai.normalize(value)[:MAX_LABEL] if value and value.strip() else ""


def link_label(element: Any) -> str:
    """The label of a link or clickable element: its text; else the ``alt`` or ``title`` of an image inside it
    (``<img>``, ``<input type=image>``); else its ``aria-label``; else its own ``title`` (``alt`` for ``<area>``).
    Empty when it has none: nothing is invented (the matcher then reads the URL)."""
    text = thai.normalize(_STRING(element))
    if text:
        return text[:MAX_LABEL]
    for image in element.iter("img", "input"):
        if image.tag == "input" and (image.get("type") or "").strip().lower() != "image":
            continue
        for attribute in ("alt", "title", "value") if image.tag == "input" else ("alt", "title"):
            value = _clean(image.get(attribute))
            if value:
                return value
    for attribute in ("aria-label", "title", "alt"):
        value = _clean(element.get(attribute))
        if value:
            return value
    return ""


# A URL in an event handler or javascript: URL: window.open('…'), location.href='…', location.assign("…")…
_HANDLER_URL = re.compile(
    r"""(?:\bwindow\.open|\blocation\.(?:assign|replace)|\blocation(?:\.href)?\s*=)\s*\(?\s*(['"])([^'"]{1,2000})\1""",
    re.IGNORECASE,
)


def handler_url(code: str | None) -> str | None:
    """The URL a script handler (``onclick`` or a ``javascript:`` URL) navigates to, as written; None if none."""
    if not code or ("(" not in code and "=" not in code):
        return None
    if "%" in code:
        code = unquote(code)  # javascript:%20void%20window.open('…') (www.soc.go.th)
    found = _HANDLER_URL.search(code)
    if found is None:
        return None
    url = found.group(2).strip()
    return url if url and not url.lower().startswith(("javascript:", "#")) else None


# Language-version links: labels, flag images and URL paths that name a language.
_LANGUAGE_LABELS = {
    "english": "en",
    "en": "en",
    "eng": "en",
    "ภาษาอังกฤษ": "en",
    "อังกฤษ": "en",
    "english version": "en",
    "ไทย": "th",
    "ภาษาไทย": "th",
    "th": "th",
    "thai": "th",
    "ฉบับภาษาไทย": "th",
}
_LABEL_PUNCTUATION = re.compile(r"[\s|/\[\]().:·•-]+")
_FLAG_WORDS = {"en": "en", "eng": "en", "english": "en", "uk": "en", "us": "en", "gb": "en", "th": "th", "thai": "th"}
_FILE_WORDS = re.compile(r"[a-z]+")
# Other words a flag's file name may carry; any other word (``icon-contact-us.png``) means it is not a flag.
_FLAG_DECORATION = frozenset(
    {"flag", "flags", "icon", "ico", "lang", "language", "btn", "button", "img", "homepage", "small", "ov", "ou"}
)
_PATH_LANGUAGES = {"en": "en", "eng": "en", "english": "en", "th": "th"}
_QUERY_LANGUAGE = re.compile(r"(?:^|&)(?:lang|language|hl)=(en|eng|english|th|thai)(?:[-_][a-z]+)?(?:&|$)", re.I)


MAX_LANGUAGE_LABEL = 24
_URL_LANGUAGE_HINT = re.compile(r"/(?:en|eng|english|th)(?:/|\.|$)|lang|hl=", re.IGNORECASE)


def may_name_language(url: str) -> bool:
    """A cheap test before language_of_url: most links name no language at all."""
    return _URL_LANGUAGE_HINT.search(url) is not None


def language_of_label(label: str) -> str | None:
    if not label or len(label) > MAX_LANGUAGE_LABEL:
        return None
    key = _LABEL_PUNCTUATION.sub(" ", label.casefold()).strip()
    return _LANGUAGE_LABELS.get(key)


def language_of_flag(element: Any) -> str | None:
    """The language a flag-like image inside a link names, by its alt text or its file name
    (``/images/en.png``, ``flags/th.png``, ``homepage-icon-eng.png``)."""
    for image in element.iter("img"):
        alt = language_of_label(image.get("alt") or "")
        if alt:
            return alt
        name = (image.get("src") or "").rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()
        words = _FILE_WORDS.findall(name)
        if not words:
            continue
        hits = {_FLAG_WORDS[w] for w in words if w in _FLAG_WORDS}
        if len(hits) == 1 and all(w in _FLAG_WORDS or w in _FLAG_DECORATION for w in words):
            return hits.pop()
    return None


def language_of_url(url: str) -> str | None:
    """The language a URL names as the home of a language version: a path that is only a language segment
    (``/en/``, ``/eng/index.htm``), or a query that only sets it (``index.php?lang=en``). Deeper paths and
    other queries are pages in that language, not the switch: Joomla adds ``&lang=th`` to every link of
    www.forest.go.th, and www.nrct.go.th's contact page is ``/th/contact.aspx``."""
    parts = urlsplit(url)
    segments = [s for s in parts.path.lower().split("/") if s]
    home_of_language = len(segments) == 1 or (len(segments) == 2 and _INDEX_PAGE.fullmatch(segments[1]))
    if segments and segments[0] in _PATH_LANGUAGES and not parts.query and home_of_language:
        return _PATH_LANGUAGES[segments[0]]
    if parts.query and "&" not in parts.query:
        found = _QUERY_LANGUAGE.search(parts.query)
        if found and (len(segments) <= 1 or _INDEX_PAGE.fullmatch(segments[-1])):
            return "th" if found.group(1).lower().startswith("th") else "en"
    return None


_INDEX_PAGE = re.compile(r"(?:index|default|home|main)(?:\.\w+)?")


def normalise_language_tag(tag: str) -> str | None:
    primary = tag.strip().lower().split("-", 1)[0].split("_", 1)[0]
    return primary or None
