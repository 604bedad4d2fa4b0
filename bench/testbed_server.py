"""Testbed server throughput: how many pages a second the sample government web serves to a concurrent client.

    python bench/testbed_server.py [--requests 6000] [--concurrency 32] [--scheme https] [--gzip]

The server runs as in the tests and the demo (``python -m egov_crawl.testbed serve`` in its own process); an
aiohttp client in this process, with a resolver that maps every testbed host to the listener (as the crawler
does), fetches the HTML pages of every normal site from the manifest, round-robin, with keep-alive. Prints
pages/s. Goal (issue 3, acceptance 5): at least 3x what a full-analysis Scrapy crawl consumes (~150 pages/s
on 2 cores, measured), so benchmarks measure the crawler, not the server.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import ssl
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from aiohttp.abc import AbstractResolver, ResolveResult  # noqa: E402

from egov_crawl.hostmap import HostMap  # noqa: E402
from egov_crawl.testbed.process import (  # noqa: E402
    handle_from_state,
    start_server_process,
    stop_server_process,
    wait_for_state,
)


class HostMapResolver(AbstractResolver):
    """aiohttp resolver: a testbed host and port → the mapped loopback address (the URL keeps the real name)."""

    def __init__(self, hostmap: HostMap) -> None:
        self.hostmap = hostmap

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET) -> list[ResolveResult]:
        target = self.hostmap.resolve(host, port)
        if target is None:
            raise OSError(f"{host} is not a testbed host")
        return [ResolveResult(hostname=host, host=target.ip, port=target.port, family=socket.AF_INET, proto=0, flags=0)]

    async def close(self) -> None:
        return None


async def run(
    urls: list[str], hostmap: HostMap, ca_pem: Path, requests: int, concurrency: int, gzip: bool
) -> dict[str, Any]:
    context = ssl.create_default_context(cafile=str(ca_pem))
    connector = aiohttp.TCPConnector(resolver=HostMapResolver(hostmap), ssl=context, limit=concurrency)
    headers = {"Accept-Encoding": "gzip" if gzip else "identity"}
    counter = iter(range(requests))
    sizes: list[int] = []
    errors = 0

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal errors
        for n in counter:
            async with session.get(urls[n % len(urls)], headers=headers, allow_redirects=False) as response:
                body = await response.read()
                if response.status >= 500:
                    errors += 1
                sizes.append(len(body))

    async with aiohttp.ClientSession(connector=connector) as session:
        # Warm-up: one request per URL host opens the connections and TLS sessions.
        await asyncio.gather(*(session.get(u) for u in urls[:concurrency]))
        started = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {
        "requests": requests,
        "seconds": round(elapsed, 2),
        "pages_per_second": round(requests / elapsed),
        "mean_body_bytes": round(sum(sizes) / len(sizes)),
        "errors": errors,
    }


def served_pages(site: dict[str, Any], scheme: str) -> list[dict[str, Any]]:
    """Pages the site answers 200 on ``scheme`` without a redirect or a certificate error, with URLs for it."""
    tls, enforced = site["tls"], site["quality"]["https_redirect"]
    if scheme == "https" and not (tls and tls["verifies_with_testbed_ca"]):
        return []
    if scheme == "http" and tls is not None and enforced:
        return []
    pages = [p for p in site["pages"] if p["status"] == 200]
    return [p | {"url": scheme + "://" + p["url"].split("://", 1)[1]} for p in pages]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=6000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--scheme", choices=("http", "https"), default="https")
    parser.add_argument("--gzip", action="store_true", help="ask for gzip (served pre-compressed)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="egov-bench-testbed-") as directory:
        state_dir = Path(directory)
        process = start_server_process(state_dir, "--no-hostile")
        try:
            testbed = handle_from_state(state_dir, wait_for_state(process, state_dir))
            urls = [page["url"] for site in testbed.manifest["sites"] for page in served_pages(site, args.scheme)]
            result = asyncio.run(run(urls, testbed.hostmap, testbed.ca_pem, args.requests, args.concurrency, args.gzip))
        finally:
            stop_server_process(process)
    result |= {"scheme": args.scheme, "concurrency": args.concurrency, "gzip": args.gzip, "distinct_urls": len(urls)}
    print(" ".join(f"{k}={v}" for k, v in result.items()))


if __name__ == "__main__":
    main()
