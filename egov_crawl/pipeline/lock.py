"""One run at a time per store: a file lock beside a SQLite file, an advisory lock on PostgreSQL.

Two nightly runs writing the same store would interleave their facts and each mark the other's run; cron
happily starts a second run when the first overruns its window. The second run must refuse at once, say who
holds the lock, and exit with its own code so a scheduler can tell "skipped" from "failed".
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from egov_crawl.errors import UserError

# EX_TEMPFAIL from sysexits.h: "try again later", which is what a skipped overlapping run means.
EXIT_LOCKED = 75
# pg_advisory_lock takes a bigint; a fixed key shared by every egov-crawl process on that database.
ADVISORY_KEY = 0x45_47_4F_56  # "EGOV"


class RunLocked(UserError):
    exit_code = EXIT_LOCKED


def _holder_text(info: dict[str, object] | None) -> str:
    if not info:
        return "another egov-crawl run"
    return f"run by pid {info.get('pid')} on {info.get('host')} since {info.get('since')}"


def _holder_info() -> dict[str, object]:
    return {"pid": os.getpid(), "host": socket.gethostname(), "since": datetime.now(UTC).isoformat(timespec="seconds")}


def sqlite_lock_path(db_url: str) -> Path | None:
    """The lock file of a SQLite store, beside the store's real file.

    Keyed by the resolved path: a symlink (or a path through a symlinked folder) names the same store, and a
    lock beside the link's name let two runs write one store at once.
    """
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    real = Path(url.database).resolve()
    return real.with_name(real.name + ".run.lock")


@contextmanager
def run_lock(db_url: str) -> Iterator[None]:
    """Hold the store's run lock for the block, or raise ``RunLocked`` at once (never wait: cron will retry)."""
    lock_path = sqlite_lock_path(db_url)
    if lock_path is not None:
        with _file_lock(lock_path):
            yield
    elif make_url(db_url).get_backend_name() == "postgresql":
        with _advisory_lock(db_url):
            yield
    else:
        yield  # an in-memory store cannot be shared


def _locked_descriptor(lock_path: Path) -> int | None:
    """An open descriptor of ``lock_path`` holding its exclusive ``flock``; None when another process holds it.

    The kernel drops a ``flock`` with the last descriptor of its holder, so a lock file left by a killed run is
    simply taken over. A holder removes the file when it is done: a descriptor locked after that names a file
    no longer at the path, so the path is checked again and the lock taken anew.
    """
    while True:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        locked = os.fstat(fd)
        try:
            current = os.stat(lock_path)
        except FileNotFoundError:
            current = None
        if current is not None and (current.st_dev, current.st_ino) == (locked.st_dev, locked.st_ino):
            return fd
        os.close(fd)


@contextmanager
def _file_lock(lock_path: Path) -> Iterator[None]:
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    info_path = lock_path.with_suffix(".holder")
    fd = _locked_descriptor(lock_path)
    if fd is None:
        try:
            info = json.loads(info_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            info = None
        raise RunLocked(
            f"another run is in progress on this store ({_holder_text(info)}; lock {lock_path}); "
            "this run did nothing — wait for it to finish"
        )
    try:
        info_path.write_text(json.dumps(_holder_info()), encoding="utf-8")
        yield
    finally:
        # Removed while still locked: a run starting now either fails to lock or finds the path gone and retries.
        info_path.unlink(missing_ok=True)
        lock_path.unlink(missing_ok=True)
        os.close(fd)


@contextmanager
def _advisory_lock(db_url: str) -> Iterator[None]:
    # A session-level advisory lock lives as long as this connection, so the lock is released even when the
    # process is killed: PostgreSQL drops it with the backend (docs: "Advisory Locks", §13.3.5).
    engine = create_engine(db_url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}).scalar()
            if not got:
                raise RunLocked(
                    "another run is in progress on this database (PostgreSQL advisory lock held); "
                    "this run did nothing — wait for it to finish"
                )
            try:
                yield
            finally:
                # A restarted server has already dropped the lock with this connection's backend; the unlock
                # then fails, and must not hide what the run itself raised.
                with contextlib.suppress(DBAPIError):
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
    finally:
        engine.dispose()
