"""Score a run: stored facts → every check → findings → the methodology's scores, written to the store.

No network and no re-crawl: ``rescore`` recomputes from what a run stored (design brief §1). Writing replaces the
run's findings and its scores under the same methodology id, so scoring twice gives the same rows.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from egov_crawl import __version__
from egov_crawl.errors import UserError
from egov_crawl.scoring.aggregate import Aggregate, aggregate
from egov_crawl.scoring.facts import SiteFacts, load_sites, run_as_of
from egov_crawl.scoring.methodology import Methodology, load_methodology
from egov_crawl.scoring.model import Finding
from egov_crawl.scoring.registry import CheckSpec, all_checks, run_check
from egov_crawl.store import repository
from egov_crawl.store.db import open_store, session_factory

log = logging.getLogger(__name__)
# Agencies are read, scored and written in batches: one query per fact table and one transaction per batch
# (bench/scoring.py: per-agency queries and commits cost more than the checks). A batch holds at most
# BATCH_AGENCIES agencies and about BATCH_PAGES crawled pages, so memory stays flat when sites are large (a
# full crawl is 200 pages, each with its text and facts).
BATCH_AGENCIES = 500
BATCH_PAGES = 5_000


@dataclass(frozen=True)
class AgencyScore:
    agency_id: str
    run_id: int
    cohort: str
    methodology_id: str
    methodology_version: str
    methodology_hash: str
    result: Aggregate
    findings: dict[str, Finding]

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
        site.agency_id, site.run_id, site.cohort, rules.id, rules.version, rules.sha256, result, findings
    )


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


def _score_row(score: AgencyScore, as_of: date) -> dict[str, Any]:
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
            "_meta": {"code_version": __version__, "as_of": as_of.isoformat()},
        },
    }


def _batches(agency_ids: list[str], pages: dict[str, int]) -> Iterator[list[str]]:
    """``agency_ids`` in order, cut into batches of at most BATCH_AGENCIES agencies and about BATCH_PAGES pages."""
    batch: list[str] = []
    size = 0
    for agency_id in agency_ids:
        batch.append(agency_id)
        size += max(1, pages.get(agency_id, 0))
        if len(batch) >= BATCH_AGENCIES or size >= BATCH_PAGES:
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


def score_run(
    db_url: str,
    run_id: int,
    *,
    methodology: Methodology | Path | str | None = None,
    agency_ids: list[str] | None = None,
    as_of: date | None = None,
) -> list[AgencyScore]:
    """Run every check on each agency's facts of ``run_id``, store findings and scores, return the scores.

    ``as_of`` is the date freshness is judged against (default: the run's ``options["as_of"]``, else its start
    date). A check that raises is recorded as ERROR for that agency only. Agencies are read, scored and written
    in batches (``BATCH_AGENCIES``, ``BATCH_PAGES``), one transaction per batch.
    """
    rules = _methodology(methodology)
    checks = all_checks()
    factory = session_factory(open_store(db_url))
    results: list[AgencyScore] = []
    with factory() as session:
        if repository.get_run(session, run_id) is None:
            raise UserError(f"run {run_id} is not in the store; see `egov-crawl history` or give --run")
        known = repository.agencies_with_facts(session, run_id)
        pages = repository.crawled_page_counts(session, run_id)
        day = as_of or run_as_of(session, run_id)
    present = set(known)
    wanted = known if agency_ids is None else [a for a in agency_ids if a in present]
    for batch in _batches(wanted, pages):
        with factory() as session, _collector_paused():
            sites = load_sites(session, run_id, batch, as_of=day)
            scored = [score_site(rules, checks, site) for site in sites]
            repository.replace_scoring_results(
                session,
                run_id,
                rules.id,
                batch,
                [row for score in scored for row in _finding_rows(score, checks)],
                [_score_row(score, day) for score in scored],
            )
            session.commit()
        results.extend(scored)
    log.info("scored %d agencies of run %d with %s %s", len(results), run_id, rules.id, rules.version)
    return results


def rescore(
    db_url: str,
    *,
    methodology_path: Path | str | None = None,
    run_id: int | None = None,
    all_runs: bool = False,
    as_of: date | None = None,
) -> list[AgencyScore]:
    """Recompute findings and scores from stored facts: one run (default the newest) or every run."""
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
        results.extend(score_run(db_url, run, methodology=rules, as_of=as_of))
    return results
