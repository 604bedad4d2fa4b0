"""``egov-crawl demo``: the whole pipeline on the bundled sample government web, offline.

Starts the testbed, runs crawl → probe → browse → score on every sample agency as one run into
``demo-out/egov-crawl.db``, writes ``demo-out/rankings.csv`` and the static report ``demo-out/report/``, prints the
ranking, stops the testbed. The store is kept between demos, so a second demo adds a second run to the history
(and a second point to each agency's trend chart), exactly as a second night would.
"""

from __future__ import annotations

import time
from pathlib import Path

from rich.console import Console

from egov_crawl.output import Format, terminal_safe
from egov_crawl.pipeline.interrupt import stop_quietly
from egov_crawl.pipeline.nightly import run_pipeline
from egov_crawl.pipeline.options import run_options, testbed_settings
from egov_crawl.pipeline.runlog import ConsoleRunLog
from egov_crawl.registry import Registry, load_registry
from egov_crawl.report import views
from egov_crawl.report.export import RANK_COLUMNS, export
from egov_crawl.report.html import write_national_report
from egov_crawl.store import db as store_db
from egov_crawl.testbed.runtime import start_testbed

DEMO_CONTACT = "https://egov-crawl.test/demo"  # the demo only talks to the loopback testbed
# The ranking printed at the end: the rank export's columns that fit a terminal (the CSV has them all).
TERMINAL_RANK_COLUMNS = ("rank", "id", "name_en", "overall", "service", "infrastructure", "openness", "coverage")


def run_demo(out_dir: Path, registry_file: Path, console: Console, only: list[str] | None = None) -> None:
    """Validate the national registry, then run the whole pipeline on the sample web into ``out_dir``.

    ``only``: a subset of the sample agencies (a quicker demo; the tests use it). Ctrl-C or SIGTERM: the testbed
    is stopped, the run marked interrupted, and the command exits 130 without more output.
    """
    with stop_quietly():
        _run_demo(out_dir, registry_file, console, only)


def _run_demo(out_dir: Path, registry_file: Path, console: Console, only: list[str] | None) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    db_path = out_dir / "egov-crawl.db"
    db_url = f"sqlite:///{db_path}"
    engine = store_db.open_store(db_url)
    console.print(f"[bold]store[/]     {terminal_safe(db_path)} (schema {store_db.current_revision(engine)})")
    engine.dispose()

    national = load_registry(registry_file)
    counts = ", ".join(f"{cohort} {n}" for cohort, n in national.counts_by_cohort().items())
    console.print(
        f"[bold]registry[/]  {terminal_safe(registry_file)}: {len(national.agencies)} agencies valid "
        f"({terminal_safe(counts)})"
    )

    started = time.monotonic()
    testbed_dir = out_dir / "testbed"
    running = start_testbed(testbed_dir, include_hostile=False)
    try:
        sample = load_registry(running.registry_path)
        console.print(
            f"[bold]testbed[/]   {len(sample.agencies)} sample agencies on 127.0.0.1:{running.http_port} (HTTP), "
            f":{running.https_port} (HTTPS), DNS :{running.dns_port}, CA {running.ca_pem}"
        )
        options = run_options(
            agency_ids=sample_ids(sample, only),
            kind="demo",
            testbed=testbed_settings(testbed_dir),
            evidence=out_dir / "evidence",
            fast=True,  # our own loopback server: no need to wait between requests
            full=True,  # a demo shows a full crawl each time
            contact=DEMO_CONTACT,
            log_file=out_dir / "crawl.log",
        )
        report = run_pipeline(sample, db_url=db_url, options=options, log=ConsoleRunLog(console))
    finally:
        running.stop()

    rows = views.rank(db_url, run_id=report.run_id)
    rankings = out_dir / "rankings.csv"
    export(rows, RANK_COLUMNS, Format.CSV, rankings, excel=True)
    index = write_national_report(db_url, out_dir / "report", run_id=report.run_id, evidence_dir=out_dir / "evidence")
    terminal = [c for c in RANK_COLUMNS if c.name in TERMINAL_RANK_COLUMNS]
    export(rows, terminal, Format.TABLE, title=f"run {report.run_id}: ranking of {len(rows)} sample agencies")
    console.print(
        f"[bold]done[/] in {time.monotonic() - started:.0f} s: {report.pages} pages; "
        f"failures by class: {_failure_text(report.failures)}"
    )
    console.print(f"[bold]rankings[/]  {terminal_safe(rankings)}")
    console.print(f"[bold]report[/]    {terminal_safe(index)}")
    console.print(
        f"[bold]store[/]     {terminal_safe(db_path)}  (try: egov-crawl score revenue --db {terminal_safe(db_path)})"
    )


def sample_ids(sample: Registry, only: list[str] | None) -> list[str]:
    """The sample agencies of the testbed (hostile sites are for the reliability tests, not the demo)."""
    normal = [a.id for a in sample.agencies if "hostile" not in a.tags]
    return [a.id for a in sample.select(only)] if only else normal


def _failure_text(failures: dict[str, dict[str, int]]) -> str:
    parts = [f"{source} {cls} ×{n}" for source, classes in failures.items() for cls, n in sorted(classes.items())]
    return ", ".join(parts) or "none"
