"""Run one crawl: many agencies, one Scrapy ``CrawlerProcess``, in a child process.

A Twisted reactor cannot be restarted in one process, so the caller — the CLI, a test, the
nightly job — never runs Scrapy itself: ``crawl()`` writes a JSON job file, starts ``python -m
egov_crawl.crawler JOB``, relays its progress events (JSON lines on the child's stdout) and returns a summary
read back from the store. ``run_job()`` is what the child runs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import signal
import subprocess
import sys
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from egov_crawl import failures
from egov_crawl.crawler import events, jobfolder
from egov_crawl.crawler.plan import AgencyPlan, PreviousPage
from egov_crawl.errors import UserError
from egov_crawl.hostmap import HostMap
from egov_crawl.registry.models import Registry
from egov_crawl.store import repository, runs
from egov_crawl.store.db import open_store, retry_delays, session_factory
from egov_crawl.stored_entry import stored_entry

logger = logging.getLogger(__name__)

SYSTEM_CA_BUNDLES = ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem")
PACKAGE_PARENT = Path(__file__).resolve().parents[2]
# How long a stopped parent waits for the child's graceful stop before closing its lifeline (a hard stop).
STOP_TIMEOUT_S = 60

EventHandler = Callable[[dict[str, Any]], None]


@dataclass
class CrawlJob:
    """Everything the child process needs; JSON-serialisable."""

    db_url: str
    run_id: int
    agencies: list[dict[str, Any]]
    max_pages: int | None = None  # overrides every agency's budget when set
    max_depth: int | None = None
    max_checks: int | None = None
    hostmap: dict[str, Any] | None = None
    warc_dir: str | None = None
    resume: bool = False
    incremental: bool = False
    polite: bool = True
    verify_certificates: bool = True
    contact_url: str | None = None
    concurrent_agencies: int | None = None
    settings: dict[str, Any] = field(default_factory=dict)

    def save(self, path: Path) -> None:
        """Written 0600, with the database password masked: ``child_environment`` carries the real URL."""
        fields = {**dataclasses.asdict(self), "db_url": jobfolder.without_password(self.db_url)}
        jobfolder.write_private(path, json.dumps(fields, ensure_ascii=False))

    def child_environment(self) -> dict[str, str]:
        return {jobfolder.DB_URL_ENV: self.db_url}

    @classmethod
    def load(cls, path: Path) -> CrawlJob:
        fields = json.loads(path.read_text(encoding="utf-8"))
        fields["db_url"] = os.environ.get(jobfolder.DB_URL_ENV) or fields["db_url"]
        return cls(**fields)


@dataclass(frozen=True)
class AgencyCrawlResult:
    agency_id: str
    status: str
    finish_reason: str | None
    error_class: str | None
    pages: int
    max_pages: int | None


def must_resume(status: str, error_class: str | None) -> bool:
    """A site crawl that ``--resume`` continues: stopped before its end, or with fetched pages the store lost."""
    return status in ("running", "interrupted") or error_class == failures.STORE_ERROR


@dataclass(frozen=True)
class CrawlSummary:
    run_id: int
    agencies: list[AgencyCrawlResult]

    @property
    def pages(self) -> int:
        return sum(a.pages for a in self.agencies)


# --- the parent side -------------------------------------------------------------------------------------------


def ca_bundle(ca_file: Path, into: Path) -> Path:
    """The CA bundle for ``SSL_CERT_FILE``: the extra CA plus the system roots (the variable replaces them)."""
    parts = [ca_file.read_text(encoding="ascii")]
    for candidate in SYSTEM_CA_BUNDLES:
        if Path(candidate).is_file():
            parts.append(Path(candidate).read_text(encoding="ascii", errors="ignore"))
            break
    bundle = into / "ca-bundle.pem"
    bundle.write_text("\n".join(parts), encoding="ascii")
    return bundle


def run_crawl_process(
    job: CrawlJob,
    *,
    ca_file: Path | None = None,
    on_event: EventHandler | None = None,
    log_file: Path | None = None,
) -> int:
    """Start the crawl child, relay its events, wait; returns its exit code (negative: killed by a signal).

    The child dies with the thread that started it (``lifeline``): this function starts it and waits for it
    in the caller's thread, which must not end before the child does.
    """
    with jobfolder.job_folder() as workdir:
        process = start_crawl_process(job, workdir, ca_file=ca_file, log_file=log_file)
        assert process.stdout is not None and process.stdin is not None
        try:
            for line in process.stdout:
                if on_event is None:
                    continue
                with contextlib.suppress(ValueError):
                    on_event(json.loads(line))
            code = process.wait()
        except KeyboardInterrupt:
            stop_crawl_process(process)
            raise
        finally:
            # The child's lifeline: closing it ends a child still running (an error here, a stop that timed out).
            process.stdin.close()
            process.stdout.close()
        if code > 0:
            tail = _tail(log_file or workdir / "crawl.log")
            raise UserError(f"crawl process failed (exit {code}); last log lines:", *tail)
        return code


def stop_crawl_process(process: subprocess.Popen[str]) -> None:
    """Ctrl-C or SIGTERM reached this process: have the child stop gracefully, and wait for it (bounded).

    The signal may not have reached the child (``kill PID``, a SIGTERM to this process alone), so it is sent
    on; the child treats a second one, from the terminal or a service manager, as the same stop. Each agency's
    crawl then closes as ``interrupted`` with its pages flushed, so ``--resume`` finds a consistent state.
    """
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=STOP_TIMEOUT_S)


def start_crawl_process(
    job: CrawlJob, workdir: Path, *, ca_file: Path | None = None, log_file: Path | None = None
) -> subprocess.Popen[str]:
    """The crawl child, started and not waited for (tests kill it to exercise ``--resume``).

    It dies with this process (``lifeline``): its stdin is a pipe that only this process holds open, so the
    caller keeps the returned ``Popen`` (and its ``stdin``) for as long as the child should live.
    """
    job_path = workdir / "job.json"
    job.save(job_path)
    env = {**os.environ, **job.child_environment()}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [env.get("PYTHONPATH"), str(PACKAGE_PARENT)]))
    if ca_file is not None:
        env["SSL_CERT_FILE"] = str(ca_bundle(ca_file, workdir))
    log_path = log_file or workdir / "crawl.log"
    command = [sys.executable, "-m", "egov_crawl.crawler", str(job_path), "--log-file", str(log_path)]
    return subprocess.Popen(
        [*command, "--parent-pid", str(os.getpid())],
        stdout=subprocess.PIPE,
        stdin=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=env,
    )


def _tail(path: Path, lines: int = 15) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
    except OSError:
        return []


def _select(registry: Registry, agency_ids: Sequence[str] | None) -> list[dict[str, Any]]:
    return [stored_entry(agency) for agency in registry.select(agency_ids)]  # job file, site_crawl: no fill values


def crawl(
    registry: Registry,
    agency_ids: Sequence[str] | None,
    *,
    db_url: str,
    run_id: int | None = None,
    hostmap: HostMap | None = None,
    ca_file: Path | None = None,
    max_pages: int | None = None,
    max_depth: int | None = None,
    warc_dir: Path | None = None,
    resume: bool = False,
    incremental: bool = False,
    polite: bool = True,
    contact_url: str | None = None,
    settings: dict[str, Any] | None = None,
    on_event: EventHandler | None = None,
    log_file: Path | None = None,
) -> CrawlSummary:
    """Crawl the agencies (all of the registry when ``agency_ids`` is empty) into the store; one run.

    ``resume``: continue the run ``run_id`` (or the newest unfinished one) where it stopped — pages already
    stored are not fetched again. ``incremental``: send conditional requests based on each agency's previous
    complete crawl and store unchanged pages as copies. ``polite=False`` drops delays (your own servers only).
    """
    retry_delays()  # a bad EGOV_CRAWL_DB_RETRY_S is the user's one line now, not a lost batch in the child
    engine = open_store(db_url)
    sessions = session_factory(engine)
    created_run = False
    with sessions.begin() as session:
        if resume and run_id is None:
            run = runs.unfinished_run(session, "crawl")
            if run is None:
                raise UserError("--resume: no unfinished crawl in this database; start one without --resume")
            run_id = run.id
            if not agency_ids:
                request = runs.state_of(run).request.crawl
                agency_ids = (request.agency_ids if request else None) or None
        selected = _select(registry, agency_ids)
        repository.sync_agencies(session, registry.select([a["id"] for a in selected]))
        crawl_request = runs.CrawlRequest(
            agency_ids=[a["id"] for a in selected],
            max_pages=max_pages,
            max_depth=max_depth,
            warc_dir=str(warc_dir) if warc_dir else None,
            incremental=incremental,
            polite=polite,
        )
        if run_id is None:
            run_id = runs.create_run(session, request=runs.RunRequest(crawl=crawl_request), registry=registry).id
            created_run = True
        else:
            runs.attach_crawl(session, run_id, crawl_request)
    job = CrawlJob(
        db_url=db_url,
        run_id=run_id,
        agencies=selected,
        max_pages=max_pages,
        max_depth=max_depth,
        hostmap=hostmap.to_json() if hostmap is not None else None,
        warc_dir=str(warc_dir) if warc_dir else None,
        resume=resume,
        incremental=incremental,
        polite=polite,
        contact_url=contact_url,
        settings=settings or {},
    )
    try:
        code = run_crawl_process(job, ca_file=ca_file, on_event=on_event, log_file=log_file)
    except BaseException:
        engine.dispose()
        raise
    with sessions.begin() as session:
        results = [
            AgencyCrawlResult(sc.agency_id, sc.status, sc.finish_reason, sc.error_class, sc.pages, sc.max_pages)
            for sc in repository.site_crawls_for_run(session, run_id)
            if sc.agency_id in {a["id"] for a in selected}
        ]
        finished = code == 0 and len(results) == len(selected) and all(r.status != "running" for r in results)
        interrupted = any(must_resume(r.status, r.error_class) for r in results) or code != 0
        outcome = runs.CrawlOutcome(
            finished=finished and not interrupted, agencies=len(results), pages=sum(r.pages for r in results)
        )
        # The crawl settles the status of a run it started or resumed; never of a run with more phases to run.
        runs.record_crawl(session, run_id, outcome, interrupted=interrupted, settle=created_run or resume)
    engine.dispose()
    return CrawlSummary(run_id, results)


# --- the child side ---------------------------------------------------------------------------------------------


def _plan(job: CrawlJob, store: Any, agency: dict[str, Any], settings: dict[str, Any]) -> AgencyPlan | None:
    """Open (or reopen) the agency's site crawl and say what to do; None when there is nothing left to do."""
    max_pages = job.max_pages or agency.get("max_pages") or int(settings["EGOV_MAX_PAGES"])
    max_depth = job.max_depth if job.max_depth is not None else int(settings["DEPTH_LIMIT"])
    max_checks = job.max_checks if job.max_checks is not None else int(settings["EGOV_MAX_LINK_CHECKS"])
    with store.transaction() as session:
        site_crawl, existed = repository.open_site_crawl(
            session, run_id=job.run_id, agency_id=agency["id"], registry_entry=agency, max_pages=max_pages
        )
        if existed and not job.resume:
            return None
        plan = AgencyPlan(
            agency=agency,
            run_id=job.run_id,
            site_crawl_id=site_crawl.id,
            max_pages=max_pages,
            max_depth=max_depth,
            max_checks=max_checks,
            max_sitemaps=int(settings["EGOV_MAX_SITEMAPS"]),
            warc_dir=job.warc_dir,
        )
        if existed:
            state = repository.crawl_resume_state(session, site_crawl.id)
            plan.resumed = True
            plan.pages_done = state["pages"]
            plan.seen = state["seen"]
            seen = set(state["seen"])
            plan.frontier = sorted(
                ((url, depth) for url, depth in state["targets"] if url not in seen and depth <= max_depth),
                key=lambda item: (item[1], item[0]),
            )
            plan.known_documents = state["documents"]
            plan.known_targets = [url for url, _ in state["targets"]]
        if job.incremental:
            plan.previous = {
                url: PreviousPage(v["page_id"], v["etag"], v["last_modified"])
                for url, v in repository.previous_pages(session, agency["id"], job.run_id).items()
            }
    return plan


