"""Per-agency progress of a crawl, from the crawl process's events: Rich bars on a TTY, silence otherwise."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from egov_crawl.output import terminal_safe


class CrawlProgress:
    """``with CrawlProgress(console) as progress: crawl(..., on_event=progress.handle)``.

    One bar per running agency (pages done / budget); a finished agency's bar shows how it ended. When the
    console is not a terminal nothing is drawn: the command's final table (or CSV/JSON) is the output.
    """

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

    def __enter__(self) -> CrawlProgress:
        if self.enabled:
            self._progress.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self.enabled:
            self._progress.stop()

    def handle(self, event: dict[str, Any]) -> None:
        if not self.enabled:
            return
        agency = str(event.get("agency", ""))
        kind = event.get("event")
        if kind == "agency_started":
            # Descriptions and states are Rich markup: what comes from the registry or a site is escaped.
            self._tasks[agency] = self._progress.add_task(
                terminal_safe(agency), total=event.get("budget"), state="crawling"
            )
        elif kind == "progress" and agency in self._tasks:
            self._progress.update(self._tasks[agency], completed=event.get("pages", 0))
        elif kind == "agency_finished" and agency in self._tasks:
            state = str(event.get("status"))
            if event.get("error_class"):
                state += f" ({event['error_class']})"
            elif event.get("finish_reason") not in (None, "finished"):
                state += f" ({event['finish_reason']})"
            self._progress.update(
                self._tasks[agency],
                completed=event.get("pages", 0),
                total=event.get("pages") or 1,
                state=terminal_safe(state),
            )
        elif kind == "agency_skipped":
            self._progress.console.print(terminal_safe(f"{agency}: skipped ({event.get('reason')})"))
