"""Scale-out throughput: ``egov-crawl worker`` x1 and x2 on this machine, and the capacity model for 10,000 agencies.

    python bench/scale.py [--db URL] [--sites revenue,dlt,...]

Starts the testbed (sample sites, no hostile ones), a redis-server and, unless ``--db`` is given, a throwaway
PostgreSQL cluster (SQLite when Debian's postgresql is not installed). Enqueues the sites with the phases crawl and
probe in fast mode (no delays: the testbed is ours) and runs 1, then 2 burst workers; a run's time is from its
first job's enqueue to its last job's end (RQ's own timestamps). A polite crawl of one site then measures the
politeness bound per host. Browser pages/min come from bench/results/browser.json (bench/browser.py).
Prints a summary and writes bench/results/scale.json; docs/operations.md ("Scale-out") explains the model.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from redis import Redis  # noqa: E402
from rq.exceptions import NoSuchJobError  # noqa: E402
from rq.job import Job  # noqa: E402
from rq.serializers import JSONSerializer  # noqa: E402

from egov_crawl.distributed.queues import job_id  # noqa: E402
from egov_crawl.process_memory import tree_pss_mb  # noqa: E402
from egov_crawl.store import repository  # noqa: E402
from egov_crawl.store.db import open_store, session_factory  # noqa: E402
from egov_crawl.testbed.process import (  # noqa: E402
    handle_from_state,
    start_server_process,
    stop_server_process,
    wait_for_state,
)
from tests.fixtures.postgres import _as_owner, _free_port, _pg_bin  # noqa: E402
from tests.fixtures.redis import redis_server  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "scale.json"
SITES = "revenue,dlt,moph,dopa,oae,customs,excise,dbd,sso,doa,finearts,dwr"
POLITE_SITES, POLITE_PAGES = ["dlt", "moph", "dopa", "oae"], 30

# The capacity model's inputs that are policy, not measurement (docs/operations.md, "Scale-out").
AGENCIES = 10_000
PAGES_PER_AGENCY = 200  # EGOV_MAX_PAGES, the default page budget
WINDOW_HOURS = 6.0  # the nightly window: 22:00-04:00 local time
HEADROOM = 1.5  # retries, slow sites, a lost worker: plan for 1.5x the mean


@contextlib.contextmanager
def postgres_cluster() -> Iterator[str | None]:
    """A throwaway PostgreSQL (as in tests/fixtures/postgres.py); None when the server binaries are missing."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not initdb or not pg_ctl:
        yield None
        return
    owner = "postgres" if os.geteuid() == 0 else None
    base = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    (base / "sock").mkdir()
    (base / "pw").write_text("egov\n")
    if owner:
        for path in (base, base / "sock", base / "pw"):
            shutil.chown(path, owner)
    port = _free_port()
    options = f"-p {port} -k {base / 'sock'} -c listen_addresses=127.0.0.1 -c fsync=off"
    for cmd in (
        [initdb, "-D", str(base / "data"), "-U", "egov", "--pwfile", str(base / "pw"), "-A", "scram-sha-256"],
        [pg_ctl, "-D", str(base / "data"), "-o", options, "-l", str(base / "log"), "-w", "start"],
    ):
        subprocess.run(_as_owner(cmd, owner), check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://egov:egov@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_owner([pg_ctl, "-D", str(base / "data"), "-m", "fast", "stop"], owner), capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


def egov(*args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "egov_crawl", *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"egov-crawl {args[0]} failed: {result.stderr.strip()[-2000:]}")
    return result.stdout


def timed_run(
    sites: list[str], workers: int, *, db: str, redis: str, state_dir: Path, extra: list[str]
) -> dict[str, Any]:
    """Enqueue ``sites``, run ``workers`` burst workers to the end; throughput from RQ's job timestamps."""
    report = json.loads(
        egov("enqueue", *sites, "--testbed", str(state_dir), "--db", db, "--redis", redis, "--format", "json", *extra)
    )
    run_id = int(report["run_id"])
    command = [sys.executable, "-m", "egov_crawl", "worker", "--burst", "--db", db, "--redis", redis]
    procs = [
        subprocess.Popen(
            [*command, "--name", f"bench-{run_id}-{n}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for n in range(workers)
    ]
    peak_pss = 0.0
    while any(p.poll() is None for p in procs):
        peak_pss = max(peak_pss, max(tree_pss_mb(p.pid) for p in procs))
        time.sleep(0.25)
    connection = Redis.from_url(redis)
    jobs: dict[tuple[str, str], Job] = {}
    for phase in ("crawl", "probe"):
        for site in sites:  # a crawl task of a batch is named after its first agency
            with contextlib.suppress(NoSuchJobError):
                jobs[phase, site] = Job.fetch(
                    job_id(run_id, phase, site), connection=connection, serializer=JSONSerializer
                )
    assert all(job.get_status() == "finished" for job in jobs.values()), "a task did not finish"
    begin = min(job.enqueued_at for job in jobs.values() if job.enqueued_at)
    end = max(job.ended_at for job in jobs.values() if job.ended_at)
    engine = open_store(db)
    with session_factory(engine)() as session:
        pages = repository.run_page_count(session, run_id)
        per_agency = {sc.agency_id: sc.pages for sc in repository.site_crawls_for_run(session, run_id)}
    engine.dispose()
    seconds = (end - begin).total_seconds()

    def duration(job: Job) -> float:
        return (job.ended_at - job.started_at).total_seconds() if job.ended_at and job.started_at else 0.0

    crawl = [
        (sum(per_agency.get(agency["id"], 0) for agency in job.args[1]), duration(job))
        for (phase, _), job in jobs.items()
        if phase == "crawl"
    ]
    probe = [duration(job) for (phase, _), job in jobs.items() if phase == "probe"]
    return {
        "run_id": run_id,
        "workers": workers,
        "agencies": len(sites),
        "pages": pages,
        "seconds": round(seconds, 2),
        "pages_per_second": round(pages / seconds, 1),
        "crawl_tasks": [{"pages": p, "seconds": round(s, 2)} for p, s in crawl],
        "probe_task_seconds_mean": round(sum(probe) / len(probe), 2) if probe else None,
        "peak_pss_mb_per_worker": round(peak_pss / workers, 1),
    }


def fit(points: list[dict[str, Any]]) -> tuple[float, float]:
    """Least squares seconds = fixed + pages / rate over crawl tasks: (fixed cost per task, pages/s in a task)."""
    xs, ys = [p["pages"] for p in points], [p["seconds"] for p in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if not sxx:
        return 0.0, mx / my if my else float("inf")
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
    return max(my - slope * mx, 0.0), 1 / slope if slope > 0 else float("inf")


def capacity(
    one: dict[str, Any], polite: dict[str, Any], batch: dict[str, Any], browser: dict[str, Any] | None
) -> dict[str, Any]:
    """Workers needed for AGENCIES in WINDOW_HOURS, from the measured numbers (docs/operations.md)."""
    fixed, rate_cpu = fit(one["crawl_tasks"])
    [polite_task] = polite["crawl_tasks"]
    rate_host = polite_task["pages"] / max(polite_task["seconds"] - fixed, 0.1)  # politeness bound, one host
    window = WINDOW_HOURS * 3600
    crawl_task_polite = fixed + PAGES_PER_AGENCY / rate_host  # wall time of one agency's polite crawl
    crawl_task_cpu = fixed + PAGES_PER_AGENCY / rate_cpu  # the CPU it costs (fast run: one core busy)
    probe_task = one["probe_task_seconds_mean"] or 0.0
    # agencies one crawl process really crawls at once: B polite crawls in one task vs one alone
    [batch_task] = batch["crawl_tasks"]
    in_process = batch["agencies"] * polite_task["seconds"] / batch_task["seconds"]
    model: dict[str, Any] = {
        "inputs": {
            "agencies": AGENCIES,
            "pages_per_agency": PAGES_PER_AGENCY,
            "window_hours": WINDOW_HOURS,
            "headroom": HEADROOM,
        },
        "measured": {
            "fixed_seconds_per_crawl_task": round(fixed, 2),
            "pages_per_second_per_worker_unthrottled": round(rate_cpu, 1),
            "politeness_bound_pages_per_second_per_host": round(rate_host, 2),
            "probe_task_seconds": probe_task,
            "peak_pss_mb_per_worker": one["peak_pss_mb_per_worker"],
            "peak_pss_mb_per_worker_batch_4": batch["peak_pss_mb_per_worker"],
            "agencies_crawled_at_once_in_one_process_batch_4": round(in_process, 2),
        },
        "crawl_task_seconds_polite": round(crawl_task_polite, 1),
        "crawl_worker_processes_batch_1": round(AGENCIES * crawl_task_polite / window * HEADROOM),
        "crawl_worker_processes_batch_4": round(AGENCIES * crawl_task_polite / window * HEADROOM / in_process),
        "crawl_cpu_cores": round(AGENCIES * crawl_task_cpu / window * HEADROOM, 1),
        "probe_worker_processes": max(1, round(AGENCIES * probe_task / window * HEADROOM)),
    }
    model["crawl_memory_gb_batch_1"] = round(
        model["crawl_worker_processes_batch_1"] * one["peak_pss_mb_per_worker"] / 1024, 1
    )
    model["crawl_memory_gb_batch_4"] = round(
        model["crawl_worker_processes_batch_4"] * batch["peak_pss_mb_per_worker"] / 1024, 1
    )
    if browser:
        browse = browser["browse"]  # bench/results/browser.json: {"sites": [...], "browse": {"pages", ...}, ...}
        pages_per_agency = browse["pages"] / len(browser["sites"])
        model["measured"]["browser_pages_per_minute_per_worker"] = browse["pages_per_minute"]
        model["measured"]["browser_pages_per_agency"] = round(pages_per_agency, 1)
        model["browser_worker_processes"] = round(
            AGENCIES * pages_per_agency / (browse["pages_per_minute"] * window / 60) * HEADROOM
        )
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="Store URL (default: a throwaway PostgreSQL, else SQLite)")
    parser.add_argument("--sites", default=SITES)
    args = parser.parse_args()
    sites = [s for s in args.sites.split(",") if s]
    fast = ["--phases", "crawl,probe", "--fast", "--full"]  # --full: no conditional requests against run 1
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-scale-")))
        state_dir = tmp / "testbed"
        state_dir.mkdir()
        server = start_server_process(state_dir, "--no-hostile")
        stack.callback(stop_server_process, server)
        handle_from_state(state_dir, wait_for_state(server, state_dir))
        redis = stack.enter_context(redis_server())
        db = args.db or stack.enter_context(postgres_cluster()) or f"sqlite:///{tmp / 'bench.db'}"
        common = {"db": db, "redis": redis, "state_dir": state_dir}
        runs = [timed_run(sites, n, extra=fast, **common) for n in (1, 2)]
        polite_options = ["--phases", "crawl", "--max-pages", str(POLITE_PAGES), "--full"]
        polite = timed_run(POLITE_SITES[:1], 1, extra=polite_options, **common)
        batch = len(POLITE_SITES)  # the same, four agencies in one task (one Scrapy process)
        polite_batch = timed_run(POLITE_SITES, 1, extra=[*polite_options, "--crawl-batch", str(batch)], **common)
    browser_path = ROOT / "bench" / "results" / "browser.json"
    browser = json.loads(browser_path.read_text()) if browser_path.exists() else None
    result = {
        "store": db.split("://", 1)[0],
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "runs": runs,
        "speedup_2_workers": round(runs[1]["pages_per_second"] / runs[0]["pages_per_second"], 2),
        "polite_run": polite,
        "polite_batch_run": polite_batch,
        "capacity_model": capacity(runs[0], polite, polite_batch, browser),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    for run in runs:
        print(
            f"{run['workers']} worker(s): {run['pages']} pages in {run['seconds']} s",
            f"= {run['pages_per_second']} pages/s",
        )
    print(f"speed-up with 2 workers: {result['speedup_2_workers']}x (this machine: {os.cpu_count()} cores)")
    print(json.dumps(result["capacity_model"], indent=2))
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
