"""One vocabulary of failure classes for every collector: the ``error_class`` of pages, probe facts and browser facts.

Facts first: when a collector could not observe something, it stores *why* as one of these
short, stable strings, and a check turns any of them into NOT_OBSERVED — never a pass or a fail. The crawler
(``crawler/errors.py``), the probes (``probes/errors.py``) and the browser (``browser/rows.py``) each read their
own library's exceptions, but they all answer with the names below, so the same self-signed certificate is
``tls_error:self-signed`` whichever collector met it. The hostile sites of the testbed name their
``expected_class`` from this module too (``testbed/hostile.py``); docs/reliability.md lists the classes.

Adding a class is fine; renaming one breaks stored rows and the scoring checks that read them.
"""

from __future__ import annotations

from typing import Final

# --- the network: a request did not produce a response -------------------------------------------------------
DNS_ERROR: Final = "dns_error"  # the name does not resolve (NXDOMAIN, no address, not in a strict host map)
CONNECT_TIMEOUT: Final = "connect_timeout"  # the TCP connect did not complete in time
CONNECTION_REFUSED: Final = "connection_refused"  # TCP RST on connect: nothing listens on the port
CONNECTION_RESET: Final = "connection_reset"  # the connection dropped mid-response
TIMEOUT: Final = "timeout"  # connected, but the response (headers or body) did not arrive in time
DATA_LOSS: Final = "data_loss"  # fewer body bytes than Content-Length announced
TLS_ERROR: Final = "tls_error"  # prefix: "tls_error:<reason>", reasons below

# --- limits the collector enforces (docs/reliability.md, "Caps") ---------------------------------------------
TOO_LARGE: Final = "too_large"  # the body passed the response-size cap
DECOMPRESSION_BOMB: Final = "decompression_bomb"  # the decoded body passed the cap while the wire body was small
REDIRECT_LOOP: Final = "redirect_loop"  # a redirect chain came back to a URL it had visited
TOO_MANY_REDIRECTS: Final = "too_many_redirects"  # more hops than the redirect cap without repeating
URL_TRAP: Final = "url_trap"  # a site produced more URLs than the per-site cap, or paths deeper than the depth cap
SITE_TIMEOUT: Final = "site_timeout"  # the per-site time budget ran out before the crawl finished

# --- refusals: the collector chose not to fetch ----------------------------------------------------------------
BLOCKED_ADDRESS: Final = "blocked_address"  # a URL, redirect or DNS answer named a non-public address (SSRF guard)
BLOCKED_BY_ROBOTS: Final = "blocked_by_robots"  # robots.txt disallows the URL (RFC 9309)
OFF_SCOPE: Final = "off_scope"  # not one of the agency's hosts
UNSUPPORTED_SCHEME: Final = "unsupported_scheme"  # not http(s)
INVALID_URL: Final = "invalid_url"  # a URL no client can request (bad host or port): a site's redirect, usually
IGNORED: Final = "ignored"  # a Scrapy middleware dropped the request for another reason
CANCELLED: Final = "cancelled"  # the download was cancelled (a signal handler, the per-site budget)

# --- our own side: the collector observed, then could not keep it ------------------------------------------------
STORE_ERROR: Final = "store_error"  # fetched pages could not be written to the store (database down past retries)

# --- what answered was not the site ----------------------------------------------------------------------------
HTTP_ERROR: Final = "http_error"  # prefix: "http_error:<status>" for a final status >= 400 (probes)
BLOCKED: Final = "blocked"  # a WAF / CAPTCHA / bot-challenge page answered instead of the site
RATE_LIMITED: Final = "rate_limited"  # 429 Too Many Requests (after honouring Retry-After)
SERVER_ERROR: Final = "server_error"  # 5xx on every attempt
LOGIN_WALL: Final = "login_wall"  # every page redirects to a password form
JS_ONLY: Final = "js_only"  # no text without JavaScript: the browser check is the one that can observe it

# --- not failures: hostile inputs the collector handled ------------------------------------------------------
PARSE_RECOVERED: Final = "parse_recovered"  # malformed HTML parsed with HTML5 error recovery
CHARSET_DETECTED: Final = "charset_detected"  # no declared charset; the Thai encoding was detected
OK: Final = "ok"
# Handled inputs are facts about the site, not failures: run summaries and reports leave them out of their counts.
HANDLED: Final = frozenset({PARSE_RECOVERED, CHARSET_DETECTED, OK})

# --- the browser's own ------------------------------------------------------------------------------------------
CRASH: Final = "crash"  # the renderer or browser context died
NAVIGATION: Final = "navigation"  # Chromium refused the navigation for a reason not listed above (net_error says)
SCRIPT: Final = "script"  # an injected script (axe-core, a probe) failed
ERROR: Final = "error"  # anything else; the payload says what

