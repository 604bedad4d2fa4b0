"""A Chromium crash in the middle of a browse (audit M4).

The audit killed Chromium during a browse: every remaining job was stored as ``crash`` (49 of 54), the run still
ended ``complete`` with exit 0, and ``run --resume`` refused ("no unfinished run"). Here the real Chromium process
tree (every Chromium process below this test's process) gets SIGKILL as soon as the first job's facts are stored:

- with a Chromium that can start again, the browse starts a new one, runs again the jobs the crash took down, and
  every job ends with its facts and no ``crash`` row;
- with a Chromium that cannot start again (its launcher now fails), the browse phase of ``run`` fails: exit 3,
  the run is not complete, and ``run --resume`` (with Chromium back) browses every job.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import stat
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from egov_crawl import failures
from egov_crawl.browser.runner import JOB_KINDS, browse
from egov_crawl.browser.session import find_chromium
from egov_crawl.pipeline.nightly import EXIT_RUN_FAILED, RunFailed, RunOptions, run_pipeline
from egov_crawl.pipeline.runlog import JsonRunLog
from egov_crawl.registry import load_registry
from egov_crawl.store import repository
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.testbed.process import TestbedHandle
from tests.fixtures.requirements import require_chromium

pytestmark = pytest.mark.browser

SLUGS = ["revenue", "dop", "rid"]


def _descendants(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                children = [int(c) for c in (task / "children").read_text().split()]
                found += children
                pending += children
        except OSError:  # ended while being read
            continue
    return found


def _is_chromium(pid: int) -> bool:
    try:
        exe = os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return False
    return "chrom" in Path(exe).name


def kill_chromium_tree() -> list[int]:
    """SIGKILL every Chromium process (browser, zygotes, renderers, GPU and utility processes) below this process."""
    killed = [pid for pid in _descendants(os.getpid()) if _is_chromium(pid)]
    for pid in killed:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return killed


def _launcher(path: Path, chromium: Path | None) -> Path:
    """A Chromium launcher script: ``chromium`` None makes it fail, as a Chromium removed by an upgrade would."""
    body = f'exec {chromium} "$@"\n' if chromium is not None else "echo 'chromium: not found' >&2\nexit 127\n"
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def registry(testbed: TestbedHandle) -> Any:
    require_chromium()
    return load_registry(testbed.registry_path)


def test_a_killed_chromium_is_started_again_and_the_jobs_it_took_down_run_again(
    testbed: TestbedHandle, registry: Any, tmp_path: Path
) -> None:
    db_url = f"sqlite:///{tmp_path / 'crash.db'}"
    killed: list[int] = []
    jobs: list[dict[str, Any]] = []

    def on_event(event: dict[str, Any]) -> None:
        if event.get("event") != "job":
            return
        jobs.append(event)
        if not killed:  # right after the first job's facts are stored, with the other worker's job in flight
            killed.extend(kill_chromium_tree())

    summary = browse(
        registry, SLUGS, db_url=db_url, run_id=None, hostmap=testbed.hostmap, ca_file=testbed.ca_pem,
        evidence_dir=tmp_path / "evidence", contexts=2, crawl_sample=False, on_event=on_event,
    )  # fmt: skip
    assert killed, "no Chromium process was found below the test process"
    with session_factory(open_store(db_url))() as session:
        rows = repository.browser_facts(session, summary.run_id)
    assert failures.CRASH not in {row.error_class for row in rows}, summary.detail
    assert summary.errors == {}, summary.detail
    assert summary.relaunches == 1, summary.detail
    assert len(jobs) == summary.jobs > 2  # every planned job ended once, with its facts
    stored = {(row.agency_id, row.url, row.kind) for row in rows}
    for job in jobs:
        assert {(job["agency"], job["url"], kind) for kind in JOB_KINDS[job["kind"]]} <= stored, job


def test_a_chromium_that_cannot_start_again_fails_the_phase_and_resume_finishes_it(
    testbed: TestbedHandle, registry: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chromium = find_chromium().path
    launcher = _launcher(tmp_path / "chromium", chromium)
    db_url = f"sqlite:///{tmp_path / 'lost.db'}"
    options = RunOptions(
        agency_ids=SLUGS, phases=("browse",), hostmap=testbed.hostmap, ca_file=testbed.ca_pem,
        evidence_dir=tmp_path / "evidence", chromium=str(launcher),
    )  # fmt: skip
    store_facts: Callable[..., None] = repository.add_browser_facts
    killed: list[int] = []

    def store_then_crash(*args: Any, **kwargs: Any) -> None:
        store_facts(*args, **kwargs)
        if not killed:  # the first job is stored: Chromium dies, and its launcher is gone
            _launcher(launcher, None)
            killed.extend(kill_chromium_tree())

    monkeypatch.setattr(repository, "add_browser_facts", store_then_crash)
    with pytest.raises(RunFailed) as failed:
        run_pipeline(registry, db_url=db_url, options=options, log=JsonRunLog(io.StringIO()))
    assert killed
    assert failed.value.exit_code == EXIT_RUN_FAILED == 3
    assert "browse phase failed" in str(failed.value) and "could not be started again" in str(failed.value)

    monkeypatch.undo()
    _launcher(launcher, chromium)  # Chromium is back: --resume browses the phase again
    report = run_pipeline(registry, db_url=db_url, options=options, log=JsonRunLog(io.StringIO()), resume=True)
    assert report.status == "complete"
    with session_factory(open_store(db_url))() as session:
        rows = repository.browser_facts(session, report.run_id)
    assert rows and failures.CRASH not in {row.error_class for row in rows}
    assert {row.agency_id for row in rows} == set(SLUGS)
    # Stored once: the resumed phase dropped what the failed attempt wrote before browsing again.
    assert max(Counter((row.agency_id, row.url, row.kind) for row in rows).values()) == 1
