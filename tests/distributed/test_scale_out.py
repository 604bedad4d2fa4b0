"""Issue 11 acceptance: a run spread over worker processes on Redis + PostgreSQL stores what one process stores,
and survives a worker killed mid-task (real redis-server and PostgreSQL, workers as subprocesses)."""

from __future__ import annotations

import json
import os
import signal
from collections import Counter
from pathlib import Path

from redis import Redis
from rq.job import Job
from rq.registry import StartedJobRegistry
from rq.serializers import JSONSerializer

from egov_crawl.distributed.queues import QUEUE_PREFIX, RETRIES, job_id
from egov_crawl.store import repository
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.testbed.process import TestbedHandle
from tests.fixtures import store_queries
from tests.fixtures.distributed import (
    SITES,
    StoredRun,
    create_database,
    egov,
    enqueue,
    finish,
    start_worker,
    stored_run,
    wait_for,
)


def revenue_urls(db_url: str, run_id: int) -> set[str]:
    engine = open_store(db_url)
    with session_factory(engine)() as session:
        urls = {url for agency, url, _, _ in store_queries.page_facts_of_run(session, run_id) if agency == "revenue"}
    engine.dispose()
    return urls


def process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants (RQ's work horse leaves the worker's process group, so killpg misses it)."""
    tree = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        for child in (task / "children").read_text().split():
            tree += process_tree(int(child))
    return tree


def kill_tree(pid: int) -> None:
    tree = process_tree(pid)
    for member in tree:  # freeze first, so no process notices the others dying and cleans up
        os.kill(member, signal.SIGSTOP)
    for member in tree:
        os.kill(member, signal.SIGKILL)


def assert_same_facts(distributed: StoredRun, single: StoredRun) -> None:
    assert distributed.status == "complete"
    assert all(distributed.phases[p]["done"] for p in ("crawl", "probe", "score")), distributed.phases
    # every agency completed, with the same outcome (doe's self-signed certificate is a classified failure)
    assert set(distributed.site_crawls) == set(SITES)
    assert distributed.site_crawls == single.site_crawls
    # the same pages per agency, each stored once
    assert distributed.pages == single.pages
    duplicates = [key for key, n in Counter((a, u) for a, u, _, _ in distributed.pages).items() if n > 1]
    assert duplicates == []
    assert distributed.probe_kinds == single.probe_kinds
    assert distributed.findings == single.findings
    assert distributed.scores == single.scores and len(distributed.scores) == len(SITES)


def test_two_workers_store_what_one_process_stores(
    testbed: TestbedHandle, postgres_url: str, redis_url: str, single_process_run: StoredRun, tmp_path: Path
) -> None:
    db_url = create_database(postgres_url, "scale_two_workers")
    redis = redis_url.rsplit("/", 1)[0] + "/1"  # one Redis database per store: run ids repeat across stores
    run_id = enqueue(testbed, db_url, redis, tmp_path, crawl_batch=2)  # 3 crawl tasks, 5 probe tasks
    workers = {name: start_worker(db_url, redis, name, tmp_path) for name in ("w1", "w2")}
    reports = {name: finish(worker, tmp_path, name) for name, worker in workers.items()}

    assert all(report["jobs"] > 0 for report in reports.values()), reports  # both took part
    crawl_tasks = -(-len(SITES) // 2)
    assert sum(report["jobs"] for report in reports.values()) == crawl_tasks + len(SITES) + 1  # + scoring
    assert sum(report["failed"] for report in reports.values()) == 0
    assert_same_facts(stored_run(db_url, run_id), single_process_run)
    # enqueueing the finished run again puts nothing back: its tasks and its scoring are done
    again = egov(
        "enqueue", "--run", str(run_id), "--registry", str(testbed.registry_path), "--db", db_url, "--redis", redis,
        "--format", "json", cwd=tmp_path,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) | {"run_id": 0} == {
        "run_id": 0,
        "agencies": len(SITES),
        "tasks": 2 * len(SITES),
        "enqueued": 0,
        "scoring_enqueued": False,
    }


def test_enqueue_without_redis_says_so_in_one_line_and_creates_no_run(testbed: TestbedHandle, tmp_path: Path) -> None:
    store = tmp_path / "s.db"
    options = ["-r", str(testbed.registry_path), "--db", str(store), "--redis", "redis://127.0.0.1:9/0"]
    result = egov("enqueue", "revenue", *options, cwd=tmp_path)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert "cannot reach Redis" in line and "EGOV_CRAWL_REDIS" in line
    assert not store.exists()


def test_a_worker_killed_mid_task_the_other_completes_the_run(
    testbed: TestbedHandle, postgres_url: str, redis_url: str, single_process_run: StoredRun, tmp_path: Path
) -> None:
    db_url = create_database(postgres_url, "scale_killed_worker")
    redis = redis_url.rsplit("/", 1)[0] + "/2"
    connection = Redis.from_url(redis)
    run_id = enqueue(testbed, db_url, redis, tmp_path)
    # The victim starts alone, so it takes the first crawl task (revenue, the largest site).
    victim = start_worker(db_url, redis, "victim", tmp_path)
    started = StartedJobRegistry(QUEUE_PREFIX + "crawl", connection=connection)
    revenue = job_id(run_id, "crawl", "revenue")
    wait_for(lambda: revenue in started.get_job_ids(), 60, "the victim to start crawling revenue")
    survivor = start_worker(db_url, redis, "survivor", tmp_path)
    wait_for(lambda: revenue_urls(db_url, run_id), 60, "the victim to store pages of revenue")
    kill_tree(victim.pid)  # the worker, its work horse and its Scrapy child: as if the machine were lost
    victim.wait(timeout=10)
    assert revenue in started.get_job_ids(), "revenue's crawl ended before the kill: the test proves nothing"
    stored_before, (mark, _) = revenue_urls(db_url, run_id), testbed.requests()

    finish(survivor, tmp_path, "survivor")
    job = Job.fetch(revenue, connection=connection, serializer=JSONSerializer)
    assert job.get_status() == "finished" and job.worker_name == "survivor"
    assert job.retries_left == RETRIES - 1  # the abandoned attempt counted as one try
    # The retry resumed the crawl: no page the victim had stored was fetched again. (The home page is: the
    # resumed crawl redoes the site-level twin-host check, and revenue.test redirects to www.revenue.test/.)
    _, log = testbed.requests(mark)
    fetched = {f"{e['scheme']}://{e['host']}{e['path']}" for e in log if e["method"] == "GET"}
    assert 0 < len(stored_before) < len(testbed.site("revenue")["pages"])
    assert fetched & stored_before <= {"https://www.revenue.test/"}
    assert_same_facts(stored_run(db_url, run_id), single_process_run)


def test_a_browse_task_runs_after_its_agency_crawl(
    chromium: object, testbed: TestbedHandle, postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    db_url = create_database(postgres_url, "scale_browse")
    redis = redis_url.rsplit("/", 1)[0] + "/3"
    result = egov(
        "enqueue", "dlt", "--testbed", str(testbed.state_dir), "--db", db_url, "--redis", redis,
        "--phases", "crawl,browse", "--fast", "--evidence", str(tmp_path / "evidence"), "--format", "json",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    run_id = int(json.loads(result.stdout)["run_id"])
    # the browse task is queued before the crawl it waits for is done: RQ defers it
    connection = Redis.from_url(redis)
    browse = Job.fetch(job_id(run_id, "browse", "dlt"), connection=connection, serializer=JSONSerializer)
    assert browse.get_status() == "deferred"
    finish(start_worker(db_url, redis, "solo", tmp_path), tmp_path, "solo")

    crawl = Job.fetch(job_id(run_id, "crawl", "dlt"), connection=connection, serializer=JSONSerializer)
    browse.refresh()
    assert browse.get_status() == "finished" and crawl.ended_at and browse.started_at
    assert browse.started_at >= crawl.ended_at
    engine = open_store(db_url)
    with session_factory(engine)() as session:
        facts = repository.browser_facts(session, run_id, agency_id="dlt")
        run = repository.get_run(session, run_id)
        assert run is not None and run.status == "complete"
        assert set(run.summary["phases"]) == {"crawl", "browse"}
    engine.dispose()
    assert facts and {fact.kind for fact in facts} >= {"page"}
