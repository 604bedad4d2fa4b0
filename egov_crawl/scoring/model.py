"""What a check concludes: an outcome, a score in 0..1 and the evidence an analyst can show.

FAIL needs positive evidence of absence; a failure to observe is NOT_OBSERVED, and a check that raised is ERROR.
Neither of the last two is ever scored: they lower coverage instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

SNIPPET_MAX = 300  # snippets ≤ 300 characters


class Outcome(StrEnum):
    PASS = "PASS"
    PARTIAL = "PARTIAL"
    FAIL = "FAIL"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    NOT_OBSERVED = "NOT_OBSERVED"
    ERROR = "ERROR"

    @property
    def observed(self) -> bool:
        """True for the outcomes that carry a score (PASS, PARTIAL, FAIL)."""
        return self in (Outcome.PASS, Outcome.PARTIAL, Outcome.FAIL)


@dataclass(frozen=True)
class Evidence:
    """One sentence an analyst can read, the URL it is about, and small data (snippet, matched keyword…)."""

    summary: str
    url: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"summary": self.summary[:SNIPPET_MAX]}
        if self.url:
            out["url"] = self.url
        if self.data:
            out["data"] = self.data
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Evidence:
        return cls(str(data.get("summary", "")), data.get("url"), dict(data.get("data") or {}))


@dataclass(frozen=True)
class Finding:
    outcome: Outcome
    score: float | None
    evidence: tuple[Evidence, ...] = ()
    needs_review: bool = False

    @classmethod
    def passed(cls, *evidence: Evidence) -> Finding:
        return cls(Outcome.PASS, 1.0, evidence)

    @classmethod
    def failed(cls, *evidence: Evidence) -> Finding:
        return cls(Outcome.FAIL, 0.0, evidence)

    @classmethod
    def graded(cls, score: float, *evidence: Evidence) -> Finding:
        """PASS at 1, FAIL at 0, PARTIAL in between (scores rounded to 3 places so reruns compare equal)."""
        score = round(min(1.0, max(0.0, score)), 3)
        if score >= 1.0:
            return cls.passed(*evidence)
        if score <= 0.0:
            return cls.failed(*evidence)
        return cls(Outcome.PARTIAL, score, evidence)

    @classmethod
    def not_observed(cls, reason: str, url: str | None = None) -> Finding:
        return cls(Outcome.NOT_OBSERVED, None, (Evidence(reason, url),))

    @classmethod
    def not_applicable(cls, reason: str) -> Finding:
        return cls(Outcome.NOT_APPLICABLE, None, (Evidence(reason),))

    @classmethod
    def error(cls, message: str) -> Finding:
        return cls(Outcome.ERROR, None, (Evidence(message),))

    def with_review(self, needs_review: bool) -> Finding:
        if needs_review == self.needs_review:
            return self
        return Finding(self.outcome, self.score, self.evidence, needs_review)

    @property
    def first_url(self) -> str | None:
        return next((e.url for e in self.evidence if e.url), None)

    def evidence_json(self) -> list[dict[str, Any]]:
        return [e.to_json() for e in self.evidence]
