"""INFRASTRUCTURE checks on network facts (egov_crawl/facts/probe.py): availability, TLS, HTTPS, headers, DNS.

The crawler's own page requests (the home page's status, headers and TLS handshake) are a second, narrower view
of some of these: each such check declares its sources in order (``*_SOURCES``, see ``sources.py``). The probe
comes first because it looks at every endpoint and samples the home page; the crawl decides only when the probe
saw nothing.
"""

from __future__ import annotations

from typing import TypedDict, TypeVar
from urllib.parse import urlsplit

from egov_crawl.facts.kinds import BrowserKind, ProbeKind
from egov_crawl.facts.model import ProbeFactRow, SiteFacts, Source
from egov_crawl.facts.probe import DnsFact, HttpFact
from egov_crawl.scoring.checks.sources import Preference, attributed, decide, first_seen, sourced
from egov_crawl.scoring.model import Evidence, Finding
from egov_crawl.scoring.registry import check

BOTH = (Source.PROBE, Source.CRAWL)
HSTS_YEAR = 31536000  # catalog INF-05: max-age ≥ one year (HSTS preload list requirement)
NETWORK_ERRORS = ("dns_error", "connect_timeout", "connection_refused", "connection_reset", "timeout")
OLD_TLS = ("TLSv1", "TLSv1.1")  # RFC 8996 deprecates TLS 1.0 and 1.1

Payload = TypeVar("Payload")


def _home_host(site: SiteFacts) -> str:
    return (urlsplit(site.homepage).hostname or "").lower()


def _for_home(rows: list[ProbeFactRow[Payload]], site: SiteFacts) -> ProbeFactRow[Payload] | None:
    """The row of the homepage host, else of its domain (www. stripped), else the first row."""
    host = _home_host(site)
    domain = host.removeprefix("www.")
    return (
        next((r for r in rows if r.host == host), None)
        or next((r for r in rows if r.host == domain), None)
        or (rows[0] if rows else None)
    )


@check("INF-01", "availability", "Reachability / availability", needs=BOTH)
def availability(site: SiteFacts) -> Finding:
    """What: The share of scheduled requests to the home page answered with 2xx/3xx in time.
    Why: GSA live/status, LOSI reliability, the 2008 survey's "problems": a site that is down serves nobody.
    Evidence: the probe's samples (statuses, error classes), else the crawler's home-page fetch.
    Outcomes: PASS when every sample answered, PARTIAL by share, FAIL when none did for a network reason (DNS,
    refused, timeout, 5xx); NOT_OBSERVED when nothing was asked, or only a certificate stopped the request.
    """
    return decide(site, AVAILABILITY_SOURCES, Finding.not_observed("no availability samples"))


def _availability_probed(site: SiteFacts) -> Finding | None:
    row = _for_home(site.probe(ProbeKind.AVAILABILITY), site)
    if row is None or not row.payload.get("samples"):
        return None
    payload = row.payload
    data = {k: payload.get(k) for k in ("samples", "ok", "statuses", "error_classes")}
    summary = f"{payload.get('ok')} of {payload.get('samples')} requests to {row.host} answered"
    return Finding.graded(float(payload.get("ok_share") or 0.0), Evidence(summary, payload.get("url"), data))


def _availability_crawled(site: SiteFacts) -> Finding | None:
    if site.crawl is None:
        return None
    home = site.home
    if home is not None and home.status is not None:
        evidence = Evidence(f"the home page answered HTTP {home.status}", home.url, {"status": home.status})
        return Finding.graded(1.0 if home.status < 400 else 0.0, evidence)
    error = site.crawl.error_class or ""
    if error.startswith(NETWORK_ERRORS) or error.startswith("http_error"):
        return Finding.failed(Evidence(f"the home page did not answer ({error})", site.homepage))
    return Finding.not_observed(f"the home page was not observed ({error or 'no fetch'})", site.homepage)


AVAILABILITY_SOURCES: Preference = ((Source.PROBE, _availability_probed), (Source.CRAWL, _availability_crawled))


