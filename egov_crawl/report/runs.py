"""Which runs the publishing commands (actions, export matrix, changes) read.

A run is *complete* when every phase finished (``run.status == 'complete'``, set by the pipeline, never
guessed). By default these commands read the newest complete run — an interrupted or half-browsed run would
publish outcomes nobody measured — and ``--run N`` reads any run, which is then named as incomplete.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from egov_crawl.errors import UserError
from egov_crawl.store import repository
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.store.models import Run

COMPLETE = "complete"


@contextmanager
def reading(db_url: str) -> Iterator[Session]:
    """A session on the store, opened the way the other read commands open it."""
    engine = open_store(db_url)
    try:
        with session_factory(engine)() as session:
            yield session
    finally:
        engine.dispose()


@dataclass(frozen=True)
class RunInfo:
    id: int
    status: str
    kind: str

    @property
    def complete(self) -> bool:
        return self.status == COMPLETE

    def label(self) -> str:
        return f"run {self.id}" + ("" if self.complete else f" ({self.status}: incomplete)")


def complete_run_ids(session: Session) -> list[int]:
    """Ids of the complete runs, oldest first."""
    return list(session.scalars(select(Run.id).where(Run.status == COMPLETE).order_by(Run.id)))


def _info(run: Run) -> RunInfo:
    return RunInfo(run.id, run.status, run.kind)


def chosen_run(session: Session, run_id: int | None) -> RunInfo:
    """``--run N`` when given (any status), else the newest complete run."""
    if run_id is not None:
        run = repository.get_run(session, run_id)
        if run is None:
            known = repository.all_run_ids(session)
            listed = f"its runs are {', '.join(map(str, known[-10:]))}" if known else "it has no run"
            raise UserError(f"--run {run_id}: the store has no such run; {listed}")
        return _info(run)
    complete = complete_run_ids(session)
    if not complete:
        newest = repository.newest_run_id(session)
        if newest is None:
            raise UserError("the store has no run; run `egov-crawl run` (or `egov-crawl demo`) first")
        raise UserError(
            f"the store has no complete run (the newest, {newest}, did not finish); "
            f"finish it with `egov-crawl run --resume`, or read it anyway with --run {newest}"
        )
    run = repository.get_run(session, complete[-1])
    assert run is not None
    return _info(run)


def baseline_run(session: Session, current: RunInfo, since: int | None) -> RunInfo:
    """``--since RUN`` when given, else the newest complete run before ``current``."""
    if since is not None:
        if since == current.id:
            raise UserError(f"--since {since}: that is the run being compared; name an earlier run")
        try:
            return chosen_run(session, since)
        except UserError as exc:
            raise UserError(exc.lines[0].replace("--run", "--since", 1)) from None
    earlier = [run_id for run_id in complete_run_ids(session) if run_id < current.id]
    if not earlier:
        raise UserError(
            f"no complete run before run {current.id} to compare with; name one with --since RUN "
            "(`egov-crawl history AGENCY` lists the runs)"
        )
    run = repository.get_run(session, earlier[-1])
    assert run is not None
    return _info(run)
