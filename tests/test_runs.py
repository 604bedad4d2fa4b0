"""The run manager (issue 22): one owner of a run's life, a typed state that reads what earlier versions stored."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from egov_crawl.errors import UserError
from egov_crawl.store import runs
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.store.models import Run

PACKAGE = Path(__file__).resolve().parents[1] / "egov_crawl"

# What `egov-crawl run` stored before the run manager existed, for a run whose score phase failed.
OLD_OPTIONS = {"pipeline": {"agency_ids": ["revenue", "dbd"], "phases": ["crawl", "score"]}, "as_of": "2026-11-01"}
OLD_SUMMARY = {
    "phases": {"crawl": {"done": True, "seconds": 1.5, "detail": "3 pages"}, "score": {"done": False, "error": "E"}},
    "crawl": {"finished": True, "agencies": 2, "pages": 3},
}


@pytest.fixture
def session(tmp_path: Path) -> Session:
    return session_factory(open_store(f"sqlite:///{tmp_path / 'runs.db'}"))()


def _old_run(session: Session) -> int:
    row = Run(kind="nightly", code_version="0.9", status="failed", options=OLD_OPTIONS, summary=OLD_SUMMARY)
    session.add(row)
    session.commit()
    return row.id


def test_a_run_stored_before_reads_resumes_and_keeps_its_shape(session: Session) -> None:
    run_id = _old_run(session)
    found = runs.unfinished_run(session, "run")
    assert found is not None and found.id == run_id
    state = runs.resume(session, run_id)
    assert state.request.plan is not None and state.request.plan.agency_ids == ["revenue", "dbd"]
    assert state.progress.done_phases() == {"crawl"}
    runs.mark_phase(session, run_id, "score", done=True, seconds=2.0, detail="2 agencies scored")
    runs.finish(session, run_id, "complete", seconds=4.0)
    session.commit()

    row = session.get(Run, run_id)
    assert row is not None and row.status == "complete" and row.finished_at is not None
    assert row.options == OLD_OPTIONS  # the as_of key, which no model names, is kept
    assert row.summary == {
        **OLD_SUMMARY,
        "phases": {
            "crawl": OLD_SUMMARY["phases"]["crawl"],
            "score": {"done": True, "error": "E", "seconds": 2.0, "detail": "2 agencies scored"},
        },
        "seconds": 4.0,
    }
    assert runs.unfinished_run(session, "run") is None


def test_an_unreadable_run_state_is_one_line(session: Session) -> None:
    session.add(Run(code_version="0.9", options={"pipeline": {"agency_ids": "revenue", "phases": []}}))
    session.commit()
    with pytest.raises(UserError, match=r"^run 1: its stored state is not readable \(pipeline\.agency_ids: "):
        runs.unfinished_run(session, "run")


def test_a_crawl_settles_only_a_run_without_a_plan(session: Session) -> None:
    plan = runs.RunPlan(agency_ids=["revenue"], phases=["crawl", "probe"])
    pipeline = runs.create_run(session, request=runs.RunRequest(plan=plan)).id
    crawl_only = runs.create_run(session, request=runs.RunRequest(crawl=runs.CrawlRequest(agency_ids=["revenue"]))).id
    assert runs.unfinished_run(session, "crawl") is not None
    outcome = runs.CrawlOutcome(finished=True, agencies=1, pages=5)
    for run_id in (pipeline, crawl_only):
        runs.record_crawl(session, run_id, outcome, interrupted=False, settle=True)
    session.commit()
    statuses = {run_id: session.get(Run, run_id).status for run_id in (pipeline, crawl_only)}  # type: ignore[union-attr]
    assert statuses == {pipeline: "running", crawl_only: "complete"}  # the pipeline has a probe phase to run
    assert runs.unfinished_run(session, "crawl") is None


def test_only_the_run_manager_creates_runs_and_sets_their_status() -> None:
    writers = re.compile(r"\bRun\(|\brun\.status\s*=[^=]")
    found = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).as_posix() not in ("store/runs.py", "store/models.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if writers.search(line)
    ]
    assert found == []
