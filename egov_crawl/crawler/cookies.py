"""``Set-Cookie`` as the store keeps it: the cookie's name and attributes, never its value (audit L2).

Page facts are kept for years and exported; a session id in them is a credential handed to whoever reads the
store. What the checks judge is which attributes a cookie carries (Secure, HttpOnly, SameSite…), so the value
and the expiry date go; an attribute's presence, and the values that say something about scope or policy (Path,
Domain, SameSite), stay.
"""

from __future__ import annotations

# Attributes whose value is kept: where the cookie is sent and under which policy, never who the visitor is.
KEPT_VALUES = frozenset({"path", "domain", "samesite"})


def without_value(set_cookie: str) -> str:
    """``sid=abc; Path=/; Max-Age=60; Secure`` → ``sid=; Path=/; Max-Age; Secure``."""
    first, *attributes = set_cookie.split(";")
    name = first.split("=", 1)[0].strip()
    kept = [f"{name}="]
    for attribute in attributes:
        key, has_value, value = attribute.strip().partition("=")
        if not key:
            continue
        kept.append(f"{key}={value.strip()}" if has_value and key.lower() in KEPT_VALUES else key)
    return "; ".join(kept)
