"""Points recoverable: how much an agency's score would rise if one failing check passed.

Computed by scoring the agency twice with the methodology's own aggregation — once as it is, once with that
check's finding turned into a PASS — so every rule of the methodology (tier weights, sub-index and pillar
weights, applicability, gates, the coverage threshold, binary scoring) is honoured without being restated
here. A gate check recovers its own points and those of the indicators it gates; an indicator held at 0 by a
failed gate recovers nothing on its own, and is not a fix (the gate is).

Only observed failures are fixes: FAIL and PARTIAL as the check found them and as the methodology counts them.
NOT_OBSERVED, ERROR and NOT_APPLICABLE are never listed — nothing was measured to fix.
"""

from __future__ import annotations

from dataclasses import dataclass

from egov_crawl.scoring.aggregate import Aggregate, aggregate, effective
from egov_crawl.scoring.methodology import Methodology
from egov_crawl.scoring.model import Finding, Outcome

FIXABLE = (Outcome.FAIL, Outcome.PARTIAL)


@dataclass(frozen=True)
class Recovery:
    """What passing ``check_id`` would add: overall points (None when the overall cannot be computed, e.g. a
    pillar with insufficient evidence) and points of the pillar the check belongs to."""

    check_id: str
    pillar: str
    overall: float | None
    pillar_points: float | None


def _gain(after: float | None, before: float | None) -> float | None:
    return None if after is None or before is None else round(after - before, 2)


def fixable(methodology: Methodology, cohort: str, findings: dict[str, Finding]) -> list[str]:
    """The checks of the methodology that failed (or partly failed) for this agency and count as such."""
    out = []
    for check_id, rule in methodology.rules.items():
        finding = findings.get(check_id)
        if finding is None or finding.outcome not in FIXABLE:
            continue
        if effective(rule, finding, cohort, findings).outcome in FIXABLE:
            out.append(check_id)
    return out


def points_recoverable(methodology: Methodology, cohort: str, findings: dict[str, Finding]) -> dict[str, Recovery]:
    """Check id → points recovered by passing it, for every fixable check (see ``fixable``)."""
    base: Aggregate = aggregate(methodology, cohort, findings)
    out: dict[str, Recovery] = {}
    for check_id in fixable(methodology, cohort, findings):
        pillar = methodology.placement[check_id][0]
        fixed = aggregate(methodology, cohort, {**findings, check_id: Finding.passed()})
        out[check_id] = Recovery(
            check_id,
            pillar,
            _gain(fixed.overall, base.overall),
            _gain(fixed.pillars[pillar].score, base.pillars[pillar].score),
        )
    return out
