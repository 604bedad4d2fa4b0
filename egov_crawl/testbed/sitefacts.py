"""Site-level facts derived from a site's quality profile: headers, cookies, robots.txt, security.txt, DNS zone.

Pure functions of the model, used by the generator once; the server and the manifest then read the results
from the ``Site``, so what is served and what is expected are the same values.
"""

from __future__ import annotations

from datetime import date, timedelta

from egov_crawl.testbed.model import DnsRecord, Quality, Zone

CA_DOMAIN = "testbed-ca.test"

# The five INF-06 headers, in the order a site adds them as its security improves (OWASP Secure Headers).
_SECURITY_HEADERS = (
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Content-Security-Policy",
    "Permissions-Policy",
)


def security_headers(quality: Quality, script_hosts: tuple[str, ...] = ()) -> tuple[tuple[str, str], ...]:
    scripts = " ".join(["'self'", "'unsafe-inline'", *(f"https://{h}" for h in script_hosts)])
    images = " ".join(["'self'", "data:", *(f"https://{h}" for h in script_hosts)])
    values = {
        "X-Frame-Options": "SAMEORIGIN",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        # Inline scripts are allowed: the pages carry small inline scripts (consent banner, form validation).
        "Content-Security-Policy": (
            f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; img-src {images}; "
            "frame-ancestors 'self'"
        ),
        "Permissions-Policy": "geolocation=(), camera=(), microphone=()",
    }
    return tuple((name, values[name]) for name in _SECURITY_HEADERS[: quality.security_headers])


def server_headers(quality: Quality) -> tuple[tuple[str, str], ...]:
    """A version banner (INF-12) on sites designed to disclose one; otherwise a bare product name."""
    if quality.version_banner:
        return (("Server", "Apache/2.4.29 (Ubuntu)"), ("X-Powered-By", "PHP/7.2.24"))
    return (("Server", "nginx"),)


def hsts_value(quality: Quality) -> str | None:
    """RFC 6797 §6.1; sent on HTTPS responses only (§7.2: a UA ignores it over plain HTTP)."""
    if quality.hsts_max_age is None or quality.tls == "none":
        return None
    suffix = "; includeSubDomains; preload" if quality.hsts_max_age >= 31536000 else ""
    return f"max-age={quality.hsts_max_age}{suffix}"


def session_cookie(slug: str, quality: Quality, token: str) -> str:
    if quality.secure_cookies:
        secure = "; Secure" if quality.tls != "none" else ""
        return f"SESSIONID={token}; Path=/; HttpOnly; SameSite=Lax{secure}"
    return f"PHPSESSID={token}; path=/"


def robots_txt(base_url: str, quality: Quality) -> str | None:
    if not quality.robots_txt:
        return None
    lines = ["User-agent: *", "Disallow: /admin/", "Disallow: /search", "Allow: /"]
    if quality.sitemap:
        lines += ["", f"Sitemap: {base_url}/sitemap.xml"]
    return "\n".join(lines) + "\n"


def security_txt(base_url: str, slug: str, quality: Quality, reference: date) -> tuple[tuple[str, str], ...] | None:
    """RFC 9116: Contact and Expires are required; Expires less than a year ahead is recommended (§2.5.5)."""
    if not quality.security_txt:
        return None
    expires = reference + timedelta(days=300)
    return (
        ("Contact", f"mailto:security@{slug}.test"),
        ("Expires", f"{expires.isoformat()}T00:00:00.000Z"),
        ("Preferred-Languages", "th, en"),
        ("Canonical", f"{base_url}/.well-known/security.txt"),
        ("Policy", f"{base_url}/security-policy/"),
    )


def zone(slug: str, quality: Quality, number: int) -> Zone:
    """The agency's DNS zone. Addresses are documentation ranges (RFC 5737 192.0.2.0/24, RFC 3849 2001:db8::/32):
    the DNS facts are real answers, but nothing ever connects to them (the host map routes the traffic)."""
    origin = f"{slug}.test."
    records = [
        DnsRecord("@", "SOA", f"ns1.{origin} hostmaster.{origin} 2026112001 7200 3600 1209600 3600"),
        DnsRecord("@", "NS", f"ns1.{origin}"),
        DnsRecord("ns1", "A", f"192.0.2.{number}"),
        DnsRecord("@", "A", f"192.0.2.{number}"),
        DnsRecord("www", "A", f"192.0.2.{number}"),
        DnsRecord("@", "MX", f"10 mail.{origin}"),
        DnsRecord("mail", "A", f"192.0.2.{100 + number}"),
        DnsRecord("@", "CAA", f'0 issue "{CA_DOMAIN}"'),
    ]
    if quality.ipv6:
        records += [DnsRecord("@", "AAAA", f"2001:db8::{number:x}"), DnsRecord("www", "AAAA", f"2001:db8::{number:x}")]
    if quality.spf_dmarc:
        records += [
            DnsRecord("@", "TXT", '"v=spf1 mx -all"'),
            DnsRecord("_dmarc", "TXT", f'"v=DMARC1; p=reject; rua=mailto:dmarc@{slug}.test"'),
        ]
    return Zone(origin, tuple(records), quality.dnssec)


def dynamic_paths(quality: Quality) -> frozenset[str]:
    """Paths the server answers from code rather than from a page of the model (all 200)."""
    paths = {"/search", "/news/rss.xml", "/complaint/submit"}
    if quality.robots_txt:
        paths.add("/robots.txt")
    if quality.sitemap:
        paths.add("/sitemap.xml")
    if quality.security_txt:
        paths.add("/.well-known/security.txt")
    if quality.open_data:
        paths |= {"/data.json", "/api/3/action/status_show", "/api/3/action/package_search",
                  "/api/3/action/package_show", "/api/3/action/package_list"}  # fmt: skip
    return frozenset(paths)
