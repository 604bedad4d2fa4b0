"""Per-agency progress of a crawl, from the crawl process's events: Rich bars on a TTY, silence otherwise."""

from __future__ import annotations

from typing import Any

from egov_crawl.progress import AgencyBars


class CrawlProgress(AgencyBars):
    """``with CrawlProgress(console) as progress: crawl(..., on_event=progress.handle)``.

    One bar per running agency (pages done / budget); a finished agency's bar shows how it ended.
    """

    def handle(self, event: dict[str, Any]) -> None:
        if not self.enabled:
            return
        agency = str(event.get("agency", ""))
        kind = event.get("event")
        if kind == "agency_started":
            self.start(agency, total=event.get("budget"), state="crawling")
        elif kind == "progress":
            self.update(agency, completed=event.get("pages", 0))
        elif kind == "agency_finished":
            state = str(event.get("status"))
            if event.get("error_class"):
                state += f" ({event['error_class']})"
            elif event.get("finish_reason") not in (None, "finished"):
                state += f" ({event['finish_reason']})"
            self.update(agency, completed=event.get("pages", 0), total=event.get("pages") or 1, state=state)
        elif kind == "agency_skipped":
            self.note(f"{agency}: skipped ({event.get('reason')})")
