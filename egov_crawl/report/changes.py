"""What changed since the previous complete run: per agency and indicator, what improved and what regressed.

Both runs are compared as the methodology counted them (stored scores under the same methodology id). Only
measured changes count: an indicator observed in both runs (PASS, PARTIAL or FAIL) whose score went up
(improved) or down (regressed). An indicator that was not observed, errored or did not apply in either run is
not a change of the site — the crawler may simply not have reached it — and is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from egov_crawl.errors import UserError, unknown_value
from egov_crawl.report.runs import RunInfo, baseline_run, chosen_run, reading
from egov_crawl.report.views import scored_indicators
from egov_crawl.scoring.methodology import load_methodology
from egov_crawl.scoring.registry import all_checks
from egov_crawl.store import repository

OBSERVED = ("PASS", "PARTIAL", "FAIL")
IMPROVED, REGRESSED = "improved", "regressed"


@dataclass(frozen=True)
class Change:
    agency_id: str
    name_en: str | None
    check_id: str
    title: str
    direction: str  # improved | regressed
    before: str
    after: str
    before_score: float
    after_score: float
    overall_before: float | None
    overall_after: float | None
    evidence_url: str | None
    evidence: str | None


@dataclass(frozen=True)
class Changes:
    run: RunInfo
    since: RunInfo
    methodology_id: str
    changes: list[Change]
    compared: int  # agencies scored in both runs

    def count(self, direction: str) -> int:
        return sum(1 for c in self.changes if c.direction == direction)


def _direction(before: dict[str, Any], after: dict[str, Any]) -> str | None:
    if before.get("outcome") not in OBSERVED or after.get("outcome") not in OBSERVED:
        return None
    old, new = float(before.get("score") or 0.0), float(after.get("score") or 0.0)
    if abs(new - old) < 1e-9:
        return None
    return IMPROVED if new > old else REGRESSED


def _first_evidence(finding: Any) -> tuple[str | None, str | None]:
    items = (finding.evidence or {}).get("items", []) if finding is not None else []
    url = next((i.get("url") for i in items if i.get("url")), None)
    return url, (items[0].get("summary") if items else None)


def changes_since(
    db_url: str,
    *,
    run_id: int | None = None,
    since: int | None = None,
    methodology: str | None = None,
    agency_id: str | None = None,
) -> Changes:
    """Improvements and regressions between ``since`` (default: the complete run before) and ``run_id``
    (default: the newest complete run), agency by agency, indicator by indicator."""
    rules = load_methodology(methodology)
    titles = {check_id: spec.title for check_id, spec in all_checks().items()}
    with reading(db_url) as session:
        if agency_id is not None and repository.get_agency(session, agency_id) is None:
            raise unknown_value("agency", agency_id, repository.agency_ids(session), listing="egov-crawl rank")
        run = chosen_run(session, run_id)
        base = baseline_run(session, run, since)
        now = {a.id: (s, a) for s, a in repository.scores_of_run(session, run.id, rules.id)}
        then = {a.id: s for s, a in repository.scores_of_run(session, base.id, rules.id)}
        if not now or not then:
            missing = run if not now else base
            raise UserError(
                f"run {missing.id} has no scores under methodology '{rules.id}'; "
                f"score it with `egov-crawl rescore --run {missing.id}`"
            )
        both = sorted(set(now) & set(then) if agency_id is None else {agency_id} & set(now) & set(then))
        out: list[Change] = []
        for agency in both:
            score, row = now[agency]
            before, after = scored_indicators(then[agency]), scored_indicators(score)
            findings = None
            for check_id in titles:
                if check_id not in before or check_id not in after:
                    continue
                direction = _direction(before[check_id], after[check_id])
                if direction is None:
                    continue
                if findings is None:
                    findings = {f.check_id: f for f in repository.findings_of(session, run.id, agency)}
                url, summary = _first_evidence(findings.get(check_id))
                out.append(
                    Change(
                        agency, row.name_en, check_id, titles[check_id], direction,
                        before[check_id]["outcome"], after[check_id]["outcome"],
                        float(before[check_id].get("score") or 0.0), float(after[check_id].get("score") or 0.0),
                        then[agency].overall, score.overall, url, summary,
                    )
                )  # fmt: skip
    return Changes(run, base, rules.id, out, len(both))
