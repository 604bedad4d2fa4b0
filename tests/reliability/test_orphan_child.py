"""The crawl child dies with ``egov-crawl run`` (audit H2).

``test_crash.py`` kills every process of a run, the way a service manager does. Here only the main ``run``
process gets the signal, as from ``kill PID`` or the OOM killer. The Scrapy child used to keep crawling for
a minute or more after that, with the run lock already free, its pages lost on the broken progress pipe,
while it still marked its site crawls ``complete``; ``run --resume`` then scored the few pages it had stored
at full coverage. Now the child goes with its parent, nothing it leaves is ``complete``, and ``--resume``
stores the same pages and scores as a run that was never killed.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from egov_crawl.store.db import open_store, session_factory
from egov_crawl.store.models import Page, Score, SiteCrawl
from egov_crawl.testbed.process import TestbedHandle
from tests.fixtures.processes import alive, count, descendants

pytestmark = pytest.mark.slow  # each test starts a run or a crawl child process

AGENCIES = ("revenue", "dopa")  # revenue: ~200 pages, long enough to be killed in; dopa: a small second site
PHASES = "crawl,probe,score"  # the browser adds minutes and nothing to what the crawl child does
CHILD_GONE_S = 10  # the parent-death signal is immediate; SIGTERM gives the child a graceful stop first
RUN_TIMEOUT_S = 300


def run_args(testbed: TestbedHandle, db: Path) -> list[str]:
    return ["--testbed", str(testbed.state_dir), "--db", str(db), "--fast", "--full", "--phases", PHASES]


def pages_by_agency(db_url: str) -> dict[str, set[str]]:
    with session_factory(open_store(db_url))() as session:
        rows = session.execute(select(SiteCrawl.agency_id, Page.url).join(Page)).all()
    found: dict[str, set[str]] = {}
    for agency, url in rows:
        found.setdefault(agency, set()).add(url)
    return found


def scores(db_url: str) -> dict[str, tuple[float | None, float, str | None]]:
    with session_factory(open_store(db_url))() as session:
        return {s.agency_id: (s.overall, s.coverage, s.band) for s in session.scalars(select(Score))}


@pytest.fixture(scope="module")
def uninterrupted(testbed: TestbedHandle, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The same run, never killed: what a killed and resumed run must end up with."""
    tmp = tmp_path_factory.mktemp("uninterrupted")
    done = subprocess.run(
        [sys.executable, "-m", "egov_crawl", "run", *AGENCIES, *run_args(testbed, tmp / "store.db")],
        cwd=tmp, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return f"sqlite:///{tmp / 'store.db'}"


def crawl_children(pid: int) -> list[int]:
    found = []
    for child in descendants(pid)[1:]:
        with contextlib.suppress(OSError):
            if b"egov_crawl.crawler" in Path(f"/proc/{child}/cmdline").read_bytes():
                found.append(child)
    return found


def kill_main_process_alone(testbed: TestbedHandle, tmp: Path, signum: int) -> tuple[list[int], list[int]]:
    """Start ``run``, wait until the crawl has stored 20 pages of revenue, send ``signum`` to the main process only;
    returns the crawl children it had and those still alive ``CHILD_GONE_S`` later (each then killed)."""
    db_url = f"sqlite:///{tmp / 'store.db'}"
    process = subprocess.Popen(
        [sys.executable, "-m", "egov_crawl", "run", *AGENCIES, *run_args(testbed, tmp / "store.db")],
        cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + RUN_TIMEOUT_S
    children: list[int] = []
    revenue_pages = select(func.count(Page.id)).join(SiteCrawl).where(SiteCrawl.agency_id == "revenue")
    while not (children and count(db_url, revenue_pages) >= 20):
        assert process.poll() is None, "the run ended before the test could kill it"
        assert time.monotonic() < deadline, "the crawl never stored 20 pages"
        time.sleep(0.05)
        children = crawl_children(process.pid)
    os.kill(process.pid, signum)
    process.wait(timeout=RUN_TIMEOUT_S)
    gone_by = time.monotonic() + CHILD_GONE_S
    while any(alive(pid) for pid in children) and time.monotonic() < gone_by:
        time.sleep(0.05)
    survivors = [pid for pid in children if alive(pid)]
    for pid in survivors:  # leave no crawler behind for the next test, whatever the verdict
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return children, survivors


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM], ids=["sigkill", "sigterm"])
def test_the_crawl_child_dies_with_the_run_and_resume_matches_an_uninterrupted_run(
    signum: int, uninterrupted: str, testbed: TestbedHandle, tmp_path: Path
) -> None:
    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    children, survivors = kill_main_process_alone(testbed, tmp_path, signum)
    assert len(children) == 1
    assert not survivors, f"the crawl child outlived the run by more than {CHILD_GONE_S} s"

    expected = pages_by_agency(uninterrupted)
    stored = pages_by_agency(db_url)
    with session_factory(open_store(db_url))() as session:
        crawls = {c.agency_id: (c.status, c.pages) for c in session.scalars(select(SiteCrawl))}
    # revenue was stopped 20 pages into its ~200: its crawl stopped with the run instead of going on to the end;
    # killed at once by SIGKILL (left running), or gracefully on SIGTERM (closed as interrupted, pages flushed).
    assert crawls["revenue"][0] == ("running" if signum == signal.SIGKILL else "interrupted"), crawls
    assert len(stored["revenue"]) < len(expected["revenue"])
    claimed = {a: crawls[a] for a in crawls if crawls[a][0] == "complete" and stored.get(a) != expected[a]}
    assert not claimed, f"a site crawl is marked complete with pages missing: {claimed}"

    resumed = subprocess.run(
        [sys.executable, "-m", "egov_crawl", "run", "--resume", *run_args(testbed, tmp_path / "store.db"),
         "--format", "json"],
        cwd=tmp_path, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False,
    )  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout)["status"] == "complete"
    assert pages_by_agency(db_url) == expected
    assert scores(db_url) == scores(uninterrupted)


def test_a_crawl_child_that_finishes_exits_cleanly(tmp_path: Path) -> None:
    """The lifeline's stdin watcher must not trouble a normal exit (a thread blocked in ``sys.stdin``'s buffered
    reader made the interpreter abort at shutdown: exit -6, so ``crawl`` marked finished runs interrupted)."""
    from egov_crawl.crawler.runner import CrawlJob, run_crawl_process

    db_url = f"sqlite:///{tmp_path / 'store.db'}"
    open_store(db_url).dispose()
    events: list[dict[str, object]] = []
    assert run_crawl_process(CrawlJob(db_url=db_url, run_id=1, agencies=[]), on_event=events.append) == 0
    assert events == [{"event": "done", "run_id": 1}]