@check("INF-03", "https-valid-certificate", "HTTPS with valid certificate", needs=BOTH)
def https_valid(site: SiteFacts) -> Finding:
    """What: HTTPS with a certificate that chains to a trusted root, matches the host name and has not expired,
    offering TLS 1.2 or later only.
    Why: UN #074, IDEA, M-23-22, Thai Website Standard security part, EU security pilot: without it, anything a
    citizen sends or reads can be intercepted or forged.
    Evidence: the probe's https and tls records (validity, verify error, protocols accepted), else the crawler's
    verified handshake or its TLS error.
    Outcomes: PASS valid and modern; PARTIAL 0.5 valid but TLS 1.0/1.1 still accepted; FAIL no HTTPS or an
    invalid certificate; NOT_OBSERVED when the host could not be reached at all.
    """
    return decide(site, HTTPS_SOURCES, Finding.not_observed("no TLS facts"))


def _https_probed(site: SiteFacts) -> Finding | None:
    https = _for_home(site.probe(ProbeKind.HTTPS), site)
    if https is None:
        return None
    payload = https.payload
    tls = _for_home(site.probe(ProbeKind.TLS), site)
    tls_payload = tls.payload if tls else None
    cert = tls_payload.get("certificate") if tls_payload else None
    protocols = (tls_payload.get("protocols") if tls_payload else None) or {}
    old = [p for p in OLD_TLS if protocols.get(p)]
    data = {
        "valid_https": payload.get("valid_https"),
        "supports_https": payload.get("supports_https"),
        "verify_error": cert.get("verify_error") if cert else None,
        "hostname_match": cert.get("hostname_match") if cert else None,
        "not_after": cert.get("not_after") if cert else None,
        "old_protocols": old,
    }
    url = payload.get("canonical_url") or site.homepage
    if not payload.get("supports_https"):
        return Finding.failed(Evidence(f"{https.host} offers no HTTPS", url, data))
    if not payload.get("valid_https"):
        verify_error = cert.get("verify_error") if cert else None
        reason = verify_error or (tls_payload.get("error_class") if tls_payload else None) or "invalid certificate"
        return Finding.failed(Evidence(f"the certificate of {https.host} is not valid: {reason}", url, data))
    if old:
        return Finding.graded(0.5, Evidence(f"valid, but {', '.join(old)} still accepted", url, data))
    return Finding.passed(Evidence(f"valid certificate, TLS ≥ 1.2 only on {https.host}", url, data))


def _https_crawled(site: SiteFacts) -> Finding | None:
    """The crawler's own handshake with the home page: valid or not, but no TLS versions and no other endpoint."""
    if site.crawl is None:
        return None
    error = site.crawl.error_class or ""
    if error.startswith("tls_error"):
        return Finding.failed(Evidence(f"the crawler's TLS handshake failed: {error}", site.homepage))
    home = site.home
    if home is not None and home.ok and (home.final_url or home.url).startswith("https://"):
        return Finding.passed(Evidence("the crawler verified the certificate (TLS versions not probed)", home.url))
    return Finding.not_observed("HTTPS was not tested (the probes did not run)", site.homepage)


HTTPS_SOURCES: Preference = ((Source.PROBE, _https_probed), (Source.CRAWL, _https_crawled))


@check("INF-04", "https-enforced", "HTTPS enforced", needs=(Source.PROBE,))
def https_enforced(site: SiteFacts) -> Finding:
    """What: http:// on the apex and www redirects to https:// on the same site.
    Why: GSA HTTPS enforced, ScanGov, Internet.nl: citizens who type the bare name must still end on HTTPS.
    Evidence: the four endpoints' redirect chains from the probe.
    Outcomes: PASS when enforced; FAIL when an http endpoint serves content or there is no HTTPS; NOT_OBSERVED
    when the probe did not reach the domain.
    """
    row = _for_home(site.probe(ProbeKind.HTTPS), site)
    if row is None:
        return Finding.not_observed("no https probe facts")
    endpoints = row.payload.get("endpoints") or {}
    if not any(e.get("live") for e in endpoints.values()):
        return Finding.not_observed(f"no endpoint of {row.host} answered")
    chains = {name: [hop.get("url") for hop in e.get("chain") or []] for name, e in endpoints.items() if e.get("live")}
    verb = "redirects" if row.payload.get("enforces_https") else "does not redirect"
    evidence = Evidence(
        f"http:// {verb} to https:// on {row.host}",
        www.get("url") if (www := endpoints.get("http://www")) else None,
        {"chains": chains},
    )
    return Finding.passed(evidence) if row.payload.get("enforces_https") else Finding.failed(evidence)


class _CrawledHsts(TypedDict):
    """Strict-Transport-Security as read from the crawled home page's header (the probe's ``Hsts`` has more)."""

    raw: str
    max_age: int | None
    valid: bool


