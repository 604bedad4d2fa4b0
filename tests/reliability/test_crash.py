"""Crash safety (issue 10): ``run`` killed with SIGKILL in each phase, then ``run --resume``, completes.

One run of two testbed sites is killed four times — during the crawl, the probes, the browser checks and the
scoring — each time the way a service manager kills a unit (SIGKILL to every process of it: the crawl child,
Playwright's driver and Chromium included). After each kill the run is not complete; the last ``--resume``
finishes it, and its rows are those of one run: no page, probe fact, browser fact, finding or score twice.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from egov_crawl.phases import PHASES
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.store.models import BrowserFact, Finding, Page, ProbeFact, Run, Score, SiteCrawl
from egov_crawl.testbed.process import TestbedHandle
from tests.fixtures.processes import alive, count, descendants

# revenue has the most pages of the sample (a crawl long enough to be killed in), dopa a small second site.
AGENCIES = ("revenue", "dopa")
PHASE_TIMEOUT_S = 240
IMAGES = {"png", "jpg", "jpeg", "gif", "svg", "webp"}


def kill_everything(process: subprocess.Popen[str]) -> None:
    """SIGKILL the whole tree at once, as systemd does to a unit's control group."""
    tree = descendants(process.pid)
    for pid in tree:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in tree[1:]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in tree[1:] if alive(pid)], "a child survived the kill"


