"""What every benchmark script shares: the testbed process, timing, peak memory, the machine description, the
results file ``bench/results/<name>.json`` and the benchmark's row in docs/benchmarks.md.

Not a benchmark itself (``make bench`` runs the scripts listed in the Makefile, not this module).
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from egov_crawl.registry.models import Registry  # noqa: E402
from egov_crawl.testbed.process import (  # noqa: E402
    TestbedHandle,
    handle_from_state,
    start_server_process,
    stop_server_process,
    wait_for_state,
)

RESULTS_DIR = ROOT / "bench" / "results"
DOCS = ROOT / "docs" / "benchmarks.md"
# The results table of docs/benchmarks.md lives between these markers; each benchmark owns one row (by name).
TABLE_START, TABLE_END = "<!-- bench:results -->", "<!-- /bench:results -->"
TABLE_HEAD = "| benchmark | date | machine | numbers | ratio | goal | met |\n|---|---|---|---|---|---|---|"


def machine() -> dict[str, Any]:
    """Cores, memory, CPU model, OS and Python of this machine (what a reader needs to compare runs)."""
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem_gib = 0.0
    with contextlib.suppress(OSError, ValueError, IndexError):
        mem_gib = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(mem_gib, 1),
        "os": platform.platform(terse=True),
        "python": platform.python_version(),
        "load_average_1min": round(load, 2),
    }


def machine_label(info: dict[str, Any]) -> str:
    return (
        f"{info['cpus']} cores, {info['memory_gib']:.0f} GiB, Python {info['python']}, load {info['load_average_1min']}"
    )


@dataclass
class Timer:
    """Wall time of a ``with`` block: ``with Timer() as t: ...; t.seconds``."""

    seconds: float = 0.0
    _started: float = 0.0

    def __enter__(self) -> Timer:
        self._started = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._started


def peak_rss_mb(children: bool = False) -> float:
    """Peak resident memory of this process (or of its waited-for children, the largest one) in MiB.
    ru_maxrss is in KiB on Linux (getrusage(2))."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024


def tree_rss_mb(pid: int) -> float:
    """Current resident memory of a process and all its descendants, in MiB (for Chromium's process tree)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        with contextlib.suppress(OSError, ValueError):
            status = Path(f"/proc/{current}/status").read_text()
            total += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
    return total / 1024


@contextlib.contextmanager
def testbed(*extra: str) -> Iterator[TestbedHandle]:
    """The testbed in its own process (as in the tests), stopped at the end; ``extra``: ``serve`` options."""
    with tempfile.TemporaryDirectory(prefix="egov-bench-testbed-") as directory:
        state_dir = Path(directory)
        process = start_server_process(state_dir, *extra)
        try:
            yield handle_from_state(state_dir, wait_for_state(process, state_dir))
        finally:
            stop_server_process(process)


def crawl_testbed(
    tb: TestbedHandle, registry: Registry, agency_ids: list[str] | None, db_url: str, pages: int, **options: Any
) -> Any:
    """Crawl agencies of the testbed into ``db_url`` (``pages`` per agency, no politeness delay: the testbed is
    ours); ``options``: more keyword arguments of ``crawler.runner.crawl``. The crawl's summary."""
    from egov_crawl.crawler.runner import crawl

    return crawl(
        registry,
        agency_ids,
        db_url=db_url,
        hostmap=tb.hostmap,
        ca_file=tb.ca_pem,
        max_pages=pages,
        polite=False,
        **options,
    )


def probe_testbed(
    tb: TestbedHandle, registry: Registry, agency_ids: list[str] | None, db_url: str, run_id: int, **options: Any
) -> Any:
    """Probe agencies of the testbed into ``run_id``, DNS asked of the testbed's own server; ``options``: more
    keyword arguments of ``probes.runner.probe``. The probe's summary."""
    from egov_crawl.probes.dns import Nameserver
    from egov_crawl.probes.runner import probe

    return probe(
        registry,
        agency_ids,
        db_url=db_url,
        run_id=run_id,
        hostmap=tb.hostmap,
        ca_file=tb.ca_pem,
        dns_server=Nameserver("127.0.0.1", tb.dns_port),
        trust_anchors=tb.state.get("dns_trust_anchors"),
        **options,
    )


def verdict(ratio: float | None, goal: float, higher_is_better: bool = True) -> str:
    if ratio is None:
        return "not measured"
    met = ratio >= goal if higher_is_better else ratio <= goal
    return "yes" if met else "NO"


def report(
    name: str,
    result: dict[str, Any],
    *,
    numbers: str,
    ratio: float | None,
    goal: float,
    higher_is_better: bool = True,
    note: str = "",
) -> None:
    """Print the ratio next to its goal, write ``bench/results/<name>.json`` and the benchmark's docs row."""
    info = machine()
    sign = "≥" if higher_is_better else "≤"
    met = verdict(ratio, goal, higher_is_better)
    shown = "—" if ratio is None else f"{ratio:.2f}"
    print(f"[{name}] ratio {shown} (goal {sign} {goal:g}) met: {met}" + (f" — {note}" if note else ""))
    full = {
        "name": name,
        "date": date.today().isoformat(),
        "machine": info,
        **result,
        "ratio": None if ratio is None else round(ratio, 3),
        "goal": f"{sign} {goal:g}",
        "met": met,
        "note": note,
    }
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"{name}.json"
    out.write_text(json.dumps(full, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"[{name}] wrote {out.relative_to(ROOT)}")
    row = f"| {name} | {full['date']} | {machine_label(info)} | {numbers} | {shown} | {sign} {goal:g} | {met} |"
    write_docs_row(name, row)


def write_docs_row(name: str, row: str) -> None:
    """Replace (or add) the row of ``name`` in docs/benchmarks.md's results table."""
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    if TABLE_START not in text:
        text = text.rstrip("\n") + f"\n\n## Latest results (`make bench`)\n\n{TABLE_START}\n{TABLE_HEAD}\n{TABLE_END}\n"
    head, rest = text.split(TABLE_START, 1)
    table, tail = rest.split(TABLE_END, 1)
    rows = [line for line in table.strip().splitlines()[2:] if line.strip()]
    rows = [r for r in rows if r.split("|")[1].strip() != name]
    rows.append(row)
    order = ["crawl", "browser", "scoring", "probes", "growth"]
    rows.sort(key=lambda r: (order.index(k) if (k := r.split("|")[1].strip()) in order else len(order), k))
    DOCS.write_text(head + TABLE_START + "\n" + TABLE_HEAD + "\n" + "\n".join(rows) + "\n" + TABLE_END + tail, "utf-8")


class PeakSampler:
    """Peak resident memory of this process and its descendants (Scrapy, Chromium) while a ``with`` block
    runs, sampled every ``interval`` seconds in a thread: ru_maxrss cannot give a per-phase peak."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, tree_rss_mb(os.getpid()))
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_mb = max(self.peak_mb, tree_rss_mb(os.getpid()))


def least_squares(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """(intercept, slope) of the least-squares line y = a + b·x."""
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx if sxx else 0.0
    return my - slope * mx, slope
