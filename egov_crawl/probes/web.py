"""HTTP facts of one web host: security headers, cookies, banners, availability, 404 handling, security.txt.

The home page is fetched ``samples`` times (a pause between samples): the first answer gives the headers, all
of them give availability and time to first byte. HTTPS is tried first; plain HTTP only when the host has no
working HTTPS listener at all (a certificate problem still counts as HTTPS: the headers are observed, and the
row carries the ``tls_error`` class).
"""

from __future__ import annotations

import asyncio
import secrets
from collections import Counter
from datetime import UTC, datetime

from egov_crawl.probes import facts
from egov_crawl.probes.net import Fetcher, Response
from egov_crawl.probes.parsers import (
    SECURITY_TXT_FATAL,
    csp_directive,
    discloses_version,
    meta_generator,
    parse_cookies,
    parse_hsts,
    parse_security_txt,
)

SECURITY_TXT_PATH = "/.well-known/security.txt"  # RFC 9116 §3


def _row_class(response: Response) -> str | None:
    """The class a host-level row carries: the request's failure, else a certificate problem on the way."""
    return response.error_class or response.tls_error


async def home_samples(fetcher: Fetcher, host: str, samples: int | None = None) -> tuple[str, list[Response]]:
    """The scheme used and ``samples`` (default: the config's) fetches of the home page."""
    first = await fetcher.fetch(f"https://{host}/")
    scheme = "https"
    if not first.chain:  # no HTTP answer over TLS at all (refused, handshake failure, timeout): try plain HTTP
        plain = await fetcher.fetch(f"http://{host}/")
        if plain.chain or first.error_class in (facts.CONNECTION_REFUSED, facts.DNS_ERROR):
            scheme, first = "http", plain
    fetched = [first]
    for _ in range((fetcher.config.samples if samples is None else samples) - 1):
        await asyncio.sleep(fetcher.config.sample_interval)
        fetched.append(await fetcher.fetch(f"{scheme}://{host}/", read_body=False))
    return scheme, fetched


def http_fact(host: str, scheme: str, samples: list[Response]) -> facts.HttpFact:
    first = samples[0]
    headers = first.header_dict()
    final_scheme = (first.final_url or "").split("://", 1)[0] or None
    csp = headers.get("content-security-policy")
    server, powered = headers.get("server"), headers.get("x-powered-by")
    generator = meta_generator(first.text[:200_000]) if first.body else None
    return facts.HttpFact(
        host=host,
        url=f"{scheme}://{host}/",
        final_url=first.final_url,
        status=first.status,
        scheme=final_scheme,
        # RFC 6797 §8.1: a UA ignores HSTS received over plain HTTP, so only an https final response counts.
        hsts=parse_hsts(headers.get("strict-transport-security")) if final_scheme == "https" else None,
        csp=csp,
        csp_report_only=headers.get("content-security-policy-report-only"),
        x_content_type_options=headers.get("x-content-type-options"),
        x_frame_options=headers.get("x-frame-options"),
        frame_ancestors=csp_directive(csp, "frame-ancestors"),
        referrer_policy=headers.get("referrer-policy"),
        permissions_policy=headers.get("permissions-policy"),
        cookies=parse_cookies(first.header_all("set-cookie")),
        disclosure=facts.Disclosure(
            server=server,
            x_powered_by=powered,
            generator=generator,
            version_disclosed=any(discloses_version(v) for v in (server, powered, generator)),
        ),
        compression=headers.get("content-encoding"),
        content_type=headers.get("content-type"),
        ttfb_ms=[s.ttfb_ms for s in samples if s.ttfb_ms is not None],
        headers=headers,
        error_class=_row_class(first),
    )


def availability_fact(host: str, scheme: str, samples: list[Response], interval: float) -> facts.AvailabilityFact:
    statuses = [s.status if s.chain else None for s in samples]
    classes = [s.error_class for s in samples]
    ok = sum(1 for s in samples if s.error_class is None and s.status is not None and s.status < 400)
    failures = Counter(c for c in classes if c)
    return facts.AvailabilityFact(
        host=host,
        url=f"{scheme}://{host}/",
        samples=len(samples),
        statuses=statuses,
        error_classes=classes,
        skipped=sum(1 for s in samples if s.skipped),
        ok=ok,
        ok_share=round(ok / len(samples), 3) if samples else 0.0,
        interval_ms=int(interval * 1000),
        error_class=failures.most_common(1)[0][0] if failures and ok == 0 else None,
    )


async def probe_not_found(fetcher: Fetcher, host: str, scheme: str) -> facts.NotFoundFact:
    """A random path that cannot exist: 404/410 is right, 200 is a soft 404."""
    url = f"{scheme}://{host}/egov-crawl-{secrets.token_hex(8)}-does-not-exist"
    response = await fetcher.fetch(url, read_body=False)
    status = response.status if response.chain else None
    error = response.error_class
    if error is not None and status in (404, 410):
        error = None  # the expected answer, not a failure
    return facts.NotFoundFact(
        host=host,
        url=url,
        status=status,
        final_url=response.final_url,
        soft_404=None if status is None or (error and not error.startswith(facts.HTTP_ERROR)) else status < 300,
        error_class=error,
    )


async def probe_security_txt(
    fetcher: Fetcher, host: str, scheme: str, *, now: datetime | None = None
) -> facts.SecurityTxtFact:
    now = now or datetime.now(UTC)
    url = f"{scheme}://{host}{SECURITY_TXT_PATH}"
    response = await fetcher.fetch(url)
    content_type = response.header("content-type")
    answered = response.status is not None and response.status < 300 and response.error_class is None
    found = answered and (content_type or "").lower().startswith("text/plain")
    fields, problems, signed, expires, days = (
        parse_security_txt(response.text, now=now, content_type=content_type)
        if answered
        else ({}, [], False, None, None)
    )
    if answered and not (response.final_url or "").startswith("https://"):
        problems.append("not-https")  # RFC 9116 §3: "MUST be accessible via the HTTPS protocol"
    error = response.error_class
    if error is not None and response.status in (404, 410):
        error = None  # absent is an observation, not a failure
    return facts.SecurityTxtFact(
        host=host,
        url=url,
        status=response.status,
        found=found,
        content_type=content_type,
        contact=fields.get("contact", []),
        expires=expires,
        expires_in_days=days,
        fields=fields,
        signed=signed,
        valid=found and not (set(problems) & (SECURITY_TXT_FATAL | {"not-https"})),
        problems=problems if answered else ["not-found"],
        error_class=error,
    )
