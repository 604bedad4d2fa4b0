"""Chromium's files after a kill (audit L1: Chromium HOME folders and Playwright profiles stayed in the temp folder).

A real ``browser_session`` in a child process gets SIGKILL (with its whole process group: Playwright's driver and
Chromium). Its HOME and Playwright's profile folder were all in one scratch folder, which stays behind; the next
session, in this process, removes it before starting, and removes its own on exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from egov_crawl.browser.scratch import PREFIX, owner_pid
from egov_crawl.browser.session import browser_session
from tests.fixtures.requirements import require_chromium

pytestmark = pytest.mark.browser

CHILD = """
import asyncio, sys
from pathlib import Path
from egov_crawl.browser.session import browser_session

async def main() -> None:
    async with browser_session(workdir=Path(sys.argv[1])) as browser:
        await browser.new_page()
        print("ready", flush=True)
        await asyncio.sleep(3600)

asyncio.run(main())
"""


def _descendants(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        with contextlib.suppress(OSError):  # ended while being read
            for task in Path(f"/proc/{pending.pop()}/task").iterdir():
                children = [int(c) for c in (task / "children").read_text().split()]
                found += children
                pending += children
    return found


def _scratch_folders(where: Path) -> list[Path]:
    return sorted(p for p in where.iterdir() if p.name.startswith(PREFIX))


def test_a_killed_sessions_folder_holds_everything_and_the_next_session_removes_it(tmp_path: Path) -> None:
    require_chromium()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path)], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    finally:  # the child, Playwright's driver and Chromium (which the driver starts in its own process group)
        for pid in [child.pid, *_descendants(child.pid)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        child.wait()
    (left,) = _scratch_folders(tmp_path)
    assert owner_pid(left) == child.pid
    assert (left / "home").is_dir()  # Chromium's HOME
    assert list((left / "tmp").glob("playwright_chromiumdev_profile-*"))  # Playwright's profile: here, not in /tmp

    async def session_then_error() -> Path:
        async with browser_session(workdir=tmp_path) as browser:
            await browser.new_page()
            (own,) = _scratch_folders(tmp_path)  # the dead owner's folder is gone
            assert owner_pid(own) == os.getpid()
            raise LookupError(own)

    with pytest.raises(LookupError):
        asyncio.run(session_then_error())
    assert _scratch_folders(tmp_path) == []  # removed on the way out of a failing body too


def test_a_live_owners_folder_is_kept(tmp_path: Path) -> None:
    require_chromium()
    parent = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        live = tmp_path / f"{PREFIX}{parent.pid}-abc"
        live.mkdir()

        async def session() -> None:
            async with browser_session(workdir=tmp_path):
                pass

        asyncio.run(session())
        assert _scratch_folders(tmp_path) == [live]
    finally:
        parent.communicate("")
