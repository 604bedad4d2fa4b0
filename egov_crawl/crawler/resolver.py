"""A Twisted name resolver for Scrapy that sends production-looking names to the addresses of a ``HostMap``.

Scrapy asks the reactor's ``nameResolver`` for every connection. Installed through ``TWISTED_DNS_RESOLVER`` (in
the settings given to the CrawlerProcess: a resolver is per *process*, ``custom_settings`` cannot install it),
this resolver answers ``host:port`` from the host map, so the URL, the ``Host`` header and the TLS SNI keep the
real name while the TCP connection goes to a loopback port.

* With a strict host map, an unknown name fails at once (Twisted turns "no address" into ``DNSLookupError``):
  a typo in a test can never become a real DNS lookup.
* A mapped target on a non-public address is answered only when the map says ``allow_private_networks``
  (``egov_crawl.netguard``; the middleware has already refused such requests as ``blocked_address``).
* Names the map does not know go to Scrapy's own ``CachingThreadedResolver`` (the default), and answers that
  point at private, loopback or link-local addresses are dropped when ``EGOV_BLOCK_PRIVATE_ADDRESSES`` is on:
  a public government site must not be able to steer the crawler into the operator's own network
  (server-side request forgery through a redirect or a DNS answer).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.interfaces import IHostnameResolver, IHostResolution, IResolutionReceiver
from zope.interface import implementer, provider

from egov_crawl.hostmap import HostMap
from egov_crawl.netguard import is_public_address, mapped_target_allowed

logger = logging.getLogger(__name__)

HOSTMAP_SETTING = "EGOV_HOSTMAP"
BLOCK_PRIVATE_SETTING = "EGOV_BLOCK_PRIVATE_ADDRESSES"

# Names whose DNS answers were all dropped as non-public, with those answers. Twisted reports such a name as an
# ordinary failed lookup; ``PublicAddressMiddleware`` reads this to record the refusal as ``blocked_address``.
# Per process, like the resolver itself.
_refused: dict[str, list[str]] = {}


def refused_answers(name: str) -> list[str] | None:
    """The non-public addresses ``name`` answered with when the resolver refused it, else None."""
    return _refused.get(name.lower().rstrip("."))


def hostmap_from_setting(value: Any) -> HostMap | None:
    """The host map carried in settings: a ``HostMap``, its ``to_json()`` dict, or None."""
    if value is None or value == {}:
        return None
    if isinstance(value, HostMap):
        return value
    if isinstance(value, dict):
        return HostMap.from_json(value)
    raise TypeError(f"{HOSTMAP_SETTING} must be HostMap.to_json() output, not {type(value).__name__}")


def _address(ip: str, port: int) -> IPv4Address | IPv6Address:
    if ":" in ip:
        return IPv6Address("TCP", ip, port)
    return IPv4Address("TCP", ip, port)


@implementer(IHostResolution)
class _Resolution:
    def __init__(self, name: str) -> None:
        self.name = name

    def cancel(self) -> None:  # resolution is synchronous: there is never anything left to cancel
        return None


@provider(IResolutionReceiver)
class _PublicOnlyReceiver:
    """Passes on only globally routable addresses; logs the ones it drops."""

    # Twisted's receivers are zope interfaces, which mypy cannot follow through ``provider``: typed as Any.
    def __init__(self, receiver: Any, name: str) -> None:
        self._receiver = receiver
        self._name = name
        self.dropped: list[str] = []
        self.passed = 0

    def resolutionBegan(self, resolution: Any) -> None:
        self._receiver.resolutionBegan(resolution)

    def addressResolved(self, address: Any) -> None:
        host = getattr(address, "host", "")
        if is_public_address(host):
            self.passed += 1
            self._receiver.addressResolved(address)
        else:
            self.dropped.append(host)

    def resolutionComplete(self) -> None:
        if self.dropped:
            logger.warning("%s resolves to non-public address(es) %s: not connecting", self._name, self.dropped)
            if not self.passed:
                _refused[self._name.lower().rstrip(".")] = sorted(set(self.dropped))
        self._receiver.resolutionComplete()


@implementer(IHostnameResolver)
class HostMapResolver:
    """``TWISTED_DNS_RESOLVER = "egov_crawl.crawler.resolver.HostMapResolver"``."""

    def __init__(self, reactor: Any, hostmap: HostMap | None, *, fallback: Any, block_private: bool = True) -> None:
        self.reactor = reactor
        self.hostmap = hostmap
        self.block_private = block_private
        # Scrapy's default resolver (an IResolverSimple with DNS_TIMEOUT and a cache); installed on the reactor
        # first so that ``reactor.nameResolver`` wraps it, then replaced by this resolver, which delegates to it.
        self._fallback_simple = fallback
        self._fallback: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> HostMapResolver:
        # ``crawler`` is the CrawlerProcess here (Scrapy builds process-wide resolvers with it); only its
        # settings are used, as Scrapy's own resolvers do.
        settings = crawler.settings
        fallback = CachingThreadedResolver.from_crawler(crawler, reactor)
        return cls(
            reactor,
            hostmap_from_setting(settings.get(HOSTMAP_SETTING)),
            fallback=fallback,
            block_private=settings.getbool(BLOCK_PRIVATE_SETTING, True),
        )

    def install_on_reactor(self) -> None:
        self._fallback_simple.install_on_reactor()
        self._fallback = self.reactor.nameResolver
        self.reactor.installNameResolver(self)

    def resolveHostName(
        self,
        resolutionReceiver: Any,
        hostName: str,
        portNumber: int = 0,
        addressTypes: Sequence[type[Any]] | None = None,
        transportSemantics: str = "TCP",
    ) -> Any:
        if self.hostmap is not None:
            target = self.hostmap.resolve(hostName, portNumber)
            if target is not None or self.hostmap.strict:
                resolution = _Resolution(hostName)
                resolutionReceiver.resolutionBegan(resolution)
                if target is not None and (not self.block_private or mapped_target_allowed(self.hostmap, target)):
                    # The address checked is the address connected to: no second lookup (DNS rebinding).
                    resolutionReceiver.addressResolved(_address(target.ip, target.port))
                elif target is not None:
                    logger.warning("%s is mapped to non-public %s without allow_private_networks", hostName, target.ip)
                else:
                    logger.debug("%s:%s is not in the strict host map: failing the lookup", hostName, portNumber)
                resolutionReceiver.resolutionComplete()
                return resolution
        receiver = _PublicOnlyReceiver(resolutionReceiver, hostName) if self.block_private else resolutionReceiver
        return self._fallback.resolveHostName(receiver, hostName, portNumber, addressTypes, transportSemantics)
