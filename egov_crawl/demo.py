"""``egov-crawl demo``: the whole pipeline on the bundled sample government web, offline.

Each phase runs only once it is built; phases that are not built yet are named, never faked.
"""

from __future__ import annotations

import time
from pathlib import Path

from rich.console import Console

from egov_crawl.crawler.command import CRAWL_COLUMNS
from egov_crawl.output import Format, render
from egov_crawl.registry import load_registry
from egov_crawl.store import db as store_db
from egov_crawl.store.repository import sync_agencies

NOT_BUILT_YET = ("probe", "browser checks", "score", "rank", "report")
DEMO_CONTACT = "https://egov-crawl.test/demo"  # the demo only talks to the loopback testbed


def run_demo(out_dir: Path, registry_file: Path, console: Console) -> None:
    """Validate the national registry, start the testbed, crawl every sample agency into ``out_dir``."""
    from egov_crawl.crawler.runner import crawl
    from egov_crawl.testbed.runtime import start_testbed

    out_dir.mkdir(parents=True, exist_ok=True)
    db_path = out_dir / "egov-crawl.db"
    db_path.unlink(missing_ok=True)  # each demo is a fresh run
    engine = store_db.open_store(f"sqlite:///{db_path}")
    console.print(f"[bold]store[/]     {db_path} (schema {store_db.current_revision(engine)})")

    national = load_registry(registry_file)
    counts = ", ".join(f"{cohort} {n}" for cohort, n in national.counts_by_cohort().items())
    console.print(f"[bold]registry[/]  {registry_file}: {len(national.agencies)} agencies valid ({counts})")

    running = start_testbed(out_dir / "testbed", include_hostile=False)
    try:
        sample = load_registry(running.registry_path)
        with store_db.session_factory(engine).begin() as session:
            sync_agencies(session, sample.agencies)
        console.print(
            f"[bold]testbed[/]   {len(sample.agencies)} sample agencies on 127.0.0.1:{running.http_port} (HTTP) and "
            f":{running.https_port} (HTTPS), CA {running.ca_pem}"
        )
        started = time.monotonic()
        summary = crawl(
            sample,
            None,
            db_url=f"sqlite:///{db_path}",
            hostmap=running.hostmap,
            ca_file=running.ca_pem,
            polite=False,
            contact_url=DEMO_CONTACT,
            log_file=out_dir / "crawl.log",
        )
        seconds = time.monotonic() - started
    finally:
        running.stop()
    render(summary.agencies, CRAWL_COLUMNS, Format.TABLE, title=f"crawl run {summary.run_id}")
    console.print(f"[bold]crawl[/]     {summary.pages} pages from {len(summary.agencies)} agencies in {seconds:.1f} s")
    console.print("[yellow]not built yet:[/] " + ", ".join(NOT_BUILT_YET))
