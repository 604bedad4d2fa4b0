"""``egov-crawl probe``: parse options, call ``runner.probe``, render one row per agency host.

Registered by ``egov_crawl.cli`` with ``app.command("probe")(probe_command)``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from egov_crawl import config
from egov_crawl.cli_options import (
    AgenciesArg,
    AllOption,
    AllowPrivateOption,
    CaFileOption,
    ContactOption,
    DbOption,
    FormatOption,
    HostmapOption,
    OutOption,
    RegistryOption,
    RunOption,
    agency_selection,
    load_hostmap,
)
from egov_crawl.errors import UserError
from egov_crawl.output import Column, Format, render
from egov_crawl.probes import facts
from egov_crawl.probes.dns import parse_nameserver
from egov_crawl.probes.runner import DEFAULT_CONCURRENCY, ProbeEvent, ProbeSummary, probe
from egov_crawl.progress import AgencyBars
from egov_crawl.registry import load_registry
from egov_crawl.store import runs
from egov_crawl.store.db import open_store, session_factory

OK = "ok"


@dataclass(frozen=True)
class HostRow:
    agency_id: str
    host: str
    kinds: dict[str, str]  # kind -> "ok" or the error class; kinds that do not apply to the host are absent


def host_rows(summary: ProbeSummary) -> list[HostRow]:
    rows: list[HostRow] = []
    for agency in summary.agencies:
        by_host: dict[str, dict[str, str]] = {}
        for fact in agency.rows:
            by_host.setdefault(fact.host, {})[fact.kind] = fact.error_class or OK
        order = {host: i for i, host in enumerate(agency.hosts)}  # the homepage host first, as in the registry
        hosts = sorted(by_host, key=lambda h: order.get(h, len(order)))
        rows += [HostRow(agency.agency_id, host, by_host[host]) for host in hosts]
    return rows


def _kind_column(kind: str) -> Column[HostRow]:
    return Column(kind, lambda row: row.kinds.get(kind, ""))


PROBE_COLUMNS: list[Column[HostRow]] = [
    Column("agency", lambda r: r.agency_id),
    Column("host", lambda r: r.host),
    *(_kind_column(kind) for kind in facts.ALL_KINDS),
]


class ProbeProgress(AgencyBars):
    """One bar per agency (facts stored / expected) on a terminal's stderr; silent otherwise."""

    def handle(self, event: ProbeEvent) -> None:
        if not self.enabled:
            return
        if event.kind == "agency_started":
            self.start(event.agency_id, total=None, state="probing")
        elif event.kind == "agency_finished":
            self.update(event.agency_id, total=event.total, completed=event.total, state="done")


def _trust_anchors(path: Path | None) -> Any:
    """Zone -> DNSKEY(s), from a JSON file: a plain mapping, or a testbed state file (``dns_trust_anchors``)."""
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        message = f"--trust-anchors {path}: cannot read JSON ({exc}); give a file like {{zone: [DNSKEY]}}"
        raise UserError(message) from None
    data = data.get("dns_trust_anchors", data) if isinstance(data, dict) else data
    if not isinstance(data, dict):
        raise UserError(f"--trust-anchors {path}: expected a JSON object mapping zone names to DNSKEY records")
    return data


def _run_id(db_url: str, run_id: int | None) -> int:
    """``--run`` if it exists; else the newest run; else a new ad-hoc run (common rules for commands)."""
    engine = open_store(db_url)
    try:
        with session_factory(engine).begin() as session:
            return runs.collect_into(session, run_id)
    finally:
        engine.dispose()


def probe_command(
    agencies: AgenciesArg = None,
    all_agencies: AllOption = False,
    registry: RegistryOption = None,
    db: DbOption = None,
    run_id: RunOption = None,
    hostmap: HostmapOption = None,
    allow_private: AllowPrivateOption = False,
    ca_file: CaFileOption = None,
    dns_server: Annotated[
        str | None,
        typer.Option("--dns-server", help="Nameserver for DNS facts, IP[:PORT] (default: the system's first)"),
    ] = None,
    trust_anchors: Annotated[
        Path | None,
        typer.Option("--trust-anchors", help="DNSSEC trust anchors, JSON {zone: [DNSKEY]} or a testbed state file"),
    ] = None,
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, max=256, help="Hosts probed at the same time")
    ] = DEFAULT_CONCURRENCY,
    contact: ContactOption = None,
    fmt: FormatOption = Format.TABLE,
    output: OutOption = None,
) -> None:
    """Probe agencies' hosts: HTTPS, TLS, security headers, cookies, availability, security.txt, DNS."""
    selection = agency_selection(agencies, all_agencies, verb="probe")
    nameserver = parse_nameserver(dns_server) if dns_server is not None else None  # bad value: one line, exit 1
    anchors = _trust_anchors(trust_anchors)
    loaded = load_registry(config.registry_path(registry))
    loaded.select(selection)  # unknown ids fail here, before the store is touched
    host_map = load_hostmap(hostmap, allow_private)
    db_url = config.db_url(db)
    run = _run_id(db_url, run_id)
    with ProbeProgress(Console(stderr=True)) as progress:
        summary = probe(
            loaded,
            selection,
            db_url=db_url,
            run_id=run,
            hostmap=host_map,
            ca_file=ca_file,
            dns_server=nameserver,
            trust_anchors=anchors,
            concurrency=concurrency,
            on_event=progress.handle,
            contact_url=contact or os.environ.get("EGOV_CRAWL_CONTACT"),
        )
    render(host_rows(summary), PROBE_COLUMNS, fmt, output, title=f"run {summary.run_id}: {summary.detail}")
