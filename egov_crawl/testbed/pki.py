"""The testbed's certificates: a local CA (trustme) and, per host, a valid, expired, self-signed or wrong-host leaf.

``cert_plan`` says what each site's certificate is meant to be (pure, also used by the manifest); ``TestbedPKI``
issues them, writes ``ca.pem`` and per-host PEM files into the state directory, and builds one
``ssl.SSLContext`` per host. A single HTTPS listener serves every host: its ``sni_callback`` swaps in the
context of the server name the client asked for (RFC 6066 §3).

trustme certificates carry a critical subjectAltName with a non-empty subject, which strict RFC 5280
verifiers (cryptography's) reject; OpenSSL, Python ``ssl``, Chromium and Twisted accept them.
"""

from __future__ import annotations

import datetime as dt
import ssl
from dataclasses import dataclass
from pathlib import Path

import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from egov_crawl.testbed.model import TlsKind

CA_ORGANIZATION = "egov-crawl testbed"
VALID_FROM = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
VALID_UNTIL = dt.datetime(2036, 1, 1, tzinfo=dt.UTC)
EXPIRED_FROM = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
EXPIRED_UNTIL = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
WRONG_HOST_NAMES = ("www.shared-hosting.test", "shared-hosting.test")
DEFAULT_HOST = "default.testbed.test"  # served to clients that send no (or an unknown) server name


@dataclass(frozen=True)
class CertPlan:
    kind: TlsKind
    names: tuple[str, ...]  # subjectAltName DNS names
    issuer: str  # "testbed-ca" or "self"
    not_before: dt.datetime
    not_after: dt.datetime

    @property
    def verifies(self) -> bool:
        """Whether a client trusting only the testbed CA accepts it for the site's own host names."""
        return self.kind == "valid"

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "names": list(self.names),
            "issuer": self.issuer,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "verifies_with_testbed_ca": self.verifies,
        }


def cert_plan(kind: TlsKind, hosts: tuple[str, ...]) -> CertPlan | None:
    if kind == "none":
        return None
    if kind == "expired":
        return CertPlan(kind, hosts, "testbed-ca", EXPIRED_FROM, EXPIRED_UNTIL)
    if kind == "self-signed":
        return CertPlan(kind, hosts, "self", VALID_FROM, VALID_UNTIL)
    if kind == "wrong-host":
        return CertPlan(kind, WRONG_HOST_NAMES, "testbed-ca", VALID_FROM, VALID_UNTIL)
    return CertPlan(kind, hosts, "testbed-ca", VALID_FROM, VALID_UNTIL)


def _self_signed(plan: CertPlan) -> tuple[bytes, bytes]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, plan.names[0])])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(plan.not_before)
        .not_valid_after(plan.not_after)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in plan.names]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.PEM), key_pem


class TestbedPKI:
    """A fresh CA per state directory (keys are never reused across runs) and the per-host server contexts."""

    __test__ = False  # not a pytest test class despite the name

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.ca = trustme.CA(organization_name=CA_ORGANIZATION)
        self.ca_pem = directory / "ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_pem))
        self.contexts: dict[str, ssl.SSLContext] = {}
        self._issued: dict[str, ssl.SSLContext] = {}
        self.default_context = self._context_for(cert_plan("valid", (DEFAULT_HOST,)))  # type: ignore[arg-type]

    def _context_for(self, plan: CertPlan) -> ssl.SSLContext:
        stem = f"{plan.names[0]}-{plan.kind}"
        cert_path, key_path = self.directory / f"{stem}.pem", self.directory / f"{stem}.key"
        cached = self._issued.get(stem)
        if cached is not None:
            return cached
        # Always issued afresh: files left in a reused state directory belong to an earlier run's CA.
        if plan.issuer == "self":
            cert_pem, key_pem = _self_signed(plan)
            cert_path.write_bytes(cert_pem)
            key_path.write_bytes(key_pem)
        else:
            leaf = self.ca.issue_cert(*plan.names, not_before=plan.not_before, not_after=plan.not_after)
            cert_path.write_bytes(b"".join(blob.bytes() for blob in leaf.cert_chain_pems))
            leaf.private_key_pem.write_to_path(str(key_path))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert_path, key_path)
        self._issued[stem] = context
        return context

    def add(self, plan: CertPlan, hosts: tuple[str, ...]) -> None:
        """Serve ``plan``'s certificate to clients asking for any of ``hosts`` (the names the site answers on)."""
        context = self._context_for(plan)
        for host in hosts:
            self.contexts[host] = context

    def server_context(self) -> ssl.SSLContext:
        """The listener's context: picks the per-host context from the SNI server name."""
        listener = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        default = self.directory / f"{DEFAULT_HOST}-valid"
        listener.load_cert_chain(default.with_name(default.name + ".pem"), default.with_name(default.name + ".key"))

        def choose(sock: ssl.SSLObject, server_name: str | None, _: ssl.SSLContext) -> None:
            chosen = self.contexts.get((server_name or "").lower())
            if chosen is not None:
                sock.context = chosen

        listener.sni_callback = choose
        return listener
