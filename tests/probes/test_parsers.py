"""The pure parsers of ``egov_crawl.probes.parsers`` and the failure classifier, on small strings."""

from __future__ import annotations

import ssl
from datetime import UTC, datetime

import pytest

from egov_crawl.probes import facts
from egov_crawl.probes.dns import parse_nameserver
from egov_crawl.probes.errors import is_blocked, verify_reason
from egov_crawl.probes.parsers import (
    csp_directive,
    discloses_version,
    meta_generator,
    parse_dmarc,
    parse_hsts,
    parse_security_txt,
    parse_set_cookie,
    spf_all,
    spf_records,
    txt_strings,
)
from egov_crawl.probes.tls import hostname_matches

NOW = datetime(2026, 11, 20, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "max_age", "subdomains", "preload", "valid"),
    [
        ("max-age=63072000; includeSubDomains; preload", 63072000, True, True, True),
        ("max-age=86400", 86400, False, False, True),
        ('MAX-AGE="300" ; INCLUDESUBDOMAINS', 300, True, False, True),
        ("includeSubDomains", None, True, False, False),  # no max-age: ignored by browsers (RFC 6797 §6.1.1)
        ("max-age=1; max-age=2", 2, False, False, False),  # repeated directive (§6.1)
        ("max-age=abc", None, False, False, False),
    ],
)
def test_hsts(header: str, max_age: int | None, subdomains: bool, preload: bool, valid: bool) -> None:
    parsed = parse_hsts(header)
    assert parsed is not None
    assert (parsed["max_age"], parsed["include_subdomains"], parsed["preload"], parsed["valid"]) == (
        max_age,
        subdomains,
        preload,
        valid,
    )
    assert parse_hsts(None) is None


def test_cookies() -> None:
    good = parse_set_cookie("SESSIONID=abc; Path=/; HttpOnly; SameSite=lax; Secure")
    assert good is not None
    assert (good["name"], good["secure"], good["httponly"], good["samesite"], good["path"]) == (
        "SESSIONID",
        True,
        True,
        "Lax",
        "/",
    )
    assert good["persistent"] is False
    bad = parse_set_cookie("PHPSESSID=xyz; path=/; Max-Age=60")
    assert bad is not None and not bad["secure"] and not bad["httponly"] and bad["samesite"] is None
    assert bad["persistent"] is True
    assert parse_set_cookie("no-equals-sign; Secure") is None  # ignored by user agents (RFC 6265 §5.2)


@pytest.mark.parametrize(
    ("value", "disclosed"),
    [("Apache/2.4.29 (Ubuntu)", True), ("PHP/7.2.24", True), ("WordPress 6.4.2", True), ("nginx", False),
     ("Microsoft-IIS/10.0", True), ("cloudflare", False), (None, False)],
)  # fmt: skip
def test_version_disclosure(value: str | None, disclosed: bool) -> None:
    assert discloses_version(value) is disclosed


def test_meta_generator_and_csp() -> None:
    assert meta_generator('<meta name="generator" content="Joomla! - Open Source">') == "Joomla! - Open Source"
    assert meta_generator("<meta content='WordPress 6.1' name='generator'>") == "WordPress 6.1"
    assert meta_generator("<meta name=description content=x>") is None
    policy = "default-src 'self'; frame-ancestors 'none'; script-src 'self'"
    assert csp_directive(policy, "frame-ancestors") == "'none'"
    assert csp_directive(policy, "img-src") is None


SECURITY_TXT = """# our policy
Contact: mailto:security@revenue.test
Contact: https://revenue.test/report
Expires: 2027-09-16T00:00:00.000Z
Preferred-Languages: th, en
"""


def test_security_txt_valid() -> None:
    fields, problems, signed, expires, days = parse_security_txt(SECURITY_TXT, now=NOW, content_type="text/plain")
    assert fields["contact"] == ["mailto:security@revenue.test", "https://revenue.test/report"]
    assert problems == [] and not signed
    assert expires == "2027-09-16T00:00:00.000Z" and days == 300


