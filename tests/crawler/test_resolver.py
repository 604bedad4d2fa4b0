"""The host-map resolver: mapped names go to their loopback port, unknown names fail at once in strict mode."""

from __future__ import annotations

from typing import Any

from twisted.internet.address import IPv4Address

from egov_crawl.crawler.resolver import HostMapResolver, is_public_address
from egov_crawl.hostmap import HostMap, Target


class Receiver:
    def __init__(self) -> None:
        self.addresses: list[Any] = []
        self.began = self.complete = False

    def resolutionBegan(self, resolution: Any) -> None:
        self.began = True

    def addressResolved(self, address: Any) -> None:
        self.addresses.append(address)

    def resolutionComplete(self) -> None:
        self.complete = True


def resolver(hostmap: HostMap) -> HostMapResolver:
    return HostMapResolver(reactor=None, hostmap=hostmap, fallback=None)


def test_mapped_name_and_port_resolve_to_the_target() -> None:
    hostmap = HostMap(
        {("www.rd.test", 443): Target("127.0.0.1", 45443), ("www.rd.test", 80): Target("127.0.0.1", 4580)},
        allow_private_networks=True,  # loopback targets on purpose (egov_crawl/netguard.py)
    )
    receiver = Receiver()
    resolver(hostmap).resolveHostName(receiver, "WWW.RD.TEST.", 443)
    assert receiver.began and receiver.complete
    assert receiver.addresses == [IPv4Address("TCP", "127.0.0.1", 45443)]


def test_strict_map_fails_unknown_names_without_a_lookup() -> None:
    receiver = Receiver()
    resolver(HostMap({("www.rd.test", 80): Target("127.0.0.1", 4580)})).resolveHostName(receiver, "example.com", 80)
    assert receiver.complete and receiver.addresses == []


def test_unmapped_port_of_a_known_host_goes_to_the_closed_port() -> None:
    hostmap = HostMap({("www.rd.test", 80): Target("127.0.0.1", 4580)}, closed_port=9, allow_private_networks=True)
    receiver = Receiver()
    resolver(hostmap).resolveHostName(receiver, "www.rd.test", 443)
    assert receiver.addresses == [IPv4Address("TCP", "127.0.0.1", 9)]


def test_a_private_target_is_not_answered_unless_the_map_allows_private_networks() -> None:
    receiver = Receiver()
    resolver(HostMap({("www.rd.test", 80): Target("10.0.0.7", 80)})).resolveHostName(receiver, "www.rd.test", 80)
    assert receiver.complete and receiver.addresses == []


def test_public_address_test() -> None:
    assert is_public_address("203.150.0.10")
    assert not any(is_public_address(a) for a in ("10.0.0.1", "192.168.1.1", "127.0.0.1", "169.254.169.254", "::1"))
