"""Registry and site text in the progress lines of every phase (audit M3, the rest: ``rank`` and ``agencies list``
are covered in test_escaping.py).

Each phase's progress printer (crawl bars, probe bars, browse job lines, the nightly run's phase lines) is given
events whose text fields carry Rich markup (``[/bold]``, ``[link=…]``) and terminal escapes (an SGR colour, an
OSC-8 hyperlink), on a console that behaves as a terminal. The text must be shown literally: no MarkupError, no
clickable link, no escape sequence from the data reaching the terminal.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from rich.console import Console

from egov_crawl.browser.command import BrowseProgress
from egov_crawl.crawler.progress import CrawlProgress
from egov_crawl.pipeline.runlog import ConsoleRunLog
from egov_crawl.probes.command import ProbeProgress
from egov_crawl.probes.runner import ProbeEvent

HOSTILE = "กรม [/bold] [link=http://x.test]click[/link] \x1b[31mRED \x1b]8;;http://evil.test\x07osc\x1b]8;;\x07"

RICH_STYLES = re.compile(r"\x1b\[[0-9;]*m")


def _terminal() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, color_system="truecolor", width=300), out


def _crawl(console: Console) -> None:
    with CrawlProgress(console) as progress:
        progress.handle({"event": "agency_started", "agency": HOSTILE, "budget": 10})
        progress.handle({"event": "agency_finished", "agency": HOSTILE, "pages": 3, "status": "partial",
                         "error_class": HOSTILE})  # fmt: skip
        progress.handle({"event": "agency_skipped", "agency": HOSTILE, "reason": HOSTILE})


def _probe(console: Console) -> None:
    with ProbeProgress(console) as progress:
        progress.handle(ProbeEvent("agency_started", HOSTILE, total=1))
        progress.handle(ProbeEvent("agency_finished", HOSTILE, total=1))


def _browse(console: Console) -> None:
    progress = BrowseProgress(console)
    progress.handle({"event": "job", "agency": HOSTILE, "kind": "page", "url": f"http://x.test/{HOSTILE}",
                     "errors": []})  # fmt: skip


def _run(console: Console) -> None:
    log = ConsoleRunLog(console)
    log.event("run_started", run_id=1, agencies=1, phases=["crawl", HOSTILE])
    log.event("phase_started", run_id=1, phase="browse")
    log.event("phase_finished", run_id=1, phase="browse", seconds=1.0, detail=HOSTILE)
    log.event("phase_skipped", run_id=1, phase="probe", reason=HOSTILE)
    log.event("phase_failed", run_id=1, phase="crawl", error=HOSTILE)
    log.event("run_finished", run_id=1, status=HOSTILE, seconds=2.0)


@pytest.mark.parametrize("show", [_crawl, _probe, _browse, _run], ids=["crawl", "probe", "browse", "run"])
def test_markup_and_escapes_from_data_are_shown_literally(show: Callable[[Console], None]) -> None:
    console, out = _terminal()
    show(console)  # a MarkupError ("closing tag '[/bold]' doesn't match any open tag") before the fix
    printed = out.getvalue()
    shown = RICH_STYLES.sub("", printed)  # Rich's own colours (its highlighter colours brackets) left out
    assert "[/bold]" in shown and "[link=http://x.test]" in shown  # literally, not as markup
    assert "\x1b]8;" not in printed  # no OSC-8 hyperlink, neither from [link=…] nor from the data's own
    assert "\x1b[31mRED" not in printed and "RED" in printed  # the data's colour code is stripped, its text kept
