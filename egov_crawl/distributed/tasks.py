"""The RQ jobs a worker runs: crawl, probe or browse one agency into a run; score a run.

Every job is idempotent, because RQ runs a job again when its worker died mid-way (an abandoned job) or it
raised (``Retry``):
- crawl: the crawler's resume — a site crawl already finished is skipped, a half-done one continues from the
  pages stored (never fetched or stored twice: ``page`` is unique on (site_crawl_id, url));
- probe: ``replace_probe_facts`` replaces the agency's rows of the run;
- browse: the agency's browser facts of the run are deleted first;
- score: findings and scores are replaced.
When a job finishes (or its last retry fails) it is recorded in ``tracking``; the one that completes the run
enqueues the run's scoring.
"""

from __future__ import annotations

import logging
from typing import Any

from rq import get_current_job
from rq.job import Job

from egov_crawl import config
from egov_crawl.crawler.runner import CrawlJob, must_resume, run_crawl_process
from egov_crawl.distributed import queues, tracking
from egov_crawl.distributed.options import decode_options
from egov_crawl.pipeline.nightly import browse_agencies, probe_agencies
from egov_crawl.registry.models import Agency, Registry
from egov_crawl.scoring.engine import profile_warning_of, score_run
from egov_crawl.scoring.methodology import load_methodology
from egov_crawl.store import repository, runs
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.stored_entry import stored_entry

logger = logging.getLogger(__name__)

AGENCY_PHASES = ("crawl", "probe", "browse")
_worker_db_url: str | None = None


class TaskIncomplete(RuntimeError):
    """The job ran but its agency is not done (the crawl child was killed): RQ retries it."""


def configure(db_url: str) -> None:
    """The store this worker process writes to (set before ``work()``; the forked work horse inherits it)."""
    global _worker_db_url
    _worker_db_url = db_url


def _db_url() -> str:
    return _worker_db_url or config.db_url(None)


def _registry(agency: dict[str, Any]) -> Registry:
    return Registry(version=1, agencies=[Agency.model_validate(agency)])


# --- the jobs ---------------------------------------------------------------------------------------------------


def crawl_task(run_id: int, agencies: list[dict[str, Any]], options: dict[str, Any]) -> dict[str, Any]:
    """Crawl agencies (concurrently, in one Scrapy process) into ``run_id``, resuming what an earlier attempt
    stored; each agency that ends is recorded as done, so a retry only redoes the others."""
    run_options = decode_options(options)
    db_url = _db_url()
    job = CrawlJob(
        db_url=db_url,
        run_id=run_id,
        agencies=[stored_entry(Agency.model_validate(a)) for a in agencies],  # job file: no journey fill values
        max_pages=run_options.max_pages,
        hostmap=options.get("hostmap"),
        resume=True,  # a first attempt finds no site crawl and starts one; a retry continues it
        incremental=run_options.incremental,
        polite=run_options.polite,
        contact_url=run_options.contact_url,
    )
    code = run_crawl_process(job, ca_file=run_options.ca_file)
    engine = open_store(db_url)
    try:
        with session_factory(engine)() as session:
            crawls = {sc.agency_id: sc for sc in repository.site_crawls_for_run(session, run_id)}
            states = {
                a["id"]: (crawls[a["id"]].status, crawls[a["id"]].pages) if a["id"] in crawls else ("missing", 0)
                for a in agencies
            }
            # A crawl whose pages the store lost (store_error) is redone, like one that was stopped.
            redo = {a for a, c in crawls.items() if must_resume(c.status, c.error_class)}
    finally:
        engine.dispose()
    unfinished = [agency for agency, (status, _) in states.items() if status == "missing" or agency in redo]
    for agency_id in (a for a in states if a not in unfinished):
        _finished(run_id, "crawl", agency_id, options)
    if code != 0 or unfinished:
        raise TaskIncomplete(f"crawl in run {run_id} stopped (exit {code}) before {', '.join(unfinished) or 'the end'}")
    return {"agencies": {agency: {"status": s, "pages": n} for agency, (s, n) in states.items()}}


