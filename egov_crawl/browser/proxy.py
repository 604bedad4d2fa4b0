"""The browser's SSRF guard: a SOCKS5 proxy on loopback through which a browser context makes every connection.

Chromium hands a SOCKS5 proxy the host *name* of every connection (remote resolution, RFC 1928 address type 3,
IP literals included): navigations, each redirect hop, subresources, preconnects, WebSockets and service-worker
fetches alike. So the proxy, not Chromium, decides where each connection goes, with the rule the crawler and the
probes apply (``egov_crawl.netguard``):

* an IP literal must be public (``[::1]``, ``[::ffff:7f00:1]``, ``169.254.169.254`` are refused);
* a name the host map knows goes to its target, which must be public unless the map allows private networks;
  a strict map answers every other name "not found";
* any other name is resolved here and only its public addresses are kept; a name with none (``localhost``, an
  intranet name) is refused.

The proxy then connects to the very address it checked: there is no second lookup, so a DNS answer that changes
between the check and the connect (rebinding) cannot slip through. A refused or failed connection gets a SOCKS5
error reply, which Chromium reports as ``net::ERR_SOCKS_CONNECTION_FAILED`` whatever the cause; the proxy keeps
the cause (:class:`Failure`) so that the job's rows say ``blocked_address``, ``dns_error``, ``connection_refused``
or ``connect_timeout`` (``guard.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import struct
from dataclasses import dataclass

from egov_crawl import failures
from egov_crawl.hostmap import HostMap
from egov_crawl.netguard import ip_literal, is_public_address, refusal

SOCKS_VERSION = 5
CONNECT = 1
# RFC 1928 §6 reply codes (Chromium does not tell them apart; they help a human reading a packet capture).
REPLY_OK, REPLY_FAILURE, REPLY_NOT_ALLOWED, REPLY_HOST_UNREACHABLE, REPLY_REFUSED, REPLY_TTL_EXPIRED = 0, 1, 2, 4, 5, 6
REPLY_COMMAND_NOT_SUPPORTED, REPLY_ADDRESS_NOT_SUPPORTED = 7, 8
CHUNK = 64 * 1024
HANDSHAKE_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Failure:
    """A connection the proxy did not make, and why."""

    host: str
    port: int
    error_class: str  # blocked_address | dns_error | connection_refused | connect_timeout
    reason: str


class _NotConnected(Exception):
    def __init__(self, error_class: str, reason: str, reply: int) -> None:
        super().__init__(reason)
        self.error_class, self.reason, self.reply = error_class, reason, reply


class GuardedProxy:
    """A SOCKS5 CONNECT proxy on 127.0.0.1 that connects only where ``egov_crawl.netguard`` allows."""

    def __init__(self, hostmap: HostMap | None, *, connect_timeout_s: float = 15.0) -> None:
        self.hostmap = hostmap
        self.connect_timeout_s = connect_timeout_s
        self.failures: list[Failure] = []
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> GuardedProxy:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    @property
    def port(self) -> int:
        assert self._server is not None, "start() the proxy first"
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def server(self) -> str:
        """The proxy as Playwright's ``proxy.server`` wants it."""
        return f"socks5://127.0.0.1:{self.port}"

    def take_failures(self) -> list[Failure]:
        """The failures since the last call (one browser job's)."""
        taken, self.failures = self.failures, []
        return taken

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), timeout=5)
            self._server = None

    # --- where a connection may go ------------------------------------------------------------------------------

    async def addresses(self, host: str, port: int) -> list[tuple[str, int]]:
        """The checked addresses to connect to for ``host:port`` (raises :class:`_NotConnected` when none)."""
        reason = refusal(host, port, self.hostmap)
        if reason is not None:
            raise _NotConnected(failures.BLOCKED_ADDRESS, reason, REPLY_NOT_ALLOWED)
        literal = ip_literal(host)
        if literal is not None:
            return [(literal, port)]
        if self.hostmap is not None:
            target = self.hostmap.resolve(host, port)
            if target is not None:  # allowed: refusal() checked the mapped target
                return [(target.ip, target.port)]
            if self.hostmap.strict:
                raise _NotConnected(failures.DNS_ERROR, f"{host} is not in the host map", REPLY_HOST_UNREACHABLE)
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise _NotConnected(failures.DNS_ERROR, f"{host}: {exc}", REPLY_HOST_UNREACHABLE) from exc
        found = list(dict.fromkeys(str(info[4][0]) for info in infos))
        public = [address for address in found if is_public_address(address)]
        if not public:
            reason = f"{host} resolves only to non-public addresses {found}"
            raise _NotConnected(failures.BLOCKED_ADDRESS, reason, REPLY_NOT_ALLOWED)
        return [(address, port) for address in public]

    async def _connect(self, host: str, port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        last: _NotConnected | None = None
        for ip, target_port in await self.addresses(host, port):
            try:
                return await asyncio.wait_for(asyncio.open_connection(ip, target_port), self.connect_timeout_s)
            except TimeoutError:
                last = _NotConnected(failures.CONNECT_TIMEOUT, f"{host} ({ip}): connect timed out", REPLY_TTL_EXPIRED)
            except OSError as exc:
                last = _NotConnected(failures.CONNECTION_REFUSED, f"{host} ({ip}): {exc}", REPLY_REFUSED)
        assert last is not None
        raise last

    # --- SOCKS5 (RFC 1928), CONNECT only, no authentication -----------------------------------------------------

    async def _serve(self, client_reader: asyncio.StreamReader, client: asyncio.StreamWriter) -> None:
        self._writers.add(client)
        upstream: asyncio.StreamWriter | None = None
        try:
            request = await asyncio.wait_for(_read_request(client_reader, client), HANDSHAKE_TIMEOUT_S)
            if request is None:
                return
            host, port = request
            try:
                upstream_reader, upstream = await self._connect(host, port)
            except _NotConnected as refused:
                self.failures.append(Failure(host, port, refused.error_class, refused.reason))
                client.write(_reply(refused.reply))
                await client.drain()
                return
            self._writers.add(upstream)
            client.write(_reply(REPLY_OK))
            await client.drain()
            await asyncio.gather(_pipe(client_reader, upstream, client), _pipe(upstream_reader, client, upstream))
        except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError):
            pass  # a client that went away or spoke something else: nothing to record
        finally:
            for writer in (client, upstream):
                if writer is not None:
                    self._writers.discard(writer)
                    writer.close()


