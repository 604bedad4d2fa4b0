"""The national view of one run: who was scored, how the bands fall, and the obstacles most agencies share.

Read from stored scores and findings only (facts first, judgement later: nothing is re-checked here). Both the
terminal ``summary`` and the national HTML report are built from :func:`national_summary`, so they agree.

"Top obstacles" answers the question a national e-government survey asks under "problems and obstacles": which
indicators do most agencies fail? Indicators are ordered by the number of agencies with FAIL, then PARTIAL, then
id; the share is of the agencies where the indicator was observed (PASS, PARTIAL or FAIL), so an indicator that
could not be measured is not counted as a failure (NOT_OBSERVED lowers coverage, not the score).
Outcomes are the ones the methodology counts (the stored score's indicators): an indicator that does not apply
to an agency's cohort is NOT_APPLICABLE for it, never one of its failures, whatever the check found.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from statistics import mean
from typing import Any

from egov_crawl.report import views
from egov_crawl.report.views import RankRow
from egov_crawl.scoring.methodology import profile_warning
from egov_crawl.scoring.registry import PILLARS, all_checks
from egov_crawl.store import repository
from egov_crawl.store.db import open_store, session_factory

OBSERVED = ("PASS", "PARTIAL", "FAIL")
INSUFFICIENT = "insufficient evidence"


@dataclass(frozen=True)
class Obstacle:
    check_id: str
    title: str
    pillar: str
    fail: int
    partial: int
    passed: int

    @property
    def observed(self) -> int:
        return self.fail + self.partial + self.passed

    @property
    def fail_share(self) -> float:
        return self.fail / self.observed if self.observed else 0.0


@dataclass(frozen=True)
class RunInfo:
    id: int
    kind: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    code_version: str


@dataclass(frozen=True)
class Methodology:
    id: str
    version: str
    hash: str


@dataclass(frozen=True)
class NationalSummary:
    run: RunInfo
    methodology: Methodology
    rows: list[RankRow]
    pillar_titles: dict[str, str]
    bands: dict[str, int]
    pillar_means: dict[str, float | None]
    overall_mean: float | None
    obstacles: list[Obstacle]
    failures: dict[str, dict[str, int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def agencies(self) -> int:
        return len(self.rows)


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(mean(present), 1) if present else None


def band_counts(rows: list[RankRow]) -> dict[str, int]:
    """Agencies per band, best band first (bands ordered by their members' mean score, so any methodology's
    band names work); "insufficient evidence" last."""
    members: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        members[row.band or INSUFFICIENT].append(row.overall if row.overall is not None else -1.0)
    order = sorted(members, key=lambda b: (b == INSUFFICIENT, -mean(members[b]), b))
    return {band: len(members[band]) for band in order}


def top_obstacles(counts: dict[str, dict[str, int]], top: int | None = None) -> list[Obstacle]:
    """Indicators with at least one FAIL or PARTIAL, most-failed first (see the module docstring)."""
    checks = all_checks()
    found = []
    for check_id, by_outcome in counts.items():
        fail, partial = by_outcome.get("FAIL", 0), by_outcome.get("PARTIAL", 0)
        if not fail and not partial:
            continue
        spec = checks.get(check_id)
        found.append(
            Obstacle(
                check_id,
                spec.title if spec else check_id,
                spec.pillar if spec else PILLARS.get(check_id[:3], ""),
                fail,
                partial,
                by_outcome.get("PASS", 0),
            )
        )
    found.sort(key=lambda o: (-o.fail, -o.partial, o.check_id))
    return found[:top] if top is not None else found


def counted_outcomes(scores: list[Any], findings: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    """check_id → {outcome: agencies}, as the methodology counts them in ``scores``; checks the methodology does
    not list keep the counts of their stored ``findings``."""
    counts: dict[str, dict[str, int]] = {}
    for score in scores:
        for check_id, item in views.scored_indicators(score).items():
            by_outcome = counts.setdefault(check_id, {})
            outcome = str(item.get("outcome"))
            by_outcome[outcome] = by_outcome.get(outcome, 0) + 1
    for check_id, by_outcome in findings.items():
        counts.setdefault(check_id, dict(by_outcome))
    return counts


def profile_warnings(scores: list[Any]) -> list[str]:
    """The warning of scores computed under a methodology that is not valid for some agencies' country profiles
    (each score records both in ``subindices._meta``; scores stored before profiles existed record neither)."""
    if not scores:
        return []
    profiles: dict[str, str] = {}
    valid: list[str] | None = None
    for score in scores:
        meta = score.subindices.get("_meta") or {}
        if meta.get("methodology_profiles") is not None:
            valid = list(meta["methodology_profiles"])
        if meta.get("profile"):
            profiles[score.agency_id] = str(meta["profile"])
    line = profile_warning(scores[0].methodology_id, valid, profiles)
    return [line] if line else []


def national_summary(
    db_url: str, *, run_id: int | None = None, methodology_id: str = "default", top: int | None = 15
) -> NationalSummary:
    """The run's ranking (``views.rank``), band counts, pillar means, top obstacles and failures by class."""
    rows = views.rank(db_url, run_id=run_id, methodology_id=methodology_id)
    with session_factory(open_store(db_url))() as session:
        run_number = views._run_or_newest(session, run_id)
        run = repository.get_run(session, run_number)
        assert run is not None  # _run_or_newest checked it
        scores = [score for score, _ in repository.scores_of_run(session, run_number, methodology_id)]
        counts = repository.finding_outcome_counts(session, run_number, [r.id for r in rows])
        failures = repository.failure_counts(session, run_number)
        info = RunInfo(run.id, run.kind, run.status, run.started_at, run.finished_at, run.code_version)
    first = scores[0]
    titles: dict[str, str] = {}
    for score in scores:
        for pillar_id, pillar in score.pillars.items():
            titles.setdefault(pillar_id, (pillar or {}).get("title") or pillar_id)
    return NationalSummary(
        run=info,
        methodology=Methodology(first.methodology_id, first.methodology_version, first.methodology_hash),
        rows=rows,
        pillar_titles=titles,
        bands=band_counts(rows),
        pillar_means={p: _mean([r.pillars.get(p) for r in rows]) for p in titles},
        overall_mean=_mean([r.overall for r in rows]),
        obstacles=top_obstacles(counted_outcomes(scores, counts), top),
        failures={source: dict(classes) for source, classes in failures.items() if classes},
        warnings=profile_warnings(scores),
    )
