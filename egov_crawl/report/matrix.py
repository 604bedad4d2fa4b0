"""The agency × check matrix of a run, for spreadsheets: one row per scored agency, and for every check of the
registry one column with its outcome and one with its score — the shape of the national scanners' public
snapshots (GSA site scanning, ScanGov).

Outcomes and scores are the ones the methodology counts (NOT_APPLICABLE outside an indicator's cohorts, 0 when
gated); a check the methodology does not use shows what the check itself found. The columns are declared
from the check registry, so a check is never missing from the header even when no agency has a finding for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from egov_crawl.errors import UserError
from egov_crawl.output import Column
from egov_crawl.report.runs import RunInfo, chosen_run, reading
from egov_crawl.report.views import PILLAR_COLUMNS, scored_indicators
from egov_crawl.scoring.methodology import Methodology, load_methodology
from egov_crawl.scoring.registry import all_checks
from egov_crawl.store import repository
from egov_crawl.store.models import Finding


@dataclass(frozen=True)
class MatrixRow:
    agency_id: str
    name_th: str | None
    name_en: str | None
    cohort: str
    run: RunInfo
    methodology_version: str
    methodology_hash: str
    overall: float | None
    band: str | None
    coverage: float
    pillars: dict[str, float | None]
    outcomes: dict[str, str]
    scores: dict[str, float | None]


def _rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def matrix_columns() -> list[Column[MatrixRow]]:
    """The declared header: agency and run, the scores, then ``CHECK`` and ``CHECK_score`` per check."""
    columns: list[Column[MatrixRow]] = [
        Column("agency_id", lambda r: r.agency_id),
        Column("name_th", lambda r: r.name_th),
        Column("name_en", lambda r: r.name_en),
        Column("cohort", lambda r: r.cohort),
        Column("run", lambda r: r.run.id),
        Column("run_status", lambda r: r.run.status),
        Column("methodology_version", lambda r: r.methodology_version),
        Column("methodology_hash", lambda r: r.methodology_hash[:12]),
        Column("overall", lambda r: _rounded(r.overall, 2)),
        Column("band", lambda r: r.band),
        Column("coverage", lambda r: round(r.coverage, 3)),
    ]
    for pillar in PILLAR_COLUMNS:
        columns.append(Column(pillar, _pillar_of(pillar)))
    for check_id in all_checks():
        columns.append(Column(check_id, _outcome_of(check_id)))
        columns.append(Column(f"{check_id}_score", _score_of(check_id)))
    return columns


def _pillar_of(pillar: str) -> Callable[[MatrixRow], float | None]:
    return lambda row: _rounded(row.pillars.get(pillar), 2)


def _outcome_of(check_id: str) -> Callable[[MatrixRow], str | None]:
    return lambda row: row.outcomes.get(check_id)


def _score_of(check_id: str) -> Callable[[MatrixRow], float | None]:
    return lambda row: _rounded(row.scores.get(check_id), 3)


def _one_hash(pairs: list[tuple[Any, Any]], methodology: Methodology) -> list[tuple[Any, Any]]:
    """Scores of one methodology file only: the loaded one's when the run has it, else the single one stored."""
    hashes = {score.methodology_hash for score, _ in pairs}
    if len(hashes) <= 1:
        return pairs
    if methodology.sha256 in hashes:
        return [(s, a) for s, a in pairs if s.methodology_hash == methodology.sha256]
    raise UserError(
        f"the run has scores under {len(hashes)} different files named '{methodology.id}'; "
        "give the one to export with --methodology FILE"
    )


def agency_matrix(db_url: str, *, run_id: int | None = None, methodology: str | None = None) -> list[MatrixRow]:
    rules = load_methodology(methodology)
    with reading(db_url) as session:
        run = chosen_run(session, run_id)
        pairs = _one_hash(repository.scores_of_run(session, run.id, rules.id), rules)
        if not pairs:
            raise UserError(
                f"run {run.id} has no scores under methodology '{rules.id}'; "
                f"score it with `egov-crawl rescore --run {run.id}`"
            )
        found: dict[str, dict[str, Finding]] = {}
        for finding in session.scalars(select(Finding).where(Finding.run_id == run.id)):
            found.setdefault(finding.agency_id, {})[finding.check_id] = finding
    rows = []
    for score, agency in sorted(pairs, key=lambda pair: pair[1].id):
        counted = scored_indicators(score)
        own = found.get(agency.id, {})
        outcomes: dict[str, str] = {}
        scores: dict[str, float | None] = {}
        for check_id in all_checks():
            item = counted.get(check_id)
            if item is not None:
                outcomes[check_id], scores[check_id] = str(item.get("outcome")), item.get("score")
            elif check_id in own:
                outcomes[check_id], scores[check_id] = own[check_id].outcome, own[check_id].score
        rows.append(
            MatrixRow(
                agency.id, agency.name_th, agency.name_en, agency.cohort, run, score.methodology_version,
                score.methodology_hash, score.overall, score.band, score.coverage,
                {k: (v or {}).get("score") for k, v in score.pillars.items()}, outcomes, scores,
            )
        )  # fmt: skip
    return rows
