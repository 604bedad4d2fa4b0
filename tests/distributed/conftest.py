"""Scale-out fixtures: databases on the session's PostgreSQL, workers as subprocesses, one baseline run.

The baseline is the single-process nightly run (``run_pipeline``) of the same agencies, phases and options:
what a distributed run must store too.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from egov_crawl.pipeline.command import testbed_settings
from egov_crawl.pipeline.nightly import RunOptions, run_pipeline
from egov_crawl.pipeline.runlog import JsonRunLog
from egov_crawl.registry import load_registry
from egov_crawl.store import repository
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.store.models import Finding, ProbeFact, Score
from egov_crawl.testbed.process import TestbedHandle

# revenue: the largest sample site (199 pages, the one a worker is killed on); dol: HTTP only; doe: a self-signed
# certificate (a classified crawl failure must be stored alike too).
SITES = ["revenue", "dlt", "dol", "doe", "oae"]
PHASES = "crawl,probe,score"
# Fast heartbeats, so a killed worker's task is reclaimed in seconds rather than RQ's default 90 s.
SCORE_COLUMNS = ("overall", "band", "coverage", "pillars", "subindices", "methodology_hash")
WORKER_TIMINGS = ["--heartbeat", "1", "--abandon-after", "2", "--maintenance", "1"]


def create_database(postgres_url: str, name: str) -> str:
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return postgres_url.rsplit("/", 1)[0] + "/" + name


def egov(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "egov_crawl", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def enqueue(testbed: TestbedHandle, db_url: str, redis_url: str, cwd: Path, *, crawl_batch: int = 1) -> int:
    """Enqueue the sample sites as a new run; returns its id."""
    result = egov(
        "enqueue", *SITES, "--testbed", str(testbed.state_dir), "--db", db_url, "--redis", redis_url,
        "--phases", PHASES, "--fast", "--crawl-batch", str(crawl_batch), "--format", "json", cwd=cwd,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["tasks"] == report["enqueued"] == 2 * len(SITES)
    return int(report["run_id"])


def start_worker(db_url: str, redis_url: str, name: str, cwd: Path) -> subprocess.Popen[str]:
    """``egov-crawl worker --burst`` in its own process group (so a test can kill it with its children)."""
    log = (cwd / f"{name}.log").open("w")
    options = ["--burst", "--db", db_url, "--redis", redis_url, "--name", name, "--format", "json", *WORKER_TIMINGS]
    return subprocess.Popen(
        [sys.executable, "-m", "egov_crawl", "worker", *options],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        start_new_session=True,
    )


def finish(worker: subprocess.Popen[str], cwd: Path, name: str, timeout: float = 240) -> dict[str, Any]:
    out, _ = worker.communicate(timeout=timeout)
    assert worker.returncode == 0, (cwd / f"{name}.log").read_text()[-3000:]
    return dict(json.loads(out))


@dataclass(frozen=True)
class StoredRun:
    run_id: int
    status: str
    phases: dict[str, Any]
    pages: list[tuple[str, str, int | None, str | None]]  # (agency, url, status, title), sorted
    site_crawls: dict[str, tuple[str, str | None]]  # agency -> (status, error_class)
    probe_kinds: dict[str, list[tuple[str, str, str | None]]]  # agency -> sorted (host, kind, error_class)
    scores: dict[str, dict[str, Any]]  # agency -> SCORE_COLUMNS
    findings: list[tuple[str, str, str]]  # sorted (agency, check, outcome)


def stored_run(db_url: str, run_id: int) -> StoredRun:
    engine = open_store(db_url)
    with session_factory(engine)() as session:
        run = repository.get_run(session, run_id)
        assert run is not None
        crawls = {sc.agency_id: (sc.status, sc.error_class) for sc in repository.site_crawls_for_run(session, run_id)}
        probes: dict[str, list[tuple[str, str, str | None]]] = {}
        for fact in session.scalars(select(ProbeFact).where(ProbeFact.run_id == run_id)):
            probes.setdefault(fact.agency_id, []).append((fact.host, fact.kind, fact.error_class))
        scores = {
            row.agency_id: {c: getattr(row, c) for c in SCORE_COLUMNS}
            for row in session.scalars(select(Score).where(Score.run_id == run_id))
        }
        findings = sorted(
            (f.agency_id, f.check_id, f.outcome)
            for f in session.scalars(select(Finding).where(Finding.run_id == run_id))
        )
        result = StoredRun(
            run_id,
            run.status,
            dict((run.summary or {}).get("phases", {})),
            repository.page_facts_of_run(session, run_id),
            crawls,
            {agency: sorted(kinds) for agency, kinds in probes.items()},
            scores,
            findings,
        )
    engine.dispose()
    return result


@pytest.fixture(scope="session")
def single_process_run(testbed: TestbedHandle, postgres_url: str) -> Iterator[StoredRun]:
    """The same agencies and phases through ``run_pipeline`` in one process: the reference."""
    db_url = create_database(postgres_url, "scale_single")
    target = testbed_settings(testbed.state_dir)
    options = RunOptions(
        agency_ids=SITES,
        phases=tuple(PHASES.split(",")),
        hostmap=target["hostmap"],
        ca_file=target["ca_file"],
        dns_server=target["dns_server"],
        trust_anchors=target["trust_anchors"],
        polite=False,
    )
    with open("/dev/null", "w") as quiet:
        report = run_pipeline(
            load_registry(testbed.registry_path), db_url=db_url, options=options, log=JsonRunLog(quiet)
        )
    assert report.status == "complete"
    yield stored_run(db_url, report.run_id)


def wait_for(condition: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
