"""A minimal HTTP(S) client that reaches testbed URLs through a host map: for tests, benchmarks and demos.

``http.client`` with the TCP connection opened to the mapped address while the URL, Host header and TLS SNI
keep the real name — the same thing the crawler's resolver and Chromium's host-resolver-rules do. One
``MappedClient`` keeps one connection per (scheme, host) alive.
"""

from __future__ import annotations

import gzip
import http.client
import socket
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from egov_crawl.hostmap import HostMap

DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Fetched:
    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)

    def header_all(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class UnmappedHost(LookupError):
    pass


@dataclass
class MappedClient:
    hostmap: HostMap
    ca_pem: Path | None = None
    verify: bool = True
    timeout: float = 10.0
    _connections: dict[tuple[str, str, int], http.client.HTTPConnection] = field(default_factory=dict, repr=False)

    def context(self) -> ssl.SSLContext:
        if not self.verify:
            return ssl._create_unverified_context()
        return ssl.create_default_context(cafile=str(self.ca_pem) if self.ca_pem else None)

    def _connect(self, scheme: str, host: str, port: int) -> http.client.HTTPConnection:
        key = (scheme, host, port)
        connection = self._connections.get(key)
        if connection is not None:
            return connection
        target = self.hostmap.resolve(host, port)
        if target is None:
            raise UnmappedHost(f"{host}:{port} is not in the host map")
        raw = socket.create_connection((target.ip, target.port), timeout=self.timeout)
        conn: http.client.HTTPConnection
        if scheme == "https":
            try:
                wrapped = self.context().wrap_socket(raw, server_hostname=host)
            except BaseException:
                raw.close()
                raise
            conn = http.client.HTTPSConnection(host, port, timeout=self.timeout)
            conn.sock = wrapped
        else:
            conn = http.client.HTTPConnection(host, port, timeout=self.timeout)
            conn.sock = raw
        self._connections[key] = conn
        return conn

    def fetch(
        self,
        url: str,
        *,
        method: str = "GET",
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
        decompress: bool = True,
    ) -> Fetched:
        """One request, no redirects followed. Raises ssl.SSLError / OSError as a real client would."""
        parts = urlsplit(url)
        scheme, host = parts.scheme, (parts.hostname or "")
        port = parts.port or DEFAULT_PORTS[scheme]
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        for attempt in (1, 2):
            connection = self._connect(scheme, host, port)
            try:
                connection.request(method, target, body=body, headers=headers or {})
                response = connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self._drop(scheme, host, port)  # a kept-alive connection the server closed: retry once
                if attempt == 2:
                    raise
        if response.will_close:
            self._drop(scheme, host, port)
        pairs = list(response.getheaders())
        if decompress and response.getheader("Content-Encoding") == "gzip":
            data = gzip.decompress(data)
        return Fetched(url, response.status, pairs, data)

    def _drop(self, scheme: str, host: str, port: int) -> None:
        connection = self._connections.pop((scheme, host, port), None)
        if connection is not None:
            connection.close()

    def close(self) -> None:
        for connection in self._connections.values():
            connection.close()
        self._connections.clear()

    def __enter__(self) -> MappedClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
