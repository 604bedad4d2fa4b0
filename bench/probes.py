"""Probe concurrency: all testbed agencies at once vs the same agencies one after another, in one run.

    python bench/probes.py [--concurrency 16] [--hostile] [--out bench/results/probes.json]

Starts the sample government web (HTTP, HTTPS, DNS) in its own process, then
1. probes every agency one at a time, one host at a time (``concurrency=1``), timing each agency;
2. probes all of them concurrently (``--concurrency`` hosts at once, still at most 2 requests per host).
Prints domains per minute of both and the ratio (sum of the sequential per-agency times / concurrent wall
time); issue 5 asks for wall time well under the sum. Nothing is stored: the probes run without a database.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from egov_crawl.probes.dns import Nameserver  # noqa: E402
from egov_crawl.probes.net import ProbeConfig, base_domain  # noqa: E402
from egov_crawl.probes.runner import probe_async  # noqa: E402
from egov_crawl.registry import load_registry  # noqa: E402
from egov_crawl.testbed.pytest_plugin import (  # noqa: E402
    handle_from_state,
    start_server_process,
    stop_server_process,
    wait_for_state,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--hostile", action="store_true", help="include the hostile hosts (slow: they time out)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "probes.json")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        state_dir = Path(tmp)
        process = start_server_process(state_dir)
        try:
            testbed = handle_from_state(state_dir, wait_for_state(process, state_dir))
            assert testbed.dns_port is not None
            registry = load_registry(testbed.registry_path)
            agencies = [a for a in registry.agencies if args.hostile or not a.id.startswith("hostile-")]
            config = ProbeConfig(hostmap=testbed.hostmap, ca_file=testbed.ca_pem, request_timeout=5, host_timeout=30)
            options = {
                "dns_server": Nameserver("127.0.0.1", testbed.dns_port),
                "trust_anchors": testbed.state.get("dns_trust_anchors"),
            }
            domains = len({base_domain(h) for a in agencies for h in a.all_hosts})

            sequential: dict[str, float] = {}
            for agency in agencies:
                started = time.perf_counter()
                asyncio.run(probe_async([agency], config, concurrency=1, **options))  # type: ignore[arg-type]
                sequential[agency.id] = time.perf_counter() - started

            started = time.perf_counter()
            results = asyncio.run(
                probe_async(agencies, config, concurrency=args.concurrency, **options)  # type: ignore[arg-type]
            )
            wall = time.perf_counter() - started
        finally:
            stop_server_process(process)

    total = sum(sequential.values())
    facts = sum(r.facts for r in results)
    report = {
        "agencies": len(agencies),
        "domains": domains,
        "facts": facts,
        "concurrency": args.concurrency,
        "sequential_sum_seconds": round(total, 2),
        "concurrent_wall_seconds": round(wall, 2),
        "ratio_sequential_over_concurrent": round(total / wall, 2),
        "domains_per_minute_sequential": round(domains / total * 60, 1),
        "domains_per_minute_concurrent": round(domains / wall * 60, 1),
        "slowest_agencies": dict(sorted(((k, round(v, 2)) for k, v in sequential.items()), key=lambda kv: -kv[1])[:5]),
    }
    print(f"{len(agencies)} agencies, {domains} domains, {facts} facts")
    per_minute = (report["domains_per_minute_sequential"], report["domains_per_minute_concurrent"])
    print(f"sequential (sum of per-agency times): {total:6.1f} s  {per_minute[0]} domains/min")
    print(f"concurrent ({args.concurrency} hosts at once):     {wall:6.1f} s  {per_minute[1]} domains/min")
    print(f"ratio sequential/concurrent: {report['ratio_sequential_over_concurrent']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
