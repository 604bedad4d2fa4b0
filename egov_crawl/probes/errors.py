"""Probe failures as the short error classes of ``probes.facts`` (the crawler's vocabulary where they overlap).

The crawler's classifier (``egov_crawl.crawler.errors.classify``) reads Twisted/Scrapy exceptions; the probes
see asyncio, ``ssl`` and aiohttp exceptions, so this module maps those onto the same class names.
"""

from __future__ import annotations

import asyncio
import errno
import socket
import ssl

import aiohttp

from egov_crawl import failures
from egov_crawl.probes import facts


class BlockedAddressError(OSError):
    """A name or redirect resolved to a non-public address (server-side request forgery guard)."""


class InvalidUrl(ValueError):
    """A URL (usually a redirect's target) that no request can be made to: a bad host or port."""


class ConnectTimeout(TimeoutError):
    """The TCP connect (before any TLS) did not complete in time."""


class HandshakeFailed(Exception):
    """The TCP connection was made but the TLS handshake ended without an alert (reset, EOF)."""


class ProbeLimitError(Exception):
    """A probe limit was hit (body too large, decompression bomb); ``error_class`` says which."""

    def __init__(self, error_class: str, message: str = "") -> None:
        super().__init__(message or error_class)
        self.error_class = error_class


def verify_reason(error: ssl.SSLCertVerificationError) -> str:
    """The reason slug of a certificate verification failure (``egov_crawl.failures.verify_reason``)."""
    return failures.verify_reason(error.verify_code, error.verify_message or "")


def _ssl_reason(error: ssl.SSLError) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        return verify_reason(error)
    reason = (error.reason or "").lower().replace("_", "-")
    return reason[:48] or facts.TLS_HANDSHAKE


def classify(exc: BaseException) -> str:
    """A short error class for a failed probe step: always one of ``egov_crawl.failures`` (``is_known``)."""
    if isinstance(exc, ProbeLimitError):
        return exc.error_class
    if isinstance(exc, BlockedAddressError):
        return facts.BLOCKED_ADDRESS
    # aiohttp wraps the underlying OSError/SSLError; walk the chain.
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        if isinstance(current, BlockedAddressError):
            return facts.BLOCKED_ADDRESS
        if isinstance(current, aiohttp.ClientConnectorError) and isinstance(current.os_error, BlockedAddressError):
            return facts.BLOCKED_ADDRESS
        if isinstance(current, HandshakeFailed):
            return facts.tls_error(facts.TLS_HANDSHAKE)
        if isinstance(current, (ConnectTimeout, aiohttp.ConnectionTimeoutError)):
            return facts.CONNECT_TIMEOUT
        if isinstance(current, aiohttp.ClientConnectorCertificateError):
            certificate_error = current.certificate_error
            if isinstance(certificate_error, ssl.SSLError):
                return facts.tls_error(_ssl_reason(certificate_error))
            return facts.tls_error("verify-failed")
        if isinstance(current, ssl.SSLError):
            return facts.tls_error(_ssl_reason(current))
        if isinstance(current, (aiohttp.ClientConnectorDNSError, socket.gaierror)):
            return facts.DNS_ERROR
        if isinstance(current, aiohttp.ClientConnectorSSLError):
            inner = getattr(current, "os_error", None)
            if isinstance(inner, ssl.SSLError):
                return facts.tls_error(_ssl_reason(inner))
            return facts.tls_error(facts.TLS_HANDSHAKE)
        if isinstance(current, aiohttp.ConnectionTimeoutError):
            return facts.CONNECT_TIMEOUT
        if isinstance(current, (aiohttp.SocketTimeoutError, asyncio.TimeoutError, TimeoutError)):
            return facts.TIMEOUT
        if isinstance(current, ConnectionRefusedError):
            return facts.CONNECTION_REFUSED
        if isinstance(current, (ConnectionResetError, aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError)):
            return facts.CONNECTION_RESET
        if isinstance(current, aiohttp.TooManyRedirects):
            return facts.TOO_MANY_REDIRECTS
        if isinstance(current, InvalidUrl | aiohttp.InvalidURL | UnicodeError):  # UnicodeError: IDNA of the host
            return failures.INVALID_URL
        if isinstance(current, OSError) and current.errno in (errno.ECONNREFUSED,):
            return facts.CONNECTION_REFUSED
        if isinstance(current, OSError) and current.errno in (errno.ETIMEDOUT,):
            return facts.CONNECT_TIMEOUT
        if isinstance(current, OSError) and current.errno in (errno.ECONNRESET, errno.EPIPE):
            return facts.CONNECTION_RESET
        if isinstance(current, aiohttp.ClientOSError) and current.errno is None and "refused" in str(current):
            return facts.CONNECTION_REFUSED
        current = current.__cause__ or current.__context__
    return failures.ERROR  # one of the vocabulary, so a check reads it as NOT_OBSERVED (the payload says more)


# --- WAF / CAPTCHA pages -----------------------------------------------------------------------------------------

# Markers of bot-protection interstitials: a challenge page answers instead of the site, so what the probe saw
# is not the agency's site. Sources: vendors' documented block pages and response headers (Cloudflare
# "cf-mitigated: challenge" and "Attention Required!", Imperva/Incapsula "_Incapsula_Resource", Akamai
# "Reference #…" access-denied page, AWS WAF "x-amzn-waf-action", F5 "The requested URL was rejected").
_BLOCK_HEADERS = {"cf-mitigated": "challenge", "x-amzn-waf-action": "", "x-datadome": ""}
_BLOCK_BODY_MARKERS = (
    "attention required! | cloudflare",
    "cf-browser-verification",
    "challenges.cloudflare.com",
    "_incapsula_resource",
    "the requested url was rejected. please consult with your administrator",
    "/cdn-cgi/challenge-platform/",
    "g-recaptcha",
    "h-captcha",
    "hcaptcha.com",
    "captcha-delivery.com",
    "access denied</title>",
    "request unsuccessful. incapsula",
)
_BLOCK_STATUSES = frozenset({403, 406, 429, 503})


def is_blocked(status: int | None, headers: dict[str, str], body_head: str) -> bool:
    """True when the response looks like a WAF/CAPTCHA interstitial rather than the site itself.

    Header markers count at any status; body markers only on the statuses such pages are sent with (a real
    site may embed a reCAPTCHA on a 200 contact form, which is not a block).
    """
    lowered = {k.lower(): v.lower() for k, v in headers.items()}
    for name, value in _BLOCK_HEADERS.items():
        if name in lowered and value in lowered[name]:
            return True
    if status not in _BLOCK_STATUSES:
        return False
    text = body_head.lower()
    return any(marker in text for marker in _BLOCK_BODY_MARKERS)
