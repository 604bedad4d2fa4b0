"""The SQLite run lock: gone after every exit, taken over from a dead holder, keyed by the store's real file.

Audit L6 and the "no leftovers" row: ``run nosuch …`` failed but left ``*.run.lock`` behind (every run did: the
lock library never removes its file), and a second run reached the same store through a symlink beside a run
already writing it, because the lock was named after the path as given.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from egov_crawl.pipeline.lock import EXIT_LOCKED, run_lock
from egov_crawl.store.db import open_store

pytestmark = pytest.mark.slow  # each test starts the command line in a child process: seconds of CPU each

REGISTRY = Path(__file__).resolve().parents[2] / "agencies.yaml"


def run_nosuch(db: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A run that takes the lock, then fails on its input (no agency ``nosuch`` in the registry)."""
    return subprocess.run(
        [sys.executable, "-m", "egov_crawl", "run", "nosuch", "--registry", str(REGISTRY), "--db", str(db)],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".run." in p.name)


def test_a_failed_run_leaves_no_lock_file(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    result = run_nosuch(db, tmp_path)
    assert result.returncode == 1 and "nosuch" in result.stderr, result.stderr
    assert leftovers(tmp_path) == []


def test_the_lock_of_a_killed_run_is_taken_over(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom egov_crawl.pipeline.lock import run_lock\n"
         f"with run_lock({f'sqlite:///{db}'!r}):\n    print('locked', flush=True)\n    time.sleep(600)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert leftovers(tmp_path) == ["store.db.run.holder", "store.db.run.lock"]  # a kill cannot clean up

    result = run_nosuch(db, tmp_path)
    assert result.returncode == 1 and "another run" not in result.stderr, result.stderr
    assert leftovers(tmp_path) == []


def test_a_symlink_to_a_locked_store_is_locked_too(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    db = tmp_path / "real" / "store.db"
    open_store(f"sqlite:///{db}").dispose()
    (tmp_path / "link.db").symlink_to(db)
    (tmp_path / "linked-folder").symlink_to(tmp_path / "real", target_is_directory=True)
    with run_lock(f"sqlite:///{db}"):
        by_link = run_nosuch(tmp_path / "link.db", tmp_path)
        by_folder = run_nosuch(tmp_path / "linked-folder" / "store.db", tmp_path)
    assert (by_link.returncode, by_folder.returncode) == (EXIT_LOCKED, EXIT_LOCKED), (by_link.stderr, by_folder.stderr)
    assert "another run is in progress" in by_link.stderr
    assert leftovers(tmp_path) == leftovers(tmp_path / "real") == []
