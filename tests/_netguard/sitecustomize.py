"""The test suite's outbound-connection guard: any connection to a non-loopback address fails loudly.

Loaded by tests/conftest.py in the test process, and — because conftest puts this folder first on PYTHONPATH —
as ``sitecustomize`` in every Python subprocess the tests start (testbed server, crawls), so a crawler bug
cannot leak traffic out of the machine from a child process either. Chromium is guarded separately by its
``--host-resolver-rules`` catch-all (``MAP * ~NOTFOUND``).
"""

from __future__ import annotations

import ipaddress
import os
import socket
from typing import Any

ENV_FLAG = "EGOV_CRAWL_NETGUARD"


class OutboundConnectionBlocked(ConnectionRefusedError):
    """A test tried to reach a non-loopback address."""


def _allowed_host(host: Any) -> bool:
    if not isinstance(host, str):
        return True  # AF_UNIX paths (bytes/str) and other families are local
    if host in ("localhost", "") or host.startswith("/"):
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False  # a name: only loopback names may be resolved by tests


def _check(address: Any, what: str) -> None:
    host = address[0] if isinstance(address, tuple) and address else address
    if not _allowed_host(host):
        raise OutboundConnectionBlocked(f"egov-crawl test guard: {what} to non-loopback address {address!r} blocked")


def install() -> None:
    if getattr(socket, "_egov_netguard", False):
        return
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_sendto = socket.socket.sendto
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _check(address, "connect")
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _check(address, "connect")
        return real_connect_ex(self, address)

    def sendto(self: socket.socket, data: Any, *args: Any) -> int:
        address = args[-1]
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _check(address, "sendto")
        return real_sendto(self, data, *args)  # type: ignore[arg-type]

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host is not None:
            name = host.decode() if isinstance(host, bytes) else str(host)
            _check((name,), "name lookup")
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.socket.sendto = sendto  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = getaddrinfo
    socket._egov_netguard = True  # type: ignore[attr-defined]


if os.environ.get(ENV_FLAG) == "1":
    install()

# The fast lane (`make test-fast`) starts no Python child process: each costs seconds of CPU before it does
# anything (importing the command line imports the whole package). When tests/conftest.py sets this variable,
# every child records the test that started it, and the session fails with the list.
CHILD_LOG = "EGOV_TEST_PYTHON_CHILD_LOG"
if os.environ.get(CHILD_LOG):
    import sys

    with open(os.environ[CHILD_LOG], "a", encoding="utf-8") as _log:
        _command = " ".join(getattr(sys, "orig_argv", sys.argv)[1:4])
        _log.write(f"{os.environ.get('PYTEST_CURRENT_TEST', '?')}\t{_command}\n")
