"""Points recoverable: what passing one failing check adds to the overall and pillar score (issue 18, item 5),
worked out by hand on a small methodology."""

from __future__ import annotations

from egov_crawl.report.recoverable import Recovery, fixable, points_recoverable
from egov_crawl.scoring.methodology import IndicatorRule, Methodology, Pillar, SubIndex
from egov_crawl.scoring.model import Evidence, Finding, Outcome

METHODOLOGY = Methodology(
    id="hand",
    version="1",
    title="hand-built",
    pillars=(
        Pillar(
            id="p1",
            title="one",
            subindices=(
                SubIndex(
                    id="s1",
                    title="s1",
                    indicators=(
                        IndicatorRule(id="A", tier=3),
                        IndicatorRule(id="B", tier=1),
                        IndicatorRule(id="F", tier=1),
                        IndicatorRule(id="L", tier=2, applies_to=("local",)),
                    ),
                ),
            ),
        ),
        Pillar(
            id="p2",
            title="two",
            subindices=(
                SubIndex(
                    id="s2",
                    title="s2",
                    indicators=(IndicatorRule(id="C", tier=2), IndicatorRule(id="D", tier=2, gate="C")),
                ),
            ),
        ),
    ),
)

FINDINGS = {
    "A": Finding.failed(Evidence("no A")),
    "B": Finding.passed(),
    "F": Finding.graded(0.5),
    "L": Finding.failed(),  # does not apply to a department: not a fix
    "C": Finding.failed(),
    "D": Finding.passed(),  # held at 0 by C's failure: C is the fix, not D
}


def test_points_recoverable_match_the_hand_computation() -> None:
    # Now: s1 = 100·(3·0 + 1·1 + 1·0.5)/5 = 30 → p1 30; s2 = 0 (C fails, D gated) → p2 0; overall 15.
    # Passing A: s1 = 90, overall 45 (+30, p1 +60). Passing F: s1 = 40, overall 20 (+5, p1 +10).
    # Passing C: D is no longer gated, s2 = 100, overall 65 (+50, p2 +100).
    assert points_recoverable(METHODOLOGY, "department", FINDINGS) == {
        "A": Recovery("A", "p1", 30.0, 60.0),
        "F": Recovery("F", "p1", 5.0, 10.0),
        "C": Recovery("C", "p2", 50.0, 100.0),
    }


def test_unobserved_inapplicable_and_gated_findings_are_not_fixes() -> None:
    findings = {**FINDINGS, "B": Finding.not_observed("no crawl"), "F": Finding.error("boom")}
    assert fixable(METHODOLOGY, "department", findings) == ["A", "C"]
    assert "L" in fixable(METHODOLOGY, "local", FINDINGS)  # where it applies, it is one
    assert Outcome.NOT_APPLICABLE not in {f.outcome for f in findings.values()}


def test_with_a_pillar_of_insufficient_evidence_only_the_pillar_gain_is_known() -> None:
    findings = {**FINDINGS, "C": Finding.not_observed("no probe"), "D": Finding.not_observed("no probe")}
    recovered = points_recoverable(METHODOLOGY, "department", findings)
    assert recovered["A"] == Recovery("A", "p1", None, 60.0)
