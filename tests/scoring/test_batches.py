"""Scoring reads and writes agencies in batches (engine.BATCH_AGENCIES / BATCH_PAGES, for speed and flat memory):
cutting the run differently must not change a single finding or score, and rescoring replaces rather than adds."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from egov_crawl.scoring import engine
from egov_crawl.store.db import open_store
from tests.scoring.conftest import AS_OF, Scored

FINDINGS = "SELECT agency_id, check_id, check_version, outcome, score, needs_review, evidence FROM finding"
SCORES = "SELECT agency_id, methodology_id, overall, band, coverage, pillars, subindices FROM score"


def stored(url: str) -> tuple[list[Any], list[Any]]:
    with open_store(url).connect() as connection:
        findings = [tuple(r) for r in connection.execute(text(f"{FINDINGS} ORDER BY agency_id, check_id"))]
        scores = [tuple(r) for r in connection.execute(text(f"{SCORES} ORDER BY agency_id, methodology_id"))]
    return findings, scores


def test_small_batches_store_the_same_findings_and_scores(
    scored: Scored, scored_copy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    once = stored(scored_copy)  # the session fixture scored with the default batches
    monkeypatch.setattr(engine, "BATCH_AGENCIES", 2)
    monkeypatch.setattr(engine, "BATCH_PAGES", 10)  # and a cut by pages inside that
    results = engine.score_run(scored_copy, 1, as_of=AS_OF)
    assert sorted(s.agency_id for s in results) == sorted(scored.scores)
    assert {s.agency_id: s.overall for s in results} == {k: s.overall for k, s in scored.scores.items()}
    findings, scores = stored(scored_copy)
    assert len(findings) == len(once[0]) and len(scores) == len(once[1])  # replaced, not added
    assert (findings, scores) == once
