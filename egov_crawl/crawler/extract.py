"""Page facts from one HTML document, parsed once with lxml.

Everything a check may later want from a page is recorded here as a *fact* (what is on the page), never as a
judgement: titles, languages, links with their page region, documents, forms and their fields, feeds, social
and contact links, dates, head metadata, scripts and mixed content, and a bounded amount of visible text per
region so keyword checks can be re-run without re-crawling.

Cost matters: lxml parses a typical page in 0.1–0.2 ms, BeautifulSoup in 1.3–1.8 ms;
this module walks the tree a handful of times in C (``iter`` with tag filters) and does little per-node Python.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import lxml.etree
from w3lib.url import safe_url_string

from egov_crawl import thai
from egov_crawl.crawler import contacts, labels
from egov_crawl.crawler.charset import Decoded, decode_html
from egov_crawl.crawler.context import ContextFinder, article_signals
from egov_crawl.facts.page import (
    Charset,
    Contacts,
    Feed,
    Heading,
    Hreflang,
    LanguageLink,
    LinkCounts,
    PagePayload,
    ParseErrors,
    ScriptLink,
    SocialEmbed,
    Truncated,
)

# Bounds that keep one pathological page from filling the store.
# When one is reached, page facts say so (``truncated``), so a check can tell "not on the page" from "not kept".
# TEXT_CAPS cover the longest texts of the 16 Thai home pages of 2018 measured for them: www.onec.go.th's
# 15,679 characters in all (www.forest.go.th, 200 KB of HTML, has 12,891), 4,657 in its header and nav regions,
# 1,218 in www.pea.co.th's footer.
MAX_LINKS = 1000
MAX_HEADINGS = 100
MAX_SCRIPTS = 60
MAX_DATES = 50
MAX_MIXED = 20
MAX_SCRIPT_LINKS = 100
MAX_LANGUAGE_LINKS = 10
MAX_SOCIAL_EMBEDS = 20
TEXT_CAPS = {"all": 40000, "header": 6000, "nav": 6000, "footer": 4000}

# File formats citizens download (open-format checks count them; INF-34 "HTML first" counts PDFs).
DOCUMENT_EXTENSIONS: dict[str, str] = {
    "pdf": "pdf",
    "doc": "doc",
    "docx": "docx",
    "xls": "xls",
    "xlsx": "xlsx",
    "ppt": "ppt",
    "pptx": "pptx",
    "odt": "odt",
    "ods": "ods",
    "odp": "odp",
    "rtf": "rtf",
    "csv": "csv",
    "tsv": "tsv",
    "json": "json",
    "geojson": "geojson",
    "xml": "xml",
    "rdf": "rdf",
    "kml": "kml",
    "kmz": "kmz",
    "zip": "zip",
    "rar": "rar",
    "7z": "7z",
}
DOCUMENT_CONTENT_TYPES: dict[str, str] = {
    "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-powerpoint": "ppt",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/rtf": "rtf",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/geo+json": "geojson",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/rdf+xml": "rdf",
    "application/vnd.google-earth.kml+xml": "kml",
    "application/zip": "zip",
    "application/x-zip-compressed": "zip",
    "application/vnd.rar": "rar",
    "application/x-7z-compressed": "7z",
}
HTML_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml"})

# Official social media presence (catalog SRV-15) and app stores (SRV-17), by host suffix.
SOCIAL_HOSTS: dict[str, str] = {
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "fb.me": "facebook",
    "m.me": "messenger",
    "twitter.com": "x",
    "x.com": "x",
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "line.me": "line",
    "lin.ee": "line",
    "instagram.com": "instagram",
    "tiktok.com": "tiktok",
    "linkedin.com": "linkedin",
    "apps.apple.com": "app-store",
    "play.google.com": "google-play",
}

# Landmarks (HTML elements and their ARIA roles, WAI-ARIA 1.2 §5.3.4), then class/id words that older CMS
# themes use instead (``<div id="footer">``).
REGION_TAGS = {"nav": "nav", "header": "header", "footer": "footer", "main": "main", "aside": "aside"}
REGION_ROLES = {
    "navigation": "nav",
    "banner": "header",
    "contentinfo": "footer",
    "main": "main",
    "complementary": "aside",
}
REGION_WORDS = {
    "footer": "footer",
    "foot": "footer",
    "copyright": "footer",
    "header": "header",
    "masthead": "header",
    "banner": "header",
    "topbar": "header",
    "nav": "nav",
    "navbar": "nav",
    "navigation": "nav",
    "menu": "nav",
    "mainmenu": "nav",
    "breadcrumb": "nav",
    "breadcrumbs": "nav",
    "sidebar": "aside",
    "aside": "aside",
    "main": "main",
}
_WORD_SPLIT = re.compile(r"[\s_\-]+")

# CAPTCHA widgets by their markup (reCAPTCHA, hCaptcha, Cloudflare Turnstile, Friendly Captcha, home-made ones).
_CAPTCHA_MARKER = re.compile(r"captcha|g-recaptcha|h-captcha|cf-turnstile|frc-captcha|securimage", re.I)
_CAPTCHA_SCRIPT = re.compile(r"recaptcha|hcaptcha|turnstile|friendlycaptcha|captcha", re.I)
# Tag ids of common analytics (catalog INF-32) found in inline scripts: facts, not judgements.
_ANALYTICS_IDS = re.compile(r"\b(G-[A-Z0-9]{6,12}|UA-\d{4,10}-\d{1,4}|GTM-[A-Z0-9]{4,9})\b")
_INLINE_MARKERS = {
    "gtag": "gtag(",
    "google-analytics": "google-analytics.com",
    "googletagmanager": "googletagmanager.com",
    "matomo": "_paq",
    "truehits": "truehits",
    "facebook-pixel": "fbq(",
}
BLOCK_TAGS = (
    "p",
    "div",
    "li",
    "td",
    "th",
    "tr",
    "br",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "main",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "form",
    "label",
    "option",
    "button",
    "blockquote",
    "pre",
    "hr",
    "figure",
    "figcaption",
    "address",
    "legend",
    "fieldset",
    "a",
    "img",
)
# Elements whose onclick is not navigation a reader sees as a link (form controls, the page itself).
_NOT_SCRIPT_LINKS = frozenset({"a", "area", "input", "button", "select", "textarea", "option", "form", "body", "html"})
_MAX_CONTROL_LABEL = 200
_FEED_PATH = re.compile(r"(?:/feed/?$|/rss(?:\.xml)?/?$|\.rss$|/atom(?:\.xml)?$)", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# ``</html>`` with more markup after it (not just white space and comments).
_HTML_END = re.compile(r"</html\s*>\s*(?:<!--.*?-->\s*)*<[a-zA-Z!]", re.IGNORECASE | re.DOTALL)
_BODY_OR_HTML_END = re.compile(r"</(?:body|html)\s*>", re.IGNORECASE)
_REFRESH = re.compile(r"^\s*(\d+(?:\.\d*)?)?\s*[;,]?\s*(?:url\s*=\s*)?(['\"]?)(.*?)\2\s*$", re.IGNORECASE)


@dataclass
class LinkFact:
    url: str
    text: str  # the label a reader sees (labels.link_label); empty when the link has none
    region: str | None
    internal: bool
    context: str | None = None  # "article" inside an article or a news listing (context.py), else None


@dataclass
class DocumentRef:
    url: str
    format: str
    text: str
    region: str | None


@dataclass
class FormFact:
    action: str | None
    method: str
    fields: list[dict[str, Any]]
    has_captcha: bool
    has_file_upload: bool
    has_password: bool
    facts: dict[str, Any]


@dataclass
class PageExtract:
    """What one HTML page says. ``facts`` is the JSON stored in ``page.facts`` (merged with response facts)."""

    title: str | None = None
    lang: str | None = None
    links: list[LinkFact] = field(default_factory=list)
    documents: list[DocumentRef] = field(default_factory=list)
    forms: list[FormFact] = field(default_factory=list)
    facts: PagePayload = field(default_factory=PagePayload)


def media_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def is_html(content_type: str | None, body: bytes) -> bool:
    kind = media_type(content_type)
    if kind in HTML_CONTENT_TYPES:
        return True
    if kind is None:  # no Content-Type: sniff the first bytes, as browsers do (WHATWG MIME Sniffing §7.1)
        head = body[:512].lstrip().lower()
        return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<title"))
    return False


def document_format(url: str, content_type: str | None = None) -> str | None:
    """The document format of a URL (by extension) or of a response (by media type); None for web pages."""
    if content_type is not None:
        kind = media_type(content_type)
        if kind in DOCUMENT_CONTENT_TYPES:
            return DOCUMENT_CONTENT_TYPES[kind]
    path = urlsplit(url).path
    dot = path.rfind(".")
    if dot == -1 or "/" in path[dot:]:
        return None
    return DOCUMENT_EXTENSIONS.get(path[dot + 1 :].lower())


def clean_url(base: str, href: str, origin: str | None = None) -> str | None:
    """An absolute http(s) URL without fragment, percent-encoded as Scrapy will request it; None otherwise.

    ``origin`` (``scheme://host[:port]`` of ``base``) enables a fast path for the common absolute and
    root-relative links; anything with dot segments or relative paths goes through ``urljoin`` (RFC 3986 §5.2).
    """
    href = href.strip()
    if not href or href[0] == "#":
        return None
    if "/." in href or "\\" in href:
        url = urljoin(base, href)
    elif href.startswith(("http://", "https://")):
        url = href
    elif origin is not None and href[0] == "/" and not href.startswith("//"):
        url = origin + href
    else:
        url = urljoin(base, href)
    hash_at = url.find("#")
    if hash_at != -1:
        url = url[:hash_at]
    if not url.startswith(("http://", "https://")):
        return None
    if not url.isascii() or " " in url:
        url = safe_url_string(url)
    return url


def host_of(url: str) -> str:
    if url.startswith(("http://", "https://")):  # fast path for the URLs clean_url produces
        netloc = url.split("/", 3)[2]
        if "@" not in netloc and "[" not in netloc:
            return netloc.split(":", 1)[0].lower()
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def social_platform(host: str) -> str | None:
    for suffix, platform in SOCIAL_HOSTS.items():
        if host == suffix or host.endswith("." + suffix):
            return platform
    return None


# Plain lxml.etree elements, not lxml.html's: HtmlElement classes are looked up in Python for every element
# touched, which cost more than the parse itself (measured: bench/crawl.py).
MAX_PARSE_ERRORS_KEPT = 3  # parse_errors.first: a few messages as evidence, the count says the rest
_PARSER = lxml.etree.HTMLParser(recover=True, remove_comments=True, remove_pis=True)
_STRING = lxml.etree.XPath("string()")


def _text(element: Any) -> str:
    return thai.normalize(_STRING(element))


def region_of(element: Any) -> str | None:
    """The page region (nav, header, main, footer, aside) of the nearest landmark ancestor, if any."""
    node = element.getparent()
    while node is not None:
        region = _landmark(node)
        if region is not None:
            return region
        node = node.getparent()
    return None


def _landmark(node: Any) -> str | None:
    """The region an element itself is a landmark of, if it is one."""
    tag = node.tag
    if isinstance(tag, str):
        if tag in REGION_TAGS:
            return REGION_TAGS[tag]
        role = node.get("role")
        if role and role in REGION_ROLES:
            return REGION_ROLES[role]
        words = f"{node.get('id') or ''} {node.get('class') or ''}"
        if words.strip():
            for word in _WORD_SPLIT.split(words.lower()):
                if word in REGION_WORDS:
                    return REGION_WORDS[word]
    return None


class _Regions:
    """region_of for many elements of one page: each ancestor is judged once (links share their ancestors)."""

    def __init__(self) -> None:
        self._at: dict[Any, str | None] = {}

    def of(self, element: Any) -> str | None:
        path: list[Any] = []
        node = element.getparent()
        region: str | None = None
        while node is not None:
            if node in self._at:
                region = self._at[node]
                break
            path.append(node)
            region = _landmark(node)
            if region is not None:
                break
            node = node.getparent()
        for visited in path:
            self._at[visited] = region
        return region


def _parse(text: str) -> Any:
    # lxml refuses str input that carries an XML encoding declaration (XHTML pages): the bytes are already decoded.
    if text.lstrip().startswith("<?xml"):
        text = _XML_DECLARATION.sub("", text, count=1)
    # libxml2 drops everything after ``</html>``, where browsers carry on reading into the body: a capture of
    # www.pcd.go.th has an nginx error page, then the real home page (0 links read instead of 102).
    if _HTML_END.search(text) is not None:
        text = _BODY_OR_HTML_END.sub("", text)
    try:
        root = lxml.etree.fromstring(text, _PARSER)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):
        return None
    return root if root is not None and isinstance(root.tag, str) else None


def _parse_errors() -> ParseErrors | None:
    """What libxml2 repaired in the last parse (mismatched and unexpected end tags…): its error log, which the
    parser fills anyway; reading it costs a copy of the (usually empty) list, not a second parse."""
    errors = [e for e in _PARSER.error_log if e.level >= lxml.etree.ErrorLevels.ERROR]
    if not errors:
        return None
    return {"count": len(errors), "first": [f"{e.line}: {e.message}"[:120] for e in errors[:MAX_PARSE_ERRORS_KEPT]]}


# A page with fewer letters than this and no link of its own is a door, not content (crawler/refresh.py).
MIN_CONTENT_TEXT = 200


def page_has_content(body: bytes, *, url: str, content_type: str | None) -> bool:
    """Whether a page shows a reader something besides its meta refresh: a link, or some text."""
    root = _parse(decode_html(body, content_type).text)
    if root is None:
        return False
    for anchor in root.iter("a", "area"):
        href = (anchor.get("href") or "").strip()
        if href and clean_url(url, href) is not None:
            return True
    page = root.find("body")
    if page is None:
        return False
    for element in list(page.iter("script", "style", "noscript", "template")):
        element.clear(keep_tail=True)
    return len(_text(page)) >= MIN_CONTENT_TEXT


def extract_page(body: bytes, *, url: str, content_type: str | None, own_hosts: frozenset[str]) -> PageExtract:
    decoded = decode_html(body, content_type)
    root = _parse(decoded.text)
    parse_errors = _parse_errors()
    charset: Charset = {
        "encoding": decoded.encoding,
        "source": decoded.source,
        "declared": decoded.declared,
        "mismatch": decoded.replaced,
    }
    if root is None:
        return PageExtract(facts={"charset": charset, "parse_error": True})
    extract = _Extractor(root, url, own_hosts, decoded).run()
    if parse_errors:
        extract.facts["parse_errors"] = parse_errors
    return extract


class _Extractor:
    def __init__(self, root: Any, url: str, own_hosts: frozenset[str], decoded: Decoded) -> None:
        self.root = root
        self.url = url
        self.base = url
        self.own_hosts = own_hosts
        self.decoded = decoded
        self.https = url.startswith("https://")
        self.out = PageExtract()
        self.facts = self.out.facts
        self._origin = ""
        self._origin_for = ""
        self.truncated: Truncated = {"headings": False, "text": False, "text_regions": [], "links": False}

    def _url(self, href: str) -> str | None:
        if self._origin_for != self.base:
            parts = urlsplit(self.base)
            self._origin, self._origin_for = f"{parts.scheme}://{parts.netloc}", self.base
        return clean_url(self.base, href, self._origin)

    def run(self) -> PageExtract:
        root = self.root
        self.facts["charset"] = {
            "encoding": self.decoded.encoding,
            "source": self.decoded.source,
            "declared": self.decoded.declared,
            "mismatch": self.decoded.replaced,
        }
        self.out.lang = (root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or "").strip()[
            :35
        ] or None
        self._head()
        self._scripts()
        self._links()
        self._forms()
        self._subresources()
        self._headings()
        self._text()
        self.facts["article"] = article_signals(root, self.facts["jsonld_types"], self.facts["open_graph"])
        self.facts["truncated"] = self.truncated
        return self.out

    # --- <head> ------------------------------------------------------------------------------------------
    def _head(self) -> None:
        root, facts = self.root, self.facts
        for base in root.iter("base"):
            href = base.get("href")
            if href:
                self.base = urljoin(self.url, href.strip())
                facts["base_href"] = self.base
            break
        title = next(iter(root.iter("title")), None)
        if title is not None:
            self.out.title = _text(title) or None
        meta: dict[str, str] = {}
        og: dict[str, str] = {}
        for element in root.iter("meta"):
            content = (element.get("content") or "").strip()
            if element.get("charset"):
                meta.setdefault("charset", element.get("charset", "").strip())
                continue
            key = (element.get("name") or element.get("http-equiv") or "").strip().lower()
            prop = (element.get("property") or "").strip().lower()
            if prop.startswith(("og:", "article:")):
                og.setdefault(prop, content[:500])
            if key:
                if key.startswith(("og:", "twitter:")):
                    og.setdefault(key, content[:500])
                else:
                    meta.setdefault(key, content[:500])
        facts["meta"] = meta
        facts["meta_description"] = meta.get("description")
        facts["viewport"] = meta.get("viewport")
        facts["generator"] = meta.get("generator")
        facts["robots_meta"] = meta.get("robots")
        facts["meta_refresh"] = meta.get("refresh")
        facts["open_graph"] = og
        canonical = None
        feeds: list[Feed] = []
        alternates: list[Hreflang] = []
        icons: list[str] = []
        for element in root.iter("link"):
            rel = (element.get("rel") or "").lower().split()
            href = element.get("href")
            if not href or not rel:
                continue
            target = self._url(href)
            if target is None:
                continue
            kind = (element.get("type") or "").lower()
            if "canonical" in rel and canonical is None:
                canonical = target
            if "alternate" in rel:
                if kind in ("application/rss+xml", "application/atom+xml", "application/feed+json"):
                    feeds.append({"url": target, "type": kind, "title": element.get("title")})
                elif element.get("hreflang"):
                    alternates.append({"url": target, "hreflang": element.get("hreflang", "").strip()})
            if "icon" in rel:
                icons.append(target)
            if "manifest" in rel:
                facts["web_manifest"] = target
        facts["canonical"] = canonical
        facts["feeds"] = feeds
        facts["hreflang"] = alternates
        facts["icons"] = icons[:5]
        facts["jsonld_types"], facts["jsonld_errors"] = self._jsonld()

    def _jsonld(self) -> tuple[list[str], int]:
        types: list[str] = []
        errors = 0
        for script in self.root.iter("script"):
            if (script.get("type") or "").strip().lower() != "application/ld+json":
                continue
            try:
                data = json.loads(script.text or "")
            except ValueError:
                errors += 1
                continue
            _collect_types(data, types)
        return sorted(set(types)), errors

    # --- scripts -----------------------------------------------------------------------------------------
    def _scripts(self) -> None:
        sources: list[str] = []
        markers: set[str] = set()
        analytics: set[str] = set()
        captcha = False
        inline_count = 0
        for script in self.root.iter("script"):
            src = script.get("src")
            if src:
                target = self._url(src)
                if target and len(sources) < MAX_SCRIPTS:
                    sources.append(target)
                if target and _CAPTCHA_SCRIPT.search(target):
                    captcha = True
                continue
            code = script.text or ""
            if not code or (script.get("type") or "").lower() == "application/ld+json":
                continue
            inline_count += 1
            for name, needle in _INLINE_MARKERS.items():
                if needle in code:
                    markers.add(name)
            analytics.update(_ANALYTICS_IDS.findall(code))
        self.facts["scripts"] = {
            "external": sources,
            "inline": inline_count,
            "markers": sorted(markers),
            "analytics_ids": sorted(analytics),
        }
        self.facts["captcha_script"] = captcha

    # --- links, documents, contacts ----------------------------------------------------------------------
    def _links(self) -> None:
        out, facts = self.out, self.facts
        seen: set[tuple[str, str, str | None]] = set()
        emails: dict[str, str] = {}  # address → where it came from: mailto | cloudflare | text
        phones: dict[str, str] = {}  # number → tel | text
        social: dict[str, str | None] = {}
        documents: dict[str, DocumentRef] = {}
        counts = {"internal": 0, "external": 0, "document": 0}
        script_links: list[ScriptLink] = []
        script_seen: set[tuple[str, str | None]] = set()
        script_total = 0
        resolved = 0
        language: list[LanguageLink] = []
        contexts = ContextFinder()
        regions = _Regions()
        self._cloudflare_emails(emails)

        def add_link(target: str, text: str, element: Any) -> LinkFact | None:
            region = regions.of(element)
            host = host_of(target)
            internal = host in self.own_hosts
            fmt = document_format(target)
            if fmt is not None:
                counts["document"] += 1
                documents.setdefault(target, DocumentRef(target, fmt, text, region))
            platform = None if internal else social_platform(host)
            if platform and platform not in social:
                social[platform] = target
            key = (target, text, region)
            if key in seen or len(out.links) >= MAX_LINKS:
                if len(out.links) >= MAX_LINKS:
                    self.truncated["links"] = True
                return None
            seen.add(key)
            counts["internal" if internal else "external"] += 1
            link = LinkFact(target, text, region, internal, contexts.context_of(element))
            out.links.append(link)
            return link

        def add_script_link(text: str, element: Any, how: str) -> None:
            nonlocal script_total
            region = regions.of(element)
            if not text or (text, region) in script_seen:
                return
            script_seen.add((text, region))
            script_total += 1
            if len(script_links) < MAX_SCRIPT_LINKS:
                script_links.append({"label": text, "region": region, "how": how})
            lang = labels.language_of_label(text)
            if lang:
                language.append({"lang": lang, "url": None, "label": text, "how": "label"})

        for anchor in self.root.iter("a", "area"):
            href = (anchor.get("href") or "").strip()
            lowered = href[:11].lower()
            if lowered.startswith("mailto:"):
                address = href[7:].split("?", 1)[0].strip()
                if address:
                    emails.setdefault(address, "mailto")
                continue
            if lowered.startswith("tel:"):
                number = contacts.national_number(thai.thai_digits_to_ascii(href[4:].strip()))
                if number:
                    phones.setdefault(number, "tel")
                continue
            if contacts.CLOUDFLARE_PATH in href:
                continue  # an obfuscated e-mail address, decoded by _cloudflare_emails
            script = lowered.startswith("javascript:")
            target = None if script else self._url(href) if href else None
            if target is None:
                # No URL of its own: a script link or a menu opener (href="#"), or an in-page anchor.
                code = href[11:] if script else anchor.get("onclick")
                written = labels.handler_url(code)
                target = self._url(written) if written else None
                if target is None:
                    # A tab of the page (Bootstrap's data-toggle, ARIA role=tab) names what its pane holds:
                    # www.onec.go.th's "รับสมัครงาน" tab lists recruitment notices.
                    tab = href.startswith("#") and bool(
                        anchor.get("data-toggle") or anchor.get("data-bs-toggle") or anchor.get("role") == "tab"
                    )
                    if script or tab or href in ("", "#", "#!") or anchor.get("onclick"):
                        how = "javascript" if script else "onclick" if anchor.get("onclick") else "hash"
                        add_script_link(labels.link_label(anchor), anchor, how)
                    continue
                resolved += 1
            text = labels.link_label(anchor)
            link = add_link(target, text, anchor)
            if link is not None:
                self._language_link(link, anchor, language)
        # Other clickable elements (<li onclick>, <img onclick>, <div onclick>): a link when the handler names
        # a URL, else a script link when it has a label. Form controls are left to the forms.
        for element in self.root.iterfind(".//*[@onclick]"):
            if element.tag in _NOT_SCRIPT_LINKS:
                continue
            text = labels.link_label(element)
            if len(text) > _MAX_CONTROL_LABEL:
                continue  # a container with a handler, not one control
            written = labels.handler_url(element.get("onclick"))
            target = self._url(written) if written else None
            if target is None:
                add_script_link(text, element, "onclick")
                continue
            resolved += 1
            link = add_link(target, text, element)
            if link is not None:
                self._language_link(link, element, language)
        self._meta_refresh_link(add_link)
        out.documents = list(documents.values())
        found: Contacts = {
            "emails": list(emails)[:20],
            "phones": list(phones)[:20],
            "emails_from": {},
            "phones_from": {},
        }
        found["emails_from"] = {address: emails[address] for address in found["emails"]}
        found["phones_from"] = {number: phones[number] for number in found["phones"]}
        facts["contacts"] = found
        facts["social"] = social
        facts["link_counts"] = LinkCounts(
            internal=counts["internal"], external=counts["external"], document=counts["document"]
        )
        facts["script_links"] = script_links
        facts["script_links_count"] = script_total
        facts["script_links_resolved"] = resolved
        self._language_alternates(language)
        facts["language_links"] = _unique_language_links(language)
        # Feeds linked from the body (OPN-09 "/feed", "/rss"), besides <link rel=alternate>.
        body_feeds = [link.url for link in out.links if link.internal and _FEED_PATH.search(link.url)]
        if body_feeds:
            facts["feed_links"] = sorted(set(body_feeds))[:10]

    def _cloudflare_emails(self, emails: dict[str, str]) -> None:
        """Cloudflare's e-mail obfuscation shows "[email protected]" until a script decodes it: decode it here,
        in the tree too, so the text and the link labels read as a browser shows them (www.forest.go.th)."""
        for element in self.root.iterfind(".//*[@data-cfemail]"):
            address = contacts.cloudflare_email(element.get("data-cfemail") or "")
            if address:
                emails.setdefault(address, "cloudflare")
                for child in list(element):
                    element.remove(child)
                element.text = address
        for anchor in self.root.iter("a"):
            href = anchor.get("href") or ""
            if contacts.CLOUDFLARE_PATH in href and "#" in href:
                address = contacts.cloudflare_email(href.rsplit("#", 1)[1])
                if address:
                    emails.setdefault(address, "cloudflare")

    def _meta_refresh_link(self, add_link: Any) -> None:
        """A meta refresh the crawler did not follow as a redirect (a splash page, or a delayed refresh on a page
        with content: crawler/refresh.py) is a link like any other, so the crawl goes on to its target."""
        refresh = self.facts.get("meta_refresh")
        if not refresh:
            return
        found = _REFRESH.match(refresh)
        if found is None or not found.group(3):
            return
        target = self._url(found.group(3))
        if target is None or target == self.url:
            return
        self.facts["meta_refresh_link"] = {"url": target, "delay": float(found.group(1) or 0)}
        add_link(target, "", self.root)

    def _language_link(self, link: LinkFact, element: Any, found: list[LanguageLink]) -> None:
        """A link to a language version: by its label, a flag image, ``hreflang``, or (own hosts only) its URL."""
        lang, how = labels.language_of_label(link.text), "label"
        if lang is None and len(link.text) <= labels.MAX_LANGUAGE_LABEL:  # a flag has no text or a short one
            lang, how = labels.language_of_flag(element), "flag"
        if lang is None and element.get("hreflang"):
            lang, how = labels.normalise_language_tag(element.get("hreflang") or ""), "hreflang"
        if lang is None and link.internal and labels.may_name_language(link.url):
            lang, how = labels.language_of_url(link.url), "path"
        if lang is not None:
            found.append({"lang": lang, "url": link.url, "label": link.text, "how": how})

    def _language_alternates(self, found: list[LanguageLink]) -> None:
        for alternate in self.facts.get("hreflang") or []:
            lang = labels.normalise_language_tag(alternate["hreflang"])
            if lang and lang != "x":
                found.append({"lang": lang, "url": alternate["url"], "label": "", "how": "hreflang"})

    # --- forms -------------------------------------------------------------------------------------------
    def _forms(self) -> None:
        root = self.root
        labels_for: dict[str, str] = {}
        for label in root.iter("label"):
            target = label.get("for")
            if target:
                labels_for.setdefault(target, _text(label))
        forms: list[FormFact] = []
        for form in root.iter("form"):
            forms.append(self._form(form, labels_for))
        self.out.forms = forms
        # Search boxes outside any form (JS-driven) still say "this site has search" (catalog INF-25).
        self.facts["search_inputs"] = sum(
            1 for element in root.iter("input") if (element.get("type") or "").lower() == "search"
        )
        self.facts["role_search"] = any(True for _ in root.iterfind(".//*[@role='search']"))

    def _form(self, form: Any, labels_for: dict[str, str]) -> FormFact:
        action_attr = form.get("action")
        action = self._url(action_attr) if action_attr and action_attr.strip() else self.url
        method = (form.get("method") or "GET").strip().upper()
        if method not in ("GET", "POST", "DIALOG"):
            method = "GET"
        fields: list[dict[str, Any]] = []
        submits: list[str] = []
        captcha_markers: set[str] = set()
        has_file = has_password = False
        for element in form.iter("input", "select", "textarea", "button"):
            tag = element.tag
            kind = (element.get("type") or ("text" if tag == "input" else tag)).strip().lower()
            if tag == "button" and kind in ("button", "submit", "reset"):
                kind = (element.get("type") or "submit").lower()
                if kind == "submit":
                    submits.append(_text(element) or element.get("value") or "")
                continue
            if tag == "input" and kind in ("submit", "image"):
                submits.append((element.get("value") or element.get("alt") or "").strip())
                continue
            if tag == "input" and kind in ("reset", "button"):
                continue
            has_file = has_file or kind == "file"
            has_password = has_password or kind == "password"
            name = element.get("name")
            if name and "captcha" in name.lower():
                captcha_markers.add("field-name")
            label, source = (None, None) if kind == "hidden" else self._label(element, labels_for)
            field_fact: dict[str, Any] = {
                "tag": tag,
                "type": kind,
                "name": name,
                "id": element.get("id"),
                "label": label,
                "label_source": source,
                "required": element.get("required") is not None
                or (element.get("aria-required") or "").lower() == "true",
            }
            placeholder = element.get("placeholder")
            if placeholder:
                field_fact["placeholder"] = thai.normalize(placeholder)[:200]
            autocomplete = element.get("autocomplete")
            if autocomplete:
                field_fact["autocomplete"] = autocomplete.strip()
            if tag == "select":
                field_fact["options"] = sum(1 for _ in element.iter("option"))
            fields.append(field_fact)
        for element in form.iter():
            if not isinstance(element.tag, str):
                continue
            if element.get("data-sitekey"):
                captcha_markers.add("data-sitekey")
            marker_text = f"{element.get('class') or ''} {element.get('id') or ''}"
            if marker_text.strip() and _CAPTCHA_MARKER.search(marker_text):
                captcha_markers.add("class-or-id")
            if element.tag == "img" and _CAPTCHA_MARKER.search(element.get("src") or ""):
                captcha_markers.add("image")
            if element.tag == "iframe" and _CAPTCHA_SCRIPT.search(element.get("src") or ""):
                captcha_markers.add("iframe")
        facts: dict[str, Any] = {
            "id": form.get("id"),
            "name": form.get("name"),
            "enctype": form.get("enctype"),
            "role": form.get("role"),
            "region": region_of(form),
            "submit": submits,
            "captcha_markers": sorted(captcha_markers),
            "autocomplete": form.get("autocomplete"),
            "novalidate": form.get("novalidate") is not None,
        }
        return FormFact(
            action=action,
            method=method,
            fields=fields,
            has_captcha=bool(captcha_markers),
            has_file_upload=has_file,
            has_password=has_password,
            facts=facts,
        )

    def _label(self, element: Any, labels_for: dict[str, str]) -> tuple[str | None, str | None]:
        """The accessible name of a field, in the order of HTML-AAM §4.1.1 (simplified)."""
        labelledby = element.get("aria-labelledby")
        if labelledby:
            parts = []
            for ident in labelledby.split():
                found = self.root.xpath("//*[@id=$ident]", ident=ident)
                if found:
                    parts.append(_text(found[0]))
            if any(parts):
                return " ".join(p for p in parts if p), "aria-labelledby"
        aria = element.get("aria-label")
        if aria and aria.strip():
            return thai.normalize(aria), "aria-label"
        ident = element.get("id")
        if ident and labels_for.get(ident):
            return labels_for[ident], "for"
        node = element.getparent()
        while node is not None:
            if node.tag == "label":
                text = _text(node)
                if text:
                    return text, "wrap"
                break
            if node.tag == "form":
                break
            node = node.getparent()
        title = element.get("title")
        if title and title.strip():
            return thai.normalize(title), "title"
        return None, None

    # --- sub-resources: images, iframes, mixed content ---------------------------------------------------
    def _subresources(self) -> None:
        images = missing_alt = empty_alt = 0
        mixed: list[str] = []
        iframes: list[str] = []
        embeds: list[SocialEmbed] = []
        for element in self.root.iter("img", "script", "iframe", "link", "source", "video", "audio", "embed", "object"):
            tag = element.tag
            if tag == "img":
                images += 1
                alt = element.get("alt")
                if alt is None:
                    missing_alt += 1
                elif not alt.strip():
                    empty_alt += 1
            if tag == "link" and "stylesheet" not in (element.get("rel") or "").lower():
                continue
            src = (
                element.get("data") if tag == "object" else element.get("href") if tag == "link" else element.get("src")
            )
            if not src:
                continue
            if tag == "iframe":
                target = self._url(src)
                if target and len(iframes) < 20:
                    iframes.append(target)
                embed = social_embed(target) if target else None
                if embed is not None and len(embeds) < MAX_SOCIAL_EMBEDS:
                    embeds.append(
                        {
                            "platform": embed["platform"],
                            "url": embed["url"],
                            "account": embed["account"],
                            "how": "iframe",
                        }
                    )
            # Mixed content (W3C Mixed Content §3): an http:// sub-resource on an https:// page.
            if self.https and len(mixed) < MAX_MIXED and src.strip().lower().startswith("http://"):
                mixed.append(src.strip())
        self.facts["images"] = {"count": images, "missing_alt": missing_alt, "empty_alt": empty_alt}
        self.facts["iframes"] = iframes
        self.facts["mixed_content"] = mixed
        self._widget_embeds(embeds)
        social = self.facts["social"]
        for shown in embeds:
            social.setdefault(shown["platform"], shown["account"] or shown["url"])
        self.facts["social_embeds"] = embeds

    def _widget_embeds(self, embeds: list[SocialEmbed]) -> None:
        """Embeds that a platform's script draws into a placeholder: Facebook's ``<div class="fb-page"
        data-href>``, X's ``<a class="twitter-timeline" href>``, Instagram's ``blockquote.instagram-media``."""
        for element in _WIDGET_CANDIDATES(self.root):
            classes = (element.get("class") or "").split()
            platform = next((_WIDGET_CLASSES[c] for c in classes if c in _WIDGET_CLASSES), None)
            if platform is None or len(embeds) >= MAX_SOCIAL_EMBEDS:
                continue
            written = element.get("data-href") or element.get("href") or element.get("data-instgrm-permalink")
            account = self._url(written) if written else None
            embeds.append({"platform": platform, "url": account, "account": account, "how": "widget"})

    # --- headings and text -------------------------------------------------------------------------------
    def _headings(self) -> None:
        headings: list[Heading] = []
        for element in self.root.iter("h1", "h2", "h3", "h4", "h5", "h6"):
            if len(headings) >= MAX_HEADINGS:
                self.truncated["headings"] = True
                break
            text = _text(element)
            if text:
                headings.append({"level": int(element.tag[1]), "text": text[:300], "region": region_of(element)})
        self.facts["headings"] = headings
        self.facts["h1_count"] = sum(1 for h in headings if h["level"] == 1)

    def _text(self) -> None:
        root = self.root
        body = root.find("body")
        if body is None:
            body = root
        # Text a reader sees: without scripts, styles and templates (emptied now that they have been read).
        for element in list(body.iter("script", "style", "noscript", "template")):
            element.clear(keep_tail=True)
        # Block boundaries become spaces, so "หน้าแรก" in one menu item and "ติดต่อ" in the next do not run into
        # one word; inline elements stay joined, because Thai words split by <b> or <span> must still match.
        for element in body.iter(*BLOCK_TAGS):
            element.tail = " " + element.tail if element.tail else " "
        text = _text(body)
        self.facts["text_length"] = len(text)
        share = thai.thai_share(text)
        self.facts["thai_share"] = _round(share)
        self.facts["content_lang"] = content_language(text, share)
        self._text_contacts(text)
        texts: dict[str, str] = {"all": text[: TEXT_CAPS["all"]]}
        truncated = ["all"] if len(text) > TEXT_CAPS["all"] else []
        for region in ("header", "nav", "footer"):
            pieces: list[str] = []
            for element in _landmarks(body, region):
                piece = _text(element)
                if piece:
                    pieces.append(piece)
            if pieces:
                joined = " ".join(pieces)
                if len(joined) > TEXT_CAPS[region]:
                    truncated.append(region)
                texts[region] = joined[: TEXT_CAPS[region]]
        self.facts["text"] = texts
        self.truncated["text"] = bool(truncated)
        self.truncated["text_regions"] = truncated
        dates = thai.find_dates(text, limit=MAX_DATES)
        self.facts["dates"] = [found.to_json() for found in dates]
        latest = max((found.value for found in dates), default=None)
        self.facts["latest_date"] = latest.isoformat() if latest is not None else None
        self.facts["time_elements"] = [
            (element.get("datetime") or "").strip()[:40] for element in root.iter("time") if element.get("datetime")
        ][:20]

    def _text_contacts(self, text: str) -> None:
        """Numbers and addresses written in the text, after those of tel:/mailto: links (which keep their
        source when the text shows them too)."""
        found = self.facts["contacts"]
        phones_from, emails_from = found["phones_from"], found["emails_from"]
        for number in contacts.phones_in_text(text):
            if number not in phones_from and len(found["phones"]) < 20:
                found["phones"].append(number)
                phones_from[number] = "text"
        for address in contacts.emails_in_text(text):
            if address not in emails_from and len(found["emails"]) < 20:
                found["emails"].append(address)
                emails_from[address] = "text"


# Thresholds on the share of letters in Thai script (thai.thai_share). A Thai page keeps English menu items,
# names and acronyms (measured on 14 Thai home pages of 2018: 0.79 to 0.97); an English page may keep the
# agency's Thai name (mahidol.ac.th's English home page: 0.0).
THAI_PAGE_SHARE = 0.5
ENGLISH_PAGE_SHARE = 0.1
MIN_LETTERS_FOR_LANGUAGE = 40
_NOT_LETTERS = re.compile(r"[\W\d_]+")


def content_language(text: str, share: float | None) -> str | None:
    """The language ("th" or "en") by the script of the page's visible text, whatever its ``lang`` attribute
    says (three Thai pages of 2018 say lang="en"); None when there is too little text or the page mixes both."""
    if share is None or len(_NOT_LETTERS.sub("", text[:4000])) < MIN_LETTERS_FOR_LANGUAGE:
        return None
    if share >= THAI_PAGE_SHARE:
        return "th"
    if share <= ENGLISH_PAGE_SHARE:
        return "en"
    return None


# Social media embedded in a page (an iframe of the platform's plugin), by URL.
_EMBEDS = (
    ("facebook", re.compile(r"^https?://(?:[\w-]+\.)?facebook\.com/(?:plugins|v[\d.]+/plugins)/")),
    ("youtube", re.compile(r"^https?://(?:www\.)?youtube(?:-nocookie)?\.com/embed/")),
    ("x", re.compile(r"^https?://(?:platform\.twitter\.com/|(?:www\.)?(?:twitter|x)\.com/.+/(?:timeline|embed))")),
    ("x", re.compile(r"^https?://(?:syndication\.twitter\.com|twitframe\.com)/")),
    ("line", re.compile(r"^https?://(?:[\w-]+\.)?line\.me/")),
    ("instagram", re.compile(r"^https?://(?:www\.)?instagram\.com/.+/embed")),
    ("tiktok", re.compile(r"^https?://(?:www\.)?tiktok\.com/embed")),
)
_WIDGET_CANDIDATES = lxml.etree.XPath(
    "//*[contains(@class, 'fb-') or contains(@class, 'twitter-') or contains(@class, 'instagram-media')]"
)
_WIDGET_CLASSES = {
    "fb-page": "facebook",
    "fb-like": "facebook",
    "fb-post": "facebook",
    "fb-video": "facebook",
    "twitter-timeline": "x",
    "twitter-tweet": "x",
    "instagram-media": "instagram",
}


def social_embed(url: str) -> dict[str, Any] | None:
    """{platform, url, account} for an embedded social media plugin; ``account`` is the page it shows when the
    plugin's URL names it (Facebook's ``?href=``), else None."""
    for platform, pattern in _EMBEDS:
        if pattern.match(url):
            query = parse_qs(urlsplit(url).query)
            hrefs = query.get("href")
            account = hrefs[0] if hrefs else None
            return {"platform": platform, "url": url, "account": account}
    return None


def _landmarks(body: Any, region: str) -> list[Any]:
    """Outermost elements of a region: by tag, by ARIA role, then (only if none) by id/class word."""
    found = [e for e in body.iter(region) if region_of(e) != region] if region in REGION_TAGS else []
    roles = [role for role, name in REGION_ROLES.items() if name == region]
    for role in roles:
        found += [e for e in body.iterfind(f".//*[@role='{role}']") if region_of(e) != region]
    if found:
        return found
    words = {word for word, name in REGION_WORDS.items() if name == region}
    candidates = []
    for element in body.iter("div", "section", "ul", "table", "td"):
        marker = f"{element.get('id') or ''} {element.get('class') or ''}"
        if marker.strip() and words.intersection(_WORD_SPLIT.split(marker.lower())) and region_of(element) != region:
            candidates.append(element)
    return candidates[:3]


def _unique_language_links(found: list[LanguageLink]) -> list[LanguageLink]:
    unique: dict[tuple[str, str | None], LanguageLink] = {}
    for entry in found:
        unique.setdefault((entry["lang"], entry["url"]), entry)
    return list(unique.values())[:MAX_LANGUAGE_LINKS]


def _collect_types(data: Any, types: list[str]) -> None:
    if isinstance(data, list):
        for item in data:
            _collect_types(item, types)
    elif isinstance(data, dict):
        kind = data.get("@type")
        if isinstance(kind, str):
            types.append(kind)
        elif isinstance(kind, list):
            types.extend(k for k in kind if isinstance(k, str))
        for key in ("@graph", "mainEntity", "publisher", "author", "itemListElement"):
            if key in data:
                _collect_types(data[key], types)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
