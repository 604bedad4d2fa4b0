"""The payloads of the ``browser_fact`` rows: one row per run x agency x url x ``kind``.

These shapes record what Chromium saw on a page, never whether it is good. The browser writes them and the
scoring checks read them through these types; add keys rather than rename.

Kinds (``BrowserFact.kind``, a ``egov_crawl.facts.kinds.BrowserKind``), their payload type, and what
``BrowserFact.url`` is:

- ``page``       :class:`PageFact`       the URL as requested (home page, e-service, crawl sample)
- ``axe``        :class:`AxeFact`        same URL as its ``page`` row
- ``forms``      :class:`FormsFact`      same URL as its ``page`` row (e-service pages and the crawl's form page)
- ``journey``    :class:`JourneyFact`    the e-service URL declared in the registry
- ``search``     :class:`SearchFact`     the home page the search form was found on
- ``screenshot`` :class:`ScreenshotFact` same URL as its ``page`` row; ``BrowserFact.evidence_path`` = desktop PNG

When a page could not be observed, the row of that kind still exists with ``BrowserFact.error_class`` set to one
of :data:`ERROR_CLASSES` and the payload :class:`ErrorFact` (a failure to observe is never a pass or a fail:
the checks report NOT_OBSERVED). Evidence paths are relative to the evidence directory (POSIX separators).
"""

from __future__ import annotations

from typing import Literal, TypedDict

# The kind as the browser's code names it; the same strings as ``BrowserKind``.
FactKind = Literal["page", "axe", "forms", "journey", "search", "screenshot"]
FACT_KINDS: tuple[FactKind, ...] = ("page", "axe", "forms", "journey", "search", "screenshot")

# The classes of ``egov_crawl.failures`` (one vocabulary with the crawler and the probes): "timeout": the per-page
# deadline passed; "crash": the renderer or browser context died; a net::ERR_* Chromium reported becomes the
# shared class it names (``failures.CHROMIUM_NET_ERRORS``: dns_error, tls_error:<reason>, blocked_address …) or
# else "navigation" (the code is in ErrorFact.net_error); "script": an injected script (axe, vitals) failed;
# "error": anything else (message recorded).
ErrorClass = str
ERROR_CLASSES: tuple[ErrorClass, ...] = ("timeout", "crash", "navigation", "script", "error")

# Why a page was browsed (PageFact.role): the home page, a declared e-service, or a crawl sample.
PageRole = Literal["home", "eservice", "contact", "form", "documents", "search_results"]


class ErrorFact(TypedDict):
    """Payload of any row whose ``error_class`` is set."""

    error: str  # the message, shortened to 300 characters
    net_error: str | None  # "ERR_CONNECTION_REFUSED", ... when Chromium named one
    stage: str  # "navigate", "axe", "vitals", "forms", "journey", "search", "screenshot"


class CookieFact(TypedDict):
    name: str
    domain: str
    first_party: bool  # the cookie's domain is the page's registrable host or a parent of it
    secure: bool
    httponly: bool
    samesite: str  # "Strict" | "Lax" | "None" (Chromium's value)


class ConsentBannerFact(TypedDict):
    present: bool  # a visible element whose text matches the Thai/English consent lexicon (cookies/คุกกี้ + accept)
    text: str  # up to 200 characters of that element's text, "" when absent


class VitalsFact(TypedDict):
    """Web vitals from PerformanceObserver (web.dev definitions), None when the browser reported none."""

    lcp_ms: float | None
    cls: float | None
    fcp_ms: float | None
    ttfb_ms: float | None  # responseStart of the navigation entry


class MobileFact(TypedDict):
    """Measured at a 360x800 viewport (the WCAG 2.1 SC 1.4.10 reflow width, 320 CSS px, rounded up to a phone)."""

    viewport_width: int  # 360
    scroll_width: int  # document.documentElement.scrollWidth
    overflow: bool  # scroll_width > viewport_width + 1: the page scrolls sideways
    small_tap_targets: int  # visible links/buttons/inputs smaller than 24x24 CSS px (WCAG 2.2 SC 2.5.8)


class TextFact(TypedDict):
    """Rendered text vs the text of the server's HTML (before scripts): JavaScript-only content."""

    rendered_chars: int  # non-space characters of document.body.innerText after load
    static_chars: int  # non-space characters of the response body's text without scripts (lxml)
    ratio: float  # static_chars / rendered_chars (1.0 when nothing rendered)
    js_only: bool  # rendered_chars >= 200 and ratio < 0.2: the content needs JavaScript


