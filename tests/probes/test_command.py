"""The ``probe`` command: a bad --dns-server is one clear line and exit 1; a testbed agency prints its hosts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from egov_crawl.probes import facts
from egov_crawl.probes.command import probe_command
from egov_crawl.testbed.process import TestbedHandle

pytestmark = pytest.mark.slow  # each test starts the command line in a child process: seconds of CPU each

app = typer.Typer()
app.command()(probe_command)


@pytest.mark.parametrize("value", ["localhost:53", "127.0.0.1:99999", "127.0.0.1:x", "not an address"])
def test_bad_dns_server_is_one_line_and_exit_1(tmp_path: Path, value: str) -> None:
    registry = tmp_path / "agencies.yaml"
    registry.write_text(
        "version: 1\nagencies:\n  - id: iota\n    name: {th: กรมไอโอตา}\n    cohort: department\n"
        "    homepage: https://www.iota.test/\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "egov_crawl", "probe", "iota", "--registry", str(registry),
         "--db", str(tmp_path / "p.db"), "--dns-server", value],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "--dns-server" in lines[0] and "127.0.0.1:5353" in lines[0], result.stderr
    assert not (tmp_path / "p.db").exists()  # refused before touching the store


def test_probe_command_prints_one_row_per_host(testbed: TestbedHandle, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["dsd", "--registry", str(testbed.registry_path), "--db", str(tmp_path / "p.db"),
         "--hostmap", str(testbed.hostmap_path), "--ca-file", str(testbed.ca_pem),
         "--dns-server", f"127.0.0.1:{testbed.dns_port}", "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    site = testbed.site("dsd")
    assert [r["host"] for r in rows] == site["hosts"]
    assert all(r["tls"] == facts.tls_error(facts.TLS_EXPIRED) for r in rows)
    apex = next(r for r in rows if r["host"] == site["dns"]["zone"].rstrip("."))
    assert apex["https"] == "ok" and apex["dns"] == "ok"
