"""``enqueue``: create a run in the shared store and put one job per agency and phase on Redis.

The run is created with a plan (agency ids and phases) as the nightly command creates it (``store/runs.py``), so
`report`, `summary` and `run --resume` read a distributed run like any other. Enqueueing an existing run
(``--run ID``) puts back only the tasks not yet finished: after a Redis loss, or to retry the tasks that failed
for good.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from egov_crawl.distributed import queues, tasks, tracking
from egov_crawl.distributed.options import decode_options, encode_options
from egov_crawl.errors import UserError
from egov_crawl.phases import PHASES
from egov_crawl.pipeline.options import RunOptions
from egov_crawl.registry.models import Registry
from egov_crawl.store import repository, runs
from egov_crawl.store.db import open_store, session_factory

TASKS = {"crawl": tasks.crawl_task, "probe": tasks.probe_task, "browse": tasks.browse_task}


@dataclass(frozen=True)
class EnqueueReport:
    run_id: int
    agencies: int
    tasks: int  # the run's agency tasks
    enqueued: int  # of which put on the queue now (the others were finished or already queued)
    scoring_enqueued: bool


def enqueue_run(
    registry: Registry,
    *,
    db_url: str,
    redis_url: str,
    options: RunOptions,
    run_id: int | None = None,
    crawl_batch: int = 1,
) -> EnqueueReport:
    """Create the run (or reopen ``run_id``) and enqueue its unfinished tasks; returns what was enqueued.

    ``crawl_batch``: agencies per crawl task. One Scrapy process then crawls them concurrently (as the nightly
    command does, ``EGOV_CONCURRENT_AGENCIES``): a polite crawl mostly waits, so batching saves processes and
    memory (docs/operations.md, capacity model). Each agency is still resumed and recorded on its own.
    """
    unknown = [p for p in options.phases if p not in PHASES]
    if unknown:
        raise UserError(f"unknown phase {unknown[0]!r}; phases are {', '.join(PHASES)}")
    connection = queues.connect(redis_url)
    run_id, agencies, phases, encoded = _open_run(registry, db_url, options, run_id)
    agency_phases = [p for p in phases if p in TASKS]
    names = [tracking.task_name(p, a["id"]) for a in agencies for p in agency_phases]
    tracking.expect(connection, run_id, names)
    done = tracking.done_names(connection, run_id)
    pending = {p: [a for a in agencies if tracking.task_name(p, a["id"]) not in done] for p in agency_phases}
    crawl_jobs: dict[str, str] = {}  # agency id -> the job that crawls it (browse waits for it)
    enqueued = 0
    for batch in _batches(pending.get("crawl", []), crawl_batch):
        identifier = queues.job_id(run_id, "crawl", batch[0]["id"])
        crawl_jobs.update({agency["id"]: identifier for agency in batch})
        added = queues.enqueue_once(
            connection,
            "crawl",
            tasks.crawl_task,
            identifier=identifier,
            args=(run_id, batch, encoded),
            on_failure=tasks.on_task_failure,
        )
        enqueued += len(batch) if added else 0
    for phase in (p for p in agency_phases if p != "crawl"):
        for agency in pending[phase]:
            enqueued += queues.enqueue_once(
                connection,
                phase,
                TASKS[phase],
                identifier=queues.job_id(run_id, phase, agency["id"]),
                args=(run_id, agency, encoded),
                # the browser samples pages of the agency's crawl (browser/sample.py)
                depends_on=crawl_jobs.get(agency["id"]) if phase == "browse" else None,
                on_failure=tasks.on_task_failure,
            )
    scoring = False
    if tracking.progress(connection, run_id).done >= len(names):
        scoring = tasks.enqueue_scoring(connection, run_id, encoded)  # nothing left to wait for
    return EnqueueReport(run_id, len(agencies), len(names), enqueued, scoring)


def _batches(agencies: list[dict[str, Any]], size: int) -> list[list[dict[str, Any]]]:
    return [agencies[i : i + size] for i in range(0, len(agencies), max(size, 1))]


def _open_run(
    registry: Registry, db_url: str, options: RunOptions, run_id: int | None
) -> tuple[int, list[dict[str, Any]], list[str], dict[str, Any]]:
    engine = open_store(db_url)
    try:
        with session_factory(engine).begin() as session:
            if run_id is not None:
                return _existing_run(registry, session, run_id)
            selected = registry.select(options.agency_ids)
            repository.sync_agencies(session, selected)
            encoded = {**encode_options(options), "phases": list(options.phases)}
            plan = runs.RunPlan(agency_ids=[a.id for a in selected], phases=list(options.phases))
            request = runs.RunRequest(plan=plan, distributed=encoded)
            run = runs.create_run(session, kind=options.kind, request=request, registry=registry)
            return run.id, [a.model_dump(mode="json") for a in selected], list(options.phases), encoded
    finally:
        engine.dispose()


def _existing_run(
    registry: Registry, session: Any, run_id: int
) -> tuple[int, list[dict[str, Any]], list[str], dict[str, Any]]:
    run = repository.get_run(session, run_id)
    if run is None:
        raise UserError(f"--run {run_id}: no such run in this store; omit --run to start a new one")
    request = runs.state_of(run).request
    if request.distributed is None or request.plan is None:
        raise UserError(f"--run {run_id} was not started by `enqueue`; resume it with `egov-crawl run --resume`")
    decode_options(request.distributed)  # still readable by this version
    selected = registry.select(request.plan.agency_ids)  # the registry still knows them (or the user learns which)
    runs.resume(session, run_id)
    return run_id, [a.model_dump(mode="json") for a in selected], list(request.plan.phases), request.distributed
