"""The payloads of ``probe_fact`` rows: one row per (run, agency, host, kind), ``payload`` is one of these dicts.

These shapes say what a probe *saw*; the checks of ``egov_crawl.scoring`` decide what it means. The probes
write them and the checks read them through these types — add keys, never rename them. The row's ``kind`` is a
``egov_crawl.facts.kinds.ProbeKind``.

Which ``host`` a row carries:

* ``https`` and ``dns`` are per **domain**: ``host`` is the host name without a leading ``www.``
  (``revenue.test`` for ``https://www.revenue.test/``). pshtt looks at the four endpoints of a domain
  (http/https × apex/www), and the mail/DNSSEC records live at the zone apex.
* ``tls``, ``http``, ``availability``, ``not_found`` and ``security_txt`` are per **web host**: the agency's
  homepage host and every host declared in the registry (``Agency.all_hosts``).

``error_class`` (on the row and inside payloads) is None when the probe observed what it set out to observe.
Otherwise it is one of the classes of ``egov_crawl.failures``, the same vocabulary as the crawler where both
name the same failure: ``connection_refused`` (not ``connect_refused``), ``timeout`` for a read that
never finished, ``tls_error:<reason>`` with hyphenated reasons (``hostname-mismatch``).
A row whose ``error_class`` is set still carries a payload with whatever was observed before the failure, so a
check can tell "not observed" (NOT_OBSERVED) from "observed and absent" (FAIL).

One exception: a kind that did not finish within the host's time budget is stored as
``{"host": ..., "timed_out": true, "budget_seconds": ...}`` with ``error_class`` "timeout" (see ``TimedOut``);
a check must look at ``error_class`` / ``timed_out`` before reading other keys.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict


class TimedOut(TypedDict):
    """The payload of a kind that did not finish within ``ProbeConfig.host_timeout``."""

    host: str
    timed_out: Literal[True]
    budget_seconds: float


class NotRequested(TypedDict):
    """The payload of a kind not probed because the host's robots.txt disallows everything for our agent
    (error class ``blocked_by_robots``; ``probes/runner.py`` says which kinds obey robots.txt)."""

    host: str
    error: str
    not_requested: Literal["robots_disallowed"]
    robots_url: str
    error_class: str  # blocked_by_robots, as on the row (every probe payload carries its row's class)


# --- shared pieces ---------------------------------------------------------------------------------------------


class Hop(TypedDict):
    """One response of a redirect chain."""

    url: str
    status: int
    location: str | None  # the absolute URL the Location header pointed to, None for the final response
    tls_error: str | None  # https hop whose certificate did not verify: the reason ("tls_error:expired")


class Fetch(TypedDict):
    """One request followed through its redirects (at most MAX_REDIRECTS hops)."""

    url: str  # the URL asked for
    status: int | None  # status of the final response; None when no final response arrived
    final_url: str | None
    chain: list[Hop]  # every response in order, redirects included (empty when the first request failed)
    ttfb_ms: float | None  # time to the first byte (status line + headers) of the *first* response
    error_class: str | None
    # Not sent: the host had let an earlier request time out in this run (error_class is then "timeout").
    skipped: bool


# --- https (per domain, pshtt) -------------------------------------------------------------------------------

EndpointName = Literal["http://apex", "http://www", "https://apex", "https://www"]


class Endpoint(Fetch):
    """One of pshtt's four endpoints. ``Fetch`` fields plus the pshtt-style judgements of this endpoint."""

    live: bool  # a TCP (and for https: TLS, even an invalid one) connection was made and HTTP answered
    # The HTTPS endpoint's certificate verified against the trust store (system or --ca-file) for this name;
    # None for http endpoints and for endpoints that are not live.
    valid_tls: bool | None
    # The first hop redirects (3xx) and where to.
    redirect: bool
    redirect_to: str | None
    # The chain ends on https:// at the same domain (apex or www).
    redirects_to_https: bool


