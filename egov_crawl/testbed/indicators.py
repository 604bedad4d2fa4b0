"""The indicator outcomes each testbed site is designed to produce (by indicator id).

Derived from the site's quality profile, never typed per site, so a new fault site gets its expectations for
free. Only indicators the testbed deliberately exercises are listed; later issues add more. Values are the
outcome names (PASS, PARTIAL, FAIL, NOT_APPLICABLE); PARTIAL comes with its score.

Conventions a check author must know:
- The JavaScript-only site (nso) is described as a browser sees it; a static collector sees empty shells,
  and only INF-33 records that difference.
- INF-02 (official .go.th domain) is not listed: every testbed host is under .test by design (RFC 6761).
- Gates (an indicator scores 0 when its gate fails): INF-05/06 fail when INF-03 fails; open-data items
  fail without datasets.
"""

from __future__ import annotations

from egov_crawl.testbed.model import Site

Outcome = tuple[str, float]  # (outcome, score in 0..1)


def _graded(score: float) -> Outcome:
    if score >= 1:
        return ("PASS", 1.0)
    if score <= 0:
        return ("FAIL", 0.0)
    return ("PARTIAL", round(score, 3))


def _binary(ok: bool) -> Outcome:
    return ("PASS", 1.0) if ok else ("FAIL", 0.0)


def broken_link_share(site: Site) -> float:
    """Share of the site's distinct internal link targets that answer 4xx/5xx (INF-29 counts targets)."""
    targets = {link.href: link.broken for page in site.pages for link in site.links_of(page) if not link.external}
    return sum(targets.values()) / len(targets) if targets else 0.0


def expected_outcomes(site: Site) -> dict[str, Outcome]:
    q = site.quality
    https_ok = q.tls == "valid"
    licences_open = sum(1 for d in site.datasets if d.license_id in ("cc-by", "cc-by-sa", "cc-zero", "odc-by"))
    out: dict[str, Outcome] = {
        "INF-01": _binary(True),
        "INF-03": _binary(https_ok),
        "INF-04": _binary(q.tls != "none" and q.https_redirect),
        "INF-05": _binary(False)
        if not https_ok or q.hsts_max_age is None
        else _graded(1.0 if q.hsts_max_age >= 31536000 else 0.5),
        "INF-06": _graded(q.security_headers / 5 if https_ok else 0),
        "INF-07": _graded(
            (int(q.secure_cookies and q.tls != "none") + int(q.consent_banner) + int(not q.trackers_before_consent)) / 3
        ),
        # RFC 9116 §3: security.txt MUST be served over HTTPS, so a site without HTTPS has no valid one.
        "INF-08": _binary(q.security_txt and q.tls != "none"),
        "INF-09": _binary(q.dnssec == "signed"),
        "INF-10": _graded(0.5 if q.ipv6 else 0),  # AAAA published; documentation addresses never answer HTTP
        "INF-11": _binary(q.spf_dmarc),
        "INF-12": _binary(not q.version_banner),
        "INF-13": ("NOT_APPLICABLE", 0.0) if q.tls == "none" else _binary(not q.mixed_content),
        "INF-14": _binary(q.responsive),
        "INF-17": _binary(q.accessibility_statement),
        "INF-18": _binary(q.display_aids),
        "INF-19": _binary(True),
        "INF-23": _graded((int(q.robots_txt) + int(q.sitemap) + int(q.sitemap)) / 3),
        "INF-25": _graded(1.0 if q.search_works else 0.5),
        "INF-26": _graded(1.0 if q.structured_data else 0.8),  # home: title, description, canonical, OG (+ JSON-LD)
        "INF-27": _binary(not q.soft_404),
        "INF-29": _graded(1 - broken_link_share(site)),
        "INF-30": _binary(q.fresh_news),
        "INF-31": _binary(not q.trackers_before_consent),
        "INF-33": _binary(not q.js_only),
        "INF-35": _binary(True),
        "OPN-01": _binary(True),
        "OPN-02": _graded(1.0 if q.executives_with_contact else 0.5),
        "OPN-03": _binary(True),
        "OPN-07": _binary(True),
        "OPN-09": _binary(q.fresh_news),
        "OPN-12": _binary(q.privacy_policy),
        "OPN-13": _binary(q.website_policies),
        "OPN-14": _binary(True),
        "OPN-15": _binary(q.open_data),
        "OPN-16": _binary(q.open_data),
        "OPN-17": _binary(q.open_data),
        "OPN-18": _graded(licences_open / len(site.datasets) if site.datasets else 0),
        "OPN-21": _binary(q.open_data),
        "SRV-01": _binary(True),
        "SRV-02": _graded(1.0 if q.online_forms else 0.5),
        "SRV-03": _binary(q.faq),
        "SRV-06": _graded(sum(1 for e in site.eservices if e.works) / max(1, len(site.eservices))),
        "SRV-11": _graded(0.0 if not q.online_forms else 1 / 3),  # forms page: 1 online form of 3 form links
        # Every site's OIT page links its Facebook page as item O9 (content.OIT_ITEMS), social_links or not.
        "SRV-15": _binary(True),
        "SRV-16": _binary(q.english),
    }
    return out


def expected_indicators(site: Site) -> dict[str, str]:
    return {k: v[0] for k, v in sorted(expected_outcomes(site).items())}


def expected_scores(site: Site) -> dict[str, float]:
    return {k: v[1] for k, v in sorted(expected_outcomes(site).items()) if v[0] == "PARTIAL"}
