"""TLS facts of one host: protocol versions accepted, the certificate, ALPN — Python ``ssl`` and ``cryptography``.

One handshake per protocol version with ``minimum_version == maximum_version`` (the way testssl.sh and sslyze
enumerate versions, minus cipher suites). The local OpenSSL decides what can be *offered*: Debian builds refuse
TLS 1.0/1.1 at the default security level, so the version-pinned contexts lower it to ``@SECLEVEL=0`` — on
these probing contexts only, never on a context that fetches content. A version OpenSSL still cannot offer
is reported in ``not_testable`` with the reason, never as "refused by the server".
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
import warnings
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.x509.oid import ExtensionOID, NameOID

from egov_crawl.netguard import is_public_address, mapped_target_allowed
from egov_crawl.probes import facts
from egov_crawl.probes.errors import BlockedAddressError, ConnectTimeout, HandshakeFailed, classify, verify_reason
from egov_crawl.probes.net import Fetcher, ProbeConfig, client_context

PROTOCOLS: dict[str, ssl.TLSVersion] = {
    "TLSv1": ssl.TLSVersion.TLSv1,
    "TLSv1.1": ssl.TLSVersion.TLSv1_1,
    "TLSv1.2": ssl.TLSVersion.TLSv1_2,
    "TLSv1.3": ssl.TLSVersion.TLSv1_3,
}
ALPN = ["h2", "http/1.1"]


def pinned_context(version: ssl.TLSVersion) -> ssl.SSLContext:
    """A non-verifying context offering exactly ``version``."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    if version < ssl.TLSVersion.TLSv1_2:
        # Debian's OpenSSL 3 (SECLEVEL=2) offers no TLS 1.0/1.1 cipher suites; level 0 on this probing context
        # only, so that the question asked is "does the *server* accept it" (nothing here is ever trusted).
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
    with warnings.catch_warnings():  # pinning TLS 1.0/1.1 is deprecated in Python; probing for them is the point
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = version
        context.maximum_version = version
    return context


def local_support() -> dict[str, str]:
    """Versions the local OpenSSL cannot offer, with the reason (checked by writing a ClientHello to memory)."""
    missing: dict[str, str] = {}
    for name, version in PROTOCOLS.items():
        flag = {"TLSv1": ssl.HAS_TLSv1, "TLSv1.1": ssl.HAS_TLSv1_1, "TLSv1.2": ssl.HAS_TLSv1_2}.get(
            name, ssl.HAS_TLSv1_3
        )
        if not flag:
            missing[name] = f"{ssl.OPENSSL_VERSION} was built without {name}"
            continue
        try:
            context = pinned_context(version)
            tls = context.wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(), server_hostname="probe.invalid")
            tls.do_handshake()
        except ssl.SSLWantReadError:
            continue  # the ClientHello was written: the version can be offered
        except (ssl.SSLError, ValueError) as exc:
            missing[name] = f"{ssl.OPENSSL_VERSION} cannot offer {name}: {exc}"
    return missing


_LOCAL_SUPPORT: dict[str, str] | None = None


def not_testable() -> dict[str, str]:
    global _LOCAL_SUPPORT
    if _LOCAL_SUPPORT is None:
        _LOCAL_SUPPORT = local_support()
    return dict(_LOCAL_SUPPORT)


async def connect_address(config: ProbeConfig, host: str, port: int) -> tuple[str, int]:
    """Where a TCP connection to ``host:port`` goes: the host map, else public DNS answers only."""
    if config.hostmap is not None:
        target = config.hostmap.resolve(host, port)
        if target is None:
            raise socket.gaierror(socket.EAI_NONAME, f"{host} is not in the host map")
        if not mapped_target_allowed(config.hostmap, target):
            raise BlockedAddressError(f"{host} is mapped to non-public {target.ip} (allow_private_networks is off)")
        return target.ip, target.port
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    public = [info[4][0] for info in infos if is_public_address(str(info[4][0]))]
    if not public:
        raise BlockedAddressError(f"{host} resolves only to non-public addresses")
    return str(public[0]), port


async def open_tcp(config: ProbeConfig, host: str, port: int) -> socket.socket:
    """A connected, non-blocking socket to where ``host:port`` goes; ``ConnectTimeout`` after connect_timeout."""
    ip, target_port = await connect_address(config, host, port)
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setblocking(False)
    try:
        async with asyncio.timeout(config.connect_timeout):
            await asyncio.get_running_loop().sock_connect(sock, (ip, target_port))
    except TimeoutError as exc:
        sock.close()
        raise ConnectTimeout(f"connect to {host}:{port} timed out") from exc
    except BaseException:
        sock.close()
        raise
    return sock


async def handshake(
    config: ProbeConfig, host: str, port: int, context: ssl.SSLContext
) -> tuple[str | None, str | None, str | None, bytes | None]:
    """One TLS handshake: (protocol, cipher, ALPN, leaf DER). Raises on failure."""
    sock = await open_tcp(config, host, port)
    try:
        _reader, writer = await asyncio.open_connection(
            sock=sock, ssl=context, server_hostname=host, ssl_handshake_timeout=config.request_timeout
        )
    except (ssl.SSLError, TimeoutError):
        sock.close()
        raise
    except (OSError, EOFError) as exc:
        # Many servers (asyncio's, some load balancers) drop the connection instead of sending a TLS alert.
        sock.close()
        raise HandshakeFailed(f"{host}:{port}: connection closed during the TLS handshake") from exc
    except BaseException:
        sock.close()
        raise
    try:
        tls = writer.get_extra_info("ssl_object")
        assert isinstance(tls, ssl.SSLObject)
        cipher = tls.cipher()
        return tls.version(), cipher[0] if cipher else None, tls.selected_alpn_protocol(), tls.getpeercert(True)
    finally:
        writer.close()
        with contextlib.suppress(OSError, TimeoutError, ssl.SSLError):
            await asyncio.wait_for(writer.wait_closed(), timeout=1)


