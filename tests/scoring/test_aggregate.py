"""Catalog §8.3 on hand-made findings: weighted means over observed indicators, coverage and bounds,
"insufficient evidence", applicability by cohort, gates, and has/hasn't scoring; a raising check is ERROR."""

from __future__ import annotations

import pytest

from egov_crawl.facts.model import Source
from egov_crawl.scoring.aggregate import aggregate
from egov_crawl.scoring.methodology import Methodology
from egov_crawl.scoring.model import Evidence, Finding, Outcome
from egov_crawl.scoring.registry import CheckSpec, run_check
from tests.fixtures.sitefacts import HOME, page, site

PASS, FAIL = Finding.passed(), Finding.failed()
UNSEEN = Finding.not_observed("timeout")


def methodology(**aggregation: object) -> Methodology:
    return Methodology.model_validate(
        {
            "id": "t",
            "version": "1",
            "title": "T",
            "aggregation": aggregation,
            "pillars": [
                {
                    "id": "infrastructure",
                    "title": "I",
                    "subindices": [
                        {
                            "id": "I2",
                            "title": "Security",
                            "indicators": [
                                {"id": "INF-03", "tier": 3},
                                {"id": "INF-05", "tier": 2, "gate": "INF-03"},
                                {"id": "INF-08", "tier": 1},
                            ],
                        },
                        {
                            "id": "I9",
                            "title": "Local",
                            "indicators": [{"id": "SRV-20", "tier": 1, "applies_to": ["local"]}],
                        },
                    ],
                }
            ],
        }
    )


def test_weighted_mean_over_observed_with_coverage_and_bounds() -> None:
    result = aggregate(methodology(min_coverage=0.5), "department", {"INF-03": PASS, "INF-05": UNSEEN, "INF-08": FAIL})
    sub = result.subindices["I2"]
    assert sub.score == pytest.approx(75.0)  # 100 · 3 / (3 + 1)
    assert sub.coverage == pytest.approx(4 / 6, abs=1e-4)
    assert (sub.low, sub.high) == (pytest.approx(50.0), pytest.approx(50.0 + 100 / 3, abs=0.01))
    assert not result.subindices["I9"].applicable  # SRV-20 applies to local administrations only
    assert result.overall == pytest.approx(75.0) and result.band == "High"


def test_below_the_coverage_threshold_the_pillar_has_insufficient_evidence() -> None:
    result = aggregate(methodology(), "department", {"INF-03": PASS, "INF-05": UNSEEN, "INF-08": FAIL})
    assert result.pillars["infrastructure"].score is None
    assert (result.overall, result.band) == (None, "insufficient evidence")


def test_a_gate_turns_hsts_into_a_fail_when_https_fails() -> None:
    result = aggregate(methodology(min_coverage=0.01), "department", {"INF-03": FAIL, "INF-05": PASS, "INF-08": PASS})
    assert result.subindices["I2"].indicators["INF-05"].outcome is Outcome.FAIL
    assert result.subindices["I2"].score == pytest.approx(100 / 6, abs=0.01)


def test_has_hasnt_counts_a_partial_as_present() -> None:
    findings = {"INF-03": Finding.graded(0.5), "INF-05": PASS, "INF-08": FAIL}
    assert aggregate(methodology(binary=True), "local", findings).subindices["I2"].score == pytest.approx(
        100 * 5 / 6, abs=0.01
    )


def test_a_raising_check_is_an_error_and_never_scored(caplog: pytest.LogCaptureFixture) -> None:
    def broken(_: object) -> Finding:
        raise ZeroDivisionError("boom")

    spec = CheckSpec("INF-08", "broken", "Broken", frozenset({Source.CRAWL}), "A", "1", broken, "")  # type: ignore[arg-type]
    finding = run_check(spec, site(page(HOME, "x")))
    assert (finding.outcome, finding.score) == (Outcome.ERROR, None)
    assert "ZeroDivisionError" in finding.evidence[0].summary and "INF-08" in caplog.text
    result = aggregate(
        methodology(min_coverage=0.01), "department", {"INF-03": PASS, "INF-05": PASS, "INF-08": finding}
    )
    assert result.subindices["I2"].score == 100.0 and result.subindices["I2"].coverage < 1
    assert Evidence("x").to_json() == {"summary": "x"}
