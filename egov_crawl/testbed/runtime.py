"""Start the whole testbed in-process: web server (HTTP + HTTPS), DNS server, CA, host map, manifest, registry.

``start_testbed`` runs the aiohttp server on its own event loop in a background thread (the caller keeps its
thread: the CLI waits for Ctrl-C, a test keeps testing) and writes everything a parent process needs into the
state directory, last of all ``testbed.json`` (atomically), so a process that sees the state file sees a
ready testbed.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from egov_crawl.hostmap import HostMap, Target
from egov_crawl.testbed import dnszones
from egov_crawl.testbed.generator import DEFAULT_SEED, TRACKER_HOST, generate
from egov_crawl.testbed.hostile import HOSTILE_SITES
from egov_crawl.testbed.manifest import build_manifest
from egov_crawl.testbed.model import Testbed
from egov_crawl.testbed.pki import TestbedPKI, cert_plan
from egov_crawl.testbed.registry import write_registry
from egov_crawl.testbed.server import CONTROL_HOST, TestbedApp

LOOPBACK = "127.0.0.1"
STATE_FILE = "testbed.json"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def hostile_sites() -> tuple[Any, ...]:
    return tuple(HOSTILE_SITES)


def build_hostmap(
    testbed: Testbed, http_port: int, https_port: int, closed_port: int, hostile: tuple[Any, ...]
) -> HostMap:
    """Every testbed host → the two listeners; port 443 of a host without HTTPS goes nowhere (refused)."""
    http, https = Target(LOOPBACK, http_port), Target(LOOPBACK, https_port)
    entries: dict[tuple[str, int], Target] = {}
    for site in testbed.sites:
        for host in site.hosts:
            entries[(host, 80)] = http
            if site.quality.tls != "none":
                entries[(host, 443)] = https
    for host in (TRACKER_HOST,):
        entries[(host, 80)] = http
        entries[(host, 443)] = https
    entries[(CONTROL_HOST, 80)] = http
    for h in hostile:
        entries[(h.host, 80)] = http
        if h.https:
            entries[(h.host, 443)] = https
    # Loopback listeners: the testbed allows private networks explicitly (the SSRF guard, egov_crawl/netguard.py).
    return HostMap(entries=entries, strict=True, closed_port=closed_port, allow_private_networks=True)


def _reserve_closed_port() -> socket.socket:
    """A bound, never-listening TCP socket: connections to its port are refused (RST), and no other process
    can take the port while the testbed runs."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((LOOPBACK, 0))
    return sock