@pytest.mark.parametrize(
    ("text", "content_type", "problem"),
    [
        ("Expires: 2027-01-01T00:00:00Z\n", "text/plain", "missing-contact"),
        ("Contact: mailto:a@b.test\n", "text/plain", "missing-expires"),
        ("Contact: mailto:a@b.test\nExpires: 2020-01-01T00:00:00Z\n", "text/plain", "expired"),
        ("Contact: mailto:a@b.test\nExpires: next year\n", "text/plain", "invalid-expires"),
        ("Contact: mailto:a@b.test\nExpires: 2030-01-01T00:00:00Z\n", "text/plain", "expires-too-far"),
        ("Contact: mailto:a@b.test\nExpires: 2027-01-01T00:00:00Z\n", "text/html", "not-text-plain"),
    ],
)
def test_security_txt_problems(text: str, content_type: str, problem: str) -> None:
    _fields, problems, *_ = parse_security_txt(text, now=NOW, content_type=content_type)
    assert problem in problems


def test_security_txt_signed() -> None:
    text = (
        "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + SECURITY_TXT + "-----BEGIN PGP SIGNATURE-----\nabc\n"
    )
    fields, problems, signed, *_ = parse_security_txt(text, now=NOW)
    assert signed and problems == [] and "hash" not in fields


def test_spf() -> None:
    assert txt_strings('"v=spf1 " "mx -all"') == "v=spf1 mx -all"  # RFC 7208 §3.3
    records = spf_records(["google-site-verification=x", "v=spf1 mx ~all", "v=spf10 nope"])
    assert records == ["v=spf1 mx ~all"]
    assert spf_all("v=spf1 mx ~all") == "~all"
    assert spf_all("v=spf1 include:_spf.example.test all") == "+all"
    assert spf_all("v=spf1 mx") is None


def test_dmarc() -> None:
    dmarc = parse_dmarc(["v=DMARC1; p=Quarantine; sp=none; pct=50; rua=mailto:a@x.test, mailto:b@x.test"])
    assert dmarc is not None
    assert (dmarc["policy"], dmarc["subdomain_policy"], dmarc["pct"]) == ("quarantine", "none", 50)
    assert dmarc["rua"] == ["mailto:a@x.test", "mailto:b@x.test"]
    assert parse_dmarc(["v=spf1 -all", "p=reject; v=DMARC1"]) is None  # v= must come first (RFC 7489 §6.3)
    assert parse_dmarc([]) is None


def test_hostname_matching() -> None:
    assert hostname_matches("www.revenue.test", ["www.revenue.test", "revenue.test"])
    assert hostname_matches("www.revenue.test", ["*.revenue.test"])
    assert not hostname_matches("a.b.revenue.test", ["*.revenue.test"])  # one label only (RFC 6125 §6.4.3)
    assert not hostname_matches("www.tmd.test", ["www.shared-hosting.test"])


def test_certificate_verify_codes_become_reasons() -> None:
    error = ssl.SSLCertVerificationError(1, "certificate verify failed")
    error.verify_code, error.verify_message = 10, "certificate has expired"
    assert verify_reason(error) == facts.TLS_EXPIRED
    error.verify_code, error.verify_message = 18, "self-signed certificate"
    assert verify_reason(error) == facts.TLS_SELF_SIGNED
    error.verify_code, error.verify_message = 62, "Hostname mismatch, certificate is not valid for 'x'."
    assert verify_reason(error) == facts.TLS_HOSTNAME_MISMATCH


@pytest.mark.parametrize(
    ("status", "headers", "body", "blocked"),
    [
        (403, {}, "<title>Attention Required! | Cloudflare</title>", True),
        (200, {"cf-mitigated": "challenge"}, "", True),
        (403, {}, "<p>Request unsuccessful. Incapsula incident ID: 1</p>", True),
        (200, {}, '<div class="g-recaptcha"></div> contact form', False),  # a CAPTCHA on a form is no block
        (403, {}, "<h1>Forbidden</h1>", False),
    ],
)
def test_blocked_markers(status: int, headers: dict[str, str], body: str, blocked: bool) -> None:
    assert is_blocked(status, headers, body) is blocked


@pytest.mark.parametrize("value", ["127.0.0.1:5353", "::1", "[::1]:53", "192.0.2.53"])
def test_nameserver_values(value: str) -> None:
    assert parse_nameserver(value).port in (53, 5353)
