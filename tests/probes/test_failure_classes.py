"""Probe failure classes stay in the shared vocabulary (audit L3: ``invalidurlclienterror`` for numeric hosts).

A loopback site redirects to hosts a browser reads as numbers (``2130706433`` is 127.0.0.1 to Chromium) and to
URLs no client can request. The probes must call the first ``blocked_address`` (the address guard refuses
them, as it refuses ``127.0.0.1``) and the others ``invalid_url``, and every class the probes can emit must be
one of ``egov_crawl.failures`` so that scoring reads it as NOT_OBSERVED.
"""

from __future__ import annotations

import ast
import asyncio
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from egov_crawl import failures
from egov_crawl.hostmap import HostMap, Target
from egov_crawl.probes import facts
from egov_crawl.probes.net import Fetcher, ProbeConfig
from tests.fixtures.http_server import serving

SITE = "www.redirects.test"
TARGETS = {
    "/decimal": ("http://2130706433/", failures.BLOCKED_ADDRESS),
    "/short": ("http://127.1/admin", failures.BLOCKED_ADDRESS),
    "/hex": ("http://0x7f.0.0.1/", failures.BLOCKED_ADDRESS),
    "/octal": ("http://0177.0.0.1/", failures.BLOCKED_ADDRESS),
    "/zero": ("http://0/", failures.BLOCKED_ADDRESS),
    "/too-big": ("http://999999999999/", failures.INVALID_URL),
    "/five-parts": ("http://1.2.3.4.5/", failures.INVALID_URL),
    "/bad-port": (f"http://{SITE}:99999/", failures.INVALID_URL),
    "/ftp": ("ftp://files.test/", failures.UNSUPPORTED_SCHEME),
}


class _Redirects(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        target = TARGETS.get(self.path)
        self.send_response(302 if target else 404)
        if target:
            self.send_header("Location", target[0])
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    with serving(_Redirects) as port:
        yield port


def test_redirects_to_numeric_and_malformed_hosts_get_shared_classes(port: int) -> None:
    hostmap = HostMap({(SITE, 80): Target("127.0.0.1", port)}, allow_private_networks=True)

    async def fetch_all() -> dict[str, Any]:
        async with Fetcher(ProbeConfig(hostmap=hostmap, connect_timeout=2, request_timeout=5)) as fetcher:
            return {path: await fetcher.fetch(f"http://{SITE}{path}") for path in TARGETS}

    results = asyncio.run(fetch_all())
    got = {path: result.error_class for path, result in results.items()}
    assert got == {path: expected for path, (_, expected) in TARGETS.items()}
    for result in results.values():
        assert [hop["status"] for hop in result.chain] == [302]  # the redirect itself is recorded


def _classes_named_in_probes() -> set[str]:
    """Every ``facts.X`` / ``failures.X`` string constant the probes' code names, except the fact kinds."""
    names: set[str] = set()
    for source in Path(facts.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            named = isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            if named and node.value.id in ("facts", "failures") and node.attr.isupper():  # type: ignore[attr-defined]
                names.add(node.attr)  # type: ignore[attr-defined]
    values = {getattr(failures, name, None) or getattr(facts, name) for name in names if not name.startswith("KIND")}
    reasons = {failures.TLS_EXPIRED, failures.TLS_HANDSHAKE, failures.TLS_HOSTNAME_MISMATCH}
    return {v for v in values if isinstance(v, str) and v not in reasons}


def test_every_class_the_probes_can_emit_is_known() -> None:
    from egov_crawl.probes.errors import classify

    emitted = _classes_named_in_probes()
    # Whatever an unexpected exception is, classify answers with the vocabulary, not the exception's type name.
    emitted |= {classify(exc) for exc in (RuntimeError("?"), KeyError("x"), ValueError("port"), UnicodeError("idna"))}
    assert {failures.BLOCKED_ADDRESS, failures.INVALID_URL, failures.ERROR} <= emitted
    unknown = sorted(c for c in emitted if not failures.is_known(c) and c not in failures.PREFIXED_CLASSES)
    assert unknown == []
