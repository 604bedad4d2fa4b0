"""Engines and schema upgrades. SQLite gets WAL and foreign keys; a fresh database is migrated on first use."""

from __future__ import annotations

import itertools
import json
import logging
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, ExceptionContext, make_url
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from egov_crawl.errors import UserError

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
T = TypeVar("T")
log = logging.getLogger(__name__)
# How long a writer waits for a restarted or failed-over server: a PostgreSQL restart takes seconds, a
# failover under a minute. About 45 s in all, then the error goes up and the run fails (resumable).
RETRY_DELAYS_S: tuple[float, ...] = (0.5, 1, 2, 4, 8, 15, 15)
# Seconds of waiting in all, instead of the 45.5 above: longer for a slow failover, shorter for tests.
RETRY_BUDGET_ENV = "EGOV_CRAWL_DB_RETRY_S"


class StoreUnavailable(UserError):
    """The database cannot be reached (down, restarting, wrong address): one clear line, no traceback."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets report/score readers run while a crawl writes; foreign keys are off by default in SQLite
    # (https://www.sqlite.org/foreignkeys.html §2); busy_timeout waits for a writer instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# The stores this code is tested with, as (backend, driver); anything else fails later with a driver traceback.
SUPPORTED_DATABASES = {("sqlite", "pysqlite"), ("postgresql", "psycopg")}
SUPPORTED_HINT = "use a SQLite file (store.db or sqlite:///FILE) or postgresql://USER:PASSWORD@HOST/DATABASE"


def _check_supported(parsed: URL, shown: str) -> None:
    backend = parsed.get_backend_name()
    if backend in {b for b, _ in SUPPORTED_DATABASES}:
        driver = parsed.get_driver_name()  # postgresql:// without +driver means the dialect's default, psycopg
        if (backend, driver) in SUPPORTED_DATABASES:
            return
    raise UserError(f"--db: {shown}: {parsed.drivername!r} is not a supported database; {SUPPORTED_HINT}")


def _fixable(store: str) -> Callable[[ExceptionContext], BaseException | None]:
    """A ``handle_error`` hook: database errors the user can fix (a file that is not a store, a store that
    may not be written) become one UserError naming the store; every other error goes up unchanged, so the
    write retries still see a lost connection as one."""

    def hook(context: ExceptionContext) -> BaseException | None:
        original = context.original_exception
        text = str(original).strip()
        if "file is not a database" in text or "file is encrypted" in text:
            return UserError(
                f"--db: {store} is not an egov-crawl database (SQLite: {text}); give the store's file, "
                "or a new file name to start an empty store"
            )
        if "database disk image is malformed" in text:
            return UserError(f"--db: {store} is damaged (SQLite: {text}); restore it from a backup")
        if "readonly database" in text:
            return UserError(
                f"--db: {store} is read-only (SQLite: {text}); this command writes scores to the store: "
                "make the file and its folder writable, or work on a copy"
            )
        sqlstate = getattr(original, "sqlstate", None)
        if sqlstate in ("25006", "42501"):  # read_only_sql_transaction, insufficient_privilege
            first = text.splitlines()[0] if text else type(original).__name__
            return UserError(f"--db: {store} refused a write ({first}); connect as a role that may write")
        return None

    return hook


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UserError(f"--db: {url!r} is not a database URL; {SUPPORTED_HINT}") from None
    shown = parsed.render_as_string(hide_password=True)
    _check_supported(parsed, shown)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        if not path.parent.exists():
            raise UserError(f"--db: folder {path.parent} does not exist; create it or choose another path")
        if path.is_dir():
            raise UserError(f"--db: {path} is a folder; give the store's file (e.g. {path / 'egov-crawl.db'})")
    # Thai text stored as UTF-8, not \uXXXX escapes (half the size, and readable in psql/sqlite3).
    # One encoder for every value: json.dumps with a non-default option builds a new JSONEncoder per call.
    encode = json.JSONEncoder(ensure_ascii=False).encode
    engine = create_engine(parsed, pool_pre_ping=True, json_serializer=encode)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "handle_error", _fixable(shown))
    return engine


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def check_drift(engine: Engine) -> None:
    """Raise alembic's AutogenerateDiffsDetected when the models and the migrations disagree."""
    command.check(alembic_config(engine))


def open_store(url: str, *, auto_upgrade: bool = True) -> Engine:
    """An engine whose schema is at head. Upgrading is cheap and idempotent, so it is done on every open."""
    engine = make_engine(url)
    try:
        if auto_upgrade and current_revision(engine) != head_revision():
            upgrade(engine)
    except OperationalError as exc:
        where = engine.url.render_as_string(hide_password=True)
        reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
        raise StoreUnavailable(f"--db: cannot open {where}: {reason}") from None
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def retry_delays() -> tuple[float, ...]:
    """The pauses between write attempts: ``RETRY_DELAYS_S``, or as many of them (then 15 s each) as fit the
    budget in ``EGOV_CRAWL_DB_RETRY_S``, the last one cut so that they add up to it."""
    value = os.environ.get(RETRY_BUDGET_ENV, "").strip()
    if not value:
        return RETRY_DELAYS_S
    try:
        budget = float(value)
    except ValueError:
        budget = -1.0
    if not budget >= 0 or budget == float("inf"):
        raise UserError(f"{RETRY_BUDGET_ENV}={value!r}: give the seconds to wait for the database, such as 45")
    delays: list[float] = []
    for delay in itertools.chain(RETRY_DELAYS_S, itertools.repeat(RETRY_DELAYS_S[-1])):
        waited = sum(delays)
        if waited >= budget:
            break
        delays.append(min(delay, budget - waited))
    return tuple(delays)


def write_with_retry(
    sessions: sessionmaker[Session],
    write: Callable[[Session], T],
    *,
    delays: Sequence[float] | None = None,
) -> T:
    """Run ``write`` in one transaction; when the connection is lost (server restarted, failover), roll back and
    run the whole transaction again after a pause, until ``delays`` (default: ``retry_delays()``) are used up,
    then raise.

    Safe because ``write`` is all-or-nothing: a failed attempt left nothing behind. ``pool_pre_ping`` (in
    ``make_engine``) then hands out a fresh connection instead of the dead one.
    """
    for delay in (*(retry_delays() if delays is None else delays), None):
        try:
            with sessions.begin() as session:
                return write(session)
        except (OperationalError, InterfaceError) as exc:
            if delay is None:
                raise
            log.warning("database write failed (%s); retrying in %.1f s", str(exc.orig).strip()[:200], delay)
            time.sleep(delay)
    raise AssertionError("unreachable")
