"""`egov-crawl testbed manifest` and `serve`: what a user types and sees."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from egov_crawl.testbed.client import MappedClient
from egov_crawl.testbed.command import app
from egov_crawl.testbed.process import TestbedHandle
from egov_crawl.testbed.runtime import start_testbed


def test_manifest_command_writes_the_ground_truth(tmp_path: Path) -> None:
    out = tmp_path / "manifest.json"
    result = CliRunner().invoke(app, ["manifest", "-o", str(out), "--no-hostile"])
    assert result.exit_code == 0, result.output
    manifest = json.loads(out.read_text(encoding="utf-8"))
    assert manifest["seed"] == 2551 and manifest["hostile"] == []
    assert {s["homepage"] for s in manifest["sites"]} >= {"https://www.revenue.test/", "http://www.dol.test/"}


def test_serve_prints_ports_ca_and_a_working_curl_command(testbed: TestbedHandle) -> None:
    log = (testbed.state_dir / "server.log").read_text(encoding="utf-8")
    assert f"HTTPS port {testbed.https_port}" in log
    assert f"curl --cacert {testbed.ca_pem} --connect-to www.revenue.test:443:127.0.0.1:{testbed.https_port}" in log
    assert "--host-resolver-rules=" in log and "Ctrl-C" in log


@pytest.mark.slow  # Python child processes
def test_manifest_is_identical_across_processes_with_different_hash_seeds(tmp_path: Path) -> None:
    outputs = []
    for hash_seed in ("1", "4242"):
        out = tmp_path / f"manifest-{hash_seed}.json"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-m", "egov_crawl.testbed", "manifest", "-o", str(out)], env=env, check=True)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_in_process_testbed_starts_serves_and_stops(tmp_path: Path) -> None:
    running = start_testbed(tmp_path / "state", include_hostile=False, with_dns=False)
    try:
        with MappedClient(running.hostmap, running.ca_pem) as client:
            assert client.fetch("https://www.revenue.test/").status == 200
        assert json.loads(running.state_path.read_text())["https_port"] == running.https_port
    finally:
        running.stop()
    assert not running.state_path.exists()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", running.https_port), timeout=2)


@pytest.mark.slow  # the testbed command in a child process
def test_serve_reports_a_busy_port_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "egov_crawl.testbed",
                "serve",
                "--state-dir",
                str(tmp_path),
                "--http-port",
                str(port),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot start the testbed") and "Traceback" not in result.stderr