@dataclass
class RunningTestbed:
    state_dir: Path
    testbed: Testbed
    hostmap: HostMap
    ca_pem: Path
    manifest_path: Path
    registry_path: Path
    hostmap_path: Path
    state_path: Path
    http_port: int
    https_port: int
    dns_port: int | None
    closed_port: int
    _loop: asyncio.AbstractEventLoop = field(repr=False)
    _thread: threading.Thread = field(repr=False)
    _runner: web.AppRunner = field(repr=False)
    _closed_socket: socket.socket = field(repr=False)
    _dns: Any = field(default=None, repr=False)

    def state(self) -> dict[str, Any]:
        return {
            "pid": os.getpid(),
            "seed": self.testbed.seed,
            "http_port": self.http_port,
            "https_port": self.https_port,
            "dns_port": self.dns_port,
            "closed_port": self.closed_port,
            "ca_pem": str(self.ca_pem),
            "manifest_path": str(self.manifest_path),
            "registry_path": str(self.registry_path),
            "hostmap_path": str(self.hostmap_path),
            "hostmap": self.hostmap.to_json(),
            "dns_trust_anchors": _trust_anchors(self._dns),
            "sites": [site.homepage for site in self.testbed.sites],
        }

    def stop(self) -> None:
        if self._dns is not None:
            self._dns.stop()
            self._dns = None
        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(timeout=10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
        self._closed_socket.close()
        self.state_path.unlink(missing_ok=True)


def _trust_anchors(dns_server: Any) -> Any:
    """The DNS server's DNSKEYs of its signed zones (to validate against), as it reports them (JSON-able)."""
    anchors = getattr(dns_server, "trust_anchors", None)
    if anchors is None:
        return None
    value = anchors()
    if isinstance(value, dict):
        return {
            str(k): [str(v) for v in (vs if isinstance(vs, list | tuple | set) else [vs])] for k, vs in value.items()
        }
    return [str(v) for v in value]


def _start_dns(testbed: Testbed) -> Any:
    module = dnszones.dns_module()
    if module is None or not hasattr(module, "DnsServer"):
        print("warning: egov_crawl.testbed.dns_server is not available: serving without DNS", file=sys.stderr)
        return None
    server = module.DnsServer(dnszones.zone_specs(testbed), LOOPBACK, port=0)
    server.start()
    return server


def start_testbed(
    state_dir: Path,
    *,
    seed: int = DEFAULT_SEED,
    include_hostile: bool = True,
    http_port: int = 0,
    https_port: int = 0,
    with_dns: bool = True,
    latency_ms: float = 0.0,
) -> RunningTestbed:
    state_dir.mkdir(parents=True, exist_ok=True)
    state_path = state_dir / STATE_FILE
    state_path.unlink(missing_ok=True)
    testbed = generate(seed)
    hostile = hostile_sites() if include_hostile else ()

    pki = TestbedPKI(state_dir / "pki")
    for site in testbed.sites:
        plan = cert_plan(site.quality.tls, site.hosts)
        if plan is not None:
            pki.add(plan, site.hosts)
    for host in (TRACKER_HOST, *(h.host for h in hostile if h.https)):
        pki.add(cert_plan("valid", (host,)), (host,))  # type: ignore[arg-type]

    app = TestbedApp(testbed, {h.host: h.handler for h in hostile}, latency_ms=latency_ms)
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app.application(), access_log=None, handle_signals=False)
    ready = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        ready.set()
        loop.run_forever()
        loop.close()

    thread = threading.Thread(target=run, name="testbed-server", daemon=True)
    thread.start()
    ready.wait()

    def shut_down() -> None:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)

    try:
        listening = listen(runner, pki, http_port, https_port)
        bound_http, bound_https = asyncio.run_coroutine_threadsafe(listening, loop).result(timeout=30)
    except BaseException:
        shut_down()
        raise
    closed = _reserve_closed_port()
    dns = None
    try:
        closed_port = closed.getsockname()[1]
        hostmap = build_hostmap(testbed, bound_http, bound_https, closed_port, hostile)
        dns = _start_dns(testbed) if with_dns else None

        manifest_path = state_dir / "manifest.json"
        manifest = build_manifest(testbed, hostmap, include_hostile=include_hostile)
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        hostmap_path = state_dir / "hostmap.json"
        hostmap.save(hostmap_path)
        registry_path = write_registry(testbed, state_dir / "registry.yaml", include_hostile=include_hostile)

        running = RunningTestbed(
            state_dir=state_dir,
            testbed=testbed,
            hostmap=hostmap,
            ca_pem=pki.ca_pem,
            manifest_path=manifest_path,
            registry_path=registry_path,
            hostmap_path=hostmap_path,
            state_path=state_path,
            http_port=bound_http,
            https_port=bound_https,
            dns_port=dns.port if dns is not None else None,
            closed_port=closed_port,
            _loop=loop,
            _thread=thread,
            _runner=runner,
            _closed_socket=closed,
            _dns=dns,
        )
    except BaseException:
        if dns is not None:
            dns.stop()
        closed.close()
        shut_down()
        raise
    temporary = state_path.with_suffix(".tmp")
    temporary.write_text(json.dumps(running.state(), indent=1), encoding="utf-8")
    temporary.replace(state_path)  # atomic: readers never see a half-written state file
    return running


async def listen(runner: web.AppRunner, pki: TestbedPKI, http_port: int, https_port: int) -> tuple[int, int]:
    """Serve ``runner``'s app over HTTP and HTTPS (the PKI's SNI context) on loopback; the ports bound (0: any)."""
    await runner.setup()
    http_site = web.TCPSite(runner, LOOPBACK, http_port, backlog=1024)
    https_site = web.TCPSite(runner, LOOPBACK, https_port, ssl_context=pki.server_context(), backlog=1024)
    await http_site.start()
    await https_site.start()
    return _bound_port(http_site), _bound_port(https_site)


def _bound_port(site: web.TCPSite) -> int:
    server = site._server  # aiohttp keeps the asyncio Server here; port 0 means "pick one", so ask it
    assert server is not None and isinstance(server, asyncio.Server)
    return int(server.sockets[0].getsockname()[1])
