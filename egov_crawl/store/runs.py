"""The run manager: the only code that creates a run, resumes it, marks its phases and finishes it.

A run's state is two JSON columns, read and written here only, through typed models: ``run.options`` says what
the run was asked to do (``RunRequest``: the pipeline's plan, the crawl's options, the scale-out options) and
``run.summary`` how far it got (``RunProgress``: each phase's state, how the crawl ended). Their stored shape
is what earlier versions wrote (``{"pipeline": {"agency_ids": …, "phases": …}}``, ``{"phases": {"crawl":
{"done": true, …}}}``), so stores written before this module read the same; keys these models do not name
(``as_of``, read by the site facts) are kept as they are.

Who settles a run's status: the pipeline (``run``) and the scale-out scorer for a run with a plan; the crawl for
a run it started itself. ``crawl`` never sets the status of a run that has a plan: that run has more phases.
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from egov_crawl import __version__
from egov_crawl.errors import UserError
from egov_crawl.registry.models import Registry
from egov_crawl.store.models import Run, utcnow
from egov_crawl.store.repository import newest_run_id

# How many of the newest runs ``unfinished_run`` looks through: an unfinished run further back is history.
RECENT_RUNS = 50


class _Stored(BaseModel):
    """A part of a JSON column: unknown keys kept, only the keys that were set written back."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    def stored(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


class RunPlan(_Stored):
    """The agencies and phases of a pipeline run (``run`` or ``enqueue``): what ``--resume`` finishes."""

    agency_ids: list[str]
    phases: list[str]


class CrawlRequest(_Stored):
    """What ``crawl`` was asked to do in the run (``--resume`` without agency ids crawls these again)."""

    agency_ids: list[str] = Field(default_factory=list)
    max_pages: int | None = None
    max_depth: int | None = None
    warc_dir: str | None = None
    incremental: bool = False
    polite: bool = True


class RunRequest(_Stored):
    """``run.options``."""

    plan: RunPlan | None = Field(default=None, alias="pipeline")
    crawl: CrawlRequest | None = None
    distributed: dict[str, Any] | None = None  # the scale-out options every task of the run gets


class PhaseState(_Stored):
    done: bool = False
    seconds: float | None = None
    detail: str | None = None
    error: str | None = None
    failed_tasks: list[str] | None = None  # scale-out: the tasks of the phase that failed for good


class CrawlOutcome(_Stored):
    finished: bool
    agencies: int
    pages: int


class RunProgress(_Stored):
    """``run.summary``."""

    phases: dict[str, PhaseState] = Field(default_factory=dict)
    crawl: CrawlOutcome | None = None
    seconds: float | None = None
    pages: int | None = None
    distributed: dict[str, Any] | None = None

    def done_phases(self) -> set[str]:
        return {name for name, state in self.phases.items() if state.done}

    def phase_dicts(self) -> dict[str, dict[str, Any]]:
        return {name: state.stored() for name, state in self.phases.items()}


class RunState(BaseModel):
    """A run's request and progress, validated when read (``state_of``)."""

    request: RunRequest
    progress: RunProgress


Scope = Literal["run", "crawl"]


def state_of(run: Run) -> RunState:
    """The run's state, validated: a row this version cannot read is the user's one line, not a traceback."""
    try:
        return RunState(
            request=RunRequest.model_validate(run.options or {}),
            progress=RunProgress.model_validate(run.summary or {}),
        )
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        raise UserError(f"run {run.id}: its stored state is not readable ({where}: {problem['msg']})") from None


def _save(run: Run, state: RunState) -> None:
    # New dicts, so that the JSON columns see the change.
    run.options = state.request.stored()
    run.summary = state.progress.stored()


def _get(session: Session, run_id: int) -> Run:
    run = session.get(Run, run_id)
    if run is None:
        raise LookupError(f"run {run_id} does not exist")
    return run


def _set_status(run: Run, status: str) -> None:
    run.status = status
    run.finished_at = utcnow() if status in ("complete", "failed") else None


