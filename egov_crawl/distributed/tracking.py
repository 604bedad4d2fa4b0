"""Which of a run's tasks are finished: two Redis sets, so the last finishing task knows it is the last.

RQ tracks single jobs; "every job of run R is done" is ours to say. Each task has a stable name
(``crawl/revenue``); ``expected`` holds the run's task names, ``done`` those that finished (successfully or with
their retries exhausted, which ``failed`` records). SADD is idempotent, so a task that is run again after its
worker died — the crawl resumes, the probes replace their rows — cannot be counted twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

PREFIX = "egov-crawl:run"


def task_name(phase: str, agency_id: str) -> str:
    return f"{phase}/{agency_id}"


def _key(run_id: int, part: str) -> str:
    return f"{PREFIX}:{run_id}:{part}"


@dataclass(frozen=True)
class RunProgress:
    run_id: int
    expected: int
    done: int
    failed: dict[str, str]

    @property
    def complete(self) -> bool:
        return self.expected > 0 and self.done >= self.expected


def expect(redis: Any, run_id: int, names: Iterable[str]) -> None:
    names = list(names)
    if names:
        redis.sadd(_key(run_id, "expected"), *names)


def done_names(redis: Any, run_id: int) -> set[str]:
    return {n.decode() if isinstance(n, bytes) else n for n in redis.smembers(_key(run_id, "done"))}


def is_done(redis: Any, run_id: int, name: str) -> bool:
    return bool(redis.sismember(_key(run_id, "done"), name))


def finish(redis: Any, run_id: int, name: str, *, error: str | None = None) -> RunProgress:
    """Record ``name`` as finished (``error``: its retries are exhausted); returns the run's progress after it."""
    with redis.pipeline() as pipe:
        if error is not None:
            pipe.hset(_key(run_id, "failed"), name, error[:500])
        else:
            pipe.hdel(_key(run_id, "failed"), name)
        pipe.sadd(_key(run_id, "done"), name)
        pipe.execute()
    return progress(redis, run_id)


def progress(redis: Any, run_id: int) -> RunProgress:
    with redis.pipeline() as pipe:
        pipe.scard(_key(run_id, "expected"))
        pipe.scard(_key(run_id, "done"))  # O(1): only expected names are ever added to it
        pipe.hgetall(_key(run_id, "failed"))
        expected, done, failed = pipe.execute()
    return RunProgress(
        run_id,
        int(expected),
        int(done),
        {_text(k): _text(v) for k, v in failed.items()},
    )


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
