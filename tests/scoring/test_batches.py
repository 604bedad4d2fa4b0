"""Scoring reads and writes agencies in batches (engine.BATCH_AGENCIES / BATCH_PAGES, for speed and flat memory):
cutting the run differently must not change a single finding or score, and rescoring replaces rather than adds."""

from __future__ import annotations

import pytest

from egov_crawl.scoring import engine
from tests.fixtures.scored import Scored
from tests.fixtures.sitefacts import AS_OF
from tests.fixtures.stored import stored


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
