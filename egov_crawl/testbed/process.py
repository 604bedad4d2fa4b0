"""The sample government web in a subprocess: start it, wait until it is ready, describe it, stop it.

A separate process keeps the server off its user's GIL (the crawler runs Scrapy in subprocesses too, so both
ends get a core). The server writes its state file last; ``wait_for_state`` returns once it exists and
``handle_from_state`` turns it into a ``TestbedHandle``. Used by the benchmarks and by the tests' session
fixture (tests/fixtures/testbed.py); nothing here depends on a test framework.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from egov_crawl.hostmap import HostMap
from egov_crawl.testbed.client import MappedClient
from egov_crawl.testbed.runtime import STATE_FILE
from egov_crawl.testbed.server import CONTROL_HOST

START_TIMEOUT_SECONDS = 60.0
_PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class TestbedHandle:
    __test__ = False  # not a pytest test class despite the name

    state_dir: Path
    hostmap: HostMap
    hostmap_path: Path
    ca_pem: Path
    manifest: dict[str, Any]
    manifest_path: Path
    registry_path: Path
    http_port: int
    https_port: int
    dns_port: int | None
    closed_port: int
    state: dict[str, Any]

    def site(self, slug: str) -> dict[str, Any]:
        """The manifest entry of a normal site."""
        return next(s for s in self.manifest["sites"] if s["slug"] == slug)

    def requests(self, since: int = 0) -> tuple[int, list[dict[str, Any]]]:
        """The server's request log from entry ``since`` on, and the index to ask from next time."""
        reply = self.client().fetch(f"http://{CONTROL_HOST}/requests?since={since}")
        data = json.loads(reply.body)
        return int(data["next"]), list(data["requests"])

    def max_in_flight(self) -> dict[str, int]:
        """Per host, the most requests the server ever had in flight at once."""
        return dict(json.loads(self.client().fetch(f"http://{CONTROL_HOST}/concurrency").body))

    def client(self, *, verify: bool = True) -> MappedClient:
        """An HTTP(S) client connecting through the host map and trusting the testbed CA (when verifying)."""
        return MappedClient(self.hostmap, self.ca_pem, verify=verify)


def start_server_process(state_dir: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    # The package may not be installed: make it importable in the child whatever its working directory.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [env.get("PYTHONPATH"), str(_PROJECT_ROOT)]))
    log = open(state_dir / "server.log", "wb")  # noqa: SIM115 - handed to the child, closed with it
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "egov_crawl.testbed", "serve", "--state-dir", str(state_dir), *extra],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    finally:
        log.close()


def wait_for_state(
    process: subprocess.Popen[bytes], state_dir: Path, timeout: float = START_TIMEOUT_SECONDS
) -> dict[str, Any]:
    state_path = state_dir / STATE_FILE
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if state_path.exists():
            state: dict[str, Any] = json.loads(state_path.read_text(encoding="utf-8"))
            return state
        if process.poll() is not None:
            log = (state_dir / "server.log").read_text(encoding="utf-8", errors="replace")
            raise RuntimeError(f"testbed server exited with {process.returncode}:\n{log}")
        time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"testbed server did not start within {timeout:.0f} s")


def handle_from_state(state_dir: Path, state: dict[str, Any]) -> TestbedHandle:
    manifest_path = Path(state["manifest_path"])
    return TestbedHandle(
        state_dir=state_dir,
        hostmap=HostMap.from_json(state["hostmap"]),
        hostmap_path=Path(state["hostmap_path"]),
        ca_pem=Path(state["ca_pem"]),
        manifest=json.loads(manifest_path.read_text(encoding="utf-8")),
        manifest_path=manifest_path,
        registry_path=Path(state["registry_path"]),
        http_port=int(state["http_port"]),
        https_port=int(state["https_port"]),
        dns_port=state.get("dns_port"),
        closed_port=int(state["closed_port"]),
        state=state,
    )


def stop_server_process(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
