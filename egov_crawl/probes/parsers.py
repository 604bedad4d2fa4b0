"""Pure parsers for header and record strings: HSTS, Set-Cookie, security.txt, SPF, DMARC, version banners.

No I/O and no clock (the caller passes ``now``), so each is tested on small strings.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from egov_crawl.probes.facts import Cookie, Dmarc, Hsts

# --- HSTS (RFC 6797 §6.1) ------------------------------------------------------------------------------------


def parse_hsts(value: str | None) -> Hsts | None:
    """``Strict-Transport-Security``: directives are case-insensitive, separated by ';', values may be quoted.

    A header without a valid ``max-age`` is ignored by user agents (§6.1.1): ``valid`` False, ``max_age`` None.
    """
    if value is None:
        return None
    max_age: int | None = None
    seen: set[str] = set()
    valid = True
    for part in value.split(";"):
        name, _, raw = part.strip().partition("=")
        name = name.strip().lower()
        if not name:
            continue
        if name in seen:  # §6.1: a directive must not appear more than once
            valid = False
        seen.add(name)
        if name == "max-age":
            digits = raw.strip().strip('"')
            max_age = int(digits) if digits.isdigit() else None
    valid = valid and max_age is not None
    return Hsts(
        raw=value,
        max_age=max_age,
        include_subdomains="includesubdomains" in seen,
        preload="preload" in seen,
        valid=valid,
    )


# --- Cookies (RFC 6265 §5.2) ---------------------------------------------------------------------------------


def parse_set_cookie(value: str) -> Cookie | None:
    """One ``Set-Cookie`` header value; None when it has no ``name=`` pair (the UA ignores it, §5.2)."""
    pair, *attributes = value.split(";")
    name, eq, _ = pair.partition("=")
    if not eq or not name.strip():
        return None
    attrs: dict[str, str | None] = {}
    for attribute in attributes:
        key, has_value, raw = attribute.strip().partition("=")
        attrs[key.strip().lower()] = raw.strip() if has_value else None
    samesite = attrs.get("samesite")
    return Cookie(
        name=name.strip(),
        secure="secure" in attrs,
        httponly="httponly" in attrs,
        samesite=samesite.capitalize() if samesite else None,
        path=attrs.get("path"),
        domain=attrs.get("domain"),
        persistent="expires" in attrs or "max-age" in attrs,
    )


def parse_cookies(values: list[str]) -> list[Cookie]:
    return [cookie for cookie in map(parse_set_cookie, values) if cookie is not None]


# --- Version disclosure (catalog INF-12) -----------------------------------------------------------------------

# "Apache/2.4.29", "PHP/7.2.24", "nginx/1.18.0", "WordPress 6.4.2", "Microsoft-IIS/10.0": a product token
# followed by a number with at least one dot, or a slash and a digit.
_VERSION = re.compile(r"[A-Za-z][\w.-]*(?:/\s*\d|\s+\d+\.\d)")
_GENERATOR = re.compile(
    r"<meta\s+[^>]*name\s*=\s*[\"']?generator[\"']?[^>]*content\s*=\s*[\"']([^\"'>]*)"
    r"|<meta\s+[^>]*content\s*=\s*[\"']([^\"'>]*)[\"'][^>]*name\s*=\s*[\"']?generator",
    re.IGNORECASE,
)


def discloses_version(value: str | None) -> bool:
    return bool(value and _VERSION.search(value))


def meta_generator(html: str) -> str | None:
    match = _GENERATOR.search(html)
    if match is None:
        return None
    return (match.group(1) or match.group(2) or "").strip() or None


# --- CSP ------------------------------------------------------------------------------------------------------


def csp_directive(policy: str | None, directive: str) -> str | None:
    """The value of one directive of a Content-Security-Policy (CSP3 §2.2.1: first occurrence wins)."""
    if not policy:
        return None
    for part in policy.split(";"):
        tokens = part.strip().split(None, 1)
        if tokens and tokens[0].lower() == directive:
            return tokens[1].strip() if len(tokens) > 1 else ""
    return None


# --- security.txt (RFC 9116) -----------------------------------------------------------------------------------

_FIELD = re.compile(r"^([A-Za-z0-9-]+)\s*:\s*(.*?)\s*$")
_PGP_BEGIN = "-----BEGIN PGP SIGNED MESSAGE-----"
_PGP_SIGNATURE = "-----BEGIN PGP SIGNATURE-----"
MAX_EXPIRES_DAYS = 366  # §2.5.5: "recommended that the value of this field be less than a year into the future"


def _parse_datetime(text: str) -> datetime | None:
    """RFC 3339 date-time (§2.5.5 refers to Internet date/time format, RFC 3339 §5.6)."""
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def parse_security_txt(
    text: str, *, now: datetime, content_type: str | None = None
) -> tuple[dict[str, list[str]], list[str], bool, str | None, int | None]:
    """Fields (lower-case name -> values), problems, signed, Expires as written, days until Expires.

    Problems name what RFC 9116 requires: ``missing-contact`` (§2.5.3, at least one), ``missing-expires`` /
    ``multiple-expires`` / ``invalid-expires`` / ``expired`` (§2.5.5, exactly one, in the future),
    ``expires-too-far`` (recommendation), ``not-text-plain`` (§3: media type text/plain).
    """
    signed = text.lstrip().startswith(_PGP_BEGIN)
    body = text
    if signed:  # §2.3: the fields sit between the armor header block and the signature
        body = text.split(_PGP_SIGNATURE, 1)[0]
    fields: dict[str, list[str]] = {}
    for line in body.splitlines():
        if line.startswith("#") or line.startswith("-----") or line.lower().startswith("hash:"):
            continue
        match = _FIELD.match(line)
        if match:
            fields.setdefault(match.group(1).lower(), []).append(match.group(2))
    problems: list[str] = []
    if content_type is not None and not content_type.lower().startswith("text/plain"):
        problems.append("not-text-plain")
    if not fields.get("contact"):
        problems.append("missing-contact")
    expires_values = fields.get("expires", [])
    expires: str | None = expires_values[0] if expires_values else None
    days: int | None = None
    if not expires_values:
        problems.append("missing-expires")
    elif len(expires_values) > 1:
        problems.append("multiple-expires")
    if expires is not None:
        when = _parse_datetime(expires)
        if when is None:
            problems.append("invalid-expires")
        else:
            days = (when.astimezone(UTC) - now.astimezone(UTC)).days
            if when <= now:
                problems.append("expired")
            elif days > MAX_EXPIRES_DAYS:
                problems.append("expires-too-far")
    return fields, problems, signed, expires, days


# Problems that make a file invalid; "expires-too-far" is a recommendation only.
SECURITY_TXT_FATAL = frozenset(
    {"missing-contact", "missing-expires", "multiple-expires", "invalid-expires", "expired", "not-text-plain"}
)


# --- SPF (RFC 7208) and DMARC (RFC 7489) -----------------------------------------------------------------------


def txt_strings(rdata_text: str) -> str:
    """A TXT rdata in presentation format (``"v=spf1 " "mx -all"``) as one string (RFC 7208 §3.3: concatenated)."""
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', rdata_text)
    return "".join(parts) if parts else rdata_text


def spf_records(txts: list[str]) -> list[str]:
    """The TXT strings that are SPF records (RFC 7208 §4.5: version "v=spf1" followed by a space or the end)."""
    return [t for t in txts if t.lower() == "v=spf1" or t.lower().startswith("v=spf1 ")]


def spf_all(record: str | None) -> str | None:
    """The qualifier of the ``all`` mechanism: ``-all`` (fail), ``~all``, ``?all``, ``+all``; None without one."""
    if not record:
        return None
    for term in record.split()[1:]:
        qualifier, name = (term[0], term[1:]) if term[:1] in "+-~?" else ("+", term)
        if name.lower() == "all":
            return qualifier + "all"
    return None


def parse_dmarc(txts: list[str]) -> Dmarc | None:
    """The DMARC record among TXT strings at ``_dmarc.<domain>`` (RFC 7489 §6.3: must start with v=DMARC1)."""
    for text in txts:
        tags: dict[str, str] = {}
        for part in text.split(";"):
            key, eq, value = part.strip().partition("=")
            if eq:
                tags.setdefault(key.strip().lower(), value.strip())
        if tags.get("v", "").upper() != "DMARC1" or not text.strip().lower().startswith("v="):
            continue
        pct = tags.get("pct")
        return Dmarc(
            record=text,
            policy=tags.get("p", "").lower() or None,
            subdomain_policy=tags.get("sp", "").lower() or None,
            pct=int(pct) if pct and pct.isdigit() else None,
            rua=[u.strip() for u in tags.get("rua", "").split(",") if u.strip()],
        )
    return None
