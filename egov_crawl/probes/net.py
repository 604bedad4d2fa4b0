"""The probes' HTTP client: aiohttp through a ``HostMap`` (or real DNS), redirects followed by hand, hard limits.

Redirects are followed one hop at a time so that every hop is recorded (pshtt's chains), loops and endless
chains are told apart, and a hop to a non-public address is refused before connecting (SSRF guard, as in the
crawler's resolver). Politeness: at most ``per_host`` requests in flight per host name, across all probes.

Certificates: a request is first made with verification (system store plus ``ca_file``). When the certificate
does not verify, the failure is remembered for that host and the request is repeated without verification,
so the probes still observe headers and redirects (facts first); the TLS failure travels with the result.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from egov_crawl import failures
from egov_crawl.hostmap import HostMap
from egov_crawl.identity import user_agent
from egov_crawl.netguard import is_public_address, mapped_target_allowed, refusal
from egov_crawl.probes import facts
from egov_crawl.probes.errors import BlockedAddressError, InvalidUrl, ProbeLimitError, classify, is_blocked
from egov_crawl.probes.numeric_host import numeric_ipv4

USER_AGENT = user_agent()  # the crawler's, with the operator's contact when ``probe`` is given one
DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class ProbeConfig:
    """Limits and politeness shared by every probe of one run."""

    hostmap: HostMap | None = None
    ca_file: Path | None = None
    connect_timeout: float = 5.0
    request_timeout: float = 10.0  # one request, headers and body
    host_timeout: float = 60.0  # every probe of one host together
    max_body: int = 5 * 2**20  # bytes of (decoded) body read; more is too_large / decompression_bomb
    max_redirects: int = 10  # pshtt and browsers stop around 10-20 hops
    per_host: int = 2  # requests in flight per host name
    samples: int = 3  # availability / time-to-first-byte samples
    sample_interval: float = 0.25  # seconds between two samples of the same host
    user_agent: str = USER_AGENT


class HostMapResolver(AbstractResolver):
    """aiohttp resolver answering from a ``HostMap``: the URL, Host header and SNI keep the real name."""

    def __init__(self, hostmap: HostMap) -> None:
        self.hostmap = hostmap

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        target = self.hostmap.resolve(host, port)
        if target is None:
            raise OSError(socket.EAI_NONAME, f"{host} is not in the host map")
        if not mapped_target_allowed(self.hostmap, target):  # the address checked is the one connected to
            raise BlockedAddressError(f"{host} is mapped to non-public {target.ip} (allow_private_networks is off)")
        return [ResolveResult(hostname=host, host=target.ip, port=target.port, family=socket.AF_INET, proto=0, flags=0)]

    async def close(self) -> None:
        return None


class PublicOnlyResolver(AbstractResolver):
    """Real DNS, keeping only globally routable answers: a public site must not steer the probe inward."""

    def __init__(self) -> None:
        self._inner = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        answers = await self._inner.resolve(host, port, family)
        public = [a for a in answers if is_public_address(a["host"])]
        if not public:
            raise BlockedAddressError(f"{host} resolves only to non-public addresses")
        return public

    async def close(self) -> None:
        await self._inner.close()


def client_context(ca_file: Path | None, *, verify: bool) -> ssl.SSLContext:
    if not verify:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    context = ssl.create_default_context()
    if ca_file is not None:
        context.load_verify_locations(cafile=str(ca_file))
    return context


@dataclass
class Response:
    """The last response of a fetch (after redirects), or what was seen before the failure."""

    url: str
    status: int | None = None
    final_url: str | None = None
    chain: list[facts.Hop] = field(default_factory=list)
    ttfb_ms: float | None = None
    error_class: str | None = None
    tls_error: str | None = None  # a certificate problem met on an https hop (the fetch went on unverified)
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    skipped: bool = False  # not sent: the host had timed out earlier in the run

    def header(self, name: str) -> str | None:
        values = self.header_all(name)
        return ", ".join(values) if values else None

    def header_all(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def header_dict(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, value in self.headers:
            key = key.lower()
            out[key] = f"{out[key]}, {value}" if key in out else value
        return out

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def to_fact(self) -> facts.Fetch:
        return facts.Fetch(
            url=self.url,
            status=self.status,
            final_url=self.final_url,
            chain=self.chain,
            ttfb_ms=self.ttfb_ms,
            error_class=self.error_class,
            skipped=self.skipped,
        )


class Fetcher:
    """One aiohttp session pair (verifying, not verifying) for a whole probe run."""

    def __init__(self, config: ProbeConfig) -> None:
        self.config = config
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._unverified_hosts: dict[tuple[str, int], str] = {}
        # Hosts that let a request time out: not asked again in this run (a stalled server keeps every abandoned
        # request's handler busy, so more requests would only pile up on it).
        self._stalled_hosts: set[str] = set()
        self._sessions: dict[bool, aiohttp.ClientSession] = {}

    async def __aenter__(self) -> Fetcher:
        timeout = aiohttp.ClientTimeout(total=self.config.request_timeout, sock_connect=self.config.connect_timeout)
        for verify in (True, False):
            resolver: AbstractResolver = (
                HostMapResolver(self.config.hostmap) if self.config.hostmap is not None else PublicOnlyResolver()
            )
            connector = aiohttp.TCPConnector(
                resolver=resolver,
                ssl=client_context(self.config.ca_file, verify=verify),
                limit=0,  # the per-host semaphores bound concurrency
                force_close=True,  # one connection per request: keeps per-request TTFB comparable
            )
            self._sessions[verify] = aiohttp.ClientSession(
                connector=connector,
                timeout=timeout,
                cookie_jar=aiohttp.DummyCookieJar(),  # cookies are facts to record, never state to send back
                headers={"User-Agent": self.config.user_agent, "Accept-Encoding": "gzip, deflate"},
                auto_decompress=True,
            )
        return self

    async def __aexit__(self, *exc: object) -> None:
        for session in self._sessions.values():
            await session.close()
        self._sessions.clear()

    @asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        """At most ``per_host`` requests (or TLS handshakes) in flight to one host name."""
        semaphore = self._slots.setdefault(host, asyncio.Semaphore(self.config.per_host))
        async with semaphore:
            yield

    async def fetch(self, url: str, *, read_body: bool = True) -> Response:
        """GET ``url`` following redirects by hand; never raises for network failures."""
        result = Response(url=url)
        visited: set[str] = set()
        current = url
        for _hop in range(self.config.max_redirects + 1):
            if current in visited:
                result.error_class = facts.REDIRECT_LOOP
                return result
            visited.add(current)
            try:
                location = await self._one(current, result, read_body=read_body)
            except Exception as exc:  # every failure becomes an error class, the run goes on
                result.error_class = classify(exc)
                if result.error_class == facts.TIMEOUT:
                    self._stalled_hosts.add((urlsplit(current).hostname or "").lower())
                return result
            if location is None:
                self._judge(result)
                return result
            current = location
        result.error_class = facts.TOO_MANY_REDIRECTS
        return result

    def _judge(self, result: Response) -> None:
        if result.status is None:
            return
        if is_blocked(result.status, result.header_dict(), result.text[:65536]):
            result.error_class = facts.BLOCKED
        elif result.status >= 400:
            result.error_class = facts.http_error(result.status)

    async def _one(self, url: str, result: Response, *, read_body: bool) -> str | None:
        """One request; fills ``result`` and returns the absolute redirect target, or None for a final response."""
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in DEFAULT_PORTS:
            raise ProbeLimitError(failures.UNSUPPORTED_SCHEME, f"{url}: not http(s)")
        try:
            port = parts.port or DEFAULT_PORTS[parts.scheme]
            numeric = numeric_ipv4(host)  # http://2130706433/ is 127.0.0.1 to a browser
        except ValueError as exc:  # a port out of range, a host that ends in a number but is no address
            raise InvalidUrl(f"{url}: {exc}") from exc
        reason = refusal(numeric or host, port, self.config.hostmap)  # SSRF guard (netguard.py), every hop
        if reason:
            raise BlockedAddressError(reason)
        verify = parts.scheme == "https" and (host, port) not in self._unverified_hosts
        hop_tls_error = None if verify or parts.scheme == "http" else self._unverified_hosts[(host, port)]
        if host in self._stalled_hosts:
            result.skipped = True
            raise TimeoutError(f"{host} timed out earlier in this run: not asked again")
        async with self.slot(host):
            started = time.perf_counter()
            try:
                response = await self._sessions[verify or parts.scheme == "http"].get(url, allow_redirects=False)
            except aiohttp.ClientConnectorCertificateError as exc:
                hop_tls_error = classify(exc)
                self._unverified_hosts[(host, port)] = hop_tls_error
                started = time.perf_counter()
                response = await self._sessions[False].get(url, allow_redirects=False)
            async with response:
                if result.ttfb_ms is None:
                    result.ttfb_ms = round((time.perf_counter() - started) * 1000, 1)
                location = response.headers.get("Location")
                target = urljoin(url, location) if location and 300 <= response.status < 400 else None
                result.chain.append(
                    facts.Hop(url=url, status=response.status, location=target, tls_error=hop_tls_error)
                )
                result.tls_error = result.tls_error or hop_tls_error
                result.status, result.final_url = response.status, url
                result.headers = [(k, v) for k, v in response.headers.items()]
                result.body = await self._read(response) if read_body and target is None else b""
                return target

    async def _read(self, response: aiohttp.ClientResponse) -> bytes:
        """The decoded body up to ``max_body``; past it, too_large (or decompression_bomb for a small wire body)."""
        cap = self.config.max_body
        declared = response.content_length
        encoded = response.headers.get("Content-Encoding", "identity").lower() not in ("", "identity")
        if declared is not None and declared > cap and not encoded:
            raise ProbeLimitError(facts.TOO_LARGE, f"Content-Length {declared} > {cap}")
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.content.iter_chunked(65536):
            chunks.append(chunk)
            size += len(chunk)
            if size > cap:
                bomb = encoded and (declared is None or declared <= cap)
                raise ProbeLimitError(facts.DECOMPRESSION_BOMB if bomb else facts.TOO_LARGE, f"body > {cap} bytes")
        return b"".join(chunks)


def base_domain(host: str) -> str:
    """The domain pshtt probes: the host without a leading ``www.``."""
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def origin(scheme: str, host: str) -> str:
    return f"{scheme}://{host}/"
