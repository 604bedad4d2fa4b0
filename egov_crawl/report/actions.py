"""An agency's to-do list: its failing checks, ordered by the points each would recover, with how to fix it
(English and Thai, the standard it comes from) and the evidence of the failure — the letter the national
office sends the agency.

Read from stored findings only: the scores are recomputed in memory under the chosen methodology (see
``report.recoverable``), nothing is written. Needs-review findings are listed but marked: a reviewer may yet
overturn them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from egov_crawl.errors import UserError, unknown_value
from egov_crawl.report.recoverable import points_recoverable
from egov_crawl.report.runs import RunInfo, chosen_run, reading
from egov_crawl.scoring.methodology import Methodology, load_methodology
from egov_crawl.scoring.model import Evidence, Finding, Outcome
from egov_crawl.scoring.registry import all_checks
from egov_crawl.store import repository


@dataclass(frozen=True)
class Action:
    priority: int
    check_id: str
    title: str
    pillar: str
    outcome: str
    points: float | None  # overall points recovered by fixing it
    pillar_points: float | None
    needs_review: bool
    fix_en: str
    fix_th: str
    standard: str
    link: str | None
    evidence_url: str | None
    evidence: str | None


@dataclass(frozen=True)
class ActionPlan:
    agency_id: str
    name_th: str | None
    name_en: str | None
    run: RunInfo
    methodology: Methodology
    actions: list[Action]


def finding_from_row(row: Any) -> Finding:
    """A stored finding row back as the scoring model's Finding."""
    items = (row.evidence or {}).get("items", [])
    evidence = tuple(Evidence.from_json(item) for item in items)
    return Finding(Outcome(row.outcome), row.score, evidence, bool(row.needs_review))


def _sort_key(action: Action) -> tuple[float, float, str]:
    return (-(action.points or 0.0), -(action.pillar_points or 0.0), action.check_id)


def action_plan(
    db_url: str, agency_id: str, *, run_id: int | None = None, methodology: str | None = None
) -> ActionPlan:
    """What ``agency_id`` should fix first in the chosen run (default: the newest complete one)."""
    rules = load_methodology(methodology)
    with reading(db_url) as session:
        agency = repository.get_agency(session, agency_id)
        if agency is None:
            raise unknown_value("agency", agency_id, repository.agency_ids(session), listing="egov-crawl rank")
        run = chosen_run(session, run_id)
        rows = repository.findings_of(session, run.id, agency_id)
        cohort, name_th, name_en = agency.cohort, agency.name_th, agency.name_en
    if not rows:
        raise UserError(f"{agency_id} has no findings in run {run.id}; score it with `egov-crawl rescore`")
    findings = {row.check_id: finding_from_row(row) for row in rows}
    checks = all_checks()
    unsorted = []
    for check_id, recovery in points_recoverable(rules, cohort, findings).items():
        finding, spec = findings[check_id], checks[check_id]
        fix = spec.remediation
        first = finding.evidence[0].summary if finding.evidence else None
        unsorted.append(
            Action(
                0, check_id, spec.title, recovery.pillar, finding.outcome.value, recovery.overall,
                recovery.pillar_points, finding.needs_review, fix.en, fix.th, fix.standard, fix.link,
                finding.first_url, first,
            )
        )  # fmt: skip
    ordered = sorted(unsorted, key=_sort_key)
    actions = [replace(action, priority=n) for n, action in enumerate(ordered, start=1)]
    return ActionPlan(agency_id, name_th, name_en, run, rules, actions)
