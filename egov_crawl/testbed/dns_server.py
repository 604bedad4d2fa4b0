"""The testbed's authoritative DNS server: real DNS messages over UDP and TCP on loopback.

The infrastructure probes (IPv6, CAA, MX, SPF, DMARC, DNSSEC) query this server, so they are tested against
real wire-format answers rather than mocks. Zones are built with dnspython from ``ZoneSpec``s; "signed" zones
are signed with one ECDSAP256SHA256 key (RFC 6605) acting as a combined KSK/ZSK, "broken" zones are signed and
then have one RRSIG corrupted so a validating resolver must reject them (RFC 4035 section 5.3).

Keys are derived from (origin, key_seed) and signatures are deterministic (RFC 6979 ECDSA, fixed validity
window), so a zone built twice from the same spec is byte-identical.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import selectors
import socket
import struct
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Literal

import dns.dnssec
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.node
import dns.opcode
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdataset
import dns.rdatatype
import dns.rrset
import dns.zone
from cryptography.hazmat.primitives.asymmetric import ec
from dns.dnssectypes import Algorithm
from dns.rdtypes.ANY.DNSKEY import DNSKEY
from dns.rdtypes.dnskeybase import Flag

log = logging.getLogger(__name__)

IN = dns.rdataclass.IN
# RFC 4034 section 3.1.5: validity periods use serial-number arithmetic, so the window must stay under 68 years.
SIGNATURE_INCEPTION = datetime(2025, 1, 1, tzinfo=UTC)
SIGNATURE_EXPIRATION = datetime(2090, 1, 1, tzinfo=UTC)
# Order of the P-256 group (FIPS 186-4 D.1.2.3): a private scalar must lie in [1, n - 1].
_P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
# Types that exist only to carry DNSSEC; they are not part of a zone's published facts.
_DNSSEC_TYPES = frozenset({dns.rdatatype.RRSIG, dns.rdatatype.NSEC, dns.rdatatype.NSEC3, dns.rdatatype.DNSKEY})
_DNSSEC_ONLY_ANSWER = frozenset({dns.rdatatype.RRSIG, dns.rdatatype.NSEC, dns.rdatatype.NSEC3})


@dataclass(frozen=True)
class RecordSpec:
    name: str  # relative to the zone origin ("@", "www", "_dmarc") or absolute with trailing dot
    rtype: str  # "A", "AAAA", "MX", "TXT", "CAA", "CNAME", "NS" (any type dnspython knows is accepted)
    value: str  # presentation format, e.g. "10 mail.revenue.test.", '"v=spf1 -all"', '0 issue "ca.test"'
    ttl: int = 300


@dataclass(frozen=True)
class ZoneSpec:
    origin: str  # "revenue.test." (trailing dot optional on input)
    records: tuple[RecordSpec, ...]
    dnssec: Literal["none", "signed", "broken"] = "none"  # broken = signed, then one RRSIG corrupted


def _origin(spec: ZoneSpec) -> dns.name.Name:
    text = spec.origin if spec.origin.endswith(".") else spec.origin + "."
    return dns.name.from_text(text)


def _owner(record: RecordSpec, origin: dns.name.Name) -> dns.name.Name:
    name = origin if record.name in ("@", "") else dns.name.from_text(record.name, origin)
    if not name.is_subdomain(origin):
        raise ValueError(f"record {record.name!r} lies outside zone {origin}")
    return name


def _unsigned_zone(spec: ZoneSpec) -> dns.zone.Zone:
    """The spec's records plus a default SOA and apex NS when the spec has none (RFC 1035 section 5.2)."""
    origin = _origin(spec)
    zone = dns.zone.Zone(origin, relativize=False)
    with zone.writer() as txn:
        for record in spec.records:
            rdata = dns.rdata.from_text(IN, record.rtype, record.value, origin=origin, relativize=False)
            txn.add(_owner(record, origin), record.ttl, rdata)
        origin_text = origin.to_text()
        if txn.get(origin, dns.rdatatype.SOA) is None:
            soa = f"ns1.{origin_text} hostmaster.{origin_text} 1 7200 3600 1209600 300"
            txn.add(origin, 3600, dns.rdata.from_text(IN, "SOA", soa, origin=origin, relativize=False))
        if txn.get(origin, dns.rdatatype.NS) is None:
            txn.add(origin, 3600, dns.rdata.from_text(IN, "NS", f"ns1.{origin_text}", relativize=False))
    return zone


