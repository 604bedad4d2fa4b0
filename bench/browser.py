"""Browser throughput: pages per minute that ``egov-crawl browse`` observes on the testbed (render facts, axe-core,
vitals, forms, two screenshots per page), plus its journeys and site searches.

    python bench/browser.py [--sites revenue,dop,rid,tat,nso,cgd,dft] [--contexts 2]

The testbed runs as in the tests (``python -m egov_crawl.testbed serve`` in its own process); ``browse`` runs in
this process against a fresh SQLite store. Prints pages/min and jobs/min and writes bench/results/browser.json.
The Lighthouse comparison of issue 12 needs ``npx lighthouse``; without it that part is skipped with a note.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from egov_crawl.browser.runner import browse  # noqa: E402
from egov_crawl.registry import load_registry  # noqa: E402
from egov_crawl.testbed.pytest_plugin import (  # noqa: E402
    handle_from_state,
    start_server_process,
    stop_server_process,
    wait_for_state,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", default="revenue,dop,rid,tat,nso,cgd,dft")
    parser.add_argument("--contexts", type=int, default=2)
    args = parser.parse_args()
    sites = [s for s in args.sites.split(",") if s]
    with tempfile.TemporaryDirectory(prefix="bench-browser-") as tmp:
        state_dir = Path(tmp) / "testbed"
        state_dir.mkdir()
        process = start_server_process(state_dir, "--no-hostile")
        try:
            testbed = handle_from_state(state_dir, wait_for_state(process, state_dir))
            started = time.monotonic()
            summary = browse(
                load_registry(testbed.registry_path),
                sites,
                db_url=f"sqlite:///{Path(tmp) / 'bench.db'}",
                run_id=None,
                hostmap=testbed.hostmap,
                ca_file=testbed.ca_pem,
                evidence_dir=Path(tmp) / "evidence",
                contexts=args.contexts,
            )
            seconds = time.monotonic() - started
        finally:
            stop_server_process(process)
    result = {
        "sites": sites,
        "contexts": args.contexts,
        "pages": summary.pages,
        "jobs": summary.jobs,
        "errors": summary.errors,
        "seconds": round(seconds, 1),
        "pages_per_minute": round(summary.pages / seconds * 60, 1),
        "jobs_per_minute": round(summary.jobs / seconds * 60, 1),
        "machine": {"cpus": __import__("os").cpu_count(), "python": platform.python_version()},
    }
    print(
        f"browse: {summary.pages} pages + {summary.jobs - summary.pages} journeys/searches in {seconds:.1f} s "
        f"= {result['pages_per_minute']} pages/min ({result['jobs_per_minute']} jobs/min), "
        f"{args.contexts} contexts, errors {summary.errors or 'none'}"
    )
    if shutil.which("npx") is None or shutil.which("lighthouse") is None:
        print("note: Lighthouse not installed (npx lighthouse); the Lighthouse comparison (issue 12) is skipped")
    out = ROOT / "bench" / "results" / "browser.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
