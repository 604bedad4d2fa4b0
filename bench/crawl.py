"""Crawl throughput: egov-crawl's full crawl vs a bare Scrapy spider on the same loopback sites, in one run.

    python bench/crawl.py [--sites 8] [--pages 250] [--repeat 1]

A generated set of agency sites (Thai pages of ~2.6 KB with nav, main, footer and ~20 links, like the real pages
measured) is served by aiohttp in its own process. Both crawlers run in their own process with the same
network settings (16 requests in flight, 2 per host, no delay, same downloader); the bare spider only follows
links (``response.follow_all``), egov-crawl does everything it normally does (robots.txt, site files, page
facts with lxml, link checks, SQLite writes). Prints pages/s of each and the ratio (goal ≥ 0.8).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, PeakSampler, report  # also puts the project on sys.path

LOREM_TH = (
    "กรมได้ดำเนินการตามแผนปฏิบัติราชการประจำปีงบประมาณ พ.ศ. ๒๕๖๘ เพื่อยกระดับการให้บริการประชาชน "
    "ผ่านช่องทางออนไลน์ และเปิดเผยข้อมูลข่าวสารตามพระราชบัญญัติข้อมูลข่าวสารของราชการ "
)
NETWORK = {
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "RETRY_TIMES": 0,
    "DOWNLOADER": "egov_crawl.crawler.downloader.PerHostLimitDownloader",
    "LOG_LEVEL": "WARNING",
    "TELNETCONSOLE_ENABLED": False,
    "REMOTE_CONTROL_ENABLED": False,
}


def page_html(site: int, page: int, pages: int) -> bytes:
    links = "".join(f'<li><a href="/p/{(page * 7 + k * 13) % pages}">หน้า {k}</a></li>' for k in range(20))
    return (
        f'<!doctype html><html lang="th"><head><meta charset="utf-8"><title>หน่วยงาน {site} หน้า {page}</title>'
        f'<meta name="description" content="หน้า {page}"></head><body><header><a href="/">หน้าแรก</a></header>'
        f"<nav><ul>{links}</ul></nav><main><h1>เรื่อง {page}</h1><p>{LOREM_TH * 3}</p></main>"
        f"<footer>ติดต่อ โทร 02-111-2222 ปรับปรุง 5 มี.ค. 2568</footer></body></html>"
    ).encode()


def serve(port: int, sites: int, pages: int) -> None:
    from aiohttp import web

    cache = {(s, p): page_html(s, p, pages) for s in range(sites) for p in range(pages)}

    async def handle(request: web.Request) -> web.Response:
        site = int((request.host or "s0").split(".")[1].removeprefix("site")) if "." in request.host else 0
        path = request.path
        if path == "/":
            return web.Response(body=cache[(site, 0)], content_type="text/html", charset="utf-8")
        if path.startswith("/p/"):
            return web.Response(body=cache[(site, int(path[3:]))], content_type="text/html", charset="utf-8")
        return web.Response(status=404, text="not found")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


BARE = """
import json, sys
from scrapy import Spider
from scrapy.crawler import CrawlerProcess
sys.path.insert(0, {root!r})

class Bare(Spider):
    name = "bare"
    def __init__(self, urls, **kw):
        super().__init__(**kw)
        self.urls = urls
    async def start(self):
        for url in self.urls:
            yield self.request(url)
    def request(self, url):
        from scrapy import Request
        return Request(url, callback=self.parse)
    def parse(self, response):
        yield from response.follow_all(css="a")

settings = dict({network!r})
settings["TWISTED_DNS_RESOLVER"] = "egov_crawl.crawler.resolver.HostMapResolver"
settings["EGOV_HOSTMAP"] = {hostmap!r}
process = CrawlerProcess(settings)
crawler = process.create_crawler(Bare)
process.crawl(crawler, urls={urls!r})
process.start()
stats = crawler.stats.get_stats()
print(json.dumps({{"pages": stats.get("response_received_count", 0),
                  "seconds": (stats["finish_time"] - stats["start_time"]).total_seconds()}}))
