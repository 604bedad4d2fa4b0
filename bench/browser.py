"""Browser throughput: ``egov-crawl browse`` pages/minute (render facts, axe-core, vitals, forms, two screenshots
per page, plus journeys and site searches) vs the Lighthouse CLI on the same testbed pages, in one run.

    python bench/browser.py [--sites revenue,dop,rid,tat,nso,cgd,dft] [--contexts N] [--lighthouse-pages 8]

The testbed runs in its own process; ``browse`` runs in this process against a fresh SQLite store, timed end to
end twice: its page jobs alone (the same pages and more work per page than Lighthouse: the goal's measure), then
the whole browse with its journeys and searches timed too (pages/min over all of it, reported beside).
Lighthouse (npm ``lighthouse``, installed into bench/.node/ on first use) then audits the first
``--lighthouse-pages`` of the page URLs browse observed, one after another as its CLI does, against a Chromium we
start with the testbed's host map and a HOME that trusts the testbed CA (Lighthouse splits ``--chrome-flags`` on
spaces, which breaks the host-resolver rules, so it connects with ``--port`` instead). Goal: browse ≥ 5×
Lighthouse's pages/minute.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from _common import ROOT, Timer, peak_rss_mb, report, testbed
from sqlalchemy import select

from egov_crawl.browser.runner import BrowseSummary, JobKind, browse
from egov_crawl.browser.session import find_chromium, prepare_trust_home
from egov_crawl.hostmap import HostMap
from egov_crawl.registry import load_registry
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.store.models import BrowserFact

NODE_DIR = ROOT / "bench" / ".node"
LIGHTHOUSE = NODE_DIR / "node_modules" / ".bin" / "lighthouse"
GOAL = 5.0
CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def ensure_lighthouse() -> str | None:
    """The Lighthouse CLI path, installed from the npm registry when missing; None (and why) if impossible."""
    if LIGHTHOUSE.exists():
        return None
    if shutil.which("npm") is None:
        return "npm is not installed (apt-get install npm)"
    print(f"installing Lighthouse into {NODE_DIR.relative_to(ROOT)} (npm install lighthouse) …", flush=True)
    NODE_DIR.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["npm", "install", "--prefix", str(NODE_DIR), "lighthouse", "--no-audit", "--no-fund"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not LIGHTHOUSE.exists():
        return f"npm install lighthouse failed: {(result.stderr or result.stdout).strip()[-300:]}"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def debug_chromium(hostmap: HostMap, ca_pem: Path, tmp: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """A headless Chromium with a DevTools port, the testbed's host map and CA; yields (port, env)."""
    home = prepare_trust_home(ca_pem, tmp / "home")
    env = {**os.environ, "HOME": str(home), "CHROME_PATH": str(find_chromium().path)}
    port = free_port()
    command = [
        env["CHROME_PATH"],
        *CHROME_FLAGS,
        f"--remote-debugging-port={port}",
        f"--user-data-dir={tmp / 'profile'}",
        f"--host-resolver-rules={hostmap.chromium_resolver_rules()}",
        "about:blank",
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            time.sleep(0.2)
        yield port, env
    finally:
        process.terminate()
        process.wait(timeout=15)


def run_lighthouse(urls: list[str], port: int, env: dict[str, str], tmp: Path) -> tuple[int, float, list[str]]:
    """Audit ``urls`` one by one (performance = vitals + screenshots, accessibility = axe, best practices);
    returns (pages audited without a runtime error, seconds, errors)."""
    ok, errors = 0, []
    with Timer() as timer:
        for n, url in enumerate(urls):
            out = tmp / f"lh-{n}.json"
            result = subprocess.run(
                [
                    str(LIGHTHOUSE),
                    url,
                    f"--port={port}",
                    "--quiet",
                    "--output=json",
                    f"--output-path={out}",
                    "--only-categories=performance,accessibility,best-practices",
                ],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode == 0:
                ok += 1
            else:
                errors.append(f"{url}: {result.stderr.strip().splitlines()[-1:] or result.returncode}")
    return ok, timer.seconds, errors


def browsed_page_urls(db_url: str) -> list[str]:
    with session_factory(open_store(db_url))() as session:
        rows = session.execute(select(BrowserFact.url).where(BrowserFact.kind == "page").order_by(BrowserFact.id))
        return list(dict.fromkeys(row[0] for row in rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", default="revenue,dop,rid,tat,nso,cgd,dft")
    parser.add_argument("--contexts", type=int, default=None, help="browse contexts (default: browse's default)")
    parser.add_argument("--lighthouse-pages", type=int, default=8)
    args = parser.parse_args()
    sites = [s for s in args.sites.split(",") if s]
    options = {} if args.contexts is None else {"contexts": args.contexts}
    with testbed("--no-hostile") as tb, tempfile.TemporaryDirectory(prefix="bench-browser-") as directory:
        tmp = Path(directory)

        def timed_browse(name: str, kinds: tuple[JobKind, ...]) -> tuple[BrowseSummary, float, str]:
            db_url = f"sqlite:///{tmp / name}.db"
            with Timer() as timer:
                summary = browse(
                    load_registry(tb.registry_path),
                    sites,
                    db_url=db_url,
                    run_id=None,
                    hostmap=tb.hostmap,
                    ca_file=tb.ca_pem,
                    evidence_dir=tmp / f"evidence-{name}",
                    kinds=kinds,
                    **options,  # type: ignore[arg-type]
                )
            rate = summary.pages / timer.seconds * 60
            print(
                f"browse ({name}): {summary.pages} pages + {summary.jobs - summary.pages} journeys/searches in "
                f"{timer.seconds:.1f} s = {rate:.1f} pages/min, errors {summary.errors or 'none'}",
                flush=True,
            )
            return summary, timer.seconds, db_url

        # The goal's measure: the same pages as Lighthouse, with what Lighthouse does (axe, vitals, screenshots)
        # and more (forms, trackers, cookies). Then the whole browse, its journeys and searches timed as well.
        summary, page_seconds, db_url = timed_browse("pages", ("page",))
        browse_rate = summary.pages / page_seconds * 60
        whole, whole_seconds, _ = timed_browse("whole", ("page", "journey", "search"))
        whole_rate = whole.pages / whole_seconds * 60
        urls = browsed_page_urls(db_url)[: args.lighthouse_pages]
        why_not = ensure_lighthouse()
        lighthouse: dict[str, object] = {"skipped": why_not}
        ratio: float | None = None
        if why_not is None:
            with debug_chromium(tb.hostmap, tb.ca_pem, tmp) as (port, env):
                ok, seconds, errors = run_lighthouse(urls, port, env, tmp)
            lh_rate = ok / seconds * 60 if ok else 0.0
            lighthouse = {"pages": len(urls), "ok": ok, "seconds": round(seconds, 1), "errors": errors[:5]}
            lighthouse["pages_per_minute"] = round(lh_rate, 2)
            print(f"lighthouse: {ok}/{len(urls)} pages in {seconds:.1f} s = {lh_rate:.1f} pages/min", flush=True)
            ratio = browse_rate / lh_rate if lh_rate else None
        else:
            print(f"note: the Lighthouse comparison is skipped: {why_not}")
    result = {
        "sites": sites,
        # "browse" is the whole browse, journeys and searches included: what bench/growth.py and bench/scale.py
        # size a night's browser work with. "browse_pages" is the goal's measure.
        "browse": {
            "contexts": args.contexts or "default",
            "pages": whole.pages,
            "jobs": whole.jobs,
            "errors": whole.errors,
            "seconds": round(whole_seconds, 1),
            "pages_per_minute": round(whole_rate, 1),
            "ratio": round(whole_rate / lh_rate, 2) if ratio is not None else None,
        },
        "browse_pages": {
            "pages": summary.pages,
            "jobs": summary.jobs,
            "errors": summary.errors,
            "seconds": round(page_seconds, 1),
            "pages_per_minute": round(browse_rate, 1),
        },
        "lighthouse": lighthouse,
        "peak_rss_mb_python": round(peak_rss_mb(), 1),
    }
    lh_text = f"{lighthouse['pages_per_minute']} pages/min" if ratio is not None else f"skipped ({why_not})"
    report(
        "browser",
        result,
        numbers=f"browse {browse_rate:.1f} pages/min ({summary.pages} pages, {len(sites)} sites; "
        f"{whole_rate:.1f} with {whole.jobs - whole.pages} journeys and searches timed too); Lighthouse {lh_text}",
        ratio=ratio,
        goal=GOAL,
        note="" if ratio is not None else f"Lighthouse not run: {why_not}",
    )


if __name__ == "__main__":
    main()
