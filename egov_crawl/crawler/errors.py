"""Download failures as short, stable error classes (``dns_error``, ``tls_error:<reason>``, ``timeout`` …).

The classes are those of ``egov_crawl.failures``, the one vocabulary of every collector, so a check can say *why*
a page was not observed — a failure to observe is never scored as a pass or a fail.

TLS: pyOpenSSL reports a failed chain verification as the bare "certificate verify failed" (the X509_V_ERR code
is not in the exception), so the crawler says ``tls_error:verify-failed``; the probes' ``tls`` fact of the same
host carries the precise reason (``self-signed``, ``expired``…). A hostname mismatch is precise in both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from twisted.internet import error as twisted_error
from twisted.internet.defer import TimeoutError as DeferredTimeoutError

from egov_crawl import failures

ROBOTS_BLOCKED = failures.BLOCKED_BY_ROBOTS
ADDRESS_BLOCKED = failures.BLOCKED_ADDRESS
OFF_SCOPE = failures.OFF_SCOPE


class BlockedAddress(IgnoreRequest):
    """The URL names a non-public IP address (server-side request forgery guard)."""


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception, its causes and contexts, and the reasons Twisted's HTTP client wraps (ResponseFailed…)."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for reason in getattr(current, "reasons", None) or []:
            value = getattr(reason, "value", reason)
            if isinstance(value, BaseException):
                stack.append(value)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                stack.append(linked)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48] or "unknown"


def _tls_reason(exc: BaseException) -> str | None:
    module = type(exc).__module__
    if module.startswith("OpenSSL") or isinstance(exc, twisted_error.SSLError):
        # pyOpenSSL: Error([('SSL routines', '', 'certificate verify failed')])
        args: Any = exc.args[0] if exc.args else None
        if isinstance(args, list) and args and isinstance(args[-1], tuple):
            reason = _slug(str(args[-1][-1]))
            return failures.TLS_VERIFY_FAILED if reason == "certificate-verify-failed" else reason
        return _slug(str(exc)) if str(exc) else "handshake-failed"
    if module.startswith("service_identity"):
        return failures.TLS_HOSTNAME_MISMATCH
    return None


def redirect_class(error_class: str, request: Any) -> str:
    """``too_many_redirects`` becomes ``redirect_loop`` when the chain came back to a URL it had visited: the
    hops are in the failed request's ``redirect_urls`` meta (RedirectMiddleware), so telling them apart is free."""
    if error_class != failures.TOO_MANY_REDIRECTS or request is None:
        return error_class
    hops = [*(request.meta.get("redirect_urls") or []), request.url]
    return failures.REDIRECT_LOOP if len(set(hops)) < len(hops) else error_class


def classify(exc: BaseException) -> str:
    """A short error class for a failed download."""
    if isinstance(exc, BlockedAddress):
        return ADDRESS_BLOCKED
    if isinstance(exc, IgnoreRequest):
        message = str(exc)
        if "robots.txt" in message:
            return ROBOTS_BLOCKED
        # HttpCompressionMiddleware: the body inflated past DOWNLOAD_MAXSIZE while being decompressed (a gzip
        # bomb); the same class the probes give it. A body too large on the wire is TOO_LARGE (downloader).
        if "MAXSIZE" in message.upper():
            return failures.DECOMPRESSION_BOMB
        # RedirectMiddleware: more hops than REDIRECT_MAX_TIMES ("max redirections reached").
        return failures.TOO_MANY_REDIRECTS if "max redirections" in message else failures.IGNORED
    for current in _chain(exc):
        tls = _tls_reason(current)
        if tls:
            return failures.tls_error(tls)
    for current in _chain(exc):
        if isinstance(current, (CannotResolveHostError, twisted_error.DNSLookupError)):
            return failures.DNS_ERROR
        if isinstance(current, (DownloadConnectionRefusedError, twisted_error.ConnectionRefusedError)):
            return failures.CONNECTION_REFUSED
        if isinstance(current, twisted_error.TCPTimedOutError):
            return failures.CONNECT_TIMEOUT
        if isinstance(current, (DownloadTimeoutError, DeferredTimeoutError, twisted_error.TimeoutError)):
            return failures.TIMEOUT
        if isinstance(current, DownloadCancelledError):
            return failures.TOO_LARGE if "size" in str(current).lower() else failures.CANCELLED
        if isinstance(current, ResponseDataLossError):
            return failures.DATA_LOSS
    for current in _chain(exc):
        if isinstance(current, (twisted_error.ConnectionLost, twisted_error.ConnectionDone, ConnectionResetError)):
            return failures.CONNECTION_RESET
    return _slug(type(exc).__name__)