"""


# The two Scrapy settings egov-crawl changes for speed (see egov_crawl/crawler/settings.py); the bare spider is
# run with and without them, so the report separates Scrapy tuning from the cost of egov-crawl's own work.
TUNED = {"CONCURRENT_ITEMS": 1, "WARN_ON_GENERATOR_RETURN_VALUE": False}


def run_bare(hostmap: dict[str, object], urls: list[str], tmp: Path, extra: dict[str, object]) -> tuple[int, float]:
    # A file, not ``python -c``: Scrapy reads callbacks' source code (generator-with-return check).
    script = tmp / "bare_spider.py"
    network = {**NETWORK, **extra}
    script.write_text(BARE.format(root=str(ROOT), network=network, hostmap=hostmap, urls=urls), encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    return int(result["pages"]), float(result["seconds"])


def run_full(hostmap_obj: object, sites: int, pages: int, tmp: Path) -> tuple[int, float]:
    from sqlalchemy import func, select

    from egov_crawl.crawler.runner import crawl
    from egov_crawl.registry.models import Registry
    from egov_crawl.store.db import open_store, session_factory
    from egov_crawl.store.models import SiteCrawl

    registry = Registry.model_validate(
        {
            "version": 1,
            "agencies": [
                {
                    "id": f"site{s}",
                    "name": {"th": f"หน่วยงาน {s}"},
                    "cohort": "department",
                    "homepage": f"http://www.site{s}.test/",
                }
                for s in range(sites)
            ],
        }
    )
    db = f"sqlite:///{tmp / 'bench.db'}"
    summary = crawl(
        registry,
        None,
        db_url=db,
        hostmap=hostmap_obj,  # type: ignore[arg-type]
        max_pages=pages + 10,
        polite=False,
        settings={**NETWORK, "EGOV_CONCURRENT_AGENCIES": sites, "CONCURRENT_REQUESTS": max(2, 16 // sites)},
        log_file=tmp / "crawl.log",
    )
    with session_factory(open_store(db))() as session:
        start, end = session.execute(select(func.min(SiteCrawl.started_at), func.max(SiteCrawl.finished_at))).one()
    return summary.pages, (end - start).total_seconds()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sites", type=int, default=8)
    parser.add_argument("--pages", type=int, default=250)
    args = parser.parse_args()

    from egov_crawl.hostmap import HostMap, Target

    port = free_port()
    server = multiprocessing.Process(target=serve, args=(port, args.sites, args.pages), daemon=True)
    server.start()
    time.sleep(1.0)
    entries = {(f"www.site{s}.test", 80): Target("127.0.0.1", port) for s in range(args.sites)}
    hostmap = HostMap(entries, allow_private_networks=True)  # our own loopback server (SSRF guard, netguard.py)
    urls = [f"http://www.site{s}.test/" for s in range(args.sites)]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            with PeakSampler() as bare_mem:
                bare_pages, bare_s = run_bare(hostmap.to_json(), urls, Path(tmp), {})
            tuned_pages, tuned_s = run_bare(hostmap.to_json(), urls, Path(tmp), TUNED)
            with PeakSampler() as full_mem:
                full_pages, full_s = run_full(hostmap, args.sites, args.pages, Path(tmp))
    finally:
        server.terminate()
    bare_rate, tuned_rate, full_rate = bare_pages / bare_s, tuned_pages / tuned_s, full_pages / full_s
    print(f"sites × pages: {args.sites} × {args.pages}")
    print(f"bare Scrapy spider, Scrapy defaults:     {bare_pages} pages in {bare_s:.2f} s = {bare_rate:.0f} pages/s")
    print(f"bare Scrapy spider, same tuning as ours: {tuned_pages} pages in {tuned_s:.2f} s = {tuned_rate:.0f} pages/s")
    print(f"egov-crawl full crawl (facts, store):    {full_pages} pages in {full_s:.2f} s = {full_rate:.0f} pages/s")
    print(f"peak RSS (this process + crawler process): bare {bare_mem.peak_mb:.0f} MB, full {full_mem.peak_mb:.0f} MB")
    print(f"ratio full / bare (tuned):    {full_rate / tuned_rate:.2f} (the cost of egov-crawl's own work)")
    report(
        "crawl",
        {
            "sites": args.sites,
            "pages_per_site": args.pages,
            "bare": {"pages": bare_pages, "seconds": round(bare_s, 2), "pages_per_second": round(bare_rate, 1)},
            "bare_tuned": {
                "pages": tuned_pages,
                "seconds": round(tuned_s, 2),
                "pages_per_second": round(tuned_rate, 1),
            },
            "full": {"pages": full_pages, "seconds": round(full_s, 2), "pages_per_second": round(full_rate, 1)},
            "peak_rss_mb": {"bare": round(bare_mem.peak_mb, 1), "full": round(full_mem.peak_mb, 1)},
            "ratio_vs_tuned_bare": round(full_rate / tuned_rate, 3),
        },
        numbers=f"full {full_rate:.0f} pages/s vs bare Scrapy {bare_rate:.0f} pages/s ({full_pages} pages); "
        f"peak RSS full {full_mem.peak_mb:.0f} MB, bare {bare_mem.peak_mb:.0f} MB",
        ratio=full_rate / bare_rate,
        goal=0.8,
    )


if __name__ == "__main__":
    main()
