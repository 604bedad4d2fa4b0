"""Ctrl-C and SIGTERM end a run quietly: exit 130, the run marked ``interrupted``, nothing else on stderr.

A service manager stops with SIGTERM, which Python would obey at once (no ``finally``: the run left
``running``, its lock files behind); it is raised as the ``KeyboardInterrupt`` Ctrl-C gives. A terminal's Ctrl-C
also reaches Playwright's driver, which exits before the browser phase has closed its pages: every request then
still waiting fails with "Connection closed", and asyncio printed each such unread result ("Future exception was
never retrieved", with its traceback) while the interpreter shut down. After an interrupt these leftovers say
nothing an operator can act on, so they are not printed; before one they still are (they would be a bug).
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

# asyncio's messages for an unread result of aborted work ("Future …", "_GatheringFuture …", "Task exception
# was never retrieved") and for a task dropped unfinished.
LEFTOVER_MESSAGES = ("exception was never retrieved", "Task was destroyed but it is pending")


def _sigterm_as_interrupt(signum: int, frame: FrameType | None) -> None:
    # Whatever Ctrl-C does now: inside ``asyncio.run`` (probes, browser) its handler cancels the main task, which
    # lets the phase close its pages and connections; a KeyboardInterrupt raised in the middle of the event loop
    # instead aborted a callback and left coroutines unawaited, each reported on stderr.
    on_ctrl_c = signal.getsignal(signal.SIGINT)
    if not callable(on_ctrl_c):
        raise KeyboardInterrupt
    on_ctrl_c(signal.SIGINT, frame)  # Python's own handler raises KeyboardInterrupt; asyncio's cancels its task


def _not_a_leftover(record: logging.LogRecord) -> bool:
    first_line = str(record.msg).split("\n", 1)[0]
    return not any(message in first_line for message in LEFTOVER_MESSAGES)


def silence_asyncio_leftovers() -> None:
    """From now on, drop asyncio's reports of unread results (the work they belonged to was interrupted)."""
    asyncio_logger = logging.getLogger("asyncio")
    if _not_a_leftover not in asyncio_logger.filters:
        asyncio_logger.addFilter(_not_a_leftover)


@contextmanager
def stop_quietly() -> Iterator[None]:
    """For the block: SIGTERM is Ctrl-C, and after either the aborted asyncio work is not reported."""
    previous = signal.signal(signal.SIGTERM, _sigterm_as_interrupt)
    try:
        yield
    except KeyboardInterrupt:
        silence_asyncio_leftovers()
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
