"""The nightly run with and without the hostile sites: ``egov-crawl run`` over the testbed's sample agencies,
then ``run --all`` (the same agencies plus every hostile site), each timed end to end with the peak resident
memory of its whole process tree (the run, the crawl child, Playwright's driver and Chromium).

    python bench/hostile.py [--phases crawl,probe,browse,score]

Goals (issue 10): the hostile run takes at most 2× the time of the run without hostile sites, and its peak
memory stays under 1.5 GB. Memory is sampled two ways every half second: the sum of the processes' RSS, which
counts the pages Chromium's processes share once per process (an overcount), and the sum of their PSS
(proportional set size, /proc/PID/smaps_rollup: a shared page split between its sharers), which is what the
tree really holds. The goal is judged on PSS; both are written. Also written: each hostile site's recorded
failure classes next to the manifest's ``expected_class``. Each run gets a fresh SQLite store; the testbed
runs in its own process (not measured).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from _common import ROOT, Timer, report, testbed, tree_rss_mb
from sqlalchemy import select

from egov_crawl.process_memory import tree_pss_mb
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.store.models import BrowserFact, Page, ProbeFact, SiteCrawl

TIME_GOAL = 2.0
MEMORY_GOAL_MB = 1500.0


def timed_run(args: list[str], cwd: Path) -> dict[str, Any]:
    """Run ``egov-crawl run``; wall seconds, peak tree RSS and PSS (sampled every 0.5 s), exit code, report."""
    peak = peak_pss = 0.0
    with Timer() as timer:
        process = subprocess.Popen(
            [sys.executable, "-m", "egov_crawl", "run", *args, "--format", "json"],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak, peak_pss
            while not stop.is_set():
                peak = max(peak, tree_rss_mb(process.pid))
                peak_pss = max(peak_pss, tree_pss_mb(process.pid))
                stop.wait(0.5)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        out, _ = process.communicate()
        stop.set()
        sampler.join()
    summary = json.loads(out) if process.returncode == 0 and out.strip() else {}
    return {
        **summary,  # the run's own report (its "seconds" are replaced by the wall time around the process)
        "seconds": round(timer.seconds, 1),
        "peak_rss_mb": round(peak),
        "peak_pss_mb": round(peak_pss),
        "exit": process.returncode,
    }


def classes_by_agency(db: Path) -> dict[str, list[str]]:
    """Every failure class any collector recorded, per agency (site crawl, pages, probe and browser facts)."""
    found: dict[str, set[str]] = {}
    with session_factory(open_store(f"sqlite:///{db}"))() as session:
        for agency, error_class in [
            *session.execute(select(SiteCrawl.agency_id, SiteCrawl.error_class)),
            *session.execute(select(SiteCrawl.agency_id, Page.error_class).join(Page)),
            *session.execute(select(ProbeFact.agency_id, ProbeFact.error_class)),
            *session.execute(select(BrowserFact.agency_id, BrowserFact.error_class)),
        ]:
            found.setdefault(agency, set()).add(error_class or "ok")
    return {agency: sorted(classes) for agency, classes in sorted(found.items())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phases", default="crawl,probe,browse,score")
    options = parser.parse_args()
    with testbed() as handle, tempfile.TemporaryDirectory(prefix="egov-bench-hostile-") as directory:
        tmp = Path(directory)
        sample = [site["slug"] for site in handle.manifest["sites"]]
        common = ["--testbed", str(handle.state_dir), "--fast", "--phases", options.phases]
        print(f"run without hostile sites ({len(sample)} agencies) …", flush=True)
        plain = timed_run([*sample, *common, "--db", str(tmp / "plain.db"), "--evidence", str(tmp / "ev1")], tmp)
        print(f"  {plain['seconds']} s, peak RSS {plain['peak_rss_mb']} MiB, PSS {plain['peak_pss_mb']} MiB")
        print("run --all (with the hostile sites) …", flush=True)
        hostile = timed_run(["--all", *common, "--db", str(tmp / "hostile.db"), "--evidence", str(tmp / "ev2")], tmp)
        print(f"  {hostile['seconds']} s, peak RSS {hostile['peak_rss_mb']} MiB, PSS {hostile['peak_pss_mb']} MiB")
        recorded = classes_by_agency(tmp / "hostile.db")
        table = {
            h["slug"]: {
                "expected_class": h["expected_class"],
                "recorded": recorded.get(f"hostile-{h['slug']}", []),
                "classified": h["expected_class"] in recorded.get(f"hostile-{h['slug']}", []),
            }
            for h in handle.manifest["hostile"]
        }
    ratio = hostile["seconds"] / plain["seconds"] if plain["seconds"] else None
    classified = sum(row["classified"] for row in table.values())
    memory_met = hostile["peak_pss_mb"] <= MEMORY_GOAL_MB
    for slug, row in table.items():
        print(f"  {slug:16} expected {row['expected_class']:20} recorded {', '.join(row['recorded'])}")
    report(
        "hostile",
        {
            "phases": options.phases,
            "without_hostile": plain,
            "with_hostile": hostile,
            "classified": f"{classified}/{len(table)}",
            "memory_goal_mb": MEMORY_GOAL_MB,
            "memory_met": memory_met,
            "sites": table,
        },
        numbers=(
            f"{plain['seconds']:.0f} s → {hostile['seconds']:.0f} s with {len(table)} hostile sites; peak PSS "
            f"{hostile['peak_pss_mb']} MiB (goal ≤ {MEMORY_GOAL_MB:.0f}: {'yes' if memory_met else 'NO'}; RSS sum "
            f"{hostile['peak_rss_mb']}, without hostile sites PSS {plain['peak_pss_mb']}); "
            f"{classified}/{len(table)} classified as expected"
        ),
        ratio=ratio,
        goal=TIME_GOAL,
        higher_is_better=False,
        note=f"exit codes {plain['exit']} and {hostile['exit']}",
    )


if __name__ == "__main__":
    main()
