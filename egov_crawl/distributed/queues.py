"""The Redis side: connection, one RQ queue per phase, stable job ids, enqueueing a job at most once.

One queue per phase lets a machine without Chromium serve ``--queues crawl,probe`` while another serves
``browse``. Jobs are serialised as JSON, not pickle: a worker never unpickles what it reads from Redis.
Job ids are derived from (run, phase, agency), so enqueueing a run twice does not double its work.
"""

from __future__ import annotations

import os
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Callback, Queue, Retry
from rq.job import Dependency, Job, JobStatus
from rq.serializers import JSONSerializer

from egov_crawl.errors import UserError

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
QUEUE_PREFIX = "egov-crawl-"
PHASE_QUEUES = ("score", "crawl", "probe", "browse")  # a worker's default order: finish runs before starting work
# Wall-clock limits per task, past which RQ kills the work horse and retries. A polite crawl of 200 pages can
# honour a 60 s Crawl-delay (EGOV_MAX_CRAWL_DELAY): 200 x 60 s = 3 h 20 min, so a crawl gets 4 h.
JOB_TIMEOUTS = {"crawl": 4 * 3600, "probe": 30 * 60, "browse": 60 * 60, "score": 2 * 3600}
RETRIES = 2  # a task is tried at most 3 times (a dead worker's abandoned job counts as one try)
RESULT_TTL = 7 * 24 * 3600  # finished jobs stay visible for a week (rq info, the run's audit)
_LIVE = {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.DEFERRED, JobStatus.SCHEDULED, JobStatus.FINISHED}


def redis_url(flag: str | None = None) -> str:
    """``--redis`` wins, then ``EGOV_CRAWL_REDIS``, then a local Redis."""
    return flag or os.environ.get("EGOV_CRAWL_REDIS") or DEFAULT_REDIS_URL


def connect(url: str) -> Redis:
    """A Redis connection that has answered PING, or a one-line ``UserError``."""
    connection = Redis.from_url(url)
    try:
        connection.ping()
    except (RedisError, ValueError) as exc:
        raise UserError(
            f"--redis {url}: cannot reach Redis ({exc}); start redis-server or set EGOV_CRAWL_REDIS"
        ) from None
    return connection


def queue(connection: Redis, phase: str) -> Queue:
    return Queue(QUEUE_PREFIX + phase, connection=connection, serializer=JSONSerializer)


def queues(connection: Redis, phases: tuple[str, ...] = PHASE_QUEUES) -> list[Queue]:
    return [queue(connection, phase) for phase in phases]


def job_id(run_id: int, phase: str, agency_id: str | None = None) -> str:
    return f"egov-crawl-{run_id}-{phase}" + (f"-{agency_id}" if agency_id else "")


def job_status(connection: Redis, identifier: str) -> JobStatus | None:
    try:
        return Job.fetch(identifier, connection=connection, serializer=JSONSerializer).get_status()
    except Exception:  # NoSuchJobError, or a job hash expired/half-written: treat as absent
        return None


def enqueue_once(
    connection: Redis,
    phase: str,
    func: Any,
    *,
    identifier: str,
    args: tuple[Any, ...],
    depends_on: str | None = None,
    on_failure: Any = None,
) -> bool:
    """Enqueue ``func(*args)`` on the phase's queue unless a job with this id is already live; True if enqueued."""
    if job_status(connection, identifier) in _LIVE:
        return False

    queue(connection, phase).enqueue(
        func,
        args=args,
        job_id=identifier,
        job_timeout=JOB_TIMEOUTS[phase],
        result_ttl=RESULT_TTL,
        retry=Retry(max=RETRIES),
        # allow_failure: a browse task still runs when its agency's crawl failed (home page and e-services)
        depends_on=Dependency(jobs=[depends_on], allow_failure=True) if depends_on else None,
        on_failure=Callback(on_failure) if on_failure else None,
        description=identifier,
    )
    return True
