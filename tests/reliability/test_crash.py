"""Crash safety (issue 10): ``run`` killed with SIGKILL in each phase, then ``run --resume``, completes.

One run of two testbed sites is killed four times — during the crawl, the probes, the browser checks and the
scoring — each time the way a service manager kills a unit (SIGKILL to every process of it: the crawl child,
Playwright's driver and Chromium included). After each kill the run is not complete; the last ``--resume``
finishes it, and its rows are those of one run: no page, probe fact, browser fact, finding or score twice.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from egov_crawl.pipeline.nightly import PHASES
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.store.models import BrowserFact, Finding, Page, ProbeFact, Run, Score, SiteCrawl
from egov_crawl.testbed.pytest_plugin import TestbedHandle

# revenue has the most pages of the sample (a crawl long enough to be killed in), dopa a small second site.
AGENCIES = ("revenue", "dopa")
PHASE_TIMEOUT_S = 240


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (Chromium sets up its own process group, so killpg alone misses it)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status  # a zombie is dead: it only waits for its parent to reap it


def kill_everything(process: subprocess.Popen[str]) -> None:
    """SIGKILL the whole tree at once, as systemd does to a unit's control group."""
    tree = descendants(process.pid)
    for pid in tree:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait(timeout=30)
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in tree[1:]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in tree[1:] if alive(pid)], "a child survived the kill"


def count(db_url: str, statement: object) -> int:
    with session_factory(open_store(db_url))() as session:
        return int(session.scalar(statement) or 0)  # type: ignore[call-overload]


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


def test_a_run_killed_in_every_phase_resumes_to_one_complete_run(testbed: TestbedHandle, tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    db_url = f"sqlite:///{db}"
    common = ["--testbed", str(testbed.state_dir), "--db", str(db), "--fast", "--evidence", str(tmp_path / "ev")]
    first = ["run", *AGENCIES, *common]
    resume = ["run", "--resume", *common]
    kills: list[tuple[list[str], str, Callable[[], bool]]] = [
        (first, "crawl", lambda: count(db_url, select(func.count(Page.id))) >= 20),
        (resume, "probe", lambda: True),
        (resume, "browse", lambda: count(db_url, select(func.count(BrowserFact.id))) >= 4),
        (resume, "score", lambda: True),
    ]
    done_at_last_kill: list[str] = []
    for args, phase, ready in kills:
        events = run_until(args, tmp_path, phase, ready)
        skipped = [e["phase"] for e in events if e.get("event") == "phase_skipped"]
        assert skipped == done_at_last_kill  # a resumed run redoes only what was not done
        run = the_run(db_url)
        assert run.status == "running" and run.finished_at is None, f"killed in {phase}, the run says {run.status}"
        done = [name for name, state in (run.summary or {}).get("phases", {}).items() if state.get("done")]
        assert done == list(PHASES[: PHASES.index(phase)]), f"killed in {phase}: phases marked done {done}"
        done_at_last_kill = done

    finished = subprocess.run(
        [sys.executable, "-m", "egov_crawl", *resume, "--format", "json"],
        cwd=tmp_path, capture_output=True, text=True, timeout=PHASE_TIMEOUT_S, check=False,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr
    assert json.loads(finished.stdout)["status"] == "complete"
    run = the_run(db_url)
    assert run.status == "complete" and all(run.summary["phases"][p]["done"] for p in run.summary["phases"])

    with session_factory(open_store(db_url))() as session:
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
