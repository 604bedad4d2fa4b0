"""The outbound-connection guard is active in the whole suite, in this process and in Python subprocesses."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest


def test_connect_to_a_public_address_is_blocked() -> None:
    # 192.0.2.1 is TEST-NET-1 (RFC 5737): never routed, and the guard must refuse before any packet leaves.
    with socket.socket() as sock, pytest.raises(ConnectionRefusedError, match="test guard"):
        sock.connect(("192.0.2.1", 80))


def test_name_lookup_of_a_real_name_is_blocked() -> None:
    with pytest.raises(ConnectionRefusedError, match="test guard"):
        socket.getaddrinfo("www.example.com", 443)


def test_loopback_is_allowed() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2):
            pass


@pytest.mark.slow  # a Python child process
def test_subprocesses_are_guarded_too() -> None:
    code = "import socket; s = socket.socket(); s.connect(('192.0.2.1', 80))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert result.returncode != 0
    assert "test guard" in result.stderr
