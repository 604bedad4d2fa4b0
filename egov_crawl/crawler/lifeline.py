"""The crawl child's tie to its parent: the child never outlives the process that started it.

A parent killed alone (SIGKILL, the OOM killer, a crash) used to leave the Scrapy child crawling for a minute or
more: outside the run lock, so a second run could start beside it, with its progress events failing on the
broken pipe (each failure dropped the page being parsed) while it still marked its site crawls complete.
Each of three guards ends the child at once, as a SIGKILL would. That is safe: every store write is one
transaction, so the child leaves only whole batches behind and its site crawls ``running``, which is what
``--resume`` continues from.

1. Linux's parent-death signal, ``prctl(PR_SET_PDEATHSIG, SIGKILL)``, set first thing in the child. The kernel
   sends it when the *thread* that started the child exits, so the parent must start and wait for the child in
   the same thread (``runner.run_crawl_process`` does). A parent that died before the call is caught by
   comparing ``getppid()`` with the pid the parent passed.
2. End of file on stdin, a pipe whose write end only the parent holds: the kernel closes it when the parent
   dies, on any system.
3. A broken event pipe (``events.emit``): nobody reads the child any more.
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
import threading

logger = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
EXIT_PARENT_GONE = 1


def parent_gone(why: str) -> None:
    """End the child now: no handler, no flush (the store holds only whole transactions)."""
    # FileHandler flushes every record, so the line is written before the exit.
    logger.error("the parent process is gone (%s): stopping the crawl at once; --resume continues it", why)
    os._exit(EXIT_PARENT_GONE)


def _die_on_parent_death() -> None:
    if not sys.platform.startswith("linux"):
        return  # the stdin guard still applies
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        logger.warning("prctl(PR_SET_PDEATHSIG) failed: %s", os.strerror(ctypes.get_errno()))


def _watch_stdin() -> None:
    # The file descriptor, not sys.stdin: a daemon thread blocked inside the buffered reader holds its lock, and
    # the interpreter's shutdown then aborts the child ("could not acquire lock ... at interpreter shutdown").
    fd = sys.stdin.fileno()
    while os.read(fd, 4096):
        pass  # the parent never writes; anything it did is ignored
    parent_gone("stdin closed")


def bind_to_parent(parent_pid: int) -> None:
    """Make this process die with ``parent_pid``; call before anything else runs in the child."""
    _die_on_parent_death()
    if os.getppid() != parent_pid:
        parent_gone(f"parent {parent_pid} exited before the child started")  # reparented: the signal is lost
    threading.Thread(target=_watch_stdin, name="parent-lifeline", daemon=True).start()
