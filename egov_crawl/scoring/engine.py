"""Score a run: stored facts → every check → findings → the methodology's scores, written to the store.

No network and no re-crawl: ``rescore`` recomputes from what a run stored. Writing replaces the
run's findings and its scores under the same methodology id, so scoring twice gives the same rows.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import multiprocessing.util
import os
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from egov_crawl import __version__
from egov_crawl.errors import UserError
from egov_crawl.facts.model import SiteFacts
from egov_crawl.profiles import DEFAULT_PROFILE
from egov_crawl.scoring.aggregate import Aggregate, aggregate
from egov_crawl.scoring.methodology import Methodology, load_methodology, profile_warning
from egov_crawl.scoring.model import Finding
from egov_crawl.scoring.registry import CheckSpec, all_checks, run_check
from egov_crawl.store import repository
from egov_crawl.store.db import make_engine, open_store, session_factory
from egov_crawl.store.site_facts import load_sites, run_as_of

log = logging.getLogger(__name__)
# Agencies are read, scored and written in batches: one query per fact table and one transaction per batch
# (bench/scoring.py: per-agency queries and commits cost more than the checks). A batch holds at most
# BATCH_AGENCIES agencies and about BATCH_PAGES crawled pages, so memory stays flat when sites are large (a
# full crawl is 200 pages, each with its text and facts).
BATCH_AGENCIES = 500
BATCH_PAGES = 5_000
# With worker processes the batches are smaller, so the parent's writes overlap the workers' checks from the
# first seconds on and the last batch written after the workers finish is short. Below PARALLEL_MIN_AGENCIES
# agencies a pool is not worth starting (each worker imports the checks and opens the store: about 0.6 s).
POOL_BATCH_AGENCIES = 50
PARALLEL_MIN_AGENCIES = 200


def default_workers() -> int:
    """Scoring processes used by default: one per core, at most two (the parent writes while they compute)."""
    return min(2, os.cpu_count() or 1)


@dataclass(frozen=True)
class AgencyScore:
    """One agency's scores under one methodology, and the findings they came from. ``findings`` is empty where
    ``score_run`` was told not to keep them (``keep_findings=False``): they are in the store either way."""

    agency_id: str
    run_id: int
    cohort: str
    methodology_id: str
    methodology_version: str
    methodology_hash: str
    result: Aggregate
    findings: dict[str, Finding]
    profile: str = DEFAULT_PROFILE  # the agency's country profile (egov_crawl/profiles)

    @property
    def overall(self) -> float | None:
        return self.result.overall

    @property
    def band(self) -> str:
        return self.result.band

    @property
    def coverage(self) -> float:
        return self.result.coverage


def _methodology(methodology: Methodology | Path | str | None) -> Methodology:
    return methodology if isinstance(methodology, Methodology) else load_methodology(methodology)


def score_site(rules: Methodology, checks: dict[str, CheckSpec], site: SiteFacts) -> AgencyScore:
    """Every check on one agency's facts, aggregated under ``rules`` (pure: no store, no clock)."""
    findings = {check_id: run_check(spec, site) for check_id, spec in checks.items()}
    result = aggregate(rules, site.cohort, findings)
    return AgencyScore(
        site.agency_id, site.run_id, site.cohort, rules.id, rules.version, rules.sha256, result, findings,
        site.profile.id,
    )  # fmt: skip


def profile_warning_of(rules: Methodology, scores: list[AgencyScore]) -> str | None:
    """The warning line when some scored agencies use a country profile ``rules`` is not valid for."""
    return profile_warning(rules.id, rules.profiles, {s.agency_id: s.profile for s in scores})


def _finding_rows(score: AgencyScore, checks: dict[str, CheckSpec]) -> list[dict[str, Any]]:
    return [
        {
            "agency_id": score.agency_id,
            "check_id": check_id,
            "check_version": checks[check_id].version,
            "outcome": finding.outcome.value,
            "score": finding.score,
            "needs_review": finding.needs_review,
            "evidence": {"items": finding.evidence_json()},
        }
        for check_id, finding in score.findings.items()
    ]


