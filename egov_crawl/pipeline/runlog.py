"""What a nightly run tells its operator: readable lines on a terminal, JSON lines for a log shipper.

Both go to stderr so that stdout stays free for the final table (``--format csv -o -`` pipes cleanly).
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import Any, Protocol, TextIO

from rich.console import Console

from egov_crawl.output import terminal_safe


class RunLog(Protocol):
    def event(self, name: str, **fields: Any) -> None: ...


class JsonRunLog:
    """One JSON object per line: ``{"ts": …, "event": …, …}`` — what journald, Loki or Fluent Bit ingest."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr

    def event(self, name: str, **fields: Any) -> None:
        record = {"ts": datetime.now(UTC).isoformat(timespec="milliseconds"), "event": name, **fields}
        self.stream.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        self.stream.flush()


class ConsoleRunLog:
    """Phase boundaries and failures as short lines; per-page chatter stays in the progress bars."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)

    def event(self, name: str, **fields: Any) -> None:
        # The lines are Rich markup; details and errors can quote registry or site text, so every field is escaped.
        fields = {key: terminal_safe(value) if isinstance(value, str) else value for key, value in fields.items()}
        if name == "phase_started":
            self.console.print(f"[bold]{fields['phase']}[/] …")
        elif name == "phase_finished":
            self.console.print(
                f"[bold]{fields['phase']}[/] done in {fields['seconds']:.1f} s {fields.get('detail', '')}"
            )
        elif name == "phase_skipped":
            self.console.print(f"[bold]{fields['phase']}[/] skipped ({fields['reason']})")
        elif name == "phase_failed":
            self.console.print(f"[red]{fields['phase']} failed:[/] {fields['error']}")
        elif name == "run_started":
            self.console.print(
                f"run {fields['run_id']}: {fields['agencies']} agencies, "
                f"phases {terminal_safe(', '.join(fields['phases']))}"
            )
        elif name == "run_finished":
            self.console.print(f"run {fields['run_id']} {fields['status']} in {fields['seconds']:.1f} s")