class _CrawledHeaders(TypedDict):
    """The security headers of the crawled home page, under the names of the probe's ``HttpFact``."""

    hsts: _CrawledHsts | None
    csp: str | None
    x_content_type_options: str | None
    x_frame_options: str | None
    frame_ancestors: str | None
    referrer_policy: str | None
    permissions_policy: str | None
    set_cookie: str | None


Headers = tuple[HttpFact | _CrawledHeaders, str | None, str]  # (fields, url, scheme)


def _headers_probed(site: SiteFacts) -> Headers | None:
    row = _for_home([r for r in site.probe(ProbeKind.HTTP) if r.payload.get("status") is not None], site)
    if row is None:
        return None
    payload = row.payload
    return payload, payload.get("final_url") or payload.get("url"), str(payload.get("scheme") or "")


def _headers_crawled(site: SiteFacts) -> Headers | None:
    home = site.home
    if home is None or home.status is None:
        return None
    headers = home.headers
    final = home.final_url or home.url
    csp = headers.get("content-security-policy")
    ancestors = None
    if csp and "frame-ancestors" in csp:
        ancestors = csp.split("frame-ancestors", 1)[1].split(";", 1)[0].strip()
    hsts_raw = headers.get("strict-transport-security") if final.startswith("https://") else None
    hsts: _CrawledHsts | None = None
    if hsts_raw:
        max_age = None
        for part in hsts_raw.split(";"):
            name, _, value = part.strip().partition("=")
            if name.lower() == "max-age" and value.strip('"').isdigit():
                max_age = int(value.strip('"'))
        hsts = {"raw": hsts_raw, "max_age": max_age, "valid": max_age is not None}
    fields: _CrawledHeaders = {
        "hsts": hsts,
        "csp": csp,
        "x_content_type_options": headers.get("x-content-type-options"),
        "x_frame_options": headers.get("x-frame-options"),
        "frame_ancestors": ancestors,
        "referrer_policy": headers.get("referrer-policy"),
        "permissions_policy": headers.get("permissions-policy"),
        "set_cookie": headers.get("set-cookie"),
    }
    return fields, final, urlsplit(final).scheme


# The home page's security-relevant headers (INF-05, INF-06): the probe's http record, else the crawled page's.
HEADER_SOURCES = ((Source.PROBE, _headers_probed), (Source.CRAWL, _headers_crawled))


@check("INF-05", "hsts", "HSTS", needs=BOTH)
def hsts(site: SiteFacts) -> Finding:
    """What: Strict-Transport-Security on the HTTPS home page with max-age of at least one year.
    Why: GSA, ScanGov, Mozilla Observatory: without HSTS the first plain-HTTP request can be hijacked.
    Evidence: the header as sent (probe, else the crawled home page). The methodology gates it on INF-03.
    Outcomes: PASS max-age ≥ 31536000; PARTIAL 0.5 shorter; FAIL absent (or no HTTPS); NOT_OBSERVED when the
    home page was not fetched, or when only a plain-HTTP crawl (no probe) saw it.
    """
    found = first_seen(site, HEADER_SOURCES)
    if found is None:
        return Finding.not_observed("the home page's headers were not recorded", site.homepage)
    source, (fields, url, scheme) = found
    if scheme != "https" and not site.has(Source.PROBE):
        # A crawl that started at http:// never asked for HTTPS: absence of HSTS is not shown.
        return Finding.not_observed("HTTPS was not probed; the crawl saw the site over plain HTTP", url)
    return attributed(_hsts_finding(fields, url, scheme), source)


def _hsts_finding(fields: HttpFact | _CrawledHeaders, url: str | None, scheme: str) -> Finding:
    header = fields.get("hsts")
    if scheme != "https" or not header:
        where = "served over plain HTTP" if scheme != "https" else "no Strict-Transport-Security header"
        return Finding.failed(Evidence(f"no HSTS: {where}", url))
    max_age = header.get("max_age")
    evidence = Evidence(f"Strict-Transport-Security: {header.get('raw')}", url, {"max_age": max_age})
    if max_age is not None and max_age >= HSTS_YEAR:
        return Finding.passed(evidence)
    return Finding.graded(0.5 if max_age else 0.0, evidence)


