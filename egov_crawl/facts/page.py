"""``page.facts``: what the crawler read in one response (headers) and, for HTML, in its document.

Written by the crawler (the response keys by the spider, the document keys by ``crawler/extract.py``), read by
the checks through ``PageFacts.facts``. Every key is optional: a non-HTML response has only the response keys,
a document that did not parse only ``charset`` and ``parse_error``, and stored runs may predate a key.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

from egov_crawl.facts.json import JsonObject


class Charset(TypedDict):
    encoding: str
    source: str  # where the encoding came from: "bom", "header", "meta", "detected"…
    declared: str | None
    mismatch: bool  # bytes the declared encoding could not decode were replaced


class ParseErrors(TypedDict):
    count: int
    first: list[str]  # "line: message", the first few


class Feed(TypedDict):
    url: str
    type: str  # application/rss+xml | application/atom+xml | application/feed+json
    title: str | None


class Hreflang(TypedDict):
    url: str
    hreflang: str


class Scripts(TypedDict):
    external: list[str]  # absolute src URLs, the first MAX_SCRIPTS
    inline: int  # inline scripts (JSON-LD excluded)
    markers: list[str]  # analytics markers found in inline code ("gtag", "matomo", "truehits"…), sorted
    analytics_ids: list[str]  # GA / GTM ids found in inline code, sorted


class Contacts(TypedDict):
    emails: list[str]
    phones: list[str]  # national numbers
    emails_from: dict[str, str]  # address -> mailto | cloudflare | text
    phones_from: dict[str, str]  # number -> tel | text


class LinkCounts(TypedDict):
    internal: int
    external: int
    document: int


class ScriptLink(TypedDict):
    """A clickable element with a label but no URL of its own (a menu opener, a JavaScript tab)."""

    label: str
    region: str | None
    how: str  # javascript | onclick | hash


class LanguageLink(TypedDict):
    lang: str
    url: str | None  # None for a script link whose label names a language
    label: str
    how: str  # label | flag | hreflang | path


class MetaRefreshLink(TypedDict):
    url: str
    delay: float


class Images(TypedDict):
    count: int
    missing_alt: int
    empty_alt: int


class SocialEmbed(TypedDict):
    platform: str
    url: str | None
    account: str | None
    how: str  # iframe | widget


class Heading(TypedDict):
    level: int
    text: str
    region: str | None
    # Read by the lexicon (a heading inside an article is not a site-wide label) but never written: the crawler
    # marks the context of links only (crawler/context.py). Declared so the read is typed; absent in every run.
    context: NotRequired[str | None]


class Article(TypedDict):
    """Signs that the page is an article or a news item (``crawler/context.py``)."""

    elements: int  # <article> elements
    jsonld: list[str]  # article-like JSON-LD types
    byline_date: bool


class RedirectLoop(TypedDict):
    target: str
    hops: int


class Truncated(TypedDict):
    headings: bool
    text: bool
    text_regions: list[str]
    links: bool


class PagePayload(TypedDict, total=False):
    # --- the response (every page) -----------------------------------------------------------------------
    headers: dict[str, str | list[str]]  # lower-case names; a repeated header (Set-Cookie) as a list
    redirect_chain: list[JsonObject]
    protocol: str | None
    redirect_not_followed: str  # a redirect to a URL already seen: fetched as its own page
    redirect_loop: RedirectLoop  # the chain came back to a URL it had visited: not followed again
    media_type: str | None  # non-HTML responses
    document_format: str  # non-HTML responses that are documents
    warc: JsonObject  # the WARC record this response was written to (with --warc)
    cms: JsonObject | None  # {name, version, evidence}: the detected content management system (HTML responses)
    # --- the document (HTML responses) -------------------------------------------------------------------
    charset: Charset
    parse_error: bool
    parse_errors: ParseErrors
    base_href: str
    meta: dict[str, str]  # <meta name|http-equiv> -> content, first of each
    meta_description: str | None
    viewport: str | None
    generator: str | None
    robots_meta: str | None
    meta_refresh: str | None
    open_graph: dict[str, str]  # og:, article: and twitter: properties
    web_manifest: str
    canonical: str | None
    feeds: list[Feed]
    hreflang: list[Hreflang]
    icons: list[str]
    jsonld_types: list[str]
    jsonld_errors: int
    scripts: Scripts
    captcha_script: bool
    contacts: Contacts
    social: dict[str, str | None]  # platform -> the account's URL (None: an embed that names none)
    link_counts: LinkCounts
    script_links: list[ScriptLink]
    script_links_count: int
    script_links_resolved: int
    language_links: list[LanguageLink]
    feed_links: list[str]
    meta_refresh_link: MetaRefreshLink
    search_inputs: int
    role_search: bool
    images: Images
    iframes: list[str]
    mixed_content: list[str]  # http:// sub-resources of an https:// page, as written
    social_embeds: list[SocialEmbed]
    headings: list[Heading]
    h1_count: int
    text_length: int  # characters of visible text
    thai_share: float | None  # share of letters in Thai script
    content_lang: str | None  # "th" | "en" by the script of the text, None when mixed or too short
    text: dict[str, str]  # region ("all", "header", "nav", "footer") -> visible text, capped
    dates: list[dict[str, str]]  # {date, era, text} of each date written in the text
    latest_date: str | None  # ISO date, the newest date written in the text
    time_elements: list[str]  # <time datetime> values
    article: Article
    truncated: Truncated
