"""``egov-crawl browse``: parse options, call ``runner.browse``, render one line per agency.

Registered by ``egov_crawl.cli`` (``_mount_optional_apps``); the browser's options live next to the browser.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from egov_crawl import config
from egov_crawl.browser.relaunch import BrowserLost
from egov_crawl.browser.runner import browse
from egov_crawl.browser.session import find_chromium
from egov_crawl.cli_options import (
    AgenciesArg,
    AllOption,
    AllowPrivateOption,
    CaFileOption,
    ChromiumOption,
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
from egov_crawl.output import Column, Format, render, terminal_safe
from egov_crawl.registry import load_registry

EXIT_BROWSE_INCOMPLETE = 3  # as a nightly run whose phase failed: rerun to finish


class BrowseIncomplete(UserError):
    exit_code = EXIT_BROWSE_INCOMPLETE


BROWSE_COLUMNS: list[Column[dict[str, Any]]] = [
    Column("agency", lambda r: r["agency"]),
    Column("jobs", lambda r: r["jobs"], justify="right"),
    Column("pages", lambda r: r["pages"], justify="right"),
    Column("errors", lambda r: r["errors"]),
]


class BrowseProgress:
    """Counts per agency for the final table, and one dim line per job on a terminal's stderr."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.per_agency: dict[str, Counter[str]] = {}

    def handle(self, event: dict[str, Any]) -> None:
        if event.get("event") != "job":
            return
        counts = self.per_agency.setdefault(event["agency"], Counter())
        counts["jobs"] += 1
        counts["pages"] += event["kind"] == "page"
        counts.update(f"error:{e}" for e in event["errors"])
        if self.console.is_terminal:
            # Registry ids and URLs (from the registry or a site's redirect) are data, not markup.
            line = terminal_safe(f"{event['agency']} {event['kind']} {event['url']}")
            self.console.print(f"[dim]{line}[/dim]")


def browse_command(
    agencies: AgenciesArg = None,
    all_agencies: AllOption = False,
    registry: RegistryOption = None,
    db: DbOption = None,
    run_id: RunOption = None,
    hostmap: HostmapOption = None,
    allow_private: AllowPrivateOption = False,
    ca_file: CaFileOption = None,
    evidence: Annotated[
        Path | None,
        typer.Option("--evidence", help="Screenshot folder (env: EGOV_CRAWL_EVIDENCE; default: evidence/ by the DB)"),
    ] = None,
    chromium: ChromiumOption = None,
    contexts: Annotated[int, typer.Option("--contexts", min=1, max=16, help="Pages browsed in parallel")] = 2,
    contact: ContactOption = None,
    fmt: FormatOption = Format.TABLE,
    output: OutOption = None,
) -> None:
    """Open agencies' pages in Chromium: render facts, axe-core, vitals, forms, e-service journeys, site search."""
    selection = agency_selection(agencies, all_agencies, verb="browse")
    loaded = load_registry(config.registry_path(registry))
    find_chromium(chromium)  # no browser: one clear line naming the install command, before any work
    progress = BrowseProgress(Console(stderr=True))

    try:
        summary = browse(
            loaded,
            selection,
            db_url=config.db_url(db),
            run_id=run_id,
            hostmap=load_hostmap(hostmap, allow_private),
            ca_file=ca_file,
            evidence_dir=evidence,
            executable=chromium,
            contexts=contexts,
            on_event=progress.handle,
            contact_url=contact or os.environ.get("EGOV_CRAWL_CONTACT"),
        )
    except BrowserLost as exc:  # the facts of the jobs that ended are stored; the rest were not browsed
        raise BrowseIncomplete(f"browse stopped: {exc}; the jobs that ended are stored, browse again") from exc
    rows = [
        {
            "agency": agency,
            "jobs": counts["jobs"],
            "pages": counts["pages"],
            "errors": ", ".join(f"{k[6:]} {v}" for k, v in sorted(counts.items()) if k.startswith("error:")),
        }
        for agency, counts in progress.per_agency.items()
    ]
    render(rows, BROWSE_COLUMNS, fmt, output, title=f"run {summary.run_id}: {summary.detail}")
