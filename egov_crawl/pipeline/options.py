"""What shapes a run, as one model, and the one function that builds it from command-line values.

``run``, ``enqueue`` and ``demo`` all call ``run_options``: two commands that each built the model themselves
drifted apart before (``enqueue`` had no ``--allow-private-networks`` and ignored ``EGOV_CRAWL_EVIDENCE``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from egov_crawl.cli_options import load_hostmap
from egov_crawl.errors import UserError
from egov_crawl.hostmap import HostMap
from egov_crawl.phases import PHASES
from egov_crawl.testbed.runtime import STATE_FILE


@dataclass(frozen=True)
class RunOptions:
    agency_ids: list[str] | None = None  # None: the whole registry
    phases: tuple[str, ...] = PHASES
    kind: str = "nightly"
    hostmap: HostMap | None = None
    ca_file: Path | None = None
    dns_server: str | None = None  # ip:port of the resolver the probes ask
    trust_anchors: Any = None  # DNSSEC trust anchors for that resolver's zones (testbed)
    evidence_dir: Path | None = None
    chromium: str | None = None
    max_pages: int | None = None
    incremental: bool = True  # conditional requests against the previous complete crawl
    polite: bool = True
    contact_url: str | None = None
    methodology: Path | None = None
    browser_contexts: int = 2
    log_file: Path | None = None


def testbed_settings(state_file: Path) -> dict[str, Any]:
    """What a running testbed (``egov-crawl testbed serve``) tells a run: host map, CA, DNS, sample registry."""
    path = state_file / STATE_FILE if state_file.is_dir() else state_file
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(
            f"--testbed {path}: cannot read the testbed state ({exc}); is `testbed serve` running?"
        ) from None
    return {
        "hostmap": HostMap.from_json(state["hostmap"]),
        "ca_file": Path(state["ca_pem"]),
        "dns_server": f"127.0.0.1:{state['dns_port']}" if state.get("dns_port") else None,
        "trust_anchors": state.get("dns_trust_anchors"),
        "registry": Path(state["registry_path"]),
    }


def split_phases(value: str) -> tuple[str, ...]:
    """``--phases crawl, probe`` → ("crawl", "probe")."""
    return tuple(p.strip() for p in value.split(",") if p.strip())


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


def run_options(
    *,
    agency_ids: list[str] | None,
    phases: str = ",".join(PHASES),
    testbed: dict[str, Any] | None = None,
    hostmap: Path | None = None,
    allow_private: bool = False,
    ca_file: Path | None = None,
    dns_server: str | None = None,
    evidence: Path | None = None,
    chromium: str | None = None,
    methodology: Path | None = None,
    max_pages: int | None = None,
    full: bool = False,
    fast: bool = False,
    contact: str | None = None,
    kind: str = "nightly",
    log_file: Path | None = None,
) -> RunOptions:
    """The run's options from the flags of ``run`` or ``enqueue`` (``testbed``: ``testbed_settings`` of
    ``--testbed``; explicit flags win over what the testbed says). Environment defaults: EGOV_CRAWL_EVIDENCE,
    EGOV_CRAWL_CONTACT."""
    target = testbed or {}
    return RunOptions(
        agency_ids=agency_ids,
        phases=split_phases(phases),
        kind=kind,
        hostmap=load_hostmap(hostmap, allow_private) if hostmap else target.get("hostmap"),
        ca_file=ca_file or target.get("ca_file"),
        dns_server=dns_server or target.get("dns_server"),
        trust_anchors=target.get("trust_anchors"),
        evidence_dir=evidence or _env_path("EGOV_CRAWL_EVIDENCE"),
        chromium=chromium,
        methodology=methodology,
        max_pages=max_pages,
        incremental=not full,
        polite=not fast,
        contact_url=contact or os.environ.get("EGOV_CRAWL_CONTACT"),
        log_file=log_file,
    )


# The command-line parameters (same names in ``run`` and ``enqueue``) that ``run_options`` reads.
RUN_FLAGS = (
    "phases",
    "hostmap",
    "allow_private",
    "ca_file",
    "dns_server",
    "evidence",
    "chromium",
    "methodology",
    "max_pages",
    "full",
    "fast",
    "contact",
)


def run_options_from_flags(
    flags: Mapping[str, Any], *, agency_ids: list[str] | None, testbed: dict[str, Any]
) -> RunOptions:
    """``run_options`` from a command's parameters by name (``locals()``): a flag added to one command and
    not to the other is a KeyError at once, not a silent drift."""
    return run_options(agency_ids=agency_ids, testbed=testbed, **{name: flags[name] for name in RUN_FLAGS})
