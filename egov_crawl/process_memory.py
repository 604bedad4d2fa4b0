"""Memory of a process tree, as the benchmarks and the memory-bound tests measure it (Linux ≥ 4.14)."""

from __future__ import annotations

import contextlib
from pathlib import Path


def tree_pss_mb(pid: int) -> float:
    """Proportional set size (PSS) of a process and all its descendants, in MiB: RSS would count twice the pages
    a forked child shares with its parent (an RQ work horse, the Scrapy child, Chromium's renderers)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        with contextlib.suppress(OSError, ValueError):  # the process ended while being read
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            total += next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
    return total / 1024