def _score_row(score: AgencyScore, as_of: date, rules_profiles: tuple[str, ...] | None) -> dict[str, Any]:
    result = score.result
    return {
        "agency_id": score.agency_id,
        "methodology_version": score.methodology_version,
        "methodology_hash": score.methodology_hash,
        "overall": result.overall,
        "band": result.band,
        "coverage": result.coverage,
        "pillars": {k: v.to_json() for k, v in result.pillars.items()},
        "subindices": {
            **{k: v.to_json() for k, v in result.subindices.items()},
            "_meta": {
                "code_version": __version__,
                "as_of": as_of.isoformat(),
                # what the report needs to warn of a methodology applied outside its countries
                "profile": score.profile,
                "methodology_profiles": list(rules_profiles) if rules_profiles is not None else None,
            },
        },
    }


def _batches(agency_ids: list[str], pages: dict[str, int], most: int | None = None) -> Iterator[list[str]]:
    """``agency_ids`` in order, cut into batches of at most ``most`` (default BATCH_AGENCIES) agencies and about
    BATCH_PAGES pages."""
    most = most or BATCH_AGENCIES
    batch: list[str] = []
    size = 0
    for agency_id in agency_ids:
        batch.append(agency_id)
        size += max(1, pages.get(agency_id, 0))
        if len(batch) >= most or size >= BATCH_PAGES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while one batch is read, scored and written. A batch allocates millions
    of objects (decoded JSON facts, findings, evidence) and frees them by reference counting; the collector's
    passes over them found almost nothing and cost a quarter of rescore's time (bench/scoring.py). It is back
    on between batches, so cycles made in a batch (a check's exception and its traceback) are collected then."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class _Job:
    """What scoring one run needs besides the agencies: sent once to each worker process."""

    db_url: str
    run_id: int
    rules: Methodology
    as_of: date
    keep_findings: bool = True


@dataclass(frozen=True)
class _Scored:
    """One batch scored: the results, and the rows to store already converted for the store's driver (where the
    checks ran: in a worker process, the writer then only executes them)."""

    scores: list[AgencyScore]
    rows: repository.ScoringWrite


def _score_batch(session: Session, job: _Job, checks: dict[str, CheckSpec], batch: list[str]) -> _Scored:
    sites = load_sites(session, job.run_id, batch, as_of=job.as_of)
    scored = [score_site(job.rules, checks, site) for site in sites]
    rows = repository.prepare_scoring_results(
        session.get_bind().dialect,
        job.run_id,
        job.rules.id,
        [row for score in scored for row in _finding_rows(score, checks)],
        [_score_row(score, job.as_of, job.rules.profiles) for score in scored],
    )
    if not job.keep_findings:
        # The rows carry every finding; the objects would only be held (and, from a worker, pickled): 81 per
        # agency, most of a worker's pickling and of the parent's memory (bench/scoring.py).
        scored = [replace(score, findings={}) for score in scored]
    return _Scored(scored, rows)


def _store_batch(session: Session, job: _Job, batch: list[str], scored: _Scored) -> None:
    repository.store_scoring_results(session, job.run_id, job.rules.id, batch, scored.rows)
    session.commit()


# --- worker processes: each reads its batches' facts with its own engine and runs the checks; the parent writes
_worker: tuple[sessionmaker[Session], _Job, dict[str, CheckSpec]] | None = None


def _start_worker(job: _Job) -> None:
    """Pool initializer: the worker's own engine (never one inherited from the parent), disposed at exit."""
    global _worker
    engine = make_engine(job.db_url)
    multiprocessing.util.Finalize(engine, engine.dispose, exitpriority=10)
    _worker = (session_factory(engine), job, all_checks())


def _worker_batch(batch: list[str]) -> bytes:
    """One batch read and scored in a worker, pickled here with the collector still paused: pickling and
    unpickling a batch's findings (a million small objects) triggers collections that cost more than both."""
    assert _worker is not None, "_start_worker runs first"
    factory, job, checks = _worker
    with factory() as session, _collector_paused():
        return pickle.dumps(_score_batch(session, job, checks, batch), protocol=pickle.HIGHEST_PROTOCOL)


def _score_in_pool(
    factory: sessionmaker[Session], job: _Job, batches: list[list[str]], workers: int
) -> Iterator[_Scored]:
    """Score ``batches`` in ``workers`` processes and store each in the parent, in order, as it arrives: one
    writer (SQLite allows one at a time), whose writes overlap the workers' checks. Workers are spawned, not
    forked: the parent may hold open connections and threads (testbed servers, Playwright) a fork would copy."""
    pool = multiprocessing.get_context("spawn").Pool(workers, initializer=_start_worker, initargs=(job,))
    try:
        for batch, pickled in zip(batches, pool.imap(_worker_batch, batches), strict=True):
            with factory() as session, _collector_paused():
                scored: _Scored = pickle.loads(pickled)  # our own worker's bytes
                _store_batch(session, job, batch, scored)
            yield scored
        pool.close()  # workers exit normally, disposing their engines
    finally:
        pool.terminate()
        pool.join()


def score_run(
    db_url: str,
    run_id: int,
    *,
    methodology: Methodology | Path | str | None = None,
    agency_ids: list[str] | None = None,
    as_of: date | None = None,
    workers: int | None = None,
    keep_findings: bool = True,
) -> list[AgencyScore]:
    """Run every check on each agency's facts of ``run_id``, store findings and scores, return the scores (with
    their findings unless ``keep_findings`` is False: commands that only report the scores leave them out).

    ``as_of`` is the date freshness is judged against (default: the run's ``options["as_of"]``, else its start
    date). A check that raises is recorded as ERROR for that agency only. Agencies are read, scored and written
    in batches (``BATCH_AGENCIES``, ``BATCH_PAGES``), one transaction per batch. With ``workers`` > 1 (default
    ``default_workers()``) and at least PARALLEL_MIN_AGENCIES agencies, worker processes read and check the
    batches and this process writes them; the stored rows are the same as with one process.
    """
    rules = _methodology(methodology)
    checks = all_checks()
    factory = session_factory(open_store(db_url))
    with factory() as session:
        if repository.get_run(session, run_id) is None:
            raise UserError(f"run {run_id} is not in the store; see `egov-crawl history` or give --run")
        known = repository.agencies_with_facts(session, run_id)
        pages = repository.crawled_page_counts(session, run_id)
        day = as_of or run_as_of(session, run_id)
    present = set(known)
    wanted = known if agency_ids is None else [a for a in agency_ids if a in present]
    job = _Job(db_url, run_id, rules, day, keep_findings)
    workers = default_workers() if workers is None else max(1, workers)
    if multiprocessing.current_process().daemon:
        workers = 1  # a daemonic process may not start children (multiprocessing's rule)
    results: list[AgencyScore] = []
    if workers > 1 and len(wanted) >= PARALLEL_MIN_AGENCIES:
        batches = list(_batches(wanted, pages, POOL_BATCH_AGENCIES))
        workers = min(workers, len(batches))
        for scored in _score_in_pool(factory, job, batches, workers):
            results.extend(scored.scores)
    else:
        workers = 1
        for batch in _batches(wanted, pages):
            with factory() as session, _collector_paused():
                scored = _score_batch(session, job, checks, batch)
                _store_batch(session, job, batch, scored)
            results.extend(scored.scores)
    log.info(
        "scored %d agencies of run %d with %s %s (%d process%s)",
        len(results), run_id, rules.id, rules.version, workers, "es" if workers > 1 else "",
    )  # fmt: skip
    return results


def rescore(
    db_url: str,
    *,
    methodology_path: Path | str | None = None,
    run_id: int | None = None,
    all_runs: bool = False,
    as_of: date | None = None,
    workers: int | None = None,
    keep_findings: bool = True,
) -> list[AgencyScore]:
    """Recompute findings and scores from stored facts: one run (default the newest) or every run, in ``workers``
    processes (see ``score_run``, also for ``keep_findings``)."""
    if run_id is not None and all_runs:
        raise UserError("give --run ID or --all-runs, not both")
    rules = load_methodology(methodology_path)
    with session_factory(open_store(db_url))() as session:
        if all_runs:
            runs = repository.all_run_ids(session)
        else:
            newest = run_id if run_id is not None else repository.newest_run_id(session)
            runs = [] if newest is None else [newest]
    if not runs:
        raise UserError("the store has no run to score; crawl first (`egov-crawl crawl …`)")
    results: list[AgencyScore] = []
    for run in runs:
        results.extend(
            score_run(db_url, run, methodology=rules, as_of=as_of, workers=workers, keep_findings=keep_findings)
        )
    return results