def run_until(args: list[str], cwd: Path, phase: str, ready: Callable[[], bool]) -> list[dict[str, object]]:
    """Start ``run``, wait for ``phase_started`` of ``phase`` in its JSON log and then for ``ready()``, kill it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "egov_crawl", *args, "--log-format", "json"],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, like a service
    )
    assert process.stderr is not None
    events: list[dict[str, object]] = []
    for line in process.stderr:
        if not line.startswith("{"):
            continue
        events.append(json.loads(line))
        if events[-1].get("event") == "phase_started" and events[-1].get("phase") == phase:
            break
    else:
        process.wait()
        raise AssertionError(f"the run ended before the {phase} phase: {events}")
    deadline = time.monotonic() + PHASE_TIMEOUT_S
    while not ready():
        assert process.poll() is None, f"the run ended during the {phase} phase before the test could kill it"
        assert time.monotonic() < deadline, f"the {phase} phase never became ready to be killed"
        time.sleep(0.05)
    assert process.poll() is None, f"the {phase} phase finished before the kill: the test proves nothing"
    kill_everything(process)
    return events


def the_run(db_url: str) -> Run:
    with session_factory(open_store(db_url))() as session:
        [run] = session.scalars(select(Run))
        return run


@dataclass
class CrashedRun:
    db_url: str
    evidence: Path
    tmp: Path
    kills: list[tuple[str, list[str], list[str]]]  # phase killed in, phases skipped on the way, done after
    finished: subprocess.CompletedProcess[str]
    requests: list[dict[str, Any]]  # the testbed's request log during the whole sequence


@pytest.fixture(scope="module")
def crashed(chromium: object, testbed: TestbedHandle, tmp_path_factory: pytest.TempPathFactory) -> CrashedRun:
    """One run of two sites killed in the crawl, the probes, the browser checks and the scoring, then resumed."""
    tmp = tmp_path_factory.mktemp("crash")
    db_url = f"sqlite:///{tmp / 'store.db'}"
    evidence = tmp / "ev"
    common = ["--testbed", str(testbed.state_dir), "--db", str(tmp / "store.db"), "--fast", "--evidence", str(evidence)]
    resume = ["run", "--resume", *common]
    plan: list[tuple[list[str], str, Callable[[], bool]]] = [
        (["run", *AGENCIES, *common], "crawl", lambda: count(db_url, select(func.count(Page.id))) >= 20),
        (resume, "probe", lambda: True),
        (resume, "browse", lambda: count(db_url, select(func.count(BrowserFact.id))) >= 4),
        (resume, "score", lambda: True),
    ]
    since, _ = testbed.requests()
    kills = []
    for args, phase, ready in plan:
        events = run_until(args, tmp, phase, ready)
        run = the_run(db_url)
        assert run.status == "running" and run.finished_at is None, f"killed in {phase}, the run says {run.status}"
        done = [name for name, state in (run.summary or {}).get("phases", {}).items() if state.get("done")]
        kills.append((phase, [str(e["phase"]) for e in events if e.get("event") == "phase_skipped"], done))
    finished = subprocess.run(
        [sys.executable, "-m", "egov_crawl", *resume, "--format", "json"],
        cwd=tmp, capture_output=True, text=True, timeout=PHASE_TIMEOUT_S, check=False,
    )  # fmt: skip
    _, log = testbed.requests(since)
    return CrashedRun(db_url, evidence, tmp, kills, finished, log)


def test_a_killed_phase_is_never_marked_done_and_resume_redoes_only_it(crashed: CrashedRun) -> None:
    done_at_last_kill: list[str] = []
    for phase, skipped, done in crashed.kills:
        assert skipped == done_at_last_kill  # a resumed run redoes only what was not done
        assert done == list(PHASES[: PHASES.index(phase)]), f"killed in {phase}: phases marked done {done}"
        done_at_last_kill = done
    assert crashed.finished.returncode == 0, crashed.finished.stderr
    assert json.loads(crashed.finished.stdout)["status"] == "complete"
    run = the_run(crashed.db_url)
    assert run.status == "complete" and all(run.summary["phases"][p]["done"] for p in PHASES)


def test_after_resume_no_row_is_stored_twice(crashed: CrashedRun) -> None:
    with session_factory(open_store(crashed.db_url))() as session:
        crawls = Counter(session.scalars(select(SiteCrawl.agency_id)))
        assert crawls == Counter(AGENCIES)  # one site crawl per agency, finished
        assert {c.status for c in session.scalars(select(SiteCrawl))} == {"complete"}
        pages = session.execute(select(Page.site_crawl_id, Page.url)).all()
        assert len(pages) == len(set(pages)) > 40
        stored = sum(c.pages for c in session.scalars(select(SiteCrawl)))
        assert stored == len(pages)  # the site crawl's page count is the rows it has, not rows counted twice
        probes = Counter(session.execute(select(ProbeFact.agency_id, ProbeFact.host, ProbeFact.kind)).all())
        assert probes and max(probes.values()) == 1
        browser = Counter(session.execute(select(BrowserFact.agency_id, BrowserFact.url, BrowserFact.kind)).all())
        assert browser and max(browser.values()) == 1, [k for k, n in browser.items() if n > 1]
        findings = Counter(session.execute(select(Finding.agency_id, Finding.check_id)).all())
        assert findings and max(findings.values()) == 1
        scores = Counter(session.execute(select(Score.agency_id, Score.methodology_id)).all())
        assert set(scores) == {(a, "default") for a in AGENCIES} and max(scores.values()) == 1


def test_documents_are_only_headed_or_fetched_one_byte(crashed: CrashedRun, testbed: TestbedHandle) -> None:
    """Issue 10, outputs: a document (PDF, DOCX, XLSX…) is never downloaded whole, opened or executed — the
    crawler HEADs it, or GETs one byte (``Range: bytes=0-0``) where HEAD is refused; the browser never opens it."""
    documents = {
        (host, doc["path"])
        for slug in AGENCIES
        for host in testbed.site(slug)["hosts"]
        for doc in testbed.site(slug)["documents"]
        if doc["format"] not in IMAGES  # a logo is part of the page: Chromium renders it, as any browser does
    }
    fetched = [(e["method"], e.get("range")) for e in crashed.requests if (e["host"], e["path"]) in documents]
    assert fetched, "no document was checked: the test proves nothing"
    assert set(fetched) <= {("HEAD", None), ("GET", "bytes=0-0")}, Counter(fetched)


def test_screenshots_are_written_only_under_the_evidence_directory(crashed: CrashedRun) -> None:
    with session_factory(open_store(crashed.db_url))() as session:
        paths = [p for p in session.scalars(select(BrowserFact.evidence_path)) if p]
    assert paths and all((crashed.evidence / p).resolve().is_relative_to(crashed.evidence.resolve()) for p in paths)
    images = [p for p in crashed.tmp.rglob("*") if p.suffix in (".png", ".jpg", ".jpeg", ".webp")]
    assert images and all(p.is_relative_to(crashed.evidence) for p in images)
