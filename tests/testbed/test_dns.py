"""The served DNS zones answer what the manifest says; the signed zone validates, the broken one does not.

Acceptance 4 of issue 3, through the running testbed (real UDP messages to its DNS port, dnspython client).
"""

from __future__ import annotations

import dns.dnssec
import dns.message
import dns.name
import dns.query
import dns.rdatatype
import dns.rrset
import pytest

from egov_crawl.testbed.process import TestbedHandle


def ask(testbed: TestbedHandle, name: str, rtype: str, *, dnssec: bool = False) -> dns.message.Message:
    assert testbed.dns_port is not None
    query = dns.message.make_query(name, rtype, want_dnssec=dnssec)
    return dns.query.udp(query, "127.0.0.1", port=testbed.dns_port, timeout=5)


def test_every_zone_answers_exactly_the_manifest_records(testbed: TestbedHandle) -> None:
    for site in testbed.manifest["sites"]:
        expected = site["dns"]["expected_answers"]
        assert expected, site["slug"]
        for key, values in expected.items():
            owner, rtype = key.rsplit(" ", 1)
            response = ask(testbed, owner, rtype)
            rrset = response.find_rrset(
                response.answer, dns.name.from_text(owner), dns.rdataclass.IN, dns.rdatatype.from_text(rtype)
            )
            assert sorted(r.to_text() for r in rrset) == values, key
        if site["quality"]["ipv6"]:
            assert f"www.{site['dns']['zone']} AAAA" in expected


def _validate(testbed: TestbedHandle, zone: str, owner: str) -> None:
    origin = dns.name.from_text(zone)
    keys = ask(testbed, zone, "DNSKEY", dnssec=True)
    dnskey = keys.find_rrset(keys.answer, origin, dns.rdataclass.IN, dns.rdatatype.DNSKEY)
    answer = ask(testbed, owner, "A", dnssec=True)
    name = dns.name.from_text(owner)
    a = answer.find_rrset(answer.answer, name, dns.rdataclass.IN, dns.rdatatype.A)
    rrsig = answer.find_rrset(answer.answer, name, dns.rdataclass.IN, dns.rdatatype.RRSIG, dns.rdatatype.A)
    dns.dnssec.validate(a, rrsig, {origin: dnskey})


def test_signed_zone_validates_and_broken_zone_does_not(testbed: TestbedHandle) -> None:
    by_kind = {s["dns"]["dnssec"]: s for s in testbed.manifest["sites"]}
    signed, broken = by_kind["signed"], by_kind["broken"]
    _validate(testbed, signed["dns"]["zone"], "www." + signed["dns"]["zone"])
    with pytest.raises(dns.dnssec.ValidationFailure):
        _validate(testbed, broken["dns"]["zone"], "www." + broken["dns"]["zone"])
    assert signed["expected_indicators"]["INF-09"] == "PASS" and broken["expected_indicators"]["INF-09"] == "FAIL"
    anchors = testbed.state["dns_trust_anchors"]
    assert signed["dns"]["zone"] in anchors and broken["dns"]["zone"] in anchors


def test_mail_records_match_the_site_profile(testbed: TestbedHandle) -> None:
    for site in testbed.manifest["sites"]:
        zone = site["dns"]["zone"]
        txt = ask(testbed, zone, "TXT").answer
        dmarc = ask(testbed, "_dmarc." + zone, "TXT").answer
        has_spf = any("v=spf1" in r.to_text() for rrset in txt for r in rrset)
        has_dmarc = any("v=DMARC1" in r.to_text() for rrset in dmarc for r in rrset)
        assert has_spf == has_dmarc == site["quality"]["spf_dmarc"], site["slug"]
