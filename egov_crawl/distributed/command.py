"""``enqueue`` and ``worker``: the scale-out commands. Parse options, call one library function, print a summary."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from egov_crawl import config
from egov_crawl.cli_options import (
    ALL_PHASES,
    AgenciesArg,
    AllOption,
    AllowPrivateOption,
    CaFileOption,
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
    agency_selection,
)
from egov_crawl.distributed.enqueue import enqueue_run
from egov_crawl.distributed.queues import PHASE_QUEUES, redis_url
from egov_crawl.distributed.worker import WorkerOptions, run_worker
from egov_crawl.errors import UserError
from egov_crawl.output import Column, Format, render, render_document
from egov_crawl.pipeline.options import run_options_from_flags, testbed_settings
from egov_crawl.registry import load_registry

RedisOption = Annotated[
    str | None, typer.Option("--redis", help="Redis URL (env: EGOV_CRAWL_REDIS; default redis://127.0.0.1:6379/0)")
]


def _fields(report: object) -> list[tuple[str, object]]:
    return list(asdict(report).items())  # type: ignore[call-overload]


FIELD_COLUMNS: list[Column[tuple[str, object]]] = [
    Column("field", lambda r: r[0]),
    Column("value", lambda r: r[1], justify="right"),
]


def enqueue_command(
    agencies: AgenciesArg = None,
    all_agencies: AllOption = False,
    registry: RegistryOption = None,
    db: DbOption = None,
    redis: RedisOption = None,
    run_id: Annotated[
        int | None, typer.Option("--run", help="Enqueue the unfinished tasks of this run (default: a new run)")
    ] = None,
    phases: PhasesOption = ALL_PHASES,
    testbed: TestbedOption = None,
    hostmap: HostmapOption = None,
    allow_private: AllowPrivateOption = False,
    ca_file: CaFileOption = None,
    dns_server: Annotated[str | None, typer.Option("--dns-server", help="Resolver for the probes, IP:PORT")] = None,
    evidence: Annotated[
        Path | None, typer.Option("--evidence", help="Screenshots folder, shared storage (env: EGOV_CRAWL_EVIDENCE)")
    ] = None,
    chromium: Annotated[str | None, typer.Option("--chromium", help="Chromium executable on the workers")] = None,
    methodology: Annotated[Path | None, typer.Option("--methodology", help="Methodology YAML")] = None,
    max_pages: MaxPagesOption = None,
    full: FullOption = False,
    fast: FastOption = False,
    contact: ContactOption = None,
    crawl_batch: Annotated[
        int, typer.Option("--crawl-batch", min=1, help="Agencies per crawl task (crawled concurrently)")
    ] = 1,
    fmt: FormatOption = Format.TABLE,
    output: OutOption = None,
) -> None:
    """Create a run and put one task per agency and phase on the Redis queues (workers run them)."""
    selection = None if run_id is not None else agency_selection(agencies, all_agencies, verb="enqueue")
    target = testbed_settings(testbed) if testbed else {}
    loaded = load_registry(config.registry_path(registry or target.get("registry")))
    options = run_options_from_flags(locals(), agency_ids=selection, testbed=target)

    report = enqueue_run(
        loaded,
        db_url=config.db_url(db),
        redis_url=redis_url(redis),
        options=options,
        run_id=run_id,
        crawl_batch=crawl_batch,
    )
    if fmt is Format.JSON:
        render_document(asdict(report), output)
        return
    render(_fields(report), FIELD_COLUMNS, fmt, output, title=f"run {report.run_id} enqueued")


def worker_command(
    db: DbOption = None,
    redis: RedisOption = None,
    burst: Annotated[
        bool, typer.Option("--burst", help="Quit when the queues are drained and no task runs anywhere")
    ] = False,
    queue_names: Annotated[
        str, typer.Option("--queues", help="Phases to serve, in priority order (e.g. crawl,probe without Chromium)")
    ] = "score,crawl,probe,browse",
    monitoring_interval: Annotated[
        int, typer.Option("--heartbeat", min=1, help="Seconds between heartbeats of a running task")
    ] = 30,
    abandon_after: Annotated[
        int, typer.Option("--abandon-after", min=1, help="Seconds after a missed heartbeat before a task is retried")
    ] = 60,
    maintenance: Annotated[
        int, typer.Option("--maintenance", min=1, help="Seconds between looks for dead workers' tasks")
    ] = 60,
    name: Annotated[str | None, typer.Option("--name", help="Worker name (default: host and pid)")] = None,
    fmt: FormatOption = Format.TABLE,
    output: OutOption = None,
) -> None:
    """Run crawl, probe, browse and score tasks from the Redis queues (start as many as you like)."""
    phases = tuple(p.strip() for p in queue_names.split(",") if p.strip())
    unknown = [p for p in phases if p not in PHASE_QUEUES]
    if unknown or not phases:
        raise UserError(f"--queues: unknown phase {unknown[0] if unknown else ''!r}; use {','.join(PHASE_QUEUES)}")
    options = WorkerOptions(
        phases=phases,
        burst=burst,
        monitoring_interval=monitoring_interval,
        abandon_grace=abandon_after,
        maintenance_interval=maintenance,
        name=name,
    )
    report = run_worker(db_url=config.db_url(db), redis_url=redis_url(redis), options=options)
    if fmt is Format.JSON:
        render_document(asdict(report), output)
        return
    render(_fields(report), FIELD_COLUMNS, fmt, output, title="worker finished")


def mount(app: typer.Typer) -> None:
    app.command("enqueue", help="Scale-out: create a run and queue its tasks on Redis for the workers.")(
        enqueue_command
    )
    app.command("worker", help="Scale-out: run queued crawl, probe, browse and score tasks.")(worker_command)
