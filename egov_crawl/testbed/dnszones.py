"""The testbed's DNS zones as the authoritative server's ``ZoneSpec``s, and their expected answers.

The model keeps its own ``Zone``/``DnsRecord`` (plain data, no DNS library); this module converts them for
``egov_crawl.testbed.dns_server``, imported lazily so the rest of the testbed works while that module is
missing or being changed.
"""

from __future__ import annotations

import importlib
from typing import Any

from egov_crawl.testbed.model import Testbed, Zone


def dns_module() -> Any | None:
    try:
        return importlib.import_module("egov_crawl.testbed.dns_server")
    except ImportError:
        return None


def zone_spec(zone: Zone) -> Any:
    module = dns_module()
    if module is None:
        raise RuntimeError("egov_crawl.testbed.dns_server is not available")
    records = tuple(module.RecordSpec(r.name, r.rtype, r.value, r.ttl) for r in zone.records)
    return module.ZoneSpec(zone.origin, records, zone.dnssec)


def zone_specs(testbed: Testbed) -> list[Any]:
    return [zone_spec(site.zone) for site in testbed.sites]


def expected_answers(zone: Zone) -> dict[str, Any] | None:
    """What the DNS server answers for the zone (dns_server.expected_answers), None without that module."""
    module = dns_module()
    if module is None or not hasattr(module, "expected_answers"):
        return None
    answers = module.expected_answers(zone_spec(zone))
    return dict(answers)
