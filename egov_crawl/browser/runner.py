"""Browse agencies in one Chromium: pages (render facts, axe, screenshots, forms), e-service journeys and the
site search, stored as ``browser_fact`` rows of a run.

One browser, ``contexts`` browser contexts working in parallel on a shared queue of jobs; a context is
recycled after ``pages_per_context`` jobs (Chromium's memory grows with every page) and after any job that timed
out or crashed. Every job has a hard deadline and a byte budget (``budget.py``); whatever stops a job becomes
error rows of that job only — a crash on one page never stops the others. When Chromium itself dies, a new one
is started and the jobs the crash took down run once more (``relaunch.py``). An agency whose home page stalls (the
crawl of the run, or the home page job, saw a timeout, a reset or an oversized body) is not browsed further: its
jobs become error rows of that class without a navigation (``skip.py``). Each worker's contexts connect only
through its SSRF proxy (``proxy.py``, ``guard.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from playwright.async_api import BrowserContext

from egov_crawl import failures
from egov_crawl.browser.budget import ByteBudget
from egov_crawl.browser.evidence import Evidence
from egov_crawl.browser.evidence import evidence_dir as default_evidence_dir
from egov_crawl.browser.guard import AddressGuard
from egov_crawl.browser.journeys import run_journey
from egov_crawl.browser.pages import DESKTOP, BrowseLimits, observe_page
from egov_crawl.browser.relaunch import BrowserLost, Relauncher
from egov_crawl.browser.robots_gate import RobotsGate, journey_urls, robots_gate
from egov_crawl.browser.rows import Collected, FactRow
from egov_crawl.browser.sample import PageTarget, pages_for
from egov_crawl.browser.search import site_search
from egov_crawl.browser.session import chromium_session
from egov_crawl.browser.skip import Unreachable, from_crawl, from_home_job
from egov_crawl.facts.browser import FactKind
from egov_crawl.hostmap import HostMap
from egov_crawl.identity import user_agent
from egov_crawl.registry.models import Agency, EService, Registry
from egov_crawl.store import repository, runs
from egov_crawl.store.db import open_store, session_factory

EventHandler = Callable[[dict[str, Any]], None]
JobKind = Literal["page", "journey", "search"]
JOB_KINDS: dict[JobKind, tuple[FactKind, ...]] = {
    "page": ("page", "axe", "screenshot", "forms"),
    "journey": ("journey",),
    "search": ("search",),
}


@dataclass(frozen=True)
class Job:
    agency: Agency
    kind: JobKind
    url: str
    target: PageTarget | None = None
    service: EService | None = None
    term: str | None = None

    @property
    def is_home(self) -> bool:
        return self.target is not None and self.target.role == "home"

    @property
    def urls(self) -> list[str]:
        """The URLs the job opens itself (robots.txt must allow each)."""
        return journey_urls(self.service) if self.service is not None else [self.url]


@dataclass
class BrowseSummary:
    run_id: int
    agencies: int
    jobs: int = 0
    skipped: int = 0  # jobs not browsed: the agency's home page stalls (skip.py) or robots.txt disallows them
    pages: int = 0
    facts: int = 0
    errors: dict[str, int] = field(default_factory=dict)  # error_class -> rows
    seconds: float = 0.0
    relaunches: int = 0  # Chromium crashed and was started again (relaunch.py)

    @property
    def pages_per_minute(self) -> float:
        return self.pages / self.seconds * 60 if self.seconds else 0.0

    @property
    def detail(self) -> str:
        errors = ", ".join(f"{k} {v}" for k, v in sorted(self.errors.items())) or "no errors"
        skipped = f", {self.skipped} not browsed (home page stalls or robots.txt)" if self.skipped else ""
        relaunched = f", Chromium restarted {self.relaunches}x after crashes" if self.relaunches else ""
        return (
            f"{self.pages} pages, {self.jobs} jobs{skipped}, {self.facts} facts ({errors}){relaunched} "
            f"in {self.seconds:.0f} s"
        )


def plan_jobs(
    agencies: Sequence[Agency],
    candidates: Mapping[str, dict[str, Any] | None],
    search_terms: dict[str, str] | None = None,
    kinds: Collection[JobKind] = tuple(JOB_KINDS),
) -> list[Job]:
    """Per agency: its pages, its journeys (e-services with steps), one site search (those of ``kinds``).
    Agencies are interleaved so that parallel contexts rarely hit the same site at once (politeness)."""
    per_agency: list[list[Job]] = []
    for agency in agencies:
        jobs = [Job(agency, "page", t.url, target=t) for t in pages_for(agency, candidates.get(agency.id))]
        jobs += [Job(agency, "journey", s.url, service=s) for s in agency.eservices if s.steps]
        term = (search_terms or {}).get(agency.id) or agency.name.th or agency.name.display()
        jobs.append(Job(agency, "search", agency.homepage, term=term))
        per_agency.append([job for job in jobs if job.kind in kinds])
    interleaved: list[Job] = []
    for i in range(max((len(j) for j in per_agency), default=0)):
        interleaved += [jobs[i] for jobs in per_agency if i < len(jobs)]
    return interleaved


async def _run_job(
    job: Job, context: BrowserContext, evidence: Evidence, limits: BrowseLimits, out: Collected, budget: ByteBudget
) -> None:
    if job.kind == "page":
        assert job.target is not None
        await observe_page(
            context,
            job.target,
            agency_id=job.agency.id,
            agency_hosts=job.agency.all_hosts,
            evidence=evidence,
            collected=out,
            limits=limits,
            watch=budget.watch,
        )
    elif job.kind == "journey":
        assert job.service is not None
        out.add("journey", await run_journey(context, job.service, limits, budget.watch))
    else:
        out.add("search", await site_search(context, job.url, job.term or "", limits, budget.watch))


async def _run_within_budget(
    job: Job, context: BrowserContext, evidence: Evidence, limits: BrowseLimits, out: Collected, budget: ByteBudget
) -> None:
    """Run the job until it ends or its pages have received more than the byte budget (then BudgetExceeded)."""
    budget.start_job()
    work = asyncio.ensure_future(_run_job(job, context, evidence, limits, out, budget))
    over = asyncio.ensure_future(budget.exceeded.wait())
    try:
        await asyncio.wait({work, over}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        over.cancel()
        if not work.done():
            work.cancel()  # its page.close() runs; the caller closes the context, which ends any transfer
            await asyncio.wait({work}, timeout=10)
    if work.done() and not work.cancelled() and (work.exception() is None or not budget.exceeded.is_set()):
        return work.result()  # ended by itself (a job that finished just as the budget ran out keeps its facts)
    raise budget.error()


@dataclass
class _Pool:
    chromium: Relauncher
    queue: asyncio.Queue[Job]
    evidence: Evidence
    limits: BrowseLimits
    job_timeout_s: float
    pages_per_context: int
    store: Callable[[Job, list[FactRow], bool], None]
    robots: RobotsGate
    user_agent: str
    hostmap: HostMap | None = None
    unreachable: dict[str, Unreachable] = field(default_factory=dict)  # agency id -> why it is not browsed
    # agency id -> set when its home page job has ended: the agency's other jobs wait for its verdict. Jobs are
    # interleaved by agency (plan_jobs), so every home page is taken before any agency's second job.
    home_done: dict[str, asyncio.Event] = field(default_factory=dict)

    async def _new_context(self, guard: AddressGuard, budget: ByteBudget) -> BrowserContext:
        context = await self.chromium.browser.new_context(
            viewport=DESKTOP,
            locale="th-TH",
            timezone_id="Asia/Bangkok",
            proxy=guard.context_options(),
            user_agent=self.user_agent,  # the crawler's, with the operator's contact
            accept_downloads=False,  # a download is written to disk outside any budget; the browser needs none
        )
        guard.install(context)  # SSRF guard: every connection of the context goes through the worker's proxy
        # Popups a page opens count against the job's budget too (the job's own pages are watched before they
        # navigate; watching twice counts once).
        context.on("page", lambda page: asyncio.ensure_future(budget.watch(page)))
        return context

    @staticmethod
    async def _close(context: BrowserContext | None) -> None:
        if context is None:
            return
        with contextlib.suppress(Exception):  # a wedged context is abandoned; the browser closes it at the end
            await asyncio.wait_for(context.close(), timeout=10)

    async def worker(self) -> None:
        guard = await AddressGuard(self.hostmap).start()
        try:
            await self._work(guard)
        finally:
            await guard.close()

    async def _work(self, guard: AddressGuard) -> None:
        context: BrowserContext | None = None
        generation = self.chromium.generation  # of the browser ``context`` belongs to
        budget = ByteBudget(self.limits.max_job_bytes, self.limits.max_document_bytes)
        used = 0
        while True:
            try:
                job = self.queue.get_nowait()
            except asyncio.QueueEmpty:
                break
            home = self.home_done.get(job.agency.id)
            if home is not None and not job.is_home:
                await home.wait()  # the home page's verdict first: a stalling site is not browsed further
            try:
                skip = self.unreachable.get(job.agency.id)
                if skip is not None:
                    self.store(job, skip.rows(job.url, JOB_KINDS[job.kind]), True)
                    continue
                refused = await self.robots.refused_rows(job.urls, JOB_KINDS[job.kind], job.url)
                if refused:  # robots.txt disallows a URL the job would open: not browsed
                    self.store(job, refused, True)
                    continue
                for attempt in (1, 2):  # a second attempt only for a job the browser's crash took down
                    out = Collected(job.url, JOB_KINDS[job.kind])
                    try:
                        if context is None or used >= self.pages_per_context or generation != self.chromium.generation:
                            await self._close(context)
                            generation = self.chromium.generation
                            context, used = await self._new_context(guard, budget), 0
                        used += 1
                        await asyncio.wait_for(
                            _run_within_budget(job, context, self.evidence, self.limits, out, budget),
                            self.job_timeout_s,
                        )
                        self.chromium.job_ended()
                        break
                    except Exception as exc:  # isolated per job: recorded, then the next job runs
                        await self._close(context)  # a timed-out or crashed page may still hold the context
                        context = None
                        if not await self.chromium.alive():
                            await self.chromium.relaunch(generation)  # BrowserLost ends the browse
                            if attempt == 1:
                                continue  # the crash took the job down, not the job itself: run it again
                            # Crashed twice (on two browsers): what it observed stays, the rest is this job's crash.
                            out.fail_missing(exc, job.kind, error_class=failures.CRASH)
                            break
                        out.fail_missing(exc, job.kind)
                        break
                guard.explain(out.rows)
                if job.is_home and (stalled := from_home_job(out.rows, job.url)) is not None:
                    self.unreachable[job.agency.id] = stalled
                self.store(job, out.rows, False)
            finally:
                if home is not None and job.is_home:
                    home.set()  # whatever happened, the agency's other jobs must not wait forever
        await self._close(context)


async def _browse_async(
    jobs: list[Job],
    *,
    hostmap: HostMap | None,
    ca_file: Path | None,
    executable: str | Path | None,
    contexts: int,
    evidence: Evidence,
    limits: BrowseLimits,
    job_timeout_s: float,
    pages_per_context: int,
    store: Callable[[Job, list[FactRow], bool], None],
    unreachable: dict[str, Unreachable],
    summary: BrowseSummary,
    user_agent: str,
) -> None:
    queue: asyncio.Queue[Job] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    async with (
        robots_gate(hostmap, ca_file, user_agent) as robots,
        chromium_session(hostmap=hostmap, ca_pem=ca_file, executable=executable, proxied=True) as session,
    ):
        chromium = Relauncher(session.launch, await session.launch())
        homes = {job.agency.id: asyncio.Event() for job in jobs if job.is_home}
        pool = _Pool(
            chromium, queue, evidence, limits, job_timeout_s, pages_per_context, store, robots, user_agent, hostmap,
            unreachable, homes,
        )  # fmt: skip
        try:
            async with asyncio.TaskGroup() as workers:  # BrowserLost in one worker cancels the others
                for _ in range(max(1, contexts)):
                    workers.create_task(pool.worker())
        except* BrowserLost as group:
            raise group.exceptions[0] from None
        finally:
            summary.relaunches = chromium.relaunches
            with contextlib.suppress(Exception):
                await chromium.browser.close()


def browse(
    registry: Registry,
    agency_ids: Sequence[str] | None,
    *,
    db_url: str,
    run_id: int | None,
    hostmap: HostMap | None = None,
    ca_file: Path | None = None,
    evidence_dir: Path | None = None,
    executable: str | Path | None = None,
    contexts: int = 2,
    on_event: EventHandler | None = None,
    limits: BrowseLimits | None = None,
    job_timeout_s: float = 90.0,
    pages_per_context: int = 20,
    search_terms: dict[str, str] | None = None,
    crawl_sample: bool = True,
    kinds: Collection[JobKind] = tuple(JOB_KINDS),
    contact_url: str | None = None,
) -> BrowseSummary:
    """Browse ``agency_ids`` (None: the whole registry) into run ``run_id`` (None: newest, else a new one).

    Pages per agency: home page, declared e-services, a sample of the run's crawl (``sample.py``; left out with
    ``crawl_sample=False``, which keeps what the home-page indicators, journeys and search need); ``kinds``
    leaves out journeys or searches (bench/browser.py compares pages alone with Lighthouse). Facts are
    written as each job ends; the agencies' facts of the run from an earlier browse are dropped first. An agency
    whose home page stalls is not browsed (``skip.py``). ``evidence_dir`` None: ``$EGOV_CRAWL_EVIDENCE``, else
    ``evidence/`` next to a SQLite database, else ``./evidence``.
    Every request carries the crawler's User-Agent with ``contact_url``; a job whose URL robots.txt disallows
    for that agent is not browsed (``robots_gate.py``).
    """
    selected = registry.select(agency_ids)
    engine = open_store(db_url)
    sessions = session_factory(engine)
    with sessions.begin() as session:
        run = runs.collect_into(session, run_id)
        repository.sync_agencies(session, selected)
        for agency in selected:  # browsed again (a rerun, a retried task): replaced, as probes and scores are
            repository.delete_browser_facts(session, run, agency.id)
        candidates = {
            a.id: repository.crawl_sample_candidates(session, run, a.id) if crawl_sample else None for a in selected
        }
        outcomes = repository.crawl_outcomes(session, run, [a.id for a in selected])
    unreachable = {
        a.id: stalled for a in selected if (stalled := from_crawl(outcomes.get(a.id), a.homepage)) is not None
    }
    evidence = Evidence(default_evidence_dir(evidence_dir, db_url), run)
    jobs = plan_jobs(selected, candidates, search_terms, kinds)
    summary = BrowseSummary(run_id=run, agencies=len(selected), jobs=len(jobs))
    errors: Counter[str] = Counter()
    emit = on_event or (lambda _event: None)
    emit({"event": "start", "run_id": run, "jobs": len(jobs), "agencies": len(selected)})

    def store(job: Job, rows: list[FactRow], skipped: bool) -> None:
        with sessions.begin() as session:
            repository.add_browser_facts(
                session,
                [
                    {
                        "run_id": run,
                        "agency_id": job.agency.id,
                        "url": row.url,
                        "kind": row.kind,
                        "payload": row.payload,
                        "error_class": row.error_class,
                        "evidence_path": row.evidence_path,
                    }
                    for row in rows
                ],
            )
        summary.facts += len(rows)
        summary.skipped += skipped
        summary.pages += job.kind == "page" and not skipped
        failed = sorted({row.error_class for row in rows if row.error_class})
        errors.update(failed)
        emit({"event": "job", "agency": job.agency.id, "kind": job.kind, "url": job.url, "errors": failed})

    started = time.monotonic()
    try:
        asyncio.run(
            _browse_async(
                jobs,
                hostmap=hostmap,
                ca_file=ca_file,
                executable=executable,
                contexts=contexts,
                evidence=evidence,
                limits=limits or BrowseLimits(),
                job_timeout_s=job_timeout_s,
                pages_per_context=pages_per_context,
                store=store,
                unreachable=unreachable,
                summary=summary,
                user_agent=user_agent(contact_url),
            )
        )
    finally:
        summary.seconds = time.monotonic() - started
        summary.errors = dict(errors)
        engine.dispose()
    emit({"event": "done", "run_id": run, "detail": summary.detail})
    return summary