@check("INF-06", "security-headers", "Security response headers", needs=BOTH)
def security_headers(site: SiteFacts) -> Finding:
    """What: The mean of five headers on the home page: Content-Security-Policy, X-Content-Type-Options: nosniff,
    clickjacking protection (X-Frame-Options or CSP frame-ancestors), Referrer-Policy, Permissions-Policy.
    Why: ScanGov, Mozilla Observatory, EU security pilot: cheap defences against script injection, MIME
    sniffing and clickjacking. The methodology gates it on INF-03.
    Evidence: which of the five were sent (probe, else the crawled home page).
    Outcomes: PASS all five, PARTIAL by share, FAIL none; NOT_OBSERVED when no response was recorded.
    """
    found = first_seen(site, HEADER_SOURCES)
    if found is None:
        return Finding.not_observed("the home page's headers were not recorded", site.homepage)
    source, (fields, url, _) = found
    have = {
        "content-security-policy": bool(fields.get("csp")),
        "x-content-type-options": str(fields.get("x_content_type_options") or "").lower() == "nosniff",
        "clickjacking": bool(fields.get("x_frame_options") or fields.get("frame_ancestors")),
        "referrer-policy": bool(fields.get("referrer_policy")),
        "permissions-policy": bool(fields.get("permissions_policy")),
    }
    summary = f"{sum(have.values())} of 5 security headers: " + ", ".join(k for k, v in have.items() if v)
    return attributed(Finding.graded(sum(have.values()) / 5, Evidence(summary, url, have)), source)


CookieFlags = tuple[bool, Evidence]  # every cookie of the home page is Secure, HttpOnly and SameSite; why


def _cookies_probed(site: SiteFacts) -> CookieFlags | None:
    row = _for_home([r for r in site.probe(ProbeKind.HTTP) if r.payload.get("status") is not None], site)
    if row is None:
        return None
    cookies = list(row.payload.get("cookies") or [])
    bad = [c.get("name") for c in cookies if not (c.get("secure") and c.get("httponly") and c.get("samesite"))]
    return not bad, Evidence(f"{len(cookies)} cookies, without a flag: {bad or 'none'}", row.payload.get("url"))


def _cookies_crawled(site: SiteFacts) -> CookieFlags | None:
    home = site.home
    if home is None or home.status is None:
        return None
    raw = home.headers.get("set-cookie")
    if not raw:
        return True, Evidence("the home page sets no cookie", home.url)
    lowered = raw.lower()
    ok = "secure" in lowered and "httponly" in lowered and "samesite" in lowered
    return ok, Evidence(f"Set-Cookie: {raw[:120]}", home.url)


# The cookie flags of INF-07: the probe's parsed cookies, else the crawled home page's Set-Cookie header.
COOKIE_SOURCES = ((Source.PROBE, _cookies_probed), (Source.CRAWL, _cookies_crawled))


@check("INF-07", "cookies-and-consent", "Cookie security & PDPA consent", mode="B", needs=(Source.BROWSER,))
def cookies_and_consent(site: SiteFacts) -> Finding:
    """What: The mean of: session cookies Secure + HttpOnly + SameSite; a consent banner, where the country
    profile's law expects one (Thailand's PDPA, the UK's PECR; not the United States); no third-party tracker
    or cookie before consent.
    Why: PDPA B.E. 2562 (consent before non-essential processing), Mozilla Observatory cookie rules.
    Evidence: cookie flags (probe or crawled Set-Cookie), the browser's banner text, trackers and cookies seen
    after load and before any click.
    Outcomes: graded by the share of the three, or of the two without the banner (PASS all, PARTIAL some, FAIL
    none); NOT_OBSERVED when the home page was not rendered.
    """
    pages = [b for b in site.browser_of(BrowserKind.PAGE) if not b.error_class and b.payload.get("role") == "home"]
    if not pages:
        return Finding.not_observed("the home page was not rendered in the browser", site.homepage)
    payload = pages[0].payload
    seen = first_seen(site, COOKIE_SOURCES)
    cookies = (seen[1][0], sourced(seen[1][1], seen[0])) if seen else None
    secure = bool(cookies and cookies[0]) and str(payload.get("final_url") or pages[0].url).startswith("https://")
    banner = bool((payload.get("consent_banner") or {}).get("present"))
    early = [c.get("name") for c in payload.get("cookies_before_interaction") or [] if not c.get("first_party")]
    trackers = list(payload.get("trackers") or [])
    clean = not trackers and not early
    evidence = [
        cookies[1] if cookies else Evidence("cookie flags not observed"),
        Evidence(f"consent banner: {(payload.get('consent_banner') or {}).get('text') or 'none'}", pages[0].url),
        Evidence(f"before consent: trackers {trackers or 'none'}, third-party cookies {early or 'none'}", pages[0].url),
    ]
    if not site.profile.consent.cookie_banner_expected:  # no law asks for one: a banner is neither due nor missed
        return Finding.graded((int(secure) + int(clean)) / 2, *evidence)
    return Finding.graded((int(secure) + int(banner) + int(clean)) / 3, *evidence)


