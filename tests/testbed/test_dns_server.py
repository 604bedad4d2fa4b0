"""The testbed's authoritative DNS server, queried with real UDP/TCP DNS messages on loopback."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import dns.dnssec
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.node
import dns.query
import dns.rcode
import dns.rdataset
import dns.rdatatype
import dns.rrset
import pytest

from egov_crawl.testbed.dns_server import DnsServer, RecordSpec, ZoneSpec, build_zone, expected_answers

RECORDS = (
    RecordSpec("@", "A", "192.0.2.7"),
    RecordSpec("www", "A", "192.0.2.7"),
    RecordSpec("www", "AAAA", "2001:db8::7"),
    RecordSpec("@", "MX", "10 mail.revenue.test."),
    RecordSpec("mail", "A", "192.0.2.107"),
    RecordSpec("@", "TXT", '"v=spf1 mx -all"'),
    RecordSpec("_dmarc", "TXT", '"v=DMARC1; p=reject; rua=mailto:dmarc@revenue.test"'),
    RecordSpec("@", "CAA", '0 issue "ca.test"'),
    RecordSpec("e-service", "CNAME", "www"),
)
PLAIN = ZoneSpec("revenue.test", RECORDS)
SIGNED = ZoneSpec(
    "signed.test.", tuple(RecordSpec(r.name, r.rtype, r.value.replace("revenue", "signed")) for r in RECORDS), "signed"
)
BROKEN = ZoneSpec("broken.test.", (RecordSpec("www", "A", "192.0.2.9"),), "broken")
# Twenty 250-byte strings: well over the 512-byte UDP limit of a query without EDNS.
BIG = ZoneSpec("big.test", tuple(RecordSpec("@", "TXT", f'"{i:02d}{"x" * 248}"') for i in range(20)))


@pytest.fixture(scope="module")
def server() -> Iterator[DnsServer]:
    with DnsServer([PLAIN, SIGNED, BROKEN, BIG]) as running:
        yield running


def ask(server: DnsServer, name: str, rtype: str, *, dnssec: bool = False, tcp: bool = False) -> dns.message.Message:
    query = dns.message.make_query(name, rtype, want_dnssec=dnssec)
    send = dns.query.tcp if tcp else dns.query.udp
    return send(query, server.host, port=server.port, timeout=3)


def answer_values(response: dns.message.Message, rtype: str) -> list[str]:
    wanted = dns.rdatatype.from_text(rtype)
    return sorted(rdata.to_text() for rrset in response.answer if rrset.rdtype == wanted for rdata in rrset)


def test_every_record_of_the_zone_is_answered_as_expected(server: DnsServer) -> None:
    expected = expected_answers(PLAIN)
    assert expected["revenue.test. MX"] == ["10 mail.revenue.test."]
    assert expected["_dmarc.revenue.test. TXT"] == ['"v=DMARC1; p=reject; rua=mailto:dmarc@revenue.test"']
    assert "revenue.test. SOA" in expected and expected["revenue.test. NS"] == ["ns1.revenue.test."]
    for key, values in expected.items():
        name, rtype = key.split()
        response = ask(server, name, rtype)
        assert response.rcode() == dns.rcode.NOERROR, key
        assert response.flags & dns.flags.AA, key
        assert answer_values(response, rtype) == values, key


def test_cname_is_followed_inside_the_zone(server: DnsServer) -> None:
    response = ask(server, "e-service.revenue.test", "A")
    assert answer_values(response, "CNAME") == ["www.revenue.test."]
    assert answer_values(response, "A") == ["192.0.2.7"]


def test_unknown_name_is_nxdomain_and_a_missing_type_is_nodata(server: DnsServer) -> None:
    missing = ask(server, "nosuch.revenue.test", "A")
    assert missing.rcode() == dns.rcode.NXDOMAIN
    assert missing.flags & dns.flags.AA
    assert [rrset.rdtype for rrset in missing.authority] == [dns.rdatatype.SOA]
    nodata = ask(server, "mail.revenue.test", "AAAA")
    assert nodata.rcode() == dns.rcode.NOERROR and not nodata.answer


def test_name_outside_every_zone_is_refused(server: DnsServer) -> None:
    response = ask(server, "www.example.com", "A")
    assert response.rcode() == dns.rcode.REFUSED
    assert not response.flags & dns.flags.AA
    assert not response.answer


def signed_rrset(server: DnsServer, name: str, rtype: str) -> tuple[dns.rrset.RRset, dns.rrset.RRset]:
    response = ask(server, name, rtype, dnssec=True)
    wanted = dns.rdatatype.from_text(rtype)
    rrset = next(r for r in response.answer if r.rdtype == wanted)
    rrsig = next(r for r in response.answer if r.rdtype == dns.rdatatype.RRSIG and r.covers == wanted)
    return rrset, rrsig


def zone_keys(server: DnsServer, origin: str) -> dict[dns.name.Name, dns.node.Node | dns.rdataset.Rdataset]:
    dnskey = next(r for r in ask(server, origin, "DNSKEY").answer if r.rdtype == dns.rdatatype.DNSKEY)
    return {dns.name.from_text(origin): dnskey}


def test_signed_zone_answer_validates_against_its_dnskey(server: DnsServer) -> None:
    keys = zone_keys(server, "signed.test.")
    assert [rdata.to_text() for rdata in keys[dns.name.from_text("signed.test.")]] == [
        server.trust_anchors()["signed.test."]
    ]
    rrset, rrsig = signed_rrset(server, "www.signed.test", "A")
    dns.dnssec.validate(rrset, rrsig, keys)  # raises ValidationFailure when the signature is wrong
    dnskey, dnskey_sig = signed_rrset(server, "signed.test", "DNSKEY")
    dns.dnssec.validate(dnskey, dnskey_sig, keys)


def test_rrsigs_are_sent_only_when_the_query_sets_do(server: DnsServer) -> None:
    plain = ask(server, "www.signed.test", "A")
    assert [rrset.rdtype for rrset in plain.answer] == [dns.rdatatype.A]
    unsigned_zone = ask(server, "www.revenue.test", "A", dnssec=True)
    assert [rrset.rdtype for rrset in unsigned_zone.answer] == [dns.rdatatype.A]


def test_signed_nxdomain_carries_nsec_proof(server: DnsServer) -> None:
    response = ask(server, "nosuch.signed.test", "A", dnssec=True)
    assert response.rcode() == dns.rcode.NXDOMAIN
    nsecs = [rrset for rrset in response.authority if rrset.rdtype == dns.rdatatype.NSEC]
    qname = dns.name.from_text("nosuch.signed.test")
    # RFC 4035 section 5.4: some NSEC's owner sorts before the name and its "next" after it.
    assert any(rrset.name < qname < rrset[0].next for rrset in nsecs)


def test_broken_zone_fails_validation(server: DnsServer) -> None:
    keys = zone_keys(server, "broken.test.")
    rrset, rrsig = signed_rrset(server, "www.broken.test", "A")
    with pytest.raises(dns.exception.ValidationFailure):
        dns.dnssec.validate(rrset, rrsig, keys)
    soa, soa_sig = signed_rrset(server, "broken.test", "SOA")
    dns.dnssec.validate(soa, soa_sig, keys)  # only the one RRSIG is corrupted


def test_tcp_answers_like_udp(server: DnsServer) -> None:
    over_tcp = ask(server, "revenue.test", "MX", tcp=True)
    assert answer_values(over_tcp, "MX") == ["10 mail.revenue.test."]
    assert over_tcp.flags & dns.flags.AA


def test_large_answer_is_truncated_over_udp_and_complete_over_tcp(server: DnsServer) -> None:
    over_udp = ask(server, "big.test", "TXT")
    assert over_udp.flags & dns.flags.TC
    over_tcp = ask(server, "big.test", "TXT", tcp=True)
    assert answer_values(over_tcp, "TXT") == expected_answers(BIG)["big.test. TXT"]
    assert len(answer_values(over_tcp, "TXT")) == 20


def test_malformed_packet_is_dropped_and_the_server_keeps_answering(server: DnsServer) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(0.3)
        sock.sendto(b"\x12\x34garbage", (server.host, server.port))
        with pytest.raises(TimeoutError):
            sock.recvfrom(4096)
    with socket.create_connection((server.host, server.port), timeout=3) as sock:
        sock.sendall(b"\x00\x05junk!")
        assert sock.recv(10) == b""  # the server closes the connection instead of answering
    assert answer_values(ask(server, "www.revenue.test", "A"), "A") == ["192.0.2.7"]


def test_zones_are_deterministic_and_only_signed_zones_have_anchors(server: DnsServer) -> None:
    assert build_zone(SIGNED).to_text() == build_zone(SIGNED).to_text()
    assert build_zone(SIGNED, key_seed=1).to_text() != build_zone(SIGNED).to_text()
    assert sorted(server.trust_anchors()) == ["broken.test.", "signed.test."]


def test_stopped_server_releases_its_port() -> None:
    server = DnsServer([PLAIN])
    server.start()
    port = server.port
    assert answer_values(ask(server, "www.revenue.test", "A"), "A") == ["192.0.2.7"]
    server.stop()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, pytest.raises(ConnectionRefusedError):
        sock.connect(("127.0.0.1", port))
