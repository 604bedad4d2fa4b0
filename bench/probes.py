"""Probe throughput: domains per minute with injected server latency, and concurrency vs one at a time.

    python bench/probes.py [--latency-ms 100] [--copies 10] [--concurrency 16] [--sequential] [--hostile]

Starts the sample government web (HTTP, HTTPS, DNS) in its own process with ``--latency-ms`` added to every
HTTP(S) answer (``testbed serve --latency-ms``; DNS answers are not delayed). Synthetic domains: the testbed
serves sites by Host name and signs certificates per name, so new names would not verify; instead each of the
22 sample agencies is probed ``--copies`` times under distinct agency ids (same hosts, separate probes, nothing
cached between them). Prints domains/minute with ``--concurrency`` hosts at once (goal ≥ 200/min on 2 cores);
``--sequential`` also probes each agency alone, one host at a time, for the sequential/concurrent ratio.
Nothing is stored: the probes run without a database.
"""

from __future__ import annotations

import argparse
import asyncio

from _common import Timer, peak_rss_mb, report, testbed

from egov_crawl.probes.dns import Nameserver
from egov_crawl.probes.net import ProbeConfig, base_domain
from egov_crawl.probes.runner import DEFAULT_CONCURRENCY, probe_async
from egov_crawl.registry import load_registry

GOAL_PER_MINUTE = 200.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--copies", type=int, default=10, help="probes of each sample agency (distinct ids)")
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    parser.add_argument("--sequential", action="store_true", help="also probe each agency alone (slow)")
    parser.add_argument("--hostile", action="store_true", help="include the hostile hosts (slow: they time out)")
    args = parser.parse_args()

    with testbed(*([] if args.hostile else ["--no-hostile"]), "--latency-ms", str(args.latency_ms)) as tb:
        assert tb.dns_port is not None
        registry = load_registry(tb.registry_path)
        sample = [a for a in registry.agencies if args.hostile or not a.id.startswith("hostile-")]
        agencies = [a.model_copy(update={"id": f"{a.id}-{k}"}) for k in range(args.copies) for a in sample]
        config = ProbeConfig(hostmap=tb.hostmap, ca_file=tb.ca_pem, request_timeout=5, host_timeout=30)
        options = {
            "dns_server": Nameserver("127.0.0.1", tb.dns_port),
            "trust_anchors": tb.state.get("dns_trust_anchors"),
        }
        domains = sum(len({base_domain(h) for h in a.all_hosts}) for a in agencies)

        sequential = 0.0
        if args.sequential:
            for agency in sample:
                with Timer() as one:
                    asyncio.run(probe_async([agency], config, concurrency=1, **options))  # type: ignore[arg-type]
                sequential += one.seconds
        with Timer() as wall:
            results = asyncio.run(
                probe_async(agencies, config, concurrency=args.concurrency, **options)  # type: ignore[arg-type]
            )
    facts = sum(r.facts for r in results)
    errors = sum(1 for r in results for row in r.rows if row.error_class)
    per_minute = domains / wall.seconds * 60
    result = {
        "latency_ms": args.latency_ms,
        "agencies": len(agencies),
        "domains": domains,
        "facts": facts,
        "fact_errors": errors,
        "concurrency": args.concurrency,
        "seconds": round(wall.seconds, 2),
        "domains_per_minute": round(per_minute, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    print(
        f"{len(agencies)} agencies ({len(sample)} sample × {args.copies}), {domains} domains, {facts} facts "
        f"({errors} with an error class), {args.latency_ms:g} ms injected latency"
    )
    print(f"concurrent ({args.concurrency} hosts at once): {wall.seconds:.1f} s = {per_minute:.0f} domains/min")
    if args.sequential:
        sample_domains = len({base_domain(h) for a in sample for h in a.all_hosts})
        result["sequential_seconds_one_copy"] = round(sequential, 2)
        result["domains_per_minute_sequential"] = round(sample_domains / sequential * 60, 1)
        print(
            f"sequential (one copy, one host at a time): {sequential:.1f} s = "
            f"{result['domains_per_minute_sequential']} domains/min"
        )
    report(
        "probes",
        result,
        numbers=f"{domains} domains in {wall.seconds:.1f} s = {per_minute:.0f}/min "
        f"({args.latency_ms:g} ms latency, {args.concurrency} at once)",
        ratio=per_minute / GOAL_PER_MINUTE,
        goal=1.0,
        note=f"ratio = domains/min ÷ {GOAL_PER_MINUTE:.0f}",
    )


if __name__ == "__main__":
    main()
