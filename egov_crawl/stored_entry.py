"""The registry entry of an agency as it is written outside the registry file: the store's ``agency.entry`` and
``site_crawl.registry_entry``, and the crawl child's job file.

A journey's ``fill`` steps may carry what the operator types into an e-service form (a test citizen ID, a
username). The browser reads them from the registry itself; nothing that reads a stored entry uses them
(scoring reads the cohort, homepage and profile; the crawler the hosts and limits). So stored copies say only
that a value was configured (``value_configured``), never the value.
"""

from __future__ import annotations

from typing import Any

from egov_crawl.registry.models import Agency

SECRET_ACTIONS = frozenset({"fill"})


def stored_entry(agency: Agency) -> dict[str, Any]:
    """``agency`` as JSON, with the value of every ``fill`` step replaced by ``value_configured``."""
    entry = agency.model_dump(mode="json")
    for service in entry.get("eservices") or []:
        for step in service.get("steps") or []:
            if step.get("action") in SECRET_ACTIONS:
                step["value_configured"] = step.pop("value", None) is not None
    return entry
