"""The SSRF guard shared by the crawler, the probes and the browser: which addresses a fetch may connect to.

A public government site must not be able to steer a collector into the operator's own network — the cloud
metadata endpoint (169.254.169.254), a router's admin page, a database on loopback — through a link, a redirect
or a DNS answer (OWASP SSRF Prevention Cheat Sheet). The rule:

* An address is **public** when Python's ``ipaddress`` says ``is_global`` (the IANA special-purpose registries of
  RFC 6890: private, loopback, link-local, shared CGN space, documentation, benchmarking, reserved …) and it is
  not multicast (``is_global`` is true for some multicast ranges; a unicast fetch never targets one).
* A fetch connects only to public addresses, with one exception: a **host-map target** when the host map says
  ``allow_private_networks`` (the testbed, the WARC replay, or the operator's ``--allow-private-networks``).
  The exception covers the map's own targets only; a non-public address met on the network (an IP literal in a
  URL or redirect, a DNS answer) is refused in every mode.
* The check is made on the address the socket connects to, at the moment of connecting (each collector's
  resolver hands the checked address straight to its connect), so a DNS answer that changes between a check and
  the connect (DNS rebinding) cannot slip through: there is no second lookup.

The refusal is a fact: the request's ``error_class`` is ``blocked_address`` (``egov_crawl.failures``).
"""

from __future__ import annotations

import ipaddress

from egov_crawl.hostmap import HostMap, Target

ENV_ALLOW_PRIVATE = "EGOV_CRAWL_ALLOW_PRIVATE_NETWORKS"


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast IP address; False for anything else, names included."""
    try:
        ip = ipaddress.ip_address(address.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return ip.is_global and not ip.is_multicast


def ip_literal(host: str) -> str | None:
    """The IP address a URL host names literally (``[::1]`` included), or None for a DNS name."""
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def mapped_target_allowed(hostmap: HostMap, target: Target) -> bool:
    """May a collector connect to this host-map target? Public always; non-public only if the map allows it."""
    return hostmap.allow_private_networks or is_public_address(target.ip)


def refusal(host: str, port: int, hostmap: HostMap | None) -> str | None:
    """Why a request to ``host:port`` must not be sent (a one-line reason), or None when it may be.

    What can be decided before any lookup: IP literals, and names the host map knows. Names resolved by real DNS
    are checked by the collector's resolver on the answer it connects to.
    """
    literal = ip_literal(host)
    if literal is not None:
        return None if is_public_address(literal) else f"{host} is not a public address"
    if hostmap is not None:
        target = hostmap.resolve(host, port)
        if target is not None and not mapped_target_allowed(hostmap, target):
            return (
                f"{host} is mapped to the non-public address {target.ip} and the host map does not allow "
                "private networks (--allow-private-networks)"
            )
    return None


def with_private_networks(hostmap: HostMap | None, allow: bool) -> HostMap | None:
    """The host map with ``allow_private_networks`` turned on when the operator asked for it (never off)."""
    if hostmap is None or not allow or hostmap.allow_private_networks:
        return hostmap
    return HostMap(hostmap.entries, hostmap.strict, hostmap.closed_port, allow_private_networks=True)
