"""Ctrl-C and SIGTERM end a run quietly: exit 130, nothing but the run's own lines on stderr, nothing left behind.

The signal goes to the run's whole process group, as a terminal's Ctrl-C or a service manager's stop does: the
crawl child and Playwright's driver get it too. In the browser phase the driver then exited under pending
requests and the run ended (130) with three lines of "Future exception was never retrieved … Connection closed";
the lock file stayed beside the store.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from egov_crawl.store.db import open_store, session_factory
from egov_crawl.store.models import Run
from egov_crawl.testbed.process import TestbedHandle
from tests.fixtures.requirements import require_chromium

pytestmark = pytest.mark.slow  # each test runs the command line in a child process and interrupts it

RUN_TIMEOUT_S = 300


def interrupt_run(testbed: TestbedHandle, tmp: Path, signum: int, phases: str, at_event: str) -> tuple[int, list[str]]:
    """Start ``run`` with a JSON log, send ``signum`` to its process group at the first ``at_event`` line;
    returns the exit code and the stderr lines that followed the signal."""
    args = ["run", "revenue", "--testbed", str(testbed.state_dir), "--db", str(tmp / "store.db"), "--fast", "--full"]
    process = subprocess.Popen(
        [sys.executable, "-m", "egov_crawl", *args, "--phases", phases, "--log-format", "json"],
        cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    assert process.stderr is not None
    try:
        for line in process.stderr:
            if json.loads(line).get("event") == at_event:
                break
        else:
            pytest.fail(f"the run ended (exit {process.wait()}) before any {at_event} line")
        os.killpg(process.pid, signum)
        after = process.stderr.read().splitlines()
        return process.wait(timeout=RUN_TIMEOUT_S), after
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)


def noise(lines: list[str]) -> list[str]:
    """What is not one of the run's own JSON log lines."""
    out = []
    for line in lines:
        try:
            json.loads(line)
        except ValueError:
            out.append(line)
    return out


def run_status(db: Path) -> list[str]:
    with session_factory(open_store(f"sqlite:///{db}"))() as session:
        return [run.status for run in session.scalars(select(Run))]


@pytest.mark.browser
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["sigint", "sigterm"])
def test_stopped_in_the_browser_phase_the_run_exits_130_quietly(
    signum: int, testbed: TestbedHandle, tmp_path: Path
) -> None:
    require_chromium()
    code, after = interrupt_run(testbed, tmp_path, signum, "crawl,browse", at_event="browse_job")
    assert code == 130
    assert noise(after) == []
    assert json.loads(after[-1])["event"] == "run_finished"
    assert run_status(tmp_path / "store.db") == ["interrupted"]
    assert sorted(p.name for p in tmp_path.iterdir() if ".run." in p.name) == []


def test_stopped_in_the_crawl_phase_the_run_exits_130_quietly(testbed: TestbedHandle, tmp_path: Path) -> None:
    code, after = interrupt_run(testbed, tmp_path, signal.SIGINT, "crawl", at_event="phase_started")
    assert code == 130
    assert noise(after) == []
    assert run_status(tmp_path / "store.db") == ["interrupted"]
    assert sorted(p.name for p in tmp_path.iterdir() if ".run." in p.name) == []


def test_ctrl_c_in_the_demo_exits_130_quietly(tmp_path: Path) -> None:
    registry = Path(__file__).resolve().parents[2] / "agencies.yaml"
    process = subprocess.Popen(
        [sys.executable, "-m", "egov_crawl", "demo", "--out", str(tmp_path), "--only", "revenue",
         "--registry", str(registry)],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    assert process.stdout is not None
    try:
        for line in process.stdout:
            if line.startswith("crawl …"):
                break
        else:
            pytest.fail(f"the demo ended (exit {process.wait()}) before its crawl started")
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=RUN_TIMEOUT_S)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130
    assert err == ""
    assert sorted(p.name for p in tmp_path.iterdir() if ".run." in p.name) == []