def signing_key(origin: str, key_seed: int = 0) -> tuple[ec.EllipticCurvePrivateKey, DNSKEY]:
    """The zone's deterministic P-256 key and its DNSKEY (flags 257: SEP, used as a combined KSK/ZSK)."""
    name = dns.name.from_text(origin if origin.endswith(".") else origin + ".")
    digest = hashlib.sha256(f"egov-crawl testbed DNSSEC {name.to_text().lower()} {key_seed}".encode()).digest()
    private_key = ec.derive_private_key(int.from_bytes(digest, "big") % (_P256_ORDER - 1) + 1, ec.SECP256R1())
    dnskey = dns.dnssec.make_dnskey(private_key.public_key(), Algorithm.ECDSAP256SHA256, Flag.ZONE | Flag.SEP)
    return private_key, dnskey


def _corrupt_one_signature(zone: dns.zone.Zone) -> None:
    """Flip the last byte of one RRSIG (www's A when present) so that signature no longer verifies."""
    origin = zone.origin
    assert origin is not None
    candidates = [
        (dns.name.from_text("www", origin), dns.rdatatype.A),
        (origin, dns.rdatatype.A),
        (origin, dns.rdatatype.SOA),
    ]
    with zone.writer() as txn:
        for name, covered in candidates:
            node = txn.get_node(name)
            rrsigs = node.get_rdataset(IN, dns.rdatatype.RRSIG, covered) if node is not None else None
            if not rrsigs:
                continue
            broken = dns.rdataset.Rdataset(IN, dns.rdatatype.RRSIG, covered, rrsigs.ttl)
            for rrsig in rrsigs:
                signature = bytes(rrsig.signature[:-1]) + bytes([rrsig.signature[-1] ^ 0xFF])
                broken.add(rrsig.replace(signature=signature))
            txn.replace(name, broken)
            return


def build_zone(spec: ZoneSpec, key_seed: int = 0) -> dns.zone.Zone:
    """The zone the server answers from: records, SOA/NS, and for signed/broken zones DNSKEY, RRSIG and NSEC."""
    zone = _unsigned_zone(spec)
    if spec.dnssec == "none":
        return zone
    private_key, dnskey = signing_key(spec.origin, key_seed)
    dns.dnssec.sign_zone(
        zone,
        keys=[(private_key, dnskey)],
        inception=SIGNATURE_INCEPTION,
        expiration=SIGNATURE_EXPIRATION,
        deterministic=True,
    )
    if spec.dnssec == "broken":
        _corrupt_one_signature(zone)
    return zone


def expected_answers(spec: ZoneSpec) -> dict[str, list[str]]:
    """``"owner. TYPE"`` -> sorted rdata texts (absolute names) the server answers, DNSSEC machinery excluded.

    Covers the spec's records plus the SOA/NS that ``build_zone`` adds; DNSKEY/RRSIG/NSEC are left out because
    the spec's ``dnssec`` field already states the zone's DNSSEC status.
    """
    zone = _unsigned_zone(spec)
    answers: dict[str, list[str]] = {}
    for name, node in zone.nodes.items():
        for rdataset in node.rdatasets:
            if rdataset.rdtype in _DNSSEC_TYPES:
                continue
            key = f"{name.to_text()} {dns.rdatatype.to_text(rdataset.rdtype)}"
            answers[key] = sorted(rdata.to_text(relativize=False) for rdata in rdataset)
    return dict(sorted(answers.items()))


def _rrset(owner: dns.name.Name, rdataset: dns.rdataset.Rdataset) -> dns.rrset.RRset:
    rrset = dns.rrset.RRset(owner, rdataset.rdclass, rdataset.rdtype, rdataset.covers)
    for rdata in rdataset:
        rrset.add(rdata, rdataset.ttl)
    return rrset


