"""The kinds of probe and browser facts: the ``kind`` column of ``probe_fact`` and ``browser_fact`` rows.

String enums: a member is the very string stored (``ProbeKind.HTTP == "http"``), so stored runs stay readable.
"""

from __future__ import annotations

from enum import StrEnum


class ProbeKind(StrEnum):
    """What a probe observed about a host. ``HTTPS`` and ``DNS`` are per domain (``host`` without ``www.``);
    the others per web host (the homepage host and every host the registry declares)."""

    HTTPS = "https"
    TLS = "tls"
    HTTP = "http"
    AVAILABILITY = "availability"
    NOT_FOUND = "not_found"
    SECURITY_TXT = "security_txt"
    DNS = "dns"


DOMAIN_KINDS: tuple[ProbeKind, ...] = (ProbeKind.HTTPS, ProbeKind.DNS)
HOST_KINDS: tuple[ProbeKind, ...] = (
    ProbeKind.TLS,
    ProbeKind.HTTP,
    ProbeKind.AVAILABILITY,
    ProbeKind.NOT_FOUND,
    ProbeKind.SECURITY_TXT,
)
ALL_PROBE_KINDS: tuple[ProbeKind, ...] = (*DOMAIN_KINDS, *HOST_KINDS)


class BrowserKind(StrEnum):
    """What Chromium recorded about a page (``browser_fact.url`` is the page as requested)."""

    PAGE = "page"
    AXE = "axe"
    FORMS = "forms"
    JOURNEY = "journey"
    SEARCH = "search"
    SCREENSHOT = "screenshot"


ALL_BROWSER_KINDS: tuple[BrowserKind, ...] = tuple(BrowserKind)