# --- TLS reasons (after "tls_error:"), named after OpenSSL's X509_V_ERR_* codes ---------------------------------
TLS_EXPIRED: Final = "expired"  # X509_V_ERR_CERT_HAS_EXPIRED (10)
TLS_NOT_YET_VALID: Final = "not-yet-valid"  # X509_V_ERR_CERT_NOT_YET_VALID (9)
TLS_SELF_SIGNED: Final = "self-signed"  # X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT (18)
TLS_UNTRUSTED: Final = "untrusted"  # 19, 20, 21: the chain does not end at a trusted root
TLS_HOSTNAME_MISMATCH: Final = "hostname-mismatch"  # X509_V_ERR_HOSTNAME_MISMATCH (62), service_identity
TLS_HANDSHAKE: Final = "handshake-failed"  # no common protocol/cipher, or the peer aborted the handshake
TLS_VERIFY_FAILED: Final = "verify-failed"  # verification failed; the collector could not tell why (crawler)

# OpenSSL X509_V_ERR_* codes (include/openssl/x509_vfy.h) -> reasons. Python's ssl and pyOpenSSL both report them.
VERIFY_REASONS: Final[dict[int, str]] = {
    9: TLS_NOT_YET_VALID,
    10: TLS_EXPIRED,
    18: TLS_SELF_SIGNED,
    19: TLS_UNTRUSTED,  # X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN
    20: TLS_UNTRUSTED,  # X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    21: TLS_UNTRUSTED,  # X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE
    62: TLS_HOSTNAME_MISMATCH,
}

# Chromium's net::ERR_* names (net/base/net_error_list.h) -> classes. Others stay NAVIGATION with the code kept.
CHROMIUM_NET_ERRORS: Final[dict[str, str]] = {
    "ERR_NAME_NOT_RESOLVED": DNS_ERROR,
    "ERR_NAME_RESOLUTION_FAILED": DNS_ERROR,
    "ERR_CONNECTION_REFUSED": CONNECTION_REFUSED,
    "ERR_CONNECTION_RESET": CONNECTION_RESET,
    "ERR_CONNECTION_CLOSED": CONNECTION_RESET,
    "ERR_EMPTY_RESPONSE": CONNECTION_RESET,
    "ERR_CONNECTION_TIMED_OUT": CONNECT_TIMEOUT,
    "ERR_TIMED_OUT": TIMEOUT,
    "ERR_TOO_MANY_REDIRECTS": TOO_MANY_REDIRECTS,
    "ERR_CERT_DATE_INVALID": f"{TLS_ERROR}:{TLS_EXPIRED}",
    "ERR_CERT_AUTHORITY_INVALID": f"{TLS_ERROR}:{TLS_UNTRUSTED}",
    "ERR_CERT_COMMON_NAME_INVALID": f"{TLS_ERROR}:{TLS_HOSTNAME_MISMATCH}",
    "ERR_SSL_PROTOCOL_ERROR": f"{TLS_ERROR}:{TLS_HANDSHAKE}",
    # A private address met by Chromium outside the address guard's proxy (AddressGuard.explain maps the proxy's
    # own refusals, ERR_SOCKS_CONNECTION_FAILED, to blocked_address with the refused URLs).
    "ERR_ADDRESS_UNREACHABLE": BLOCKED_ADDRESS,
}


def tls_error(reason: str) -> str:
    return f"{TLS_ERROR}:{reason}"


def http_error(status: int) -> str:
    return f"{HTTP_ERROR}:{status}"


def verify_reason(code: int | None, message: str = "") -> str:
    """The TLS reason of an OpenSSL certificate verification failure (its X509_V_ERR code, or its message)."""
    if code is not None and code in VERIFY_REASONS:
        return VERIFY_REASONS[code]
    message = message.lower()
    if "hostname" in message or "ip address mismatch" in message:
        return TLS_HOSTNAME_MISMATCH
    if "self-signed" in message or "self signed" in message:
        return TLS_SELF_SIGNED
    return "-".join(message.replace(",", " ").split())[:48] or TLS_VERIFY_FAILED


# Every fixed class (TLS and HTTP classes are the prefix plus a reason/status): for docs and tests.
FIXED_CLASSES: Final = (
    DNS_ERROR, CONNECT_TIMEOUT, CONNECTION_REFUSED, CONNECTION_RESET, TIMEOUT, DATA_LOSS, TOO_LARGE,
    DECOMPRESSION_BOMB, REDIRECT_LOOP, TOO_MANY_REDIRECTS, URL_TRAP, SITE_TIMEOUT, BLOCKED_ADDRESS,
    BLOCKED_BY_ROBOTS, OFF_SCOPE, UNSUPPORTED_SCHEME, INVALID_URL, IGNORED, CANCELLED, BLOCKED, RATE_LIMITED,
    SERVER_ERROR, LOGIN_WALL, JS_ONLY, PARSE_RECOVERED, CHARSET_DETECTED, OK, CRASH, NAVIGATION, SCRIPT, ERROR,
)  # fmt: skip
PREFIXED_CLASSES: Final = (TLS_ERROR, HTTP_ERROR)


def is_known(error_class: str) -> bool:
    """True for a class of this vocabulary (``tls_error:<reason>`` and ``http_error:<status>`` included)."""
    prefix, _, rest = error_class.partition(":")
    if rest:
        return prefix in PREFIXED_CLASSES
    return error_class in FIXED_CLASSES
