"""DNS facts of one domain with dnspython: A/AAAA (IPv6), CAA, MX, SPF, DMARC and DNSSEC.

Queries go to one configured nameserver (``ip:port``: the testbed's authoritative server in tests, a chosen
resolver in production) or, without one, to the first nameserver of the system configuration. Every query
sets DO (RFC 3225) so RRSIGs come back, and AD (RFC 6840 §5.7) so a validating resolver reports its verdict.

DNSSEC is judged in this order:
1. a trust anchor (DNSKEY) for the zone was given: the chain is validated here with ``dns.dnssec.validate``
   (DNSKEY RRset self-signed by the anchor key, then every answer RRset we asked for; RFC 4035 §5);
2. otherwise the AD flag of the resolver (meaningful only if that resolver validates and the path to it is
   trusted, RFC 4035 §4.6): AD set → validated; SERVFAIL that goes away with CD → bogus;
3. otherwise ``validated`` is None and ``reason`` says why.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import dns.asyncquery
import dns.dnssec
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.node
import dns.rcode
import dns.rdataclass
import dns.rdataset
import dns.rdatatype
import dns.resolver
import dns.rrset

from egov_crawl.errors import UserError
from egov_crawl.probes import facts
from egov_crawl.probes.parsers import parse_dmarc, spf_all, spf_records, txt_strings

IN = dns.rdataclass.IN
QUERY_TIMEOUT = 3.0
TrustAnchors = Mapping[str, Sequence[str] | str]


@dataclass(frozen=True)
class Nameserver:
    ip: str
    port: int = 53

    def __str__(self) -> str:
        return f"[{self.ip}]:{self.port}" if ":" in self.ip else f"{self.ip}:{self.port}"


def parse_nameserver(value: str) -> Nameserver:
    """``IP``, ``IP:PORT`` or ``[IPv6]:PORT``; raises UserError with the expected form."""
    text = value.strip()
    host, port_text = text, "53"
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port_text = rest.lstrip(":") or "53"
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    try:
        ipaddress.ip_address(host)
        port = int(port_text)
        if not 0 < port < 65536:
            raise ValueError(port)
    except ValueError:
        raise UserError(
            f"--dns-server {value!r}: expected an IP address with an optional port, e.g. 127.0.0.1:5353 or [::1]:53"
        ) from None
    return Nameserver(host, port)


def system_nameserver() -> Nameserver | None:
    try:
        servers = dns.resolver.Resolver().nameservers
    except dns.exception.DNSException:
        return None
    return Nameserver(str(servers[0])) if servers else None


def anchor_rrset(origin: dns.name.Name, anchors: TrustAnchors | None) -> dns.rrset.RRset | None:
    """The trust-anchor DNSKEYs given for ``origin`` (keys in presentation format, e.g. the testbed's state)."""
    if not anchors:
        return None
    for name, keys in anchors.items():
        if dns.name.from_text(name if name.endswith(".") else name + ".") == origin:
            texts = [keys] if isinstance(keys, str) else list(keys)
            return dns.rrset.from_text_list(origin, 3600, IN, dns.rdatatype.DNSKEY, texts)
    return None


class _Client:
    def __init__(self, nameserver: Nameserver) -> None:
        self.nameserver = nameserver

    async def query(
        self, name: dns.name.Name, rdtype: dns.rdatatype.RdataType, *, cd: bool = False
    ) -> dns.message.Message:
        query = dns.message.make_query(name, rdtype, want_dnssec=True)
        query.flags |= dns.flags.AD | (dns.flags.CD if cd else 0)
        last: Exception | None = None
        for _attempt in range(2):  # one retry: UDP loses packets (RFC 1035 §4.2.1)
            try:
                response, _tcp = await dns.asyncquery.udp_with_fallback(
                    query, self.nameserver.ip, timeout=QUERY_TIMEOUT, port=self.nameserver.port
                )
                return response
            except (dns.exception.Timeout, OSError) as exc:
                last = exc
        assert last is not None
        raise last


def _rrset(
    response: dns.message.Message, name: dns.name.Name, rdtype: dns.rdatatype.RdataType
) -> dns.rrset.RRset | None:
    try:
        return response.find_rrset(response.answer, name, IN, rdtype)
    except KeyError:
        return None


def _rrsig(response: dns.message.Message, name: dns.name.Name, covers: int) -> dns.rrset.RRset | None:
    try:
        return response.find_rrset(response.answer, name, IN, dns.rdatatype.RRSIG, dns.rdatatype.RdataType(covers))
    except KeyError:
        return None


def _rdataset(rrset: dns.rrset.RRset) -> dns.node.Node | dns.rdataset.Rdataset:
    return rrset  # an RRset is an Rdataset with an owner name; dnspython's key map takes either


def _texts(rrset: dns.rrset.RRset | None) -> list[str]:
    return sorted(r.to_text() for r in rrset) if rrset is not None else []


def _error(response: dns.message.Message) -> str | None:
    rcode = response.rcode()
    return None if rcode == dns.rcode.NOERROR else dns.rcode.to_text(rcode).lower()


async def probe_dns(
    domain: str, *, nameserver: Nameserver | None, trust_anchors: TrustAnchors | None = None
) -> facts.DnsFact:
    server = nameserver or system_nameserver()
    origin = dns.name.from_text(domain.rstrip(".") + ".")
    www = dns.name.from_text("www", origin)
    dmarc_name = dns.name.from_text("_dmarc", origin)
    fact = facts.DnsFact(
        domain=domain,
        nameserver=str(nameserver) if nameserver else None,
        a=[],
        aaaa=[],
        www_a=[],
        www_aaaa=[],
        ipv6=False,
        caa=[],
        mx=[],
        spf=None,
        spf_all=None,
        spf_records=0,
        dmarc=None,
        dnssec=facts.Dnssec(signed=None, validated=None, method=None, reason=None),
        errors={},
        error_class=None,
    )
    if server is None:
        fact["error_class"] = facts.DNS_ERROR
        fact["errors"]["resolver"] = "no nameserver configured"
        return fact
    client = _Client(server)
    questions = {
        "@ SOA": (origin, dns.rdatatype.SOA),
        "@ A": (origin, dns.rdatatype.A),
        "@ AAAA": (origin, dns.rdatatype.AAAA),
        "www A": (www, dns.rdatatype.A),
        "www AAAA": (www, dns.rdatatype.AAAA),
        "@ CAA": (origin, dns.rdatatype.CAA),
        "@ MX": (origin, dns.rdatatype.MX),
        "@ TXT": (origin, dns.rdatatype.TXT),
        "_dmarc TXT": (dmarc_name, dns.rdatatype.TXT),
        "@ DNSKEY": (origin, dns.rdatatype.DNSKEY),
    }
    results = await asyncio.gather(*(client.query(n, t) for n, t in questions.values()), return_exceptions=True)
    responses: dict[str, dns.message.Message] = {}
    for key, result in zip(questions, results, strict=True):
        if isinstance(result, BaseException):
            fact["errors"][key] = "timeout" if isinstance(result, dns.exception.Timeout) else type(result).__name__
        else:
            responses[key] = result
            if (error := _error(result)) is not None:
                fact["errors"][key] = error

    def answer(key: str) -> dns.rrset.RRset | None:
        response = responses.get(key)
        if response is None:
            return None
        name, rdtype = questions[key]
        return _rrset(response, name, rdtype)

    fact["a"], fact["aaaa"] = _texts(answer("@ A")), _texts(answer("@ AAAA"))
    fact["www_a"], fact["www_aaaa"] = _texts(answer("www A")), _texts(answer("www AAAA"))
    fact["ipv6"] = bool(fact["aaaa"] or fact["www_aaaa"])
    fact["caa"], fact["mx"] = _texts(answer("@ CAA")), _texts(answer("@ MX"))
    spf = spf_records([txt_strings(t) for t in _texts(answer("@ TXT"))])
    fact["spf_records"] = len(spf)
    fact["spf"] = spf[0] if len(spf) == 1 else None  # RFC 7208 §4.5: more than one record is a permerror
    fact["spf_all"] = spf_all(fact["spf"])
    fact["dmarc"] = parse_dmarc([txt_strings(t) for t in _texts(answer("_dmarc TXT"))])
    soa_failed = "@ SOA" not in responses or fact["errors"].get("@ SOA") in ("nxdomain", "refused", "servfail")
    if soa_failed and not (fact["a"] or fact["www_a"]):
        fact["error_class"] = facts.DNS_ERROR  # the domain does not resolve at all
    fact["dnssec"] = await _dnssec(client, origin, questions, responses, anchor_rrset(origin, trust_anchors))
    return fact


async def _dnssec(
    client: _Client,
    origin: dns.name.Name,
    questions: Mapping[str, tuple[dns.name.Name, dns.rdatatype.RdataType]],
    responses: Mapping[str, dns.message.Message],
    anchor: dns.rrset.RRset | None,
) -> facts.Dnssec:
    dnskey_response = responses.get("@ DNSKEY")
    soa_response = responses.get("@ SOA")
    if dnskey_response is None and soa_response is None:
        return facts.Dnssec(signed=None, validated=None, method=None, reason="no-answer")
    dnskeys = _rrset(dnskey_response, origin, dns.rdatatype.DNSKEY) if dnskey_response is not None else None
    signed = (
        dnskeys is not None
        and dnskey_response is not None
        and (_rrsig(dnskey_response, origin, dns.rdatatype.DNSKEY) is not None)
    )
    if anchor is not None:
        validated, reason = _validate(origin, questions, responses, dnskeys, anchor)
        return facts.Dnssec(signed=signed, validated=validated, method="trust-anchor", reason=reason)
    if soa_response is not None and soa_response.flags & dns.flags.AD:
        return facts.Dnssec(signed=signed, validated=True, method="ad-flag", reason=None)
    if soa_response is not None and soa_response.rcode() == dns.rcode.SERVFAIL:
        try:
            retry = await client.query(origin, dns.rdatatype.SOA, cd=True)
        except (dns.exception.DNSException, OSError):
            retry = None
        if retry is not None and retry.rcode() == dns.rcode.NOERROR:  # fine without checking: the resolver says bogus
            return facts.Dnssec(signed=True, validated=False, method="ad-flag", reason="resolver-servfail-bogus")
    if not signed:
        return facts.Dnssec(signed=False, validated=None, method=None, reason="not-signed")
    return facts.Dnssec(signed=True, validated=None, method=None, reason="no-trust-anchor-and-no-ad-flag")


def _validate(
    origin: dns.name.Name,
    questions: Mapping[str, tuple[dns.name.Name, dns.rdatatype.RdataType]],
    responses: Mapping[str, dns.message.Message],
    dnskeys: dns.rrset.RRset | None,
    anchor: dns.rrset.RRset,
) -> tuple[bool, str | None]:
    """Validate the zone's answers from the trust anchor down (RFC 4035 §5): (validated, reason when not)."""
    dnskey_response = responses.get("@ DNSKEY")
    if dnskeys is None or dnskey_response is None:
        return False, "dnskey-missing"  # an anchor exists, so an unsigned answer is bogus (RFC 4035 §5.5)
    if not any(key in dnskeys for key in anchor):
        return False, "dnskey-does-not-match-trust-anchor"
    signature = _rrsig(dnskey_response, origin, dns.rdatatype.DNSKEY)
    try:
        if signature is None:
            return False, "rrsig-missing: DNSKEY"
        dns.dnssec.validate(dnskeys, signature, {origin: _rdataset(anchor)})
    except dns.exception.ValidationFailure:
        return False, "rrsig-invalid: DNSKEY"
    keys = {origin: _rdataset(dnskeys)}
    checked = 0
    for key, (name, rdtype) in questions.items():
        response = responses.get(key)
        if rdtype == dns.rdatatype.DNSKEY or response is None:
            continue
        rrset = _rrset(response, name, rdtype)
        if rrset is None:
            continue  # NODATA/NXDOMAIN: denial of existence (NSEC) is not validated here
        rrsig = _rrsig(response, name, rdtype)
        label = f"{name.to_text()} {dns.rdatatype.to_text(rdtype)}"
        if rrsig is None:
            return False, f"rrsig-missing: {label}"
        try:
            dns.dnssec.validate(rrset, rrsig, keys)
        except dns.exception.ValidationFailure:
            return False, f"rrsig-invalid: {label}"
        checked += 1
    return (True, None) if checked else (False, "no-signed-answers")
