"""``egov-crawl run``: crawl → probe → browse → score as one run, for a nightly schedule.

The run is the unit an analyst later cites ("run 412, 2026-11-25"), so it is created first and every phase
writes into it. Each phase records its completion in ``run.summary['phases']``; a run killed part-way is
resumed with ``--resume`` from the first phase not done (the crawl phase itself resumes page by page). A site
that fails is a classified fact, not a failed run: only a phase that cannot go on fails the run.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn

from sqlalchemy.exc import DBAPIError

from egov_crawl import failures
from egov_crawl.browser.runner import browse
from egov_crawl.crawler.runner import crawl, must_resume
from egov_crawl.errors import UserError
from egov_crawl.phases import PHASES
from egov_crawl.pipeline.lock import run_lock
from egov_crawl.pipeline.options import RunOptions
from egov_crawl.pipeline.runlog import RunLog
from egov_crawl.probes.runner import probe
from egov_crawl.registry.models import Registry
from egov_crawl.scoring.engine import profile_warning_of, score_run
from egov_crawl.scoring.methodology import load_methodology
from egov_crawl.store import repository, runs
from egov_crawl.store.db import StoreUnavailable, open_store, session_factory, write_with_retry

if TYPE_CHECKING:  # the collectors are imported when their phase runs (Scrapy, Playwright: slow to import)
    from egov_crawl.browser.runner import BrowseSummary
    from egov_crawl.probes.runner import ProbeSummary

EXIT_RUN_FAILED = 3


class RunFailed(UserError):
    """A phase could not go on (not: a site failed). The run is marked failed; stored facts stay."""

    exit_code = EXIT_RUN_FAILED


@dataclass
class RunReport:
    run_id: int
    status: str
    agencies: int
    pages: int
    seconds: float
    phases: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class PhaseContext:
    registry: Registry
    agency_ids: list[str]
    db_url: str
    run_id: int
    options: RunOptions
    log: RunLog
    resumed: bool


def _crawl(ctx: PhaseContext) -> str:
    summary = crawl(
        ctx.registry,
        ctx.agency_ids,
        db_url=ctx.db_url,
        run_id=ctx.run_id,
        hostmap=ctx.options.hostmap,
        ca_file=ctx.options.ca_file,
        max_pages=ctx.options.max_pages,
        resume=ctx.resumed,
        incremental=ctx.options.incremental,
        polite=ctx.options.polite,
        contact_url=ctx.options.contact_url,
        on_event=lambda event: _forward_crawl_event(ctx.log, event),
        log_file=ctx.options.log_file,
    )
    lost = [r.agency_id for r in summary.agencies if r.error_class == failures.STORE_ERROR]
    if lost:  # fetched pages the store could not keep: a complete run would score the agency on what is left
        raise RuntimeError(
            f"the store lost fetched pages of {len(lost)} agencies ({', '.join(lost[:5])}); their crawls are partial"
        )
    unfinished = [r.agency_id for r in summary.agencies if must_resume(r.status, r.error_class)]
    if unfinished:
        raise RuntimeError(
            f"the crawl stopped before finishing {len(unfinished)} agencies ({', '.join(unfinished[:5])})"
        )
    return f"{summary.pages} pages"


def _forward_crawl_event(log: RunLog, event: dict[str, Any]) -> None:
    if event.get("event") in ("agency_finished", "agency_skipped", "store_error"):
        fields = {k: v for k, v in event.items() if k != "event"}
        log.event(f"crawl_{event['event']}", **fields)


def _forward_browse_event(log: RunLog, event: dict[str, Any]) -> None:
    # One line per browser job in a JSON log: the phase can take minutes, and a log shipper sees it progress.
    if event.get("event") == "job":
        log.event("browse_job", **{k: v for k, v in event.items() if k != "event"})


def probe_agencies(
    registry: Registry, agency_ids: list[str], *, db_url: str, run_id: int, options: RunOptions
) -> ProbeSummary:
    """The probe phase for ``agency_ids`` as the run's options set it up (the nightly run and a worker's task)."""
    return probe(
        registry,
        agency_ids,
        db_url=db_url,
        run_id=run_id,
        hostmap=options.hostmap,
        ca_file=options.ca_file,
        dns_server=options.dns_server,
        trust_anchors=options.trust_anchors,
        contact_url=options.contact_url,
    )


def browse_agencies(
    registry: Registry,
    agency_ids: list[str],
    *,
    db_url: str,
    run_id: int,
    options: RunOptions,
    on_event: Callable[[dict[str, Any]], None] | None = None,
) -> BrowseSummary:
    """The browse phase for ``agency_ids`` as the run's options set it up (the nightly run and a worker's task).
    A browse killed part-way is redone whole: ``browse`` replaces what the interrupted attempt wrote."""
    return browse(
        registry,
        agency_ids,
        db_url=db_url,
        run_id=run_id,
        hostmap=options.hostmap,
        ca_file=options.ca_file,
        evidence_dir=options.evidence_dir,
        executable=options.chromium,
        contexts=options.browser_contexts,
        on_event=on_event,
        contact_url=options.contact_url,
    )


def _probe(ctx: PhaseContext) -> str:
    summary = probe_agencies(ctx.registry, ctx.agency_ids, db_url=ctx.db_url, run_id=ctx.run_id, options=ctx.options)
    return str(getattr(summary, "detail", "") or "")


def _browse(ctx: PhaseContext) -> str:
    summary = browse_agencies(
        ctx.registry,
        ctx.agency_ids,
        db_url=ctx.db_url,
        run_id=ctx.run_id,
        options=ctx.options,
        on_event=lambda event: _forward_browse_event(ctx.log, event),
    )
    return str(getattr(summary, "detail", "") or "")


def _score(ctx: PhaseContext) -> str:
    rules = load_methodology(ctx.options.methodology)
    scores = score_run(ctx.db_url, ctx.run_id, methodology=rules, agency_ids=ctx.agency_ids, keep_findings=False)
    warning = profile_warning_of(rules, scores)
    return f"{len(scores)} agencies scored" + (f"; {warning}" if warning else "")


PHASE_FUNCTIONS: dict[str, Callable[[PhaseContext], str]] = {
    "crawl": _crawl,
    "probe": _probe,
    "browse": _browse,
    "score": _score,
}


def _validate_phases(phases: tuple[str, ...]) -> None:
    unknown = [p for p in phases if p not in PHASE_FUNCTIONS]
    if unknown:
        raise UserError(f"unknown phase {unknown[0]!r}; phases are {', '.join(PHASES)}")


def run_pipeline(
    registry: Registry, *, db_url: str, options: RunOptions, log: RunLog, resume: bool = False
) -> RunReport:
    """Run (or resume) one pipeline run under the store's run lock; returns its report.

    Raises ``RunLocked`` when another run holds the lock, ``RunFailed`` when a phase cannot go on.
    """
    _validate_phases(options.phases)
    with run_lock(db_url):
        return _run_locked(registry, db_url=db_url, options=options, log=log, resume=resume)


def _start_or_resume(
    registry: Registry, db_url: str, options: RunOptions, resume: bool
) -> tuple[int, list[str], set[str]]:
    sessions = session_factory(open_store(db_url))
    with sessions.begin() as session:
        if resume:
            run = runs.unfinished_run(session, "run")
            if run is None:
                raise UserError("--resume: no unfinished run in this store; start one without --resume")
            state = runs.resume(session, run.id)
            assert state.request.plan is not None  # an unfinished "run" has a plan
            agency_ids = list(state.request.plan.agency_ids)
            registry.select(agency_ids)  # the registry still knows them (or the user learns which went missing)
            return run.id, agency_ids, state.progress.done_phases()
        selected = registry.select(options.agency_ids)
        repository.sync_agencies(session, selected)
        agency_ids = [a.id for a in selected]
        plan = runs.RunPlan(agency_ids=agency_ids, phases=list(options.phases))
        run = runs.create_run(session, kind=options.kind, request=runs.RunRequest(plan=plan), registry=registry)
        return run.id, agency_ids, set()


def _run_locked(registry: Registry, *, db_url: str, options: RunOptions, log: RunLog, resume: bool) -> RunReport:
    started = time.monotonic()
    run_id, agency_ids, done = _start_or_resume(registry, db_url, options, resume)
    sessions = session_factory(open_store(db_url))
    log.event("run_started", run_id=run_id, agencies=len(agency_ids), phases=list(options.phases), resumed=resume)
    ctx = PhaseContext(registry, agency_ids, db_url, run_id, options, log, resumed=resume)
    status = "failed"  # until every phase has run; SIGKILL leaves "running", which --resume also picks up
    recorded = False
    try:
        for phase in options.phases:
            if phase in done:
                log.event("phase_skipped", run_id=run_id, phase=phase, reason="done before the interruption")
                continue
            _run_phase(ctx, phase, sessions)
        status = "complete"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        # With the database gone (the usual reason a phase failed) the status cannot be written: the run stays
        # "running", which is not complete and which --resume picks up. The error that got here is what to show.
        seconds = round(time.monotonic() - started, 1)
        recorded = _record(sessions, runs.finish, run_id, status, seconds=seconds)
        log.event("run_finished", run_id=run_id, status=status if recorded else "running", seconds=seconds)
    if not recorded:
        raise RunFailed(f"run {run_id}: every phase ran but the database is unreachable; rerun with --resume")
    with sessions.begin() as session:
        failures = repository.failure_counts(session, run_id)
        pages = repository.run_page_count(session, run_id)
        run = repository.get_run(session, run_id)
        phases = runs.state_of(run).progress.phase_dicts() if run else {}
    return RunReport(run_id, status, len(agency_ids), pages, time.monotonic() - started, phases, failures)


def _record(sessions: Any, update: Callable[..., None], *args: Any, **kwargs: Any) -> bool:
    """Write run bookkeeping; False (and nothing raised) when the database cannot be reached."""
    try:
        with sessions.begin() as session:
            update(session, *args, **kwargs)
    except DBAPIError:
        return False
    return True


def _one_line(exc: BaseException) -> str:
    """``Type: first line`` — SQLAlchemy's messages carry the SQL and a help link on further lines."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        exc = exc.orig
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}".rstrip(": ")


