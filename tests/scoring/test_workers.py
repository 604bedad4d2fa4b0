"""Scoring in worker processes (``score_run(workers=N)``): the workers read and check the batches, the parent
writes them. Whatever the number of processes, the store must hold the very same findings and scores, on SQLite
and on PostgreSQL (each worker opens its own engine)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import insert, select

from egov_crawl.scoring import engine
from egov_crawl.store.db import open_store
from egov_crawl.store.models import Base
from tests.fixtures.scored import Scored
from tests.fixtures.sitefacts import AS_OF
from tests.fixtures.stored import stored

# Scoring recomputes these; every other table is a fact the collectors wrote.
SCORING_TABLES = {"finding", "score"}


@pytest.fixture()
def small_pool_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pool even for the testbed's two dozen agencies, in batches of three: both workers get several batches,
    and they arrive at the writer interleaved."""
    monkeypatch.setattr(engine, "PARALLEL_MIN_AGENCIES", 0)
    monkeypatch.setattr(engine, "POOL_BATCH_AGENCIES", 3)


def scored_with(
    url: str, workers: int, caplog: pytest.LogCaptureFixture, *, keep_findings: bool = True
) -> list[engine.AgencyScore]:
    with caplog.at_level(logging.INFO, logger=engine.__name__):
        results = engine.score_run(url, 1, as_of=AS_OF, workers=workers, keep_findings=keep_findings)
    processes = "2 processes" if workers > 1 else "1 process)"
    assert any(processes in record.getMessage() for record in caplog.records), caplog.text  # the pool really ran
    caplog.clear()
    return results


@pytest.mark.usefixtures("small_pool_batches")
def test_two_workers_store_what_one_process_stores(
    scored: Scored, scored_copy: str, caplog: pytest.LogCaptureFixture
) -> None:
    once = stored(scored_copy)  # the session fixture scored in one process
    results = scored_with(scored_copy, 2, caplog)
    assert [s.agency_id for s in results] == sorted(scored.scores)  # agency order, as one process returns them
    assert {s.agency_id: s for s in results} == scored.scores  # every finding, evidence and aggregate alike
    assert stored(scored_copy) == once  # every finding and score row, replaced rather than added


@pytest.mark.usefixtures("small_pool_batches")
def test_scores_without_their_findings_store_the_same_rows(
    scored: Scored, scored_copy: str, caplog: pytest.LogCaptureFixture
) -> None:
    """What `rescore` and `run` ask for: the scores back without 81 finding objects each; the store is unchanged."""
    once = stored(scored_copy)
    for workers in (1, 2):
        results = scored_with(scored_copy, workers, caplog, keep_findings=False)
        assert {s.agency_id: s.result for s in results} == {a: s.result for a, s in scored.scores.items()}
        assert all(s.findings == {} for s in results)
        assert stored(scored_copy) == once


@pytest.mark.usefixtures("small_pool_batches")
def test_two_workers_on_postgresql(scored: Scored, pg_database: str, caplog: pytest.LogCaptureFixture) -> None:
    source, target = open_store(scored.url), open_store(pg_database)
    with source.connect() as reading, target.begin() as writing:
        for table in Base.metadata.sorted_tables:
            if table.name in SCORING_TABLES or table.name == "alembic_version":
                continue
            rows = [dict(row._mapping) for row in reading.execute(select(table))]
            if rows:
                writing.execute(insert(table), rows)
    source.dispose()
    target.dispose()
    one = {s.agency_id: s for s in scored_with(pg_database, 1, caplog)}
    rows_one = stored(pg_database)
    two = {s.agency_id: s for s in scored_with(pg_database, 2, caplog)}
    assert two == one
    assert stored(pg_database) == rows_one
    assert len(rows_one[0]) == len(stored(scored.url)[0])
    # The same outcomes and scores as on SQLite; evidence may differ where it follows the key order of stored
    # JSON (PostgreSQL's jsonb sorts keys: SRV-15 names the first social platform of a page's facts).
    assert outcomes(two) == outcomes(scored.scores)
    assert {a: s.result for a, s in two.items()} == {a: s.result for a, s in scored.scores.items()}


def outcomes(scores: dict[str, engine.AgencyScore]) -> dict[tuple[str, str], tuple[str, float | None]]:
    return {(a, c): (f.outcome.value, f.score) for a, s in scores.items() for c, f in s.findings.items()}