class _Responder:
    """Builds the authoritative answer to one query from the zones (RFC 1034 section 4.3.2, simplified:
    no delegations below the apex, no wildcards)."""

    def __init__(self, zones: Sequence[dns.zone.Zone]) -> None:
        self.zones: dict[dns.name.Name, dns.zone.Zone] = {}
        for zone in zones:
            assert zone.origin is not None
            self.zones[zone.origin] = zone

    def zone_for(self, qname: dns.name.Name) -> dns.zone.Zone | None:
        name = qname
        while True:
            zone = self.zones.get(name)
            if zone is not None or name == dns.name.root:
                return zone
            name = name.parent()

    def respond(self, query: dns.message.Message) -> dns.message.Message:
        response = dns.message.make_response(query)
        response.flags &= ~dns.flags.RA  # authoritative only, no recursion (RFC 1035 section 4.1.1)
        dnssec_ok = query.ednsflags & dns.flags.DO != 0
        if dnssec_ok:
            response.want_dnssec(True)  # RFC 3225 section 3: the DO bit is copied into the response
        if query.opcode() != dns.opcode.QUERY:
            response.set_rcode(dns.rcode.NOTIMP)
            return response
        if len(query.question) != 1:
            response.set_rcode(dns.rcode.FORMERR)
            return response
        question = query.question[0]
        zone = self.zone_for(question.name) if question.rdclass == IN else None
        if zone is None:
            response.set_rcode(dns.rcode.REFUSED)
            return response
        response.flags |= dns.flags.AA
        self._answer(zone, question.name, question.rdtype, dnssec_ok, response)
        return response

    def _answer(
        self,
        zone: dns.zone.Zone,
        qname: dns.name.Name,
        qtype: dns.rdatatype.RdataType,
        dnssec_ok: bool,
        response: dns.message.Message,
    ) -> None:
        name = qname
        for _ in range(8):  # CNAME chain limit inside one zone
            node = zone.get_node(name)
            if node is None:
                nxdomain = not self._is_empty_non_terminal(zone, name)
                if nxdomain:
                    response.set_rcode(dns.rcode.NXDOMAIN)
                self._add_negative(zone, name, nxdomain, dnssec_ok, response)
                return
            if qtype in (dns.rdatatype.ANY, dns.rdatatype.RRSIG):
                found = [
                    rdataset
                    for rdataset in node.rdatasets
                    if (qtype == dns.rdatatype.ANY and (dnssec_ok or rdataset.rdtype not in _DNSSEC_ONLY_ANSWER))
                    or rdataset.rdtype == qtype
                ]
                for rdataset in found:
                    response.answer.append(_rrset(name, rdataset))
                if not found:
                    self._add_negative(zone, name, False, dnssec_ok, response)
                return
            rdataset = node.get_rdataset(IN, qtype)
            if rdataset:
                self._add_signed(response.answer, name, node, rdataset, dnssec_ok)
                return
            cname = node.get_rdataset(IN, dns.rdatatype.CNAME)
            if not cname:
                self._add_negative(zone, name, False, dnssec_ok, response)
                return
            self._add_signed(response.answer, name, node, cname, dnssec_ok)
            name = next(iter(cname)).target
            if self.zone_for(name) is not zone:
                return  # the target lies outside this zone: the client follows it (RFC 1034 section 3.6.2)

    @staticmethod
    def _add_signed(
        section: list[dns.rrset.RRset],
        owner: dns.name.Name,
        node: dns.node.Node,
        rdataset: dns.rdataset.Rdataset,
        dnssec_ok: bool,
    ) -> None:
        section.append(_rrset(owner, rdataset))
        if dnssec_ok:  # RFC 4035 section 3.1.1: RRSIGs accompany the RRset when DO is set
            rrsigs = node.get_rdataset(IN, dns.rdatatype.RRSIG, rdataset.rdtype)
            if rrsigs:
                section.append(_rrset(owner, rrsigs))

    @staticmethod
    def _is_empty_non_terminal(zone: dns.zone.Zone, name: dns.name.Name) -> bool:
        return any(owner != name and owner.is_subdomain(name) for owner in zone.nodes)

    def _add_negative(
        self,
        zone: dns.zone.Zone,
        name: dns.name.Name,
        nxdomain: bool,
        dnssec_ok: bool,
        response: dns.message.Message,
    ) -> None:
        """SOA in the authority section for negative caching (RFC 2308 section 3), and with DO the NSEC
        records proving the name or type does not exist (RFC 4035 section 3.1.3)."""
        origin = zone.origin
        assert origin is not None
        apex = zone.get_node(origin)
        soa = zone.get_rdataset(origin, dns.rdatatype.SOA)
        if apex is None or soa is None:
            return
        negative_soa = dns.rdataset.Rdataset(IN, dns.rdatatype.SOA)
        for rdata in soa:
            negative_soa.add(rdata, soa.ttl)
        negative_soa.update_ttl(next(iter(soa)).minimum)
        self._add_signed(response.authority, origin, apex, negative_soa, dnssec_ok)
        if not dnssec_ok:
            return
        proofs = [self._covering_nsec_owner(zone, name)]
        if nxdomain:  # also deny the wildcard at the closest encloser (RFC 4035 section 3.1.3.2)
            encloser = name.parent()
            while zone.get_node(encloser) is None and encloser != origin:
                encloser = encloser.parent()
            proofs.append(self._covering_nsec_owner(zone, dns.name.Name((b"*", *encloser.labels))))
        for owner in dict.fromkeys(proofs):
            node = zone.get_node(owner)
            nsec = node.get_rdataset(IN, dns.rdatatype.NSEC) if node is not None else None
            if node is not None and nsec:
                self._add_signed(response.authority, owner, node, nsec, True)

    @staticmethod
    def _covering_nsec_owner(zone: dns.zone.Zone, name: dns.name.Name) -> dns.name.Name:
        """The NSEC owner equal to the name or the closest one before it in canonical order (RFC 4034 6.1)."""
        owners = sorted(owner for owner, node in zone.nodes.items() if node.get_rdataset(IN, dns.rdatatype.NSEC))
        best = owners[0] if owners else name
        for owner in owners:
            if owner <= name:
                best = owner
        return best


