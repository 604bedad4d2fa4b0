"""Who we say we are, to every site: one User-Agent and one robots.txt product token for the crawler, the probes
and the browser.

A site operator who sees our requests in a log must be able to tell who sent them and how to reach the operator
(RFC 9110 §10.1.5; Scrapy's "Avoiding getting banned": identify yourself), whichever collector sent them, and a
``User-agent: egov-crawl`` group in robots.txt must apply to all of them (RFC 9309 §2.2.1).
"""

from __future__ import annotations

from egov_crawl import __version__

# The product token robots.txt groups are matched against.
ROBOTS_AGENT = "egov-crawl"
# No made-up address: until the operator sets EGOV_CRAWL_CONTACT / --contact, the User-Agent says so plainly.
DEFAULT_CONTACT = "operator contact not configured"


def user_agent(contact_url: str | None = None) -> str:
    """The User-Agent of every request, with the operator's contact URL when one is configured."""
    contact = f"+{contact_url}" if contact_url else DEFAULT_CONTACT
    return f"egov-crawl/{__version__} ({contact}; government website readiness survey)"
