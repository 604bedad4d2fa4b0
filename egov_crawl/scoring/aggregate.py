"""Indicator → sub-index → pillar → overall, exactly as writes it.

    A_k = applicable indicators of sub-index k; O_k = the observed ones among them
    S_k = 100 · Σ_O w·s / Σ_O w          C_k = Σ_O w / Σ_A w
    S_k^lo = 100 · Σ_O w·s / Σ_A w       S_k^hi = S_k^lo + 100 · (1 − C_k)
    P_p = Σ v_k S_k / Σ v_k over sub-indices with C_k ≥ min_coverage, unless those carry < 2/3 of Σ v_k
          ("insufficient evidence")
    R   = weighted mean of the pillars; "insufficient evidence" when a pillar is

ERROR and NOT_OBSERVED are unobserved (they lower coverage, never the score); NOT_APPLICABLE leaves both sums.
Policy — applicability by cohort, gates, binary has/hasn't scoring — comes from the methodology.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from egov_crawl.scoring.methodology import IndicatorRule, Methodology
from egov_crawl.scoring.model import Finding, Outcome


@dataclass(frozen=True)
class Scored:
    """An indicator as the methodology counts it: the check's finding after applicability and gates."""

    id: str
    outcome: Outcome
    score: float | None
    weight: float
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"outcome": self.outcome.value, "score": self.score, "weight": self.weight}
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class SubIndexScore:
    id: str
    pillar: str
    title: str
    weight: float
    score: float | None
    low: float | None
    high: float | None
    coverage: float
    applicable: bool
    indicators: dict[str, Scored] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "pillar": self.pillar,
            "title": self.title,
            "score": self.score,
            "low": self.low,
            "high": self.high,
            "coverage": self.coverage,
            "applicable": self.applicable,
            "indicators": {k: v.to_json() for k, v in self.indicators.items()},
        }


@dataclass(frozen=True)
class PillarScore:
    id: str
    title: str
    score: float | None
    coverage: float

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "score": self.score, "coverage": self.coverage}


@dataclass(frozen=True)
class Aggregate:
    overall: float | None
    band: str
    coverage: float
    pillars: dict[str, PillarScore]
    subindices: dict[str, SubIndexScore]


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def effective(rule: IndicatorRule, finding: Finding | None, cohort: str, findings: dict[str, Finding]) -> Scored:
    """The methodology's view of one indicator: applicability first, then the gate."""
    weight = float(rule.tier)
    if rule.applies_to is not None and cohort not in rule.applies_to:
        return Scored(rule.id, Outcome.NOT_APPLICABLE, None, weight, f"applies to {', '.join(rule.applies_to)}")
    if finding is None:
        return Scored(rule.id, Outcome.NOT_OBSERVED, None, weight, "no finding")
    if rule.gate:
        gate = findings.get(rule.gate)
        if gate is not None and gate.outcome is Outcome.FAIL and finding.outcome is not Outcome.NOT_APPLICABLE:
            return Scored(rule.id, Outcome.FAIL, 0.0, weight, f"gated: {rule.gate} failed")
    return Scored(rule.id, finding.outcome, finding.score, weight)


def aggregate(methodology: Methodology, cohort: str, findings: dict[str, Finding]) -> Aggregate:
    """Score one agency's findings under a methodology."""
    agg = methodology.aggregation
    subindices: dict[str, SubIndexScore] = {}
    pillars: dict[str, PillarScore] = {}
    total_applicable = total_observed = 0.0
    for pillar in methodology.pillars:
        counted: list[tuple[float, float]] = []  # (v_k, S_k) of sub-indices with enough coverage
        applicable_weight = 0.0
        coverages: list[float] = []
        for sub in pillar.subindices:
            scored = {r.id: effective(r, findings.get(r.id), cohort, findings) for r in sub.indicators}
            applicable = [s for s in scored.values() if s.outcome is not Outcome.NOT_APPLICABLE]
            observed = [s for s in applicable if s.outcome.observed]
            w_applicable = sum(s.weight for s in applicable)
            w_observed = sum(s.weight for s in observed)
            total_applicable += w_applicable
            total_observed += w_observed

            def value(s: Scored) -> float:
                # A finding's score is 0..1 by contract; clamped so that one check's bug cannot leave 0–100.
                raw = min(1.0, max(0.0, s.score or 0.0))
                return (1.0 if raw > 0 else 0.0) if agg.binary else raw

            points = sum(s.weight * value(s) for s in observed)
            coverage = w_observed / w_applicable if w_applicable else 0.0
            score = 100 * points / w_observed if w_observed else None
            low = 100 * points / w_applicable if w_applicable else None
            high = None if low is None else low + 100 * (1 - coverage)
            subindices[sub.id] = SubIndexScore(
                sub.id, pillar.id, sub.title, sub.weight, _round(score), _round(low), _round(high),
                round(coverage, 4), bool(applicable), scored,
            )  # fmt: skip
            if not applicable:
                continue
            applicable_weight += sub.weight
            coverages.append(coverage)
            if score is not None and coverage >= agg.min_coverage:
                counted.append((sub.weight, score))
        covered = sum(v for v, _ in counted)
        enough = applicable_weight > 0 and covered >= agg.min_covered_share * applicable_weight - 1e-9
        pillar_score = sum(v * s for v, s in counted) / covered if enough and covered else None
        pillar_coverage = sum(coverages) / len(coverages) if coverages else 0.0
        pillars[pillar.id] = PillarScore(pillar.id, pillar.title, _round(pillar_score), round(pillar_coverage, 4))
    weights = {p.id: p.weight for p in methodology.pillars}
    values = [(weights[k], p.score) for k, p in pillars.items()]
    overall: float | None = None
    total_weight = sum(w for w, _ in values)
    # The loader refuses all-zero weights; a Methodology built in code is not checked, so no division by zero.
    if values and total_weight > 0 and all(score is not None for _, score in values):
        overall = sum(w * (s or 0.0) for w, s in values) / total_weight
    coverage = total_observed / total_applicable if total_applicable else 0.0
    overall = _round(overall)
    return Aggregate(overall, methodology.band(overall), round(coverage, 4), pillars, subindices)