async def _read_request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> tuple[str, int] | None:
    """The greeting and the CONNECT request: (host, port), or None after replying that it is not supported."""
    version, methods = await reader.readexactly(2)
    await reader.readexactly(methods)
    if version != SOCKS_VERSION:
        raise ValueError(f"SOCKS version {version}")
    writer.write(bytes([SOCKS_VERSION, 0]))  # no authentication
    await writer.drain()
    version, command, _reserved, address_type = await reader.readexactly(4)
    if address_type == 1:
        host = str(ipaddress.IPv4Address(await reader.readexactly(4)))
    elif address_type == 3:
        host = (await reader.readexactly((await reader.readexactly(1))[0])).decode("idna")
    elif address_type == 4:
        host = str(ipaddress.IPv6Address(await reader.readexactly(16)))
    else:
        writer.write(_reply(REPLY_ADDRESS_NOT_SUPPORTED))
        return None
    (port,) = struct.unpack("!H", await reader.readexactly(2))
    if command != CONNECT:  # BIND and UDP ASSOCIATE: Chromium does not use them, and they would bypass the check
        writer.write(_reply(REPLY_COMMAND_NOT_SUPPORTED))
        return None
    return host, port


def _reply(code: int) -> bytes:
    return bytes([SOCKS_VERSION, code, 0, 1, 0, 0, 0, 0, 0, 0])  # bound address 0.0.0.0:0 (Chromium ignores it)


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter, source_writer: asyncio.StreamWriter) -> None:
    """Copy until end of stream, then half-close; a reset on one side resets the other (Chromium then reports
    ``ERR_CONNECTION_RESET`` as it would without the proxy)."""
    try:
        while data := await source.read(CHUNK):
            sink.write(data)
            await sink.drain()
        if sink.can_write_eof():
            sink.write_eof()
    except ConnectionResetError:
        _reset(sink)
        source_writer.transport.abort()
    except OSError:
        sink.transport.abort()
        source_writer.transport.abort()


def _reset(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()
