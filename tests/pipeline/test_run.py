"""``egov-crawl run``: one locked, resumable run; the second concurrent run refuses (issue 8, acceptance 3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from egov_crawl import failures
from egov_crawl.pipeline.lock import EXIT_LOCKED, run_lock
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.store.models import Run, SiteCrawl
from egov_crawl.testbed.process import TestbedHandle


def egov(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "egov_crawl", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def runs(db: Path) -> list[Run]:
    with session_factory(open_store(f"sqlite:///{db}"))() as session:
        return list(session.scalars(select(Run).order_by(Run.id)))


def test_a_run_while_another_holds_the_lock_refuses_and_changes_nothing(testbed: TestbedHandle, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    open_store(f"sqlite:///{db}").dispose()
    with run_lock(f"sqlite:///{db}"):
        result = egov("run", "--all", "--testbed", str(testbed.state_dir), "--db", str(db), cwd=tmp_path)
    assert result.returncode == EXIT_LOCKED
    [line] = result.stderr.strip().splitlines()
    assert "another run is in progress" in line and f"pid {os.getpid()}" in line
    assert runs(db) == []


def test_two_concurrent_runs_one_refuses_the_other_completes(testbed: TestbedHandle, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    common = ["--testbed", str(testbed.state_dir), "--db", str(db), "--phases", "crawl", "--fast"]
    sample = [site["slug"] for site in testbed.manifest["sites"]]
    first = subprocess.Popen(  # all 22 sample sites: several seconds, ample time for the second to collide
        [sys.executable, "-m", "egov_crawl", "run", *sample, "--max-pages", "30", *common],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    holder = db.with_name(db.name + ".run.holder")
    deadline = time.monotonic() + 60
    while not holder.exists() and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    second = egov("run", "revenue", *common, cwd=tmp_path)
    assert first.poll() is None, "the first run ended before the second started: the test proves nothing"
    _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert second.returncode == EXIT_LOCKED, second.stderr
    [stored] = runs(db)
    assert stored.status == "complete" and stored.summary["phases"]["crawl"]["done"]
    with session_factory(open_store(f"sqlite:///{db}"))() as session:
        crawled = list(session.scalars(select(SiteCrawl.agency_id)))
    assert len(crawled) == len(set(crawled)) == len(testbed.manifest["sites"])  # nothing stored twice


def test_json_log_and_summary_for_log_shippers(testbed: TestbedHandle, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    args = ["run", "revenue", "doe", "--testbed", str(testbed.state_dir), "--db", str(db), "--phases", "crawl"]
    result = egov(*args, "--fast", "--log-format", "json", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stderr.splitlines()]
    assert events[0]["event"] == "run_started" and events[-1]["event"] == "run_finished"
    assert {"phase_started", "phase_finished", "crawl_agency_finished"} <= {e["event"] for e in events}
    report = json.loads(result.stdout)
    assert report["status"] == "complete" and report["agencies"] == 2 and report["pages"] > 10
    # doe serves a self-signed certificate: a classified site failure, not a failed run (the crawler's TLS
    # client reports only that verification failed; the probe names the reason)
    assert report["failures"]["crawl"] == {failures.tls_error(failures.TLS_VERIFY_FAILED): 1}


def test_unknown_agency_names_close_matches(testbed: TestbedHandle, tmp_path: Path) -> None:
    result = egov("run", "revenu", "--testbed", str(testbed.state_dir), "--db", str(tmp_path / "s.db"), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == "error: agency 'revenu' is not in the registry; did you mean revenue?"
