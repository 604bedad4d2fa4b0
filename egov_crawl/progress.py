"""One progress display for the collectors: a Rich bar per agency on a terminal's stderr, nothing otherwise.

``crawl`` and ``probe`` each turn their own events into calls of ``AgencyBars``; when the console is not a
terminal nothing is drawn (the command's final table, CSV or JSON is the output).
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from egov_crawl.output import terminal_safe


class AgencyBars:
    """``with Bars(console) as bars: …``: one bar per agency, its description and state shown literally."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.enabled = self.console.is_terminal
        self._progress = Progress(
            TextColumn("{task.description:<24}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[state]}"),
            TimeElapsedColumn(),
            console=self.console,
            transient=False,
        )
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> Self:
        if self.enabled:
            self._progress.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self.enabled:
            self._progress.stop()

    def start(self, agency: str, *, total: int | None, state: str) -> None:
        # Descriptions and states are Rich markup: what comes from the registry or a site is escaped.
        self._tasks[agency] = self._progress.add_task(terminal_safe(agency), total=total, state=terminal_safe(state))

    def update(self, agency: str, *, state: str | None = None, **values: Any) -> None:
        """Move an agency's bar (``completed``, ``total``); agencies without a bar are ignored."""
        if agency in self._tasks:
            if state is not None:
                values["state"] = terminal_safe(state)
            self._progress.update(self._tasks[agency], **values)

    def note(self, text: str) -> None:
        self._progress.console.print(terminal_safe(text))
