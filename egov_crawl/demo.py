"""``egov-crawl demo``: the whole pipeline on the bundled sample government web, offline.

Each phase runs only once it is built; phases that are not built yet are named, never faked.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from egov_crawl.registry import load_registry
from egov_crawl.store import db as store_db
from egov_crawl.store.repository import sync_agencies

NOT_BUILT_YET = ("crawl", "probe", "browser checks", "score", "rank", "report")


def run_demo(out_dir: Path, registry_file: Path, console: Console) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    db_path = out_dir / "egov-crawl.db"
    engine = store_db.open_store(f"sqlite:///{db_path}")
    console.print(f"[bold]store[/]   {db_path} at schema {store_db.current_revision(engine)}")

    registry = load_registry(registry_file)
    with store_db.session_factory(engine).begin() as session:
        written = sync_agencies(session, registry.agencies)
    counts = ", ".join(f"{cohort} {n}" for cohort, n in registry.counts_by_cohort().items())
    console.print(f"[bold]registry[/] {registry_file}: {written} agencies ({counts})")
    console.print("[yellow]not built yet:[/] " + ", ".join(NOT_BUILT_YET))