def registry_hash(registry: Registry) -> str:
    return hashlib.sha256(registry.model_dump_json().encode()).hexdigest()


# --- creating and finding runs ---------------------------------------------------------------------------------


def create_run(
    session: Session,
    *,
    kind: str = "adhoc",
    request: RunRequest | None = None,
    registry: Registry | None = None,
    code_version: str = __version__,
) -> Run:
    """A new run (status "running"), flushed so that it has its id."""
    run = Run(kind=kind, code_version=code_version, options=(request or RunRequest()).stored())
    if registry is not None:
        run.registry_hash = registry_hash(registry)
    session.add(run)
    session.flush()
    return run


def _unfinished(state: RunState, run: Run, scope: Scope) -> bool:
    if scope == "crawl":  # a crawl started in the run and did not end
        return state.request.crawl is not None and not (state.progress.crawl and state.progress.crawl.finished)
    return state.request.plan is not None and run.status != "complete"  # a pipeline run not complete


def unfinished_run(session: Session, scope: Scope) -> Run | None:
    """The newest of the recent runs that ``--resume`` finishes: for ``run``, a pipeline run not complete
    (killed, interrupted or failed); for ``crawl``, a run whose crawl started and did not end."""
    recent = session.scalars(select(Run).order_by(Run.id.desc()).limit(RECENT_RUNS))
    return next((run for run in recent if _unfinished(state_of(run), run, scope)), None)


def collect_into(session: Session, run_id: int | None) -> int:
    """The run a collector command (``probe``, ``browse``) writes into: ``run_id`` if it exists; else the newest
    run; else a new ad-hoc run."""
    if run_id is not None:
        if session.get(Run, run_id) is None:
            raise UserError(f"run {run_id} does not exist in this database; omit --run to use the newest")
        return run_id
    newest = newest_run_id(session)
    return newest if newest is not None else create_run(session).id


# --- a run's life --------------------------------------------------------------------------------------------


def resume(session: Session, run_id: int) -> RunState:
    """Mark the run running again (``--resume``, ``enqueue --run``); its state says what is left to do."""
    run = _get(session, run_id)
    _set_status(run, "running")
    return state_of(run)


def attach_crawl(session: Session, run_id: int, request: CrawlRequest) -> None:
    """A crawl into an existing run: its crawl request is recorded unless one was (a resumed crawl keeps it)."""
    run = session.get(Run, run_id)
    if run is None:
        raise UserError(f"run {run_id} does not exist in this database")
    state = state_of(run)
    if state.request.crawl is None:
        state.request.crawl = request
        _save(run, state)


def mark_phase(session: Session, run_id: int, phase: str, **values: Any) -> None:
    """Record a phase's state (done, seconds, detail, error, failed_tasks), over what was recorded before."""
    run = _get(session, run_id)
    state = state_of(run)
    before = state.progress.phases.get(phase, PhaseState()).stored()
    state.progress.phases = {**state.progress.phases, phase: PhaseState.model_validate({**before, **values})}
    _save(run, state)


def record_crawl(session: Session, run_id: int, outcome: CrawlOutcome, *, interrupted: bool, settle: bool) -> None:
    """How the run's crawl ended. ``settle``: the crawl started (or resumed) the run, so it also sets the run's
    status, unless the run has a plan: its later phases are still to run, and "complete" here would hide a
    later crash from ``run --resume``."""
    run = _get(session, run_id)
    state = state_of(run)
    state.progress.crawl = outcome
    _save(run, state)
    if settle and state.request.plan is None:
        _set_status(run, "interrupted" if interrupted else "complete")


def finish(session: Session, run_id: int, status: str, **progress: Any) -> None:
    """Set the run's final status (complete, failed, interrupted) and record totals (seconds, pages, …)."""
    run = _get(session, run_id)
    _set_status(run, status)
    if progress:
        state = state_of(run)
        for name, value in progress.items():
            setattr(state.progress, name, value)
        _save(run, state)
