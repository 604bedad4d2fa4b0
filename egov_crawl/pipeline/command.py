"""``egov-crawl run``: the nightly command. Parses options, calls ``nightly.run_pipeline``, prints the summary.

Exit codes a scheduler can act on: 0 the run completed (some sites may have failed: they are classified facts),
1 bad input, 3 the run failed (rerun with --resume), 75 another run holds the lock (nothing was done).
"""

from __future__ import annotations

from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from egov_crawl import config
from egov_crawl.cli_options import (
    ALL_PHASES,
    AgenciesArg,
    AllOption,
    AllowPrivateOption,
    CaFileOption,
    ChromiumOption,
    ContactOption,
    DbOption,
    FastOption,
    FormatOption,
    FullOption,
    HostmapOption,
    MaxPagesOption,
    OutOption,
    PhasesOption,
    RegistryOption,
    TestbedOption,
)
from egov_crawl.errors import UserError
from egov_crawl.output import Column, Format, render, render_document
from egov_crawl.pipeline.interrupt import stop_quietly
from egov_crawl.pipeline.nightly import RunReport, run_pipeline
from egov_crawl.pipeline.options import run_options_from_flags, testbed_settings
from egov_crawl.pipeline.runlog import ConsoleRunLog, JsonRunLog, RunLog
from egov_crawl.registry import load_registry


class LogFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


SUMMARY_COLUMNS: list[Column[tuple[str, str, int]]] = [
    Column("collector", lambda r: r[0]),
    Column("failure_class", lambda r: r[1]),
    Column("count", lambda r: r[2], justify="right"),
]


def failure_rows(report: RunReport) -> list[tuple[str, str, int]]:
    """Failures by collector and class, most frequent first (ties by name, so the order is stable)."""
    rows = [(source, cls, n) for source, classes in report.failures.items() for cls, n in classes.items()]
    return sorted(rows, key=lambda r: (-r[2], r[0], r[1]))


def run_command(
    agencies: AgenciesArg = None,
    all_agencies: AllOption = False,
    registry: RegistryOption = None,
    db: DbOption = None,
    resume: Annotated[bool, typer.Option("--resume", help="Finish the newest unfinished run")] = False,
    phases: PhasesOption = ALL_PHASES,
    testbed: TestbedOption = None,
    hostmap: HostmapOption = None,
    allow_private: AllowPrivateOption = False,
    ca_file: CaFileOption = None,
    dns_server: Annotated[
        str | None, typer.Option("--dns-server", help="Resolver for the probes, IP:PORT (default: the system's)")
    ] = None,
    evidence: Annotated[
        Path | None, typer.Option("--evidence", help="Screenshots folder (env: EGOV_CRAWL_EVIDENCE)")
    ] = None,
    chromium: ChromiumOption = None,
    methodology: Annotated[
        Path | None, typer.Option("--methodology", help="Methodology YAML (default: the bundled default)")
    ] = None,
    max_pages: MaxPagesOption = None,
    full: FullOption = False,
    fast: FastOption = False,
    contact: ContactOption = None,
    log_format: Annotated[LogFormat, typer.Option("--log-format", help="Progress log on stderr")] = LogFormat.TEXT,
    fmt: FormatOption = Format.TABLE,
    output: OutOption = None,
) -> None:
    """Crawl, probe, browse and score in one run: the command to schedule every night."""
    if not resume and ((all_agencies and agencies) or not (all_agencies or agencies)):
        raise UserError("name the agencies to run, or use --all (or --resume)")
    target = testbed_settings(testbed) if testbed else {}
    loaded = load_registry(config.registry_path(registry or target.get("registry")))
    options = run_options_from_flags(locals(), agency_ids=None if all_agencies else agencies, testbed=target)
    log: RunLog = JsonRunLog() if log_format is LogFormat.JSON else ConsoleRunLog(Console(stderr=True))
    # systemd and Kubernetes stop with SIGTERM: like Ctrl-C, the run is marked interrupted (not left "running"),
    # the crawl child stopped cleanly and the lock files removed.
    with stop_quietly():
        report = run_pipeline(loaded, db_url=config.db_url(db), options=options, log=log, resume=resume)
    if fmt is Format.JSON:
        render_document(asdict(report), output)
        return
    title = (
        f"run {report.run_id} {report.status}: {report.agencies} agencies, {report.pages} pages, "
        f"{report.seconds:.0f} s; failures by class"
    )
    render(failure_rows(report), SUMMARY_COLUMNS, fmt, output, title=title)