def _dns(site: SiteFacts) -> ProbeFactRow[DnsFact] | None:
    return _for_home(site.probe(ProbeKind.DNS), site)


@check("INF-09", "dnssec", "DNSSEC", needs=(Source.PROBE,))
def dnssec(site: SiteFacts) -> Finding:
    """What: The agency's zone is signed and validates (trust anchor / DS at the parent, or the AD flag).
    Why: ITIF, Internet.nl, EU security pilot: unsigned DNS lets an attacker send citizens to a fake site.
    Evidence: the probe's DNSSEC record: signed, validated, method, reason.
    Outcomes: PASS signed and validated; FAIL unsigned or failing validation; NOT_OBSERVED when not observable.
    """
    row = _dns(site)
    if row is None:
        return Finding.not_observed("no dns probe facts")
    info = row.payload.get("dnssec") or {}
    evidence = Evidence(
        f"DNSSEC of {row.host}: signed={info.get('signed')}, validated={info.get('validated')}", None, dict(info)
    )
    if info.get("signed") is None:
        return Finding.not_observed(f"DNSSEC of {row.host} not observable: {info.get('reason')}")
    if info.get("signed") and info.get("validated"):
        return Finding.passed(evidence)
    if info.get("signed") and info.get("validated") is None:
        return Finding.not_observed(f"the signatures of {row.host} could not be validated: {info.get('reason')}")
    return Finding.failed(evidence)


@check("INF-10", "ipv6", "IPv6 reachability", needs=(Source.PROBE,))
def ipv6(site: SiteFacts) -> Finding:
    """What: An AAAA record for the web host (and HTTP over IPv6 working, when a probe can test it).
    Why: GSA IPv6, Internet.nl: mobile networks in Thailand are largely IPv6.
    Evidence: the AAAA records of the apex and www.
    Outcomes: PASS when HTTP over IPv6 was shown to work; PARTIAL 0.5 with AAAA only; FAIL without AAAA;
    NOT_OBSERVED when DNS was not asked.
    """
    row = _dns(site)
    if row is None or row.payload.get("error_class") == "dns_error":
        return Finding.not_observed("no dns facts for the domain")
    payload = row.payload
    records = list(payload.get("www_aaaa") or []) + list(payload.get("aaaa") or [])
    evidence = Evidence(f"AAAA records of {row.host}: {records or 'none'}", None, {"aaaa": records})
    if payload.get("ipv6_http_ok"):
        return Finding.passed(evidence)
    return Finding.graded(0.5, evidence) if payload.get("ipv6") else Finding.failed(evidence)


@check("INF-11", "email-domain-security", "E-mail domain security (SPF, DMARC)", needs=(Source.PROBE,))
def email_security(site: SiteFacts) -> Finding:
    """What: The mean of: an SPF record, and a DMARC policy of quarantine or reject, for the agency's domain.
    Why: Internet.nl, EU security pilot: without them anyone can send e-mail that looks like it is from the agency.
    Evidence: the v=spf1 and _dmarc records.
    Outcomes: PASS both, PARTIAL one, FAIL neither; NOT_OBSERVED when DNS was not asked.
    """
    row = _dns(site)
    if row is None or row.payload.get("error_class") == "dns_error":
        return Finding.not_observed("no dns facts for the domain")
    payload = row.payload
    dmarc = payload.get("dmarc")
    spf_ok = bool(payload.get("spf")) and int(payload.get("spf_records") or 1) == 1
    dmarc_ok = (dmarc.get("policy") if dmarc else None) in ("quarantine", "reject")
    data = {"spf": payload.get("spf"), "dmarc": dmarc.get("record") if dmarc else None}
    return Finding.graded((int(spf_ok) + int(dmarc_ok)) / 2, Evidence(f"SPF {spf_ok}, DMARC {dmarc_ok}", None, data))