class HttpsFact(TypedDict):
    domain: str  # "revenue.test"
    endpoints: dict[str, Endpoint]  # keys: EndpointName
    # pshtt definitions (https://github.com/cisagov/pshtt#what-its-checking-for), simplified:
    supports_https: bool  # some https endpoint is live (any certificate) and does not redirect to http
    valid_https: bool  # the canonical https endpoint is live with a valid certificate and answers < 400
    # Every live http endpoint redirects, immediately or at the end of its chain, to https on the same domain,
    # and no http endpoint serves content itself. False when there is no HTTPS at all.
    enforces_https: bool
    downgrades_https: bool  # an https endpoint redirects to http
    canonical: EndpointName | None  # the endpoint the others lead to (www when both serve content: pshtt rule)
    canonical_url: str | None  # its final URL


# --- tls (per host) --------------------------------------------------------------------------------------------

ProtocolName = Literal["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]


class Certificate(TypedDict):
    chain_valid: bool  # chain verifies against the trust store (ignoring the host name)
    verify_error: str | None  # the OpenSSL verify reason when not valid, e.g. "expired", "self-signed"
    hostname_match: bool  # the leaf's SAN (or CN without SAN) covers the host (RFC 6125)
    not_before: str  # ISO 8601, UTC
    not_after: str
    days_to_expiry: int  # negative when expired; relative to the probe's clock
    key_type: str  # "RSA", "EC", "Ed25519", "Ed448", "DSA"
    key_bits: int | None  # modulus/curve size; None for key types without one
    curve: str | None  # "secp256r1" for EC keys
    signature_algorithm: str | None  # "sha256WithRSAEncryption", "ecdsa-with-SHA256"
    issuer: str  # RFC 4514 string
    subject: str
    san: list[str]  # DNS names of the subjectAltName
    self_signed: bool  # issuer == subject and the signature verifies with the own key
    serial: str  # hex
    sha256: str  # fingerprint of the DER leaf


class TlsFact(TypedDict):
    host: str
    port: int
    # One handshake per version with min=max pinned. True: accepted; False: the server refused it;
    # None: not tested (see not_testable) or the host did not answer at all.
    protocols: dict[str, bool | None]  # keys: ProtocolName
    not_testable: dict[str, str]  # version -> why the local OpenSSL cannot offer it
    negotiated_protocol: str | None  # of a default (unpinned) handshake
    cipher: str | None
    alpn: str | None  # protocol picked by the server from ["h2", "http/1.1"]
    h2: bool | None
    certificate: Certificate | None  # None when no handshake completed
    error_class: str | None


# --- http (per host) -----------------------------------------------------------------------------------------


class Hsts(TypedDict):
    """RFC 6797 §6.1; ``valid`` False when the header is present but unparsable (no max-age)."""

    raw: str
    max_age: int | None
    include_subdomains: bool
    preload: bool
    valid: bool


class Cookie(TypedDict):
    name: str
    secure: bool
    httponly: bool
    samesite: str | None  # "Strict" | "Lax" | "None" as sent (capitalised), None when absent
    path: str | None
    domain: str | None
    persistent: bool  # Expires or Max-Age present


class Disclosure(TypedDict):
    server: str | None
    x_powered_by: str | None
    generator: str | None  # <meta name="generator" content="…"> of the home page
    version_disclosed: bool  # any of the three carries a version number (e.g. "Apache/2.4.29", "PHP/7.2")


class HttpFact(TypedDict):
    host: str
    url: str  # the URL fetched: https://host/ when the host speaks HTTPS, else http://host/
    final_url: str | None
    status: int | None
    scheme: str | None  # of the final URL: the headers below were sent over this scheme
    hsts: Hsts | None  # None: header absent (or the final response was plain HTTP, RFC 6797 §8.1)
    csp: str | None
    csp_report_only: str | None
    x_content_type_options: str | None
    x_frame_options: str | None
    frame_ancestors: str | None  # the CSP directive's value
    referrer_policy: str | None
    permissions_policy: str | None
    cookies: list[Cookie]
    disclosure: Disclosure
    compression: str | None  # Content-Encoding of the home page when asked with Accept-Encoding: gzip, br
    content_type: str | None
    ttfb_ms: list[float]  # one per sample (the availability requests)
    headers: dict[str, str]  # every response header, lower-cased names (multi-values joined with ", ")
    error_class: str | None


# --- availability (per host) -----------------------------------------------------------------------------------


class AvailabilityFact(TypedDict):
    host: str
    url: str
    samples: int
    statuses: list[int | None]  # final status per sample, None for a failed sample
    error_classes: list[str | None]
    skipped: int  # samples not sent because the host had timed out earlier in the run
    ok: int  # samples with a final status < 400
    ok_share: float
    interval_ms: int  # pause between samples
    error_class: str | None  # the most common failure class when no sample was ok


# --- not_found (per host) --------------------------------------------------------------------------------------


class NotFoundFact(TypedDict):
    host: str
    url: str  # a random path that cannot exist
    status: int | None
    final_url: str | None
    # A soft 404: the random path answered 200 (after redirects), e.g. the home page or a "not found" page sent
    # with 200. Google: https://developers.google.com/search/docs/crawling-indexing/http-network-errors#soft-404
    soft_404: bool | None
    error_class: str | None


# --- security_txt (per host) -----------------------------------------------------------------------------------


class SecurityTxtFact(TypedDict):
    """RFC 9116. ``valid``: found at /.well-known/security.txt with text/plain, ≥1 Contact, exactly one
    Expires that parses and lies in the future (§2.5.3, §2.5.5)."""

    host: str
    url: str
    status: int | None
    found: bool
    content_type: str | None
    contact: list[str]
    expires: str | None  # as written
    expires_in_days: int | None
    fields: dict[str, list[str]]  # every field, names lower-cased
    signed: bool  # an OpenPGP cleartext signature wraps it (§2.3)
    valid: bool
    problems: list[str]  # e.g. "missing-contact", "missing-expires", "expired", "expires-too-far", "not-text-plain"
    error_class: str | None


# --- dns (per domain) ------------------------------------------------------------------------------------------


class Dmarc(TypedDict):
    record: str
    policy: str | None  # p= : "none" | "quarantine" | "reject"
    subdomain_policy: str | None  # sp=
    pct: int | None
    rua: list[str]


class Dnssec(TypedDict):
    signed: bool | None  # the zone publishes DNSKEY and answers carry RRSIGs; None when not observable
    # The chain validated (DNSKEY matches the trust anchor, RRSIGs over DNSKEY, A, SOA verify), or the AD flag of
    # a validating resolver. None when neither can be done; ``reason`` then says why.
    validated: bool | None
    method: str | None  # "trust-anchor" | "ad-flag"
    reason: str | None  # why not validated / not signed, e.g. "rrsig-invalid: www.x.test. A", "no-trust-anchor"


class DnsFact(TypedDict):
    domain: str
    nameserver: str | None  # "ip:port" asked, None for the system resolver
    a: list[str]  # of the apex
    aaaa: list[str]
    www_a: list[str]
    www_aaaa: list[str]
    ipv6: bool  # the web host (homepage host or www) has an AAAA record
    caa: list[str]
    mx: list[str]  # "pref host."
    spf: str | None  # the v=spf1 TXT record at the apex (RFC 7208 §4.5: exactly one)
    spf_all: str | None  # the "all" mechanism's qualifier: "-all" | "~all" | "?all" | "+all"
    spf_records: int  # how many v=spf1 records (more than one is a permerror)
    dmarc: Dmarc | None  # the v=DMARC1 TXT record at _dmarc.<domain> (RFC 7489 §6.1)
    dnssec: Dnssec
    errors: dict[str, str]  # query ("www AAAA") -> error ("nxdomain", "timeout", "servfail") for failed queries
    error_class: str | None  # dns_error when the apex does not resolve at all
    # HTTP over IPv6 answered. Read by INF-10 (its PASS) but written by no probe yet: absent in every run, so
    # INF-10 grades an AAAA record 0.5 at most. Declared so the read is typed.
    ipv6_http_ok: NotRequired[bool]


# Any probe payload: what a row holds when its kind is not known statically.
ProbePayload = HttpsFact | TlsFact | HttpFact | AvailabilityFact | NotFoundFact | SecurityTxtFact | DnsFact | TimedOut
