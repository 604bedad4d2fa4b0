"""``run`` and ``enqueue`` shape a run alike: equal flags give equal ``RunOptions`` (issue 22).

The two commands once built the options each on their own and drifted: ``enqueue`` had no
``--allow-private-networks`` and ignored ``EGOV_CRAWL_EVIDENCE``. Both commands are invoked for real; only the
function that would start the run (a crawl of minutes, or Redis) is replaced by one that keeps the options.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from egov_crawl import cli
from egov_crawl.distributed import command as distributed_command
from egov_crawl.hostmap import HostMap, Target
from egov_crawl.pipeline import command as run_command
from egov_crawl.pipeline.nightly import RunOptions

REGISTRY = (
    "version: 1\nagencies:\n  - id: iota\n    name: {th: กรมไอโอตา}\n    cohort: department\n"
    "    homepage: https://www.iota.test/\n"
)


class Stop(Exception):
    """Raised by the stand-in once it has the options: nothing after it matters here."""


def _flags(tmp_path: Path) -> list[str]:
    registry = tmp_path / "agencies.yaml"
    registry.write_text(REGISTRY, encoding="utf-8")
    hostmap = tmp_path / "hostmap.json"
    HostMap(entries={("www.iota.test", 443): Target("127.0.0.1", 8443)}).save(hostmap)
    return [
        "iota",
        "--registry", str(registry),
        "--db", str(tmp_path / "store.db"),
        "--phases", "crawl,probe",
        "--hostmap", str(hostmap),
        "--allow-private-networks",
        "--dns-server", "127.0.0.1:5353",
        "--max-pages", "7",
        "--full",
        "--fast",
        "--contact", "https://ops.example.test/contact",
    ]  # fmt: skip


def _options_of(command: str, flags: list[str], monkeypatch: pytest.MonkeyPatch) -> RunOptions:
    seen: list[RunOptions] = []

    def keep(*_args: Any, options: RunOptions, **_kwargs: Any) -> Any:
        seen.append(options)
        raise Stop

    monkeypatch.setattr(run_command, "run_pipeline", keep)
    monkeypatch.setattr(distributed_command, "enqueue_run", keep)
    result = CliRunner().invoke(cli.app, [command, *flags])
    assert isinstance(result.exception, Stop), result.output
    return seen[0]


def test_run_and_enqueue_build_equal_options_from_equal_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EGOV_CRAWL_EVIDENCE", str(tmp_path / "shots"))
    flags = _flags(tmp_path)
    nightly = _options_of("run", flags, monkeypatch)
    distributed = _options_of("enqueue", flags, monkeypatch)
    assert nightly == distributed
    assert nightly.hostmap is not None and nightly.hostmap.allow_private_networks
    assert nightly.evidence_dir == tmp_path / "shots"
    assert nightly.phases == ("crawl", "probe") and nightly.max_pages == 7
    assert not nightly.incremental and not nightly.polite
