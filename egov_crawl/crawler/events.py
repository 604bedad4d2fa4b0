"""Machine-readable progress from the crawl process: one JSON object per line on a stream (stdout by default).

The parent process (``runner.run_crawl_process``) reads these lines to draw per-agency progress bars on a TTY or
to stay quiet otherwise; the crawl process never draws anything itself.
"""

from __future__ import annotations

import json
import time
from typing import Any, TextIO

from egov_crawl.crawler import lifeline

_stream: TextIO | None = None
_last_progress: dict[str, float] = {}
PROGRESS_INTERVAL_S = 0.25


def configure(stream: TextIO | None) -> None:
    """Send events to ``stream`` (None: nowhere)."""
    global _stream
    _stream = stream


def emit(event: str, **fields: Any) -> None:
    if _stream is None:
        return
    try:
        _stream.write(json.dumps({"event": event, **fields}, ensure_ascii=False, default=str) + "\n")
        _stream.flush()
    except BrokenPipeError:
        # The parent stopped reading: it is gone. Carrying on would drop the page this event was raised from
        # (the exception ends its callback) and still mark the crawl complete; stop as the parent's death does.
        lifeline.parent_gone("the event pipe is broken")


def progress(agency_id: str, pages: int, budget: int, *, force: bool = False) -> None:
    """At most a few progress events per second per agency, so a fast crawl does not flood the pipe."""
    now = time.monotonic()
    if not force and now - _last_progress.get(agency_id, 0.0) < PROGRESS_INTERVAL_S:
        return
    _last_progress[agency_id] = now
    emit("progress", agency=agency_id, pages=pages, budget=budget)
