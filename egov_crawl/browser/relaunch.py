"""Survive a Chromium crash: tell a job that failed because the browser died from one that failed on its own,
and start a new browser for the jobs that remain.

When the browser process dies (killed, out of memory, a Chromium bug) every page and context dies with it, and
each job in flight fails with "Target page, context or browser has been closed". Without a new browser every
later job would fail the same way, and the run would look complete with most of its facts missing. The workers
share one ``Relauncher``: the first worker to find the browser dead launches a new one, the others (which saw the
same browser die) use it. A job the crash took down is run once more on the new browser (the runner does that).

A browser that cannot be launched again, or that dies ``MAX_CRASHES_IN_A_ROW`` times without a job ending in
between, raises ``BrowserLost``: the phase stops there, so a nightly run ends as failed and ``--resume`` browses
again, instead of storing crash rows for every remaining job.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from playwright.async_api import Browser

MAX_CRASHES_IN_A_ROW = 3
HEALTH_CHECK_S = 10.0
CLOSE_S = 10.0


class BrowserLost(RuntimeError):
    """Chromium died and could not be started again: the browse cannot go on."""


class Relauncher:
    def __init__(self, launch: Callable[[], Awaitable[Browser]], browser: Browser) -> None:
        self._launch = launch
        self.browser = browser
        self.generation = 0  # bumped at every relaunch; a worker's contexts belong to one generation
        self.relaunches = 0
        self._crashes_in_a_row = 0
        self._lost: BrowserLost | None = None
        self._lock = asyncio.Lock()

    async def alive(self) -> bool:
        """Whether the current browser still answers: connected, and able to open (and close) a context."""
        if not self.browser.is_connected():
            return False
        try:
            context = await asyncio.wait_for(self.browser.new_context(), HEALTH_CHECK_S)
            await asyncio.wait_for(context.close(), HEALTH_CHECK_S)
        except Exception:  # closed, crashed or wedged: all mean the jobs on it cannot go on
            return False
        return True

    def job_ended(self) -> None:
        """A job ran to its end on the current browser: the browser works, crashes are no longer "in a row"."""
        self._crashes_in_a_row = 0

    async def relaunch(self, seen_generation: int) -> None:
        """Replace the browser of ``seen_generation`` (the one a worker saw die) unless another worker already
        has. Raises ``BrowserLost`` when Chromium cannot be started or keeps dying."""
        async with self._lock:
            if self._lost is not None:
                raise self._lost
            if self.generation != seen_generation:
                return  # another worker relaunched it while this one waited
            with contextlib.suppress(Exception):  # the old driver-side browser object: let Playwright forget it
                await asyncio.wait_for(self.browser.close(), CLOSE_S)
            self._crashes_in_a_row += 1
            if self._crashes_in_a_row > MAX_CRASHES_IN_A_ROW:
                self._lost = BrowserLost(
                    f"Chromium crashed {self._crashes_in_a_row} times in a row without finishing a job"
                )
                raise self._lost
            try:
                self.browser = await self._launch()
            except Exception as exc:
                first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                self._lost = BrowserLost(f"Chromium crashed and could not be started again: {first}")
                raise self._lost from exc
            self.generation += 1
            self.relaunches += 1