def probe_task(run_id: int, agency: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """Probe one agency's hosts into ``run_id`` (its probe facts of the run are replaced)."""
    probe_agencies(_registry(agency), [agency["id"]], db_url=_db_url(), run_id=run_id, options=decode_options(options))
    _finished(run_id, "probe", agency["id"], options)
    return {"agency": agency["id"]}


def browse_task(run_id: int, agency: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """Open one agency's pages in Chromium into ``run_id`` (facts of an earlier attempt are dropped first)."""
    browse_agencies(_registry(agency), [agency["id"]], db_url=_db_url(), run_id=run_id, options=decode_options(options))
    _finished(run_id, "browse", agency["id"], options)
    return {"agency": agency["id"]}


def score_task(run_id: int, options: dict[str, Any]) -> dict[str, Any]:
    """Finish the run once every agency task is done: score it (when its phases include score), record the
    phases in ``run.summary`` and mark it complete."""
    run_options = decode_options(options)
    db_url = _db_url()
    sessions = session_factory(open_store(db_url))
    with sessions() as session:
        run = repository.get_run(session, run_id)
        if run is None:
            raise LookupError(f"run {run_id} does not exist in {db_url}")
        plan = runs.state_of(run).request.plan
        agency_ids = list(plan.agency_ids) if plan else []
        phases = list(plan.phases) if plan else []
    scores = []
    warning = None
    if "score" in phases:
        rules = load_methodology(run_options.methodology)
        scores = score_run(db_url, run_id, methodology=rules, agency_ids=agency_ids, keep_findings=False)
        warning = profile_warning_of(rules, scores)
    progress = tracking.progress(_connection(), run_id)
    with sessions.begin() as session:
        for phase in (p for p in phases if p in AGENCY_PHASES):
            failed = sorted(name for name in progress.failed if name.startswith(phase + "/"))
            detail = f"{len(agency_ids)} agencies" + (f", {len(failed)} tasks failed" if failed else "")
            runs.mark_phase(session, run_id, phase, done=True, detail=detail, failed_tasks=failed)
        if "score" in phases:
            detail = f"{len(scores)} agencies scored" + (f"; {warning}" if warning else "")
            runs.mark_phase(session, run_id, "score", done=True, detail=detail)
        runs.finish(
            session,
            run_id,
            "complete",
            distributed={"tasks": progress.expected, "failed_tasks": progress.failed},
            pages=repository.run_page_count(session, run_id),
        )
    return {"run_id": run_id, "scored": len(scores)}


def on_task_failure(job: Job, connection: Any, *exc_info: Any) -> None:
    """RQ failure callback (also run for an abandoned job, whose worker died). Only the last try counts: the
    task is then finished with an error, so one agency that cannot be collected never holds the run back."""
    if job.retries_left:
        return  # RQ will run it again
    run_id, agencies, options = job.args
    phase = job.origin.removeprefix(queues.QUEUE_PREFIX)
    error = f"{exc_info[0].__name__}: {exc_info[1]}" if exc_info and exc_info[0] else "failed"
    for agency in agencies if isinstance(agencies, list) else [agencies]:  # a crawl task holds a batch
        name = tracking.task_name(phase, agency["id"])
        if tracking.is_done(connection, run_id, name):
            continue  # an agency of the batch that this task had finished before failing
        logger.warning("task %s of run %s failed for good: %s", name, run_id, error)
        _record(connection, run_id, name, options, error=error)


# --- bookkeeping ------------------------------------------------------------------------------------------------


def _connection() -> Any:
    job = get_current_job()
    if job is None:
        raise RuntimeError("egov_crawl.distributed tasks run inside an RQ worker (egov-crawl worker)")
    return job.connection


def _finished(run_id: int, phase: str, agency_id: str, options: dict[str, Any]) -> None:
    _record(_connection(), run_id, tracking.task_name(phase, agency_id), options)


def _record(connection: Any, run_id: int, name: str, options: dict[str, Any], *, error: str | None = None) -> None:
    progress = tracking.finish(connection, run_id, name, error=error)
    if progress.complete:
        enqueue_scoring(connection, run_id, options)


def enqueue_scoring(connection: Any, run_id: int, options: dict[str, Any]) -> bool:
    """Enqueue the run's scoring job (at most once while it is queued, running or finished)."""
    return queues.enqueue_once(
        connection, "score", score_task, identifier=queues.job_id(run_id, "score"), args=(run_id, options)
    )
