"""The browser's scratch folder: Chromium's HOME (with the NSS trust store), Playwright's profile and artifact
folders and the downloads folder, all under one folder per browser session.

The folder is removed on every exit path Python sees (end, exception, Ctrl-C). SIGKILL leaves it behind, so each
new session first removes the folders whose owner process is gone: the owner's pid is part of the name. A reused
pid only delays that sweep until the process holding the pid ends.

Playwright's driver creates its profile (``playwright_chromiumdev_profile-*``) and artifact folders in the
system temporary folder of its own environment (Node's ``os.tmpdir()``, which reads ``TMPDIR``), so the driver is
started with ``TMPDIR`` pointing here.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

PREFIX = "egov-crawl-browser-"


def owner_pid(folder: Path) -> int | None:
    """The pid in a scratch folder's name (``egov-crawl-browser-<pid>-<random>``), None for another name."""
    if not folder.name.startswith(PREFIX):
        return None
    pid, _, _ = folder.name[len(PREFIX) :].partition("-")
    return int(pid) if pid.isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def sweep_stale(parent: Path) -> list[Path]:
    """Remove the scratch folders in ``parent`` whose owner process has ended; return them."""
    removed: list[Path] = []
    with contextlib.suppress(OSError):
        for folder in parent.iterdir():
            pid = owner_pid(folder)
            if pid is None or pid == os.getpid() or _alive(pid) or not folder.is_dir():
                continue
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


@contextlib.contextmanager
def scratch_folder(parent: Path | None = None) -> Iterator[Path]:
    """A fresh private (0700) scratch folder in ``parent`` (default: the system temporary folder), removed on exit.

    Stale folders of dead owners in ``parent`` are removed first.
    """
    where = parent if parent is not None else Path(tempfile.gettempdir())
    where.mkdir(parents=True, exist_ok=True)
    sweep_stale(where)
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=where))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def environ(name: str, value: str) -> Iterator[None]:
    """``os.environ[name] = value`` for the ``with`` body (a child process started inside inherits it)."""
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old
