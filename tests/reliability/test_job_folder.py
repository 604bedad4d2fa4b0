"""The crawl child's job folder keeps no secret and outlives no parent (audit L1).

After a kill, ``egov-crawl-job-*/job.json`` stayed in the temp directory with the PostgreSQL URL and its
password, mode 0644. Now the folder is 0700, its files 0600, the password is nowhere on disk, and a folder left
by a killed parent is removed by the next crawl.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from egov_crawl.crawler.runner import crawl
from tests.fixtures.loopback import LoopbackSites, Reply
from tests.fixtures.loopback_crawl import FAST, html, registry

pytestmark = pytest.mark.slow  # each test starts a crawl in a child process

SITE = {"/": Reply(body=html("กรมแลมบ์ดา", [(f"/p/{i}", f"หน้า {i}") for i in range(30)]))}
SITE.update({f"/p/{i}": Reply(body=html(f"หน้า {i}"), delay=0.05) for i in range(30)})

# A parent that crawls the site (host map and store from argv) and reports each progress event on stdout.
PARENT = """
import json, sys
from egov_crawl.crawler.runner import crawl
from egov_crawl.hostmap import HostMap
from tests.fixtures.loopback_crawl import FAST, registry
crawl(registry(("lam", "http://www.lambda.test/")), None, db_url=sys.argv[1], polite=False, settings=FAST,
      hostmap=HostMap.from_json(json.loads(sys.argv[2])), on_event=lambda e: print(e["event"], flush=True))
"""


def job_folders(temp_dir: Path) -> list[Path]:
    return sorted(temp_dir.glob("egov-crawl-job-*"))


def start_parent(sites: LoopbackSites, db_url: str, temp_dir: Path) -> subprocess.Popen[str]:
    import json

    return subprocess.Popen(
        [sys.executable, "-c", PARENT, db_url, json.dumps(sites.hostmap().to_json())],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(temp_dir)},
        cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip


def test_a_killed_parent_s_job_folder_is_swept_by_the_next_crawl(tmp_path: Path) -> None:
    temp_dir = tmp_path / "tmp"
    temp_dir.mkdir()
    db_url = f"sqlite:///{tmp_path / 'c.db'}"
    sites = LoopbackSites({"www.lambda.test": SITE}).start()
    try:
        killed = start_parent(sites, db_url, temp_dir)
        assert killed.stdout is not None
        while killed.stdout.readline().strip() != "progress":
            assert killed.poll() is None, "the crawl ended before it could be killed"
        killed.send_signal(signal.SIGKILL)
        killed.wait()
        [left] = job_folders(temp_dir)
        assert left.name.startswith(f"egov-crawl-job-{killed.pid}-")  # what a kill leaves, found by its pid

        second = start_parent(sites, db_url, temp_dir)
        second.communicate(timeout=300)
        assert second.returncode == 0
    finally:
        sites.stop()
    assert job_folders(temp_dir) == []


@pytest.mark.postgres
def test_the_job_file_is_private_and_holds_no_password(pg_database: str, tmp_path: Path) -> None:
    assert ":egov@" in pg_database  # the test server's login has a password
    seen: list[dict[str, Any]] = []
    temp_dir = Path(tempfile.gettempdir())
    before = set(job_folders(temp_dir))

    def inspect(event: dict[str, Any]) -> None:
        if seen:
            return
        [folder] = set(job_folders(temp_dir)) - before  # the crawl's own (other crawls may run beside it)
        job = folder / "job.json"
        seen.append(
            {
                "folder_mode": stat.S_IMODE(folder.stat().st_mode),
                "job_mode": stat.S_IMODE(job.stat().st_mode),
                "password_on_disk": any(b"egov@" in p.read_bytes() for p in folder.iterdir() if p.is_file()),
            }
        )

    sites = LoopbackSites({"www.lambda.test": SITE}).start()
    try:
        summary = crawl(
            registry(("lam", "http://www.lambda.test/")),
            None,
            db_url=pg_database,
            hostmap=sites.hostmap(),
            polite=False,
            settings=FAST,
            on_event=inspect,
        )
    finally:
        sites.stop()
    assert [(a.status, a.pages) for a in summary.agencies] == [("complete", 31)]  # the child had the password
    assert seen == [{"folder_mode": 0o700, "job_mode": 0o600, "password_on_disk": False}]
