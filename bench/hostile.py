"""The nightly run with and without the hostile sites: ``egov-crawl run`` over the testbed's sample agencies,
then ``run --all`` (the same agencies plus every hostile site), each timed end to end with the peak resident
memory of its whole process tree (the run, the crawl child, Playwright's driver and Chromium).

    python bench/hostile.py [--phases crawl,probe,browse,score]

Goals (issue 10): the hostile run takes at most 2× the time of the run without hostile sites, and its peak
memory stays under 1.5 GB. Besides the testbed's hostile sites, the hostile run covers the two sites that took
Chromium past 5 GB before the browser's byte budget (issue 19, H4), served here by a small loopback server in
this process (not measured): ``www.bench-endless.test``, whose home page is an HTML response without a
Content-Length that never ends, and ``www.bench-bomb.test``, a small home page whose e-service URL is the
testbed's gzip bomb (1 MB on the wire, 1 GiB inflated). Both must end ``too_large``.

Memory is sampled two ways every half second: the sum of the processes' RSS, which
counts the pages Chromium's processes share once per process (an overcount), and the sum of their PSS
(proportional set size, /proc/PID/smaps_rollup: a shared page split between its sharers), which is what the
tree really holds. The goal is judged on PSS; both are written. Also written: each hostile site's recorded
failure classes next to the manifest's ``expected_class``. Each run gets a fresh SQLite store; the testbed
runs in its own process (not measured).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml
from _common import ROOT, Timer, report, testbed, tree_rss_mb
from sqlalchemy import select

from egov_crawl.hostmap import HostMap, Target
from egov_crawl.process_memory import tree_pss_mb
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.store.models import BrowserFact, Page, ProbeFact, SiteCrawl
from egov_crawl.testbed.hostile import gzip_bomb_body

TIME_GOAL = 2.0
MEMORY_GOAL_MB = 1500.0


ENDLESS, BOMB = "www.bench-endless.test", "www.bench-bomb.test"
HOME = b'<!DOCTYPE html><html lang="th"><head><title>x</title></head><body><main><p>x</p></main></body></html>'
FILLER = (b"0123456789abcdef" * 63 + b"endless-stream\n") * 64  # 64 KiB of preformatted text a parser takes fast
# The two sites of issue 19 (H4): agency id -> (host, e-service path, expected class)
H4_SITES = {"hostile-bench-endless": (ENDLESS, None, "too_large"), "hostile-bench-bomb": (BOMB, "/bomb", "too_large")}


class _H4Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def handle(self) -> None:
        with contextlib.suppress(ConnectionError):  # the collectors drop the connection at their caps
            super().handle()

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").split(":")[0]
        if self.path == "/robots.txt":
            self._send(b"User-agent: *\nAllow: /\n", "text/plain")
        elif host == ENDLESS:
            self._endless()
        elif self.path == "/bomb":
            self._send(gzip_bomb_body(), "text/html; charset=utf-8", {"Content-Encoding": "gzip"})
        else:
            self._send(HOME, "text/html; charset=utf-8")

    def _send(self, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _endless(self) -> None:
        """Chunked HTML, no Content-Length, until the client goes away."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        with contextlib.suppress(OSError):
            for body in itertools.chain([HOME.partition(b"<main>")[0] + b"<main><pre>"], itertools.repeat(FILLER)):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(body), body))
        self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def with_h4_sites(state_dir: Path, out: Path) -> Iterator[Path]:
    """A copy of the testbed's state file whose registry and host map also hold the two H4 sites."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _H4Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        state = json.loads((state_dir / "testbed.json").read_text(encoding="utf-8"))
        registry = yaml.safe_load(Path(state["registry_path"]).read_text(encoding="utf-8"))
        for agency_id, (host, service, _) in H4_SITES.items():
            entry: dict[str, Any] = {
                "id": agency_id, "name": {"en": agency_id}, "cohort": "department", "homepage": f"http://{host}/",
            }  # fmt: skip
            if service:
                entry["eservices"] = [{"id": "bomb", "name": {"en": "bomb"}, "url": f"http://{host}{service}"}]
            registry["agencies"].append(entry)
        (out / "registry.yaml").write_text(yaml.safe_dump(registry, allow_unicode=True), encoding="utf-8")
        hostmap = HostMap.from_json(state["hostmap"])
        target = Target("127.0.0.1", server.server_address[1])
        entries = {**hostmap.entries, (ENDLESS, 80): target, (BOMB, 80): target}
        wider = HostMap(entries, hostmap.strict, hostmap.closed_port, hostmap.allow_private_networks)
        state.update(hostmap=wider.to_json(), registry_path=str(out / "registry.yaml"))
        (out / "testbed.json").write_text(json.dumps(state), encoding="utf-8")
        yield out / "testbed.json"
    finally:
        server.shutdown()
        server.server_close()


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
        print(f"run --all (with the hostile sites and the {len(H4_SITES)} of H4) …", flush=True)
        with with_h4_sites(handle.state_dir, tmp) as state:
            wider = ["--testbed", str(state), *common[2:]]
            hostile = timed_run(["--all", *wider, "--db", str(tmp / "hostile.db"), "--evidence", str(tmp / "ev2")], tmp)
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
        for agency_id, (_, _, expected) in H4_SITES.items():
            got = recorded.get(agency_id, [])
            table[agency_id.removeprefix("hostile-")] = {
                "expected_class": expected, "recorded": got, "classified": expected in got,
            }  # fmt: skip
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
