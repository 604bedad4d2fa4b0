"""One mapping from (host name, port) to a socket address, shared by every collector.

The testbed serves production-looking URLs (``https://www.revenue.test/``) from loopback ports. Rather than
editing /etc/hosts (root, global), each collector is handed this object: Scrapy consumes it through a Twisted
resolver, the probes through their connect step, Chromium through ``--host-resolver-rules``. The URL, the Host
header and the TLS SNI keep the real name; only the TCP connect goes to the mapped address.

A ``strict`` map refuses every name it does not know, which keeps tests hermetic: a typo can never leak
into a real DNS lookup.

Mapped targets on loopback or private addresses are refused by the collectors' SSRF guard
(``egov_crawl.netguard``) unless the map says ``allow_private_networks``: the testbed and the WARC replay set it
when they build their maps; a map written by hand must set it (or the operator passes
``--allow-private-networks``) to reach its own network on purpose.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Target:
    ip: str
    port: int


@dataclass(frozen=True)
class HostMap:
    """``entries[(host, port)]`` is where a connection to that host and port really goes.

    A host may have an entry for port 80 and none for 443 (a site without HTTPS): connections to the
    missing port are refused, exactly as on a real server that does not listen there.
    """

    entries: dict[tuple[str, int], Target] = field(default_factory=dict)
    strict: bool = True
    # A port where nothing listens: unmapped ports of mapped hosts go here so they fail as "refused".
    closed_port: int | None = None
    # The operator's explicit permission to connect to the non-public targets *of this map* (never to a
    # non-public address learned from the network: a DNS answer, a redirect, an IP literal in a link).
    allow_private_networks: bool = False

    def resolve(self, host: str, port: int) -> Target | None:
        """Where to connect for ``host:port``; None when the map does not know the host at all."""
        host = host.lower().rstrip(".")
        target = self.entries.get((host, port))
        if target is not None:
            return target
        if self.knows_host(host) and self.closed_port is not None:
            return Target("127.0.0.1", self.closed_port)
        return None

    def knows_host(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(h == host for h, _ in self.entries)

    @property
    def hosts(self) -> list[str]:
        return sorted({h for h, _ in self.entries})

    def chromium_resolver_rules(self) -> str:
        """``--host-resolver-rules`` for Chromium: one MAP per host:port, then (when strict) everything else NOTFOUND.

        The final catch-all matters: Chromium still contacts Google hosts for updates and accounts, and a
        wildcard mapped to the testbed would send those to it (measured with Debian Chromium 156).
        """
        rules = [f"MAP {h}:{p} {t.ip}:{t.port}" for (h, p), t in sorted(self.entries.items())]
        if self.closed_port is not None:
            rules += [f"MAP {h} 127.0.0.1:{self.closed_port}" for h in self.hosts]
        if self.strict:
            rules.append("MAP * ~NOTFOUND")
        return ", ".join(rules)

    def to_json(self) -> dict[str, Any]:
        return {
            "strict": self.strict,
            "closed_port": self.closed_port,
            "allow_private_networks": self.allow_private_networks,
            "entries": [
                {"host": h, "port": p, "ip": t.ip, "target_port": t.port} for (h, p), t in sorted(self.entries.items())
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> HostMap:
        entries = {(e["host"], int(e["port"])): Target(e["ip"], int(e["target_port"])) for e in data["entries"]}
        return cls(
            entries=entries,
            strict=bool(data.get("strict", True)),
            closed_port=data.get("closed_port"),
            allow_private_networks=bool(data.get("allow_private_networks", False)),
        )

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=2), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> HostMap:
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
