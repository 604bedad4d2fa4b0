"""Issue 5, acceptance 1: every probe fact of every sample site equals what the testbed manifest says.

Expectations are derived from each site's manifest entry (quality profile, certificate plan, headers, cookies,
redirects, DNS zone), never written per site, so a change to the generator changes the expectations with it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from egov_crawl.probes import facts
from egov_crawl.testbed.process import TestbedHandle
from tests.fixtures.probed import Probed

SECURITY_HEADERS = {
    "Content-Security-Policy": "csp",
    "X-Content-Type-Options": "x_content_type_options",
    "X-Frame-Options": "x_frame_options",
    "Referrer-Policy": "referrer_policy",
    "Permissions-Policy": "permissions_policy",
}
EXPECTED_TLS_ERROR = {
    "valid": None,
    "expired": facts.tls_error(facts.TLS_EXPIRED),
    "self-signed": facts.tls_error(facts.TLS_SELF_SIGNED),
    "wrong-host": facts.tls_error(facts.TLS_HOSTNAME_MISMATCH),
    "none": facts.CONNECTION_REFUSED,
}


def _sites(testbed: TestbedHandle) -> list[dict[str, Any]]:
    return list(testbed.manifest["sites"])


def _host(site: dict[str, Any]) -> str:
    return str(site["hosts"][0])  # the homepage host (www.)


def _domain(site: dict[str, Any]) -> str:
    return str(site["dns"]["zone"]).rstrip(".")


def test_every_agency_has_every_kind_for_every_host(testbed: TestbedHandle, probed: Probed) -> None:
    for site in _sites(testbed):
        stored = set(probed.by_agency[site["slug"]])
        expected = {(_domain(site), k) for k in facts.DOMAIN_KINDS}
        expected |= {(h, k) for h in site["hosts"] for k in facts.HOST_KINDS}
        assert stored == expected, site["slug"]
    assert probed.summary.facts == len(probed.facts)


def test_certificates_equal_the_certificate_plan(testbed: TestbedHandle, probed: Probed) -> None:
    kinds_seen = set()
    for site in _sites(testbed):
        kind = site["quality"]["tls"]
        kinds_seen.add(kind)
        for host in site["hosts"]:
            tls = probed.fact(site["slug"], host, "tls")
            assert probed.error(site["slug"], host, "tls") == EXPECTED_TLS_ERROR[kind], (site["slug"], host)
            plan = site["tls"]
            if plan is None:
                assert tls["certificate"] is None and tls["protocols"]["TLSv1.2"] is None
                continue
            cert = tls["certificate"]
            assert cert["chain_valid"] == (kind in ("valid", "wrong-host")), site["slug"]
            assert cert["hostname_match"] == (host in plan["names"])
            assert cert["san"] == plan["names"]
            assert datetime.fromisoformat(cert["not_after"]) == datetime.fromisoformat(plan["not_after"])
            assert (cert["days_to_expiry"] < 0) == (kind == "expired")
            assert cert["self_signed"] == (plan["issuer"] == "self")
            assert (cert["issuer"].find(testbed.manifest["ca"]["organization"]) >= 0) == (plan["issuer"] != "self")
            assert cert["key_type"] and cert["key_bits"] and cert["signature_algorithm"]
            # The testbed listener is Python's default server context: TLS 1.2 and 1.3 only (ssl module docs).
            assert tls["protocols"]["TLSv1.2"] is True and tls["protocols"]["TLSv1.3"] is True
            for old in ("TLSv1", "TLSv1.1"):
                assert tls["protocols"][old] is False or old in tls["not_testable"]
            assert tls["h2"] is False  # aiohttp serves HTTP/1.1 only: no ALPN h2
    assert kinds_seen == set(EXPECTED_TLS_ERROR)


def test_https_deployment_follows_the_quality_profile(testbed: TestbedHandle, probed: Probed) -> None:
    for site in _sites(testbed):
        q = site["quality"]
        https = probed.fact(site["slug"], _domain(site), "https")
        has_tls = q["tls"] != "none"
        assert https["supports_https"] == has_tls, site["slug"]
        assert https["valid_https"] == (q["tls"] == "valid"), site["slug"]
        assert https["enforces_https"] == (has_tls and q["https_redirect"]), site["slug"]
        assert https["canonical_url"] == site["homepage"]
        # Every first hop the manifest lists for the endpoints is what the probe saw.
        endpoints = {e["url"]: e for e in https["endpoints"].values()}
        for redirect in site["redirects"]:
            if redirect["url"] in endpoints:
                hop = endpoints[redirect["url"]]["chain"][0]
                assert (hop["status"], hop["location"]) == (redirect["status"], redirect["location"]), redirect


def test_headers_cookies_and_banners_equal_the_manifest(testbed: TestbedHandle, probed: Probed) -> None:
    for site in _sites(testbed):
        q = site["quality"]
        http = probed.fact(site["slug"], _host(site), "http")
        assert http["status"] == 200 and http["final_url"] == site["homepage"]
        served = site["headers"]["https" if site["scheme"] == "https" else "http"]
        for header, key in SECURITY_HEADERS.items():
            assert http[key] == served.get(header), (site["slug"], header)
        hsts = http["hsts"]
        if served.get("Strict-Transport-Security") is None:
            assert hsts is None, site["slug"]
        else:
            assert hsts["max_age"] == q["hsts_max_age"], site["slug"]
            assert hsts["include_subdomains"] == hsts["preload"] == (q["hsts_max_age"] >= 31536000)
        cookie_names = [c.split("=", 1)[0] for c in site["cookies"]]
        assert [c["name"] for c in http["cookies"]] == cookie_names
        for cookie in http["cookies"]:
            assert cookie["httponly"] == q["secure_cookies"], site["slug"]
            assert cookie["secure"] == (q["secure_cookies"] and site["scheme"] == "https"), site["slug"]
        assert http["disclosure"]["version_disclosed"] == q["version_banner"], site["slug"]
        assert http["compression"] == "gzip"
        assert len(http["ttfb_ms"]) == 3


def test_availability_not_found_and_security_txt(testbed: TestbedHandle, probed: Probed) -> None:
    soft_404_seen = False
    for site in _sites(testbed):
        q = site["quality"]
        host = _host(site)
        availability = probed.fact(site["slug"], host, "availability")
        assert availability["ok_share"] == 1.0, site["slug"]
        not_found = probed.fact(site["slug"], host, "not_found")
        assert not_found["status"] == site["not_found_status"], site["slug"]
        assert not_found["soft_404"] == q["soft_404"], site["slug"]
        assert probed.error(site["slug"], host, "not_found") is None
        soft_404_seen |= q["soft_404"]
        security_txt = probed.fact(site["slug"], host, "security_txt")
        assert security_txt["found"] == q["security_txt"], site["slug"]
        # RFC 9116 §3: served over plain HTTP only, the file does not count.
        assert security_txt["valid"] == (q["security_txt"] and site["scheme"] == "https"), site["slug"]
        if site["security_txt"] is not None:
            fields = site["security_txt"]["fields"]
            assert security_txt["contact"] == [fields["Contact"]]
            assert security_txt["expires"] == fields["Expires"]
    assert soft_404_seen


def _answers(site: dict[str, Any], owner: str, rtype: str) -> list[str]:
    return list(site["dns"]["expected_answers"].get(f"{owner} {rtype}", []))


def test_dns_facts_equal_the_zone(testbed: TestbedHandle, probed: Probed) -> None:
    dnssec_seen = set()
    for site in _sites(testbed):
        zone = site["dns"]["zone"]
        dns = probed.fact(site["slug"], _domain(site), "dns")
        assert probed.error(site["slug"], _domain(site), "dns") is None
        assert dns["a"] == _answers(site, zone, "A") and dns["www_a"] == _answers(site, "www." + zone, "A")
        assert dns["aaaa"] == _answers(site, zone, "AAAA")
        assert dns["ipv6"] == bool(_answers(site, "www." + zone, "AAAA")) == site["quality"]["ipv6"]
        assert dns["mx"] == _answers(site, zone, "MX") and dns["caa"] == _answers(site, zone, "CAA")
        has_mail_auth = site["quality"]["spf_dmarc"]
        assert (dns["spf"] is not None) == (dns["dmarc"] is not None) == has_mail_auth, site["slug"]
        if has_mail_auth:
            assert dns["spf_all"] == "-all" and dns["dmarc"]["policy"] == "reject"
        state = site["dns"]["dnssec"]
        dnssec_seen.add(state)
        expected = {"signed": (True, True), "broken": (True, False), "none": (False, None)}[state]
        assert (dns["dnssec"]["signed"], dns["dnssec"]["validated"]) == expected, site["slug"]
        if state == "broken":
            assert dns["dnssec"]["reason"].startswith("rrsig-invalid")
    assert dnssec_seen == {"signed", "broken", "none"}


@pytest.mark.parametrize("kind", ["tls", "http", "availability", "not_found", "security_txt"])
def test_rows_carry_the_same_class_as_their_payload(probed: Probed, kind: str) -> None:
    for (agency, host, row_kind), (payload, error) in probed.facts.items():
        if row_kind == kind and not payload.get("timed_out"):
            assert payload["error_class"] == error, (agency, host)


def test_politeness_at_most_two_requests_in_flight_per_host(testbed: TestbedHandle, probed: Probed) -> None:
    """Counted by the server. Hosts whose hostile behaviour is a stall are left out: the server counts a handler
    until it notices the client has gone (the drip's next write), which can overlap the client's next request."""
    in_flight = testbed.max_in_flight()
    stalling = {h["host"] for h in testbed.manifest["hostile"] if h["expected_class"] == "timeout"}
    probed_hosts = {host for (_a, host, _k) in probed.facts} - stalling
    assert probed_hosts & set(in_flight)
    over = {h: in_flight[h] for h in probed_hosts if in_flight.get(h, 0) > 2}
    assert not over, over