def _run_phase(ctx: PhaseContext, phase: str, sessions: Any) -> None:
    ctx.log.event("phase_started", run_id=ctx.run_id, phase=phase)
    began = time.monotonic()
    try:
        detail = PHASE_FUNCTIONS[phase](ctx)
    except KeyboardInterrupt:
        raise
    except UserError as exc:
        if not isinstance(exc, StoreUnavailable):
            raise  # bad input: the user's one line, as from any command
        _phase_failed(ctx, phase, sessions, exc)
    except Exception as exc:  # a phase that cannot go on fails the run; its facts so far stay stored
        _phase_failed(ctx, phase, sessions, exc)
    seconds = round(time.monotonic() - began, 1)
    try:  # the phase's facts are stored; wait out a database restart rather than redo the phase
        write_with_retry(
            sessions, lambda s: runs.mark_phase(s, ctx.run_id, phase, done=True, seconds=seconds, detail=detail)
        )
    except DBAPIError as exc:
        _phase_failed(ctx, phase, sessions, exc)
    ctx.log.event("phase_finished", run_id=ctx.run_id, phase=phase, seconds=seconds, detail=detail)


def _phase_failed(ctx: PhaseContext, phase: str, sessions: Any, exc: BaseException) -> NoReturn:
    error = _one_line(exc)
    _record(sessions, runs.mark_phase, ctx.run_id, phase, done=False, error=error)
    ctx.log.event("phase_failed", run_id=ctx.run_id, phase=phase, error=error)
    raise RunFailed(f"run {ctx.run_id}: the {phase} phase failed: {error}; rerun with --resume") from exc
