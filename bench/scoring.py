"""Scoring throughput: ``rescore`` of N synthetic agencies' stored facts vs only reading those facts from SQLite,
plus the CSV export of the N-row ranking, in one run.

    python bench/scoring.py [--agencies 10000] [--sites revenue,dop,nso,cgd,dft] [--pages 6] [--workers N]

Realistic facts, synthesised: the library crawls (``--pages`` per site) and probes a few testbed sites into a
fresh SQLite store, then SQL copies those agencies' rows (agency, site_crawl, page, link, document, form,
probe_fact) under new ids until the run holds ``--agencies`` agencies, so every check sees facts a real run wrote.
The baseline reads every one of those fact rows with plain SQL and decodes their JSON (the least any scoring
must do); ``rescore`` loads, runs every check, aggregates and writes findings and scores. Goal: ≤ 2×.

The ratio is wall time ÷ wall time, and the two sides do not use the same cores: ``rescore`` runs its checks in
``--workers`` processes (default ``engine.default_workers()``: one per core, at most 2) while one process writes,
whereas the baseline read is one process. The result records the workers and both sides' CPU time (rescore's
includes its workers'), so the ratio can be read either way.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import Timer, crawl_testbed, peak_rss_mb, probe_testbed, report, testbed
from sqlalchemy import Engine, text

from egov_crawl.registry import load_registry
from egov_crawl.scoring.engine import default_workers, rescore
from egov_crawl.store.db import open_store

GOAL = 2.0
# Fact tables and how a copy re-keys them: (table, key column to the parent, parent table).
BY_AGENCY = ("site_crawl", "probe_fact", "browser_fact")
BY_CRAWL = ("page", "document")
BY_PAGE = ("link", "form")
JSON_COLUMNS = {
    "site_crawl": ("site_facts", "stats", "registry_entry"),
    "page": ("facts",),
    "document": ("facts",),
    "form": ("fields", "facts"),
    "probe_fact": ("payload",),
    "browser_fact": ("payload",),
    "link": (),
}


def columns(engine: Engine, table: str) -> list[str]:
    with engine.connect() as conn:
        return [row[1] for row in conn.execute(text(f"PRAGMA table_info({table})"))]


def build_base(tb: Any, sites: list[str], pages: int, db_url: str, tmp: Path) -> int:
    """Crawl and probe ``sites`` of the testbed into ``db_url``; the run id."""
    registry = load_registry(tb.registry_path)
    summary = crawl_testbed(tb, registry, sites, db_url, pages, log_file=tmp / "crawl.log")
    probe_testbed(tb, registry, sites, db_url, summary.run_id)
    return int(summary.run_id)


def replicate(engine: Engine, run_id: int, copies: int) -> None:
    """Copy every agency of ``run_id`` ``copies`` times with its facts (ids shifted by a per-copy offset)."""
    with engine.begin() as conn:
        offsets = {
            t: int(conn.execute(text(f"SELECT coalesce(max(id), 0) + 1 FROM {t}")).scalar_one())
            for t in ("site_crawl", "page")
        }
        conn.execute(text("CREATE TEMP TABLE n(k INTEGER PRIMARY KEY)"))
        conn.execute(
            text(
                "INSERT INTO n(k) WITH RECURSIVE c(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM c "
                "WHERE k < :copies) SELECT k FROM c"
            ),
            {"copies": copies},
        )

        def copy(table: str, where: str, shift: dict[str, str]) -> None:
            cols = columns(engine, table) if table != "agency" else columns(engine, "agency")
            if table not in ("site_crawl", "page", "agency"):
                cols = [c for c in cols if c != "id"]  # new rows get their own ids
            exprs = [shift.get(c, c) for c in cols]
            conn.execute(
                text(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(exprs)} FROM {table}, n WHERE {where}")
            )

        agency_ids = "(SELECT agency_id FROM site_crawl WHERE run_id = :run)"
        new_agency = "agency_id || '-' || k"
        conn.execute(
            text(
                f"INSERT INTO agency SELECT id || '-' || k, name_th, name_en, parent_id, cohort, homepage, "
                f"entry, updated_at FROM agency, n WHERE id IN {agency_ids}"
            ),
            {"run": run_id},
        )
        sc, pg = offsets["site_crawl"], offsets["page"]
        base_crawls = f"site_crawl_id IN (SELECT id FROM site_crawl WHERE run_id = {run_id} AND id < {sc})"
        base_pages = (
            f"page_id IN (SELECT page.id FROM page JOIN site_crawl s ON s.id = page.site_crawl_id "
            f"WHERE s.run_id = {run_id} AND page.id < {pg})"
        )
        copy("site_crawl", f"run_id = {run_id} AND id < {sc}", {"id": f"id + k * {sc}", "agency_id": new_agency})
        copy("page", base_crawls, {"id": f"id + k * {pg}", "site_crawl_id": f"site_crawl_id + k * {sc}"})
        copy("document", base_crawls, {"site_crawl_id": f"site_crawl_id + k * {sc}"})
        copy("link", base_pages, {"page_id": f"page_id + k * {pg}"})
        copy("form", base_pages, {"page_id": f"page_id + k * {pg}"})
        for table in ("probe_fact", "browser_fact"):
            copy(table, f"run_id = {run_id} AND agency_id NOT LIKE '%-%'", {"agency_id": new_agency})


def cpu_with_children() -> float:
    """CPU seconds of this process and of its finished children (rescore's worker processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def read_all_facts(engine: Engine, run_id: int) -> int:
    """Every fact row of the run, read with plain SQL and its JSON decoded: the baseline. Returns rows read."""
    rows = 0
    crawls = f"(SELECT id FROM site_crawl WHERE run_id = {run_id})"
    pages = f"(SELECT id FROM page WHERE site_crawl_id IN {crawls})"
    queries = {
        "site_crawl": f"SELECT * FROM site_crawl WHERE run_id = {run_id}",
        "page": f"SELECT * FROM page WHERE site_crawl_id IN {crawls}",
        "document": f"SELECT * FROM document WHERE site_crawl_id IN {crawls}",
        "link": f"SELECT * FROM link WHERE page_id IN {pages}",
        "form": f"SELECT * FROM form WHERE page_id IN {pages}",
        "probe_fact": f"SELECT * FROM probe_fact WHERE run_id = {run_id}",
        "browser_fact": f"SELECT * FROM browser_fact WHERE run_id = {run_id}",
    }
    with engine.connect() as conn:
        for table, query in queries.items():
            result = conn.execute(text(query)).mappings()
            wanted = JSON_COLUMNS[table]
            for row in result:
                for column in wanted:
                    if row[column]:
                        json.loads(row[column])
                rows += 1
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agencies", type=int, default=10_000)
    parser.add_argument("--sites", default="revenue,dop,nso,cgd,dft")
    parser.add_argument("--pages", type=int, default=6)
    parser.add_argument("--workers", type=int, default=default_workers(), help="rescore's scoring processes")
    args = parser.parse_args()
    sites = [s for s in args.sites.split(",") if s]
    with tempfile.TemporaryDirectory(prefix="bench-scoring-") as directory:
        tmp = Path(directory)
        db_url = f"sqlite:///{tmp / 'bench.db'}"
        with testbed("--no-hostile") as tb:
            run_id = build_base(tb, sites, args.pages, db_url, tmp)
        engine = open_store(db_url)
        copies = max(0, -(-args.agencies // len(sites)) - 1)
        with Timer() as synth:
            replicate(engine, run_id, copies)
        with engine.connect() as conn:
            agencies = int(
                conn.execute(text("SELECT count(*) FROM site_crawl WHERE run_id = :r"), {"r": run_id}).scalar_one()
            )
            counts = {
                t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
                for t in ("page", "link", "document", "form", "probe_fact")
            }
        print(
            f"synthesised {agencies} agencies from {len(sites)} crawled+probed sites in {synth.seconds:.1f} s: "
            f"{counts}",
            flush=True,
        )
        read_cpu = time.process_time()
        with Timer() as read:
            fact_rows = read_all_facts(engine, run_id)
        read_cpu = time.process_time() - read_cpu
        print(f"read only: {fact_rows} fact rows in {read.seconds:.1f} s", flush=True)
        scoring_cpu = cpu_with_children()
        with Timer() as scoring:
            scored = rescore(db_url, run_id=run_id, workers=args.workers, keep_findings=False)  # as the CLI
        scoring_cpu = cpu_with_children() - scoring_cpu
        print(
            f"rescore ({args.workers} workers): {len(scored)} agencies in {scoring.seconds:.1f} s "
            f"({len(scored) / scoring.seconds:.0f} agencies/s)",
            flush=True,
        )
        out = tmp / "rank.csv"
        with Timer() as export:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "egov_crawl",
                    "rank",
                    "--db",
                    db_url,
                    "--run",
                    str(run_id),
                    "--format",
                    "csv",
                    "--output",
                    str(out),
                ],
                check=True,
                capture_output=True,
            )
        csv_rows = len(out.read_text(encoding="utf-8").splitlines()) - 1
        print(f"CSV export (egov-crawl rank --format csv): {csv_rows} rows in {export.seconds:.1f} s", flush=True)
        engine.dispose()
    ratio = scoring.seconds / read.seconds
    result = {
        "agencies": agencies,
        "base_sites": sites,
        "pages_per_site": args.pages,
        "rows": counts,
        "fact_rows_read": fact_rows,
        "read_seconds": round(read.seconds, 2),
        "rescore_seconds": round(scoring.seconds, 2),
        "rescore_workers": args.workers,
        "read_cpu_seconds": round(read_cpu, 2),
        "rescore_cpu_seconds": round(scoring_cpu, 2),  # parent and workers
        "cpu_ratio": round(scoring_cpu / read_cpu, 2),
        "agencies_per_second": round(len(scored) / scoring.seconds, 1),
        "csv_export": {"rows": csv_rows, "seconds": round(export.seconds, 2)},
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    report(
        "scoring",
        result,
        numbers=f"{agencies} agencies: read {read.seconds:.1f} s (1 process), rescore {scoring.seconds:.1f} s "
        f"({args.workers} worker processes; CPU ratio {scoring_cpu / read_cpu:.1f}); "
        f"CSV {csv_rows} rows {export.seconds:.1f} s",
        ratio=ratio,
        goal=GOAL,
        higher_is_better=False,
    )


if __name__ == "__main__":
    main()