def _site_crawl_finished(store: Any, job: CrawlJob, agency_id: str) -> bool:
    with store.transaction() as session:
        for site_crawl in repository.site_crawls_for_run(session, job.run_id):
            if site_crawl.agency_id == agency_id:
                return not must_resume(site_crawl.status, site_crawl.error_class)
    return False


def _reactor() -> Any:
    """The running Twisted reactor, once ``CrawlerProcess`` has installed the asyncio one."""
    from twisted.internet import reactor  # deferred: imported first, it would install the epoll reactor

    return reactor


def run_job(job: CrawlJob, *, event_stream: TextIO | None = None, log_file: Path | None = None) -> int:
    """Crawl every agency of the job in this process (at most ``EGOV_CONCURRENT_AGENCIES`` at once)."""
    # Scrapy and its Twisted reactor load in the crawl child only; the parent imports this module to start it.
    from scrapy.crawler import CrawlerProcess  # deferred: the child's import
    from scrapy.utils.ossignal import install_shutdown_handlers  # deferred: the child's import

    from egov_crawl.crawler.pipelines import CrawlStore  # deferred: imports Scrapy
    from egov_crawl.crawler.settings import process_settings  # deferred: imports Scrapy

    events.configure(event_stream)
    settings = process_settings(
        hostmap=HostMap.from_json(job.hostmap) if job.hostmap else None,
        contact_url=job.contact_url,
        polite=job.polite,
        verify_certificates=job.verify_certificates,
        overrides=job.settings,
    )
    if log_file is not None:
        settings["LOG_FILE"] = str(log_file)
    concurrency = job.concurrent_agencies or int(settings["EGOV_CONCURRENT_AGENCIES"])
    store = CrawlStore(open_store(job.db_url))
    process = CrawlerProcess(settings)
    pending = deque(job.agencies)
    state = {"running": 0, "stopping": False, "started": 0}

    def finished(result: Any, crawler: Any) -> Any:
        state["running"] -= 1
        if crawler.stats.get_value("finish_reason") == "shutdown":
            state["stopping"] = True  # Ctrl-C / SIGTERM: let running crawls end, start no new one
        launch_next()
        return result

    def launch_next() -> None:
        while pending and state["running"] < concurrency and not state["stopping"]:
            agency = pending.popleft()
            if job.resume and _site_crawl_finished(store, job, agency["id"]):
                events.emit("agency_skipped", agency=agency["id"], reason="already finished in this run")
                continue
            plan = _plan(job, store, agency, settings)
            if plan is None:
                events.emit("agency_skipped", agency=agency["id"], reason="already crawled in this run")
                continue
            state["running"] += 1
            state["started"] += 1
            crawler = process.create_crawler("agency")
            process.crawl(crawler, plan=plan, store=store).addBoth(finished, crawler)
        if state["running"] == 0:
            running_reactor = _reactor()
            if running_reactor.running:
                running_reactor.callLater(0, running_reactor.stop)

    def stop_gracefully() -> None:
        state["stopping"] = True
        process.stop()  # each crawl closes as "shutdown"; the last one to end stops the reactor (launch_next)

    def stop_once(_signum: int, _frame: Any) -> None:
        # Ctrl-C reaches this process from the terminal and the parent sends a SIGTERM on; a service manager
        # signals both processes too. Scrapy would take the second signal as "stop at once, unclean": here it
        # is the same stop. The hard stop is the parent's death (lifeline).
        install_shutdown_handlers(signal.SIG_IGN)
        _reactor().callFromThread(stop_gracefully)

    launch_next()
    if state["started"]:
        _reactor().callWhenRunning(install_shutdown_handlers, stop_once)
        process.start(stop_after_crawl=False, install_signal_handlers=False)
    store.engine.dispose()
    events.emit("done", run_id=job.run_id)
    return 0