def _udp_limit(query: dns.message.Message) -> int:
    # RFC 1035 section 4.2.1: 512 bytes without EDNS; RFC 6891 section 6.2.5: otherwise the advertised size.
    return max(512, min(query.payload, 65535)) if query.edns >= 0 else 512


class DnsServer:
    """Authoritative DNS over UDP and TCP on one loopback port, served from a background thread."""

    def __init__(self, zones: Sequence[ZoneSpec], host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self._specs = tuple(zones)
        self._responder = _Responder([build_zone(spec) for spec in self._specs])
        self._family = socket.AF_INET6 if ipaddress.ip_address(host).version == 6 else socket.AF_INET
        self._udp: socket.socket | None = None
        self._tcp: socket.socket | None = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def trust_anchors(self) -> dict[str, str]:
        """Zone origin -> its DNSKEY in presentation format, for the signed and broken zones."""
        anchors: dict[str, str] = {}
        for origin, zone in self._responder.zones.items():
            dnskeys = zone.get_rdataset(origin, dns.rdatatype.DNSKEY)
            if dnskeys:
                anchors[origin.to_text()] = next(iter(dnskeys)).to_text()
        return anchors

    def respond(self, query: dns.message.Message) -> dns.message.Message:
        """The answer to one query, without the network (the same code path the sockets use)."""
        return self._responder.respond(query)

    def start(self) -> None:
        if self._thread is not None:
            return
        self._bind()
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, name=f"testbed-dns-{self.port}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        for sock in (self._udp, self._tcp):
            if sock is not None:
                sock.close()
        self._udp = self._tcp = None

    def __enter__(self) -> DnsServer:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _bind(self) -> None:
        """UDP and TCP on the same port; with port 0 retry until a free UDP port is also free for TCP."""
        last_error: OSError | None = None
        for _ in range(20):
            udp = socket.socket(self._family, socket.SOCK_DGRAM)
            tcp = socket.socket(self._family, socket.SOCK_STREAM)
            try:
                udp.bind((self.host, self.port))
                port = udp.getsockname()[1]
                tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                tcp.bind((self.host, port))
                tcp.listen(64)
            except OSError as error:
                udp.close()
                tcp.close()
                last_error = error
                if self.port != 0:
                    raise
                continue
            self._udp, self._tcp, self.port = udp, tcp, port
            return
        raise OSError(f"no free port for DNS on {self.host}") from last_error

    def _serve(self) -> None:
        assert self._udp is not None and self._tcp is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self._udp, selectors.EVENT_READ)
            selector.register(self._tcp, selectors.EVENT_READ)
            while not self._stopping.is_set():
                for key, _ in selector.select(timeout=0.1):
                    try:
                        if key.fileobj is self._udp:
                            self._serve_udp(self._udp)
                        else:
                            connection, _address = self._tcp.accept()
                            threading.Thread(target=self._serve_tcp, args=(connection,), daemon=True).start()
                    except Exception:  # one bad packet or client must never stop the server
                        log.debug("DNS request failed", exc_info=True)

    def _serve_udp(self, udp: socket.socket) -> None:
        wire, address = udp.recvfrom(65535)
        query, response = self._parse_and_answer(wire)
        if query is None or response is None:
            return  # malformed: dropped (RFC 1035 gives no way to answer an unparseable message reliably)
        # prefer_truncation keeps whole RRsets only and sets TC (RFC 2181 section 9); the client retries over TCP.
        udp.sendto(response.to_wire(max_size=_udp_limit(query), prefer_truncation=True), address)

    def _serve_tcp(self, connection: socket.socket) -> None:
        # RFC 7766 section 8: each message is preceded by a two-byte length; a connection may carry several.
        with connection:
            connection.settimeout(5)
            try:
                while not self._stopping.is_set():
                    header = _read_exactly(connection, 2)
                    if header is None:
                        return
                    wire = _read_exactly(connection, struct.unpack("!H", header)[0])
                    if wire is None:
                        return
                    _query, response = self._parse_and_answer(wire)
                    if response is None:
                        return
                    connection.sendall(response.to_wire(max_size=65535, prepend_length=True, prefer_truncation=True))
            except (OSError, dns.exception.DNSException):
                log.debug("DNS TCP connection failed", exc_info=True)

    def _parse_and_answer(self, wire: bytes) -> tuple[dns.message.Message | None, dns.message.Message | None]:
        try:
            query = dns.message.from_wire(wire)
        except Exception:
            return None, None
        if query.flags & dns.flags.QR:
            return None, None  # a response, not a query: never answer it (avoids reflection loops)
        return query, self._responder.respond(query)


def _read_exactly(connection: socket.socket, size: int) -> bytes | None:
    data = bytearray()
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)
