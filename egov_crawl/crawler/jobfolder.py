"""The crawl child's private folder in the temp directory: its job file, CA bundle and (by default) its log.

The job file once held the database URL with its password, readable by every local user (0644), and stayed in
the temp directory after a kill. Now: the folder is 0700 and its files 0600; the password never reaches the disk
(the child gets the full URL in its environment, readable only by the same user); the folder is removed on
every exit of the parent that Python sees (an error, Ctrl-C, the SIGTERM that ``run`` turns into one); a folder
left by a killed parent is swept by the next crawl on the machine. The folder's name carries its parent's pid,
which is what tells a stale folder from a live one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url

PREFIX = "egov-crawl-job-"
# The full database URL for the child: the job file holds it with the password masked.
DB_URL_ENV = "EGOV_CRAWL_JOB_DB_URL"


def without_password(db_url: str) -> str:
    """The URL as it may be written down: the password (if any) masked."""
    try:
        return make_url(db_url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy parses: the child will say so; nothing of it is written down
        return "(database URL in the environment)"


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to a new file only this user can read (created 0600, not chmod-ed after the write)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def sweep_stale(temp_dir: Path | None = None) -> list[Path]:
    """Remove job folders of this user whose parent process is gone; returns what was removed."""
    removed = []
    for folder in Path(temp_dir or tempfile.gettempdir()).glob(f"{PREFIX}*"):
        pid_text = folder.name.removeprefix(PREFIX).split("-", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        with contextlib.suppress(OSError):
            if folder.is_dir() and not folder.is_symlink() and folder.stat().st_uid == os.getuid():
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    return removed


@contextlib.contextmanager
def job_folder() -> Iterator[Path]:
    """A new private folder for one crawl child, removed when the block ends however it ends."""
    sweep_stale()
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))  # mkdtemp creates it 0700
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