def _key(cert: x509.Certificate) -> tuple[str, int | None, str | None]:
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return "RSA", key.key_size, None
    if isinstance(key, ec.EllipticCurvePublicKey):
        return "EC", key.curve.key_size, key.curve.name
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519", 256, None
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448", 456, None
    if isinstance(key, dsa.DSAPublicKey):
        return "DSA", key.key_size, None
    return type(key).__name__, None, None


def _san(cert: x509.Certificate) -> list[str]:
    try:
        extension = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
    except x509.ExtensionNotFound:
        return []
    names = extension.value
    assert isinstance(names, x509.SubjectAlternativeName)
    return [str(name) for name in names.get_values_for_type(x509.DNSName)]


def hostname_matches(host: str, names: list[str]) -> bool:
    """RFC 6125 §6.4: exact match, or a wildcard in the left-most label covering exactly one label."""
    host = host.lower().rstrip(".")
    for name in (n.lower().rstrip(".") for n in names):
        if name == host:
            return True
        if name.startswith("*.") and "." in host and host.split(".", 1)[1] == name[2:]:
            return True
    return False


def _self_signed(cert: x509.Certificate) -> bool:
    if cert.issuer != cert.subject:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except Exception:  # any failure means "not verifiably self-signed"
        return False
    return True


def describe_certificate(
    der: bytes, host: str, *, chain_valid: bool, verify_error: str | None, now: datetime
) -> facts.Certificate:
    cert = x509.load_der_x509_certificate(der)
    key_type, key_bits, curve = _key(cert)
    san = _san(cert)
    names = san or [
        a.value for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME) if isinstance(a.value, str)
    ]
    not_after = cert.not_valid_after_utc
    oid = cert.signature_algorithm_oid
    return facts.Certificate(
        chain_valid=chain_valid,
        verify_error=verify_error,
        hostname_match=hostname_matches(host, names),
        not_before=cert.not_valid_before_utc.isoformat(),
        not_after=not_after.isoformat(),
        days_to_expiry=(not_after - now).days,
        key_type=key_type,
        key_bits=key_bits,
        curve=curve,
        signature_algorithm=getattr(oid, "_name", None) or oid.dotted_string,
        issuer=cert.issuer.rfc4514_string(),
        subject=cert.subject.rfc4514_string(),
        san=san,
        self_signed=_self_signed(cert),
        serial=format(cert.serial_number, "x"),
        sha256=cert.fingerprint(hashes.SHA256()).hex(),
    )


def _verifying_context(ca_file: Path | None) -> ssl.SSLContext:
    """Chain verification only: the host name is compared separately, so both failures are reported."""
    context = client_context(ca_file, verify=True)
    context.check_hostname = False
    context.set_alpn_protocols(ALPN)
    return context


async def probe_tls(fetcher: Fetcher, host: str, port: int = 443, *, now: datetime | None = None) -> facts.TlsFact:
    config = fetcher.config
    now = now or datetime.now(UTC)
    missing = not_testable()
    fact = facts.TlsFact(
        host=host,
        port=port,
        protocols=dict.fromkeys(PROTOCOLS, None),
        not_testable=missing,
        negotiated_protocol=None,
        cipher=None,
        alpn=None,
        h2=None,
        certificate=None,
        error_class=None,
    )
    chain_valid, verify_error, der = True, None, None
    async with fetcher.slot(host):
        try:
            version, cipher, alpn, der = await handshake(config, host, port, _verifying_context(config.ca_file))
        except ssl.SSLCertVerificationError as exc:
            chain_valid, verify_error = False, verify_reason(exc)
            unverified = client_context(None, verify=False)
            unverified.set_alpn_protocols(ALPN)
            try:
                version, cipher, alpn, der = await handshake(config, host, port, unverified)
            except Exception as again:
                fact["error_class"] = classify(again)
                return fact
        except Exception as exc:  # refused, timeout, no TLS: the class is the fact
            fact["error_class"] = classify(exc)
            return fact
    fact["negotiated_protocol"], fact["cipher"], fact["alpn"], fact["h2"] = version, cipher, alpn, alpn == "h2"
    if der is not None:
        certificate = describe_certificate(der, host, chain_valid=chain_valid, verify_error=verify_error, now=now)
        fact["certificate"] = certificate
        if not chain_valid:
            fact["error_class"] = facts.tls_error(verify_error or "verify-failed")
        elif not certificate["hostname_match"]:
            fact["error_class"] = facts.tls_error(facts.TLS_HOSTNAME_MISMATCH)
    for name, version_enum in PROTOCOLS.items():
        if name in missing:
            continue
        async with fetcher.slot(host):
            try:
                await handshake(config, host, port, pinned_context(version_enum))
                fact["protocols"][name] = True
            except (ssl.SSLError, HandshakeFailed):
                fact["protocols"][name] = False  # the server refused the version (alert, or closed the connection)
            except (OSError, TimeoutError):
                fact["protocols"][name] = None  # the host stopped answering: not observed
    return fact