class PageFact(TypedDict):
    role: PageRole
    final_url: str
    status: int | None  # HTTP status of the main document
    title: str
    lang: str  # <html lang>
    console_errors: list[str]  # console.error messages and uncaught exceptions, up to 20, 200 characters each
    failed_requests: list[str]  # "URL net::ERR_..." or "URL HTTP 404" for subresources, up to 20
    mixed_content: list[str]  # http:// subresource URLs requested by an https:// page
    third_party_hosts: list[str]  # hosts of subresources outside the agency's hosts, sorted
    trackers: list[str]  # names from trackers.json whose domains match third_party_hosts, sorted
    cookies_before_interaction: list[CookieFact]  # cookies present after load, before any click
    consent_banner: ConsentBannerFact
    vitals: VitalsFact
    bytes: int  # sum of response body sizes (encoded) of all requests of the page
    requests: int  # number of requests the page made
    viewport_meta: str | None  # content of <meta name="viewport">, None when missing
    mobile: MobileFact
    text: TextFact


class AxeViolation(TypedDict):
    id: str  # axe rule id: "image-alt", "label", "color-contrast", ...
    impact: str | None  # "minor" | "moderate" | "serious" | "critical"
    count: int  # number of nodes
    targets: list[str]  # up to 10 CSS selectors of the nodes
    tags: list[str]  # "wcag2a", "wcag143", ...
    help: str


class AxeFact(TypedDict):
    axe_version: str  # "4.12.1", from the axe-core shipped in the installed package
    violations: list[AxeViolation]  # sorted by id
    violation_ids: list[str]  # sorted rule ids, for quick checks
    passes: int  # number of rules that passed
    incomplete: int  # rules axe could not decide (needs review)


class FieldFact(TypedDict):
    tag: str  # "input" | "select" | "textarea"
    type: str  # input type ("text", "email", "tel", "file", "password", ...), tag for select/textarea
    name: str
    labelled: bool  # has an accessible label: <label for>, wrapping <label>, aria-label(ledby), title
    label: str  # the label text, up to 100 characters
    required: bool
    autocomplete: str  # the autocomplete attribute, "" when absent


class ValidationFact(TypedDict):
    """Pressing submit on the empty form, with every non-GET request aborted (nothing is ever submitted)."""

    attempted: bool  # a submit control was found and pressed
    blocked_by_browser: bool  # the browser refused (constraint validation): some field reports :invalid
    invalid_fields: int  # fields matching :invalid after the press
    messages: list[str]  # validationMessage / visible error texts, up to 5
    aborted_requests: list[str]  # "METHOD URL" of the non-GET requests we aborted
    navigated: bool  # a GET submission changed the URL


class FormFact(TypedDict):
    index: int  # position of the form in the document
    action: str  # absolute action URL
    method: str  # "GET" | "POST"
    fields: list[FieldFact]  # hidden and submit inputs excluded
    unlabelled: int  # count of fields with labelled=False
    captcha: bool  # reCAPTCHA/hCaptcha/Turnstile markers or a "captcha" named field/image
    login_wall: bool  # password field, ThaiD / digital-ID markers, or OAuth redirect on the page
    login_markers: list[str]  # which markers matched: "password", "thaid", "oauth", ...
    file_upload: bool
    payment: bool  # payment markers (card fields, PromptPay, "ชำระเงิน", payment gateways)
    validation: ValidationFact


class FormsFact(TypedDict):
    forms: list[FormFact]
    login_wall: bool  # page-level: password field, ThaiD / OAuth link or redirect
    login_markers: list[str]


class JourneyStepFact(TypedDict):
    index: int
    action: str  # the registry StepAction
    target: str | None
    ms: float  # wall time of the step
    ok: bool
    error: str | None  # why it failed, 200 characters
    url: str  # page URL after the step


class JourneyFact(TypedDict):
    eservice_id: str
    steps: list[JourneyStepFact]  # the steps run; stops at the first failure
    ok: bool  # every declared step succeeded
    broken_step: int | None  # index of the first failed step, None when ok
    total_ms: float
    aborted_requests: list[str]  # "METHOD URL" of non-GET requests aborted (steps without allow_submit)


class SearchFact(TypedDict):
    form_found: bool  # a search form (role=search, type=search, name q/s/search/keyword, Thai/English labels)
    term: str  # the term searched (the agency's short name, or the configured term)
    results_url: str | None  # URL after the submission
    results_status: int | None
    result_links: int  # same-site links on the results page that are not navigation of the home page
    checked_links: list[str]  # result URLs fetched to look for the term, up to 3
    term_found: bool  # one result page contains the term (NFC, Thai-normalised)
    ok: bool  # form_found and term_found


class ScreenshotFact(TypedDict):
    desktop: str | None  # relative path of the 1366x768 PNG
    mobile: str | None  # relative path of the 360x800 PNG
    desktop_bytes: int
    mobile_bytes: int


# Any browser payload: what a row holds when its kind is not known statically.
BrowserPayload = PageFact | AxeFact | FormsFact | JourneyFact | SearchFact | ScreenshotFact | ErrorFact
