"""``worker``: an RQ worker on the phase queues, writing into this machine's view of the shared store.

RQ forks a work horse per job and sends heartbeats while it runs. When a worker dies (SIGKILL, OOM, a machine
lost), its job stays in the queue's StartedJobRegistry until the heartbeat's TTL lapses; the registry cleanup
that any live worker runs then retries the job (``Retry``) on another worker. RQ's TTL is the monitoring
interval plus a fixed 60 s; ``abandon_grace`` makes that 60 s a setting, so a test (or an impatient operator)
can reclaim a dead worker's job within seconds.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass
from typing import Any

from rq import Queue, Worker
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

from egov_crawl.distributed import queues, tasks

logger = logging.getLogger(__name__)


class EgovWorker(Worker):
    """RQ's forking worker; a job is abandoned ``abandon_grace`` s after its last heartbeat (RQ: 60 s)."""

    abandon_grace = 60

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.jobs_run = 0  # RQ counts in the work horse (another process): count here, in the worker
        self.jobs_failed = 0

    def execute_job(self, job: Job, queue: Queue) -> None:
        super().execute_job(job, queue)
        self.jobs_run += 1
        if job.get_status(refresh=True) == JobStatus.FAILED:
            self.jobs_failed += 1

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        # Same formula as rq.Worker.get_heartbeat_ttl, with its constant 60 replaced.
        interval = self.job_monitoring_interval
        if job.timeout and job.timeout > 0:
            return int(min(job.timeout - working_time, interval)) + self.abandon_grace
        return int(interval) + self.abandon_grace


@dataclass(frozen=True)
class WorkerOptions:
    phases: tuple[str, ...] = queues.PHASE_QUEUES
    burst: bool = False  # quit once the queues are drained and no job is running anywhere
    monitoring_interval: int = 30  # seconds between heartbeats of a running job (RQ's default)
    abandon_grace: int = 60  # a job is reclaimed this long after its worker's last heartbeat
    maintenance_interval: int = 60  # how often a worker looks for abandoned jobs (RQ's default: 600 s)
    poll_seconds: float = 2.0  # --burst: how often to look again while other workers' jobs run
    name: str | None = None
    log_level: str = "INFO"


@dataclass(frozen=True)
class WorkerReport:
    jobs: int
    failed: int
    seconds: float


def run_worker(*, db_url: str, redis_url: str, options: WorkerOptions) -> WorkerReport:
    """Work jobs until stopped (SIGTERM: after the current job), or with ``burst`` until nothing is left."""
    connection = queues.connect(redis_url)
    tasks.configure(db_url)
    _log_to_stderr(options.log_level)
    worker_queues = queues.queues(connection, options.phases)
    started = time.monotonic()
    jobs = failed = 0
    while True:
        worker = _make_worker(connection, worker_queues, options)
        worker.work(burst=options.burst, logging_level=options.log_level)
        jobs += worker.jobs_run
        failed += worker.jobs_failed
        if not options.burst or getattr(worker, "_stop_requested", False):
            break
        if _pending(worker_queues) == 0:
            break
        time.sleep(options.poll_seconds)  # jobs run elsewhere (or wait for their dependencies): look again
    return WorkerReport(jobs, failed, round(time.monotonic() - started, 1))


def _log_to_stderr(level: str) -> None:
    """RQ logs to stdout unless a handler exists; stdout carries the command's summary, so logs go to stderr."""
    rq_logger = logging.getLogger("rq")
    if not rq_logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s", "%H:%M:%S"))
        rq_logger.addHandler(handler)
    rq_logger.setLevel(level)


def _make_worker(connection: Any, worker_queues: list[Queue], options: WorkerOptions) -> EgovWorker:
    worker = EgovWorker(
        worker_queues,
        connection=connection,
        serializer=JSONSerializer,
        name=options.name,
        job_monitoring_interval=options.monitoring_interval,
        maintenance_interval=options.maintenance_interval,
        # the idle wait for a job (worker_ttl - 15 s) bounds how late an idle worker looks for abandoned jobs
        worker_ttl=options.maintenance_interval + 15,
    )
    worker.abandon_grace = options.abandon_grace
    return worker


def _pending(worker_queues: list[Queue]) -> int:
    """Jobs queued, running (abandoned ones are retried first), or waiting for a dependency or a retry."""
    total = 0
    for queue in worker_queues:
        queue.started_job_registry.cleanup()  # a dead worker's job goes back on the queue here
        total += queue.count + queue.started_job_registry.count
        total += queue.deferred_job_registry.count + queue.scheduled_job_registry.count
    return total
