"""Growth: 10 → 100 → 1,000 synthetic agencies through crawl, probe and score; time and peak memory per phase,
the least-squares slope (seconds per agency) and the workers needed for 8,000 local governments and 30,000 hosts
in the 6-hour nightly window.

    python bench/growth.py [--sizes 10,100,1000] [--pages 3] [--probe-concurrency 32]

Synthetic agencies reuse the 22 testbed sample sites: agency k is sample site k mod 22 under the id
``<site>-g<k>`` (the testbed routes by Host name and its certificates are per name, so new host names would not
verify; every crawl, probe and score of a copy is still done in full, nothing is shared or cached between copies).
Crawl: ``--pages`` per agency, no politeness delay (the testbed is ours). Browse is not rerun here: its per-page
rate comes from bench/results/browser.json (bench/browser.py, run just before by ``make bench``).
Memory: peak RSS of this process and its children (the Scrapy process) during each phase.
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
from pathlib import Path
from typing import Any

from _common import RESULTS_DIR, PeakSampler, Timer, crawl_testbed, least_squares, probe_testbed, report, testbed

from egov_crawl.registry import load_registry
from egov_crawl.registry.models import Registry
from egov_crawl.scoring.engine import score_run

LOCAL_GOVERNMENTS, HOSTS, WINDOW_S = 8_000, 30_000, 6 * 3600
REAL_PAGE_BUDGET = 200  # EGOV_MAX_PAGES, the default crawl budget per agency
BROWSE_PAGES_PER_AGENCY = 3  # home page, one e-service, one sampled page (browser/sample.py)
PHASES = ("crawl", "probe", "score")


def synthetic_registry(sample: Registry, size: int) -> Registry:
    agencies = [sample.agencies[k % len(sample.agencies)] for k in range(size)]
    copies = [a.model_copy(update={"id": f"{a.id}-g{k}"}) for k, a in enumerate(agencies)]
    return sample.model_copy(update={"agencies": copies})


def run_size(tb: Any, sample: Registry, size: int, pages: int, concurrency: int, tmp: Path) -> dict[str, Any]:
    registry = synthetic_registry(sample, size)
    db_url = f"sqlite:///{tmp / f'growth-{size}.db'}"
    phases: dict[str, dict[str, float]] = {}

    def measured(name: str) -> tuple[Timer, PeakSampler]:
        return Timer(), PeakSampler()

    timer, memory = measured("crawl")
    with memory, timer:
        summary = crawl_testbed(
            tb,
            registry,
            None,
            db_url,
            pages,
            # copies of a sample site share its host name: without this they would queue behind the per-host
            # limit (2 in flight), which real agencies, each on its own host, do not
            settings={"CONCURRENT_REQUESTS_PER_DOMAIN": 32, "EGOV_CONCURRENT_AGENCIES": 32, "CONCURRENT_REQUESTS": 32},
            log_file=tmp / f"crawl-{size}.log",
        )
    phases["crawl"] = {"seconds": timer.seconds, "peak_mb": memory.peak_mb, "pages": summary.pages}
    timer, memory = measured("probe")
    with memory, timer:
        probed = probe_testbed(tb, registry, None, db_url, summary.run_id, concurrency=concurrency)
    hosts = sum(len(a.all_hosts) for a in registry.agencies)
    phases["probe"] = {"seconds": timer.seconds, "peak_mb": memory.peak_mb, "hosts": hosts, "facts": probed.facts}
    timer, memory = measured("score")
    with memory, timer:
        scored = score_run(db_url, summary.run_id, keep_findings=False)  # as `run` does
    phases["score"] = {"seconds": timer.seconds, "peak_mb": memory.peak_mb, "agencies": len(scored)}
    line = ", ".join(f"{p} {v['seconds']:.1f} s / {v['peak_mb']:.0f} MB" for p, v in phases.items())
    print(f"{size:>5} agencies ({summary.pages} pages, {hosts} hosts): {line}", flush=True)
    return {"agencies": size, "phases": {p: {k: round(v, 2) for k, v in d.items()} for p, d in phases.items()}}


def model(rows: list[dict[str, Any]], pages: int, browser: dict[str, Any] | None) -> dict[str, Any]:
    """Slopes (seconds per agency / per host / per page) and the workers for the nightly window."""
    sizes = [float(r["agencies"]) for r in rows]
    slopes = {p: least_squares(sizes, [r["phases"][p]["seconds"] for r in rows]) for p in PHASES}
    biggest = rows[-1]
    pages_per_agency = biggest["phases"]["crawl"]["pages"] / biggest["agencies"]
    hosts_per_agency = biggest["phases"]["probe"]["hosts"] / biggest["agencies"]
    crawl_per_page = slopes["crawl"][1] / pages_per_agency
    probe_per_host = slopes["probe"][1] / hosts_per_agency
    work = {
        # the crawl scales with pages: the measured per-page cost times the real budget (an upper bound: fixed
        # per-agency costs such as robots.txt and site files are counted as pages)
        "crawl": LOCAL_GOVERNMENTS * REAL_PAGE_BUDGET * crawl_per_page,
        "probe": HOSTS * probe_per_host,
        "score": LOCAL_GOVERNMENTS * slopes["score"][1],
    }
    if browser and browser.get("pages_per_minute"):
        work["browse"] = LOCAL_GOVERNMENTS * BROWSE_PAGES_PER_AGENCY * 60 / browser["pages_per_minute"]
    total = sum(work.values())
    return {
        "slopes_seconds_per_agency": {p: round(b, 4) for p, (_, b) in slopes.items()},
        "intercepts_seconds": {p: round(a, 2) for p, (a, _) in slopes.items()},
        "measured_pages_per_agency": round(pages_per_agency, 2),
        "crawl_seconds_per_page": round(crawl_per_page, 4),
        "probe_seconds_per_host": round(probe_per_host, 4),
        "browse_pages_per_minute_per_worker": browser.get("pages_per_minute") if browser else None,
        "worker_seconds": {k: round(v) for k, v in work.items()},
        "total_worker_hours": round(total / 3600, 1),
        "workers_for_6h": math.ceil(total / WINDOW_S),
        "assumptions": f"{LOCAL_GOVERNMENTS} agencies × {REAL_PAGE_BUDGET} pages, {HOSTS} hosts, "
        f"{BROWSE_PAGES_PER_AGENCY} browser pages/agency, one worker = one process as measured here, no headroom",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--pages", type=int, default=3)
    parser.add_argument("--probe-concurrency", type=int, default=32)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    with testbed("--no-hostile") as tb, tempfile.TemporaryDirectory(prefix="bench-growth-") as directory:
        sample = load_registry(tb.registry_path)
        rows = [run_size(tb, sample, n, args.pages, args.probe_concurrency, Path(directory)) for n in sizes]
    browser_path = RESULTS_DIR / "browser.json"
    browser = json.loads(browser_path.read_text())["browse"] if browser_path.exists() else None
    fitted = model(rows, args.pages, browser)
    for phase, slope in fitted["slopes_seconds_per_agency"].items():
        print(f"slope {phase}: {slope:.4f} s/agency (intercept {fitted['intercepts_seconds'][phase]} s)")
    print(f"crawl {fitted['crawl_seconds_per_page']} s/page, probe {fitted['probe_seconds_per_host']} s/host")
    print(f"worker-seconds for the night: {fitted['worker_seconds']} = {fitted['total_worker_hours']} worker-hours")
    print(f"workers for {LOCAL_GOVERNMENTS} local governments and {HOSTS} hosts in 6 h: {fitted['workers_for_6h']}")
    # Linearity: time of the largest size vs the smallest scaled up (1.0 = perfectly linear, > 1 = superlinear).
    first, last = rows[0], rows[-1]
    scale = last["agencies"] / first["agencies"]
    total = [sum(r["phases"][p]["seconds"] for p in PHASES) for r in (first, last)]
    linearity = total[1] / (total[0] * scale)
    report(
        "growth",
        {"sizes": rows, "model": fitted, "pages_per_agency_budget": args.pages},
        numbers=f"slopes s/agency {fitted['slopes_seconds_per_agency']}; "
        f"{fitted['total_worker_hours']} worker-h → N = {fitted['workers_for_6h']} workers for 6 h",
        ratio=linearity,
        goal=1.0,
        higher_is_better=False,
        note="ratio = time at the largest size ÷ (smallest × size factor); ≤ 1 means no superlinear growth",
    )


if __name__ == "__main__":
    main()
