"""The probes' vocabulary: the kinds and payload shapes of ``probe_fact`` rows (``egov_crawl.facts``, shared
with the scoring checks that read them) and the failure classes (``egov_crawl.failures``, shared with every
collector), under the names the probe modules use."""

from __future__ import annotations

from egov_crawl.facts.kinds import ALL_PROBE_KINDS, DOMAIN_KINDS, HOST_KINDS, ProbeKind
from egov_crawl.facts.probe import (
    AvailabilityFact,
    Certificate,
    Cookie,
    Disclosure,
    Dmarc,
    DnsFact,
    Dnssec,
    Endpoint,
    EndpointName,
    Fetch,
    Hop,
    Hsts,
    HttpFact,
    HttpsFact,
    NotFoundFact,
    NotRequested,
    ProtocolName,
    SecurityTxtFact,
    TimedOut,
    TlsFact,
)
from egov_crawl.failures import (
    BLOCKED,
    BLOCKED_ADDRESS,
    CONNECT_TIMEOUT,
    CONNECTION_REFUSED,
    CONNECTION_RESET,
    DECOMPRESSION_BOMB,
    DNS_ERROR,
    HTTP_ERROR,
    REDIRECT_LOOP,
    TIMEOUT,
    TLS_ERROR,
    TLS_EXPIRED,
    TLS_HANDSHAKE,
    TLS_HOSTNAME_MISMATCH,
    TLS_NOT_YET_VALID,
    TLS_SELF_SIGNED,
    TLS_UNTRUSTED,
    TOO_LARGE,
    TOO_MANY_REDIRECTS,
    http_error,
    tls_error,
)

KIND_HTTPS = ProbeKind.HTTPS
KIND_TLS = ProbeKind.TLS
KIND_HTTP = ProbeKind.HTTP
KIND_AVAILABILITY = ProbeKind.AVAILABILITY
KIND_NOT_FOUND = ProbeKind.NOT_FOUND
KIND_SECURITY_TXT = ProbeKind.SECURITY_TXT
KIND_DNS = ProbeKind.DNS
ALL_KINDS = ALL_PROBE_KINDS

__all__ = [
    "ALL_KINDS",
    "BLOCKED",
    "BLOCKED_ADDRESS",
    "CONNECTION_REFUSED",
    "CONNECTION_RESET",
    "CONNECT_TIMEOUT",
    "DECOMPRESSION_BOMB",
    "DNS_ERROR",
    "DOMAIN_KINDS",
    "HOST_KINDS",
    "HTTP_ERROR",
    "KIND_AVAILABILITY",
    "KIND_DNS",
    "KIND_HTTP",
    "KIND_HTTPS",
    "KIND_NOT_FOUND",
    "KIND_SECURITY_TXT",
    "KIND_TLS",
    "REDIRECT_LOOP",
    "TIMEOUT",
    "TLS_ERROR",
    "TLS_EXPIRED",
    "TLS_HANDSHAKE",
    "TLS_HOSTNAME_MISMATCH",
    "TLS_NOT_YET_VALID",
    "TLS_SELF_SIGNED",
    "TLS_UNTRUSTED",
    "TOO_LARGE",
    "TOO_MANY_REDIRECTS",
    "AvailabilityFact",
    "Certificate",
    "Cookie",
    "Disclosure",
    "Dmarc",
    "DnsFact",
    "Dnssec",
    "Endpoint",
    "EndpointName",
    "Fetch",
    "Hop",
    "Hsts",
    "HttpFact",
    "HttpsFact",
    "NotFoundFact",
    "NotRequested",
    "ProbeKind",
    "ProtocolName",
    "SecurityTxtFact",
    "TimedOut",
    "TlsFact",
    "http_error",
    "tls_error",
]  # fmt: skip
