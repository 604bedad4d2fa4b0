"""The `crawl` command: options in, one row per agency out (JSON here), user errors as one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from egov_crawl.crawler.command import crawl_command
from egov_crawl.errors import UserError
from tests.fixtures.loopback import LoopbackSites, Reply

pytestmark = pytest.mark.slow  # each test crawls loopback sites in a child process

app = typer.Typer()
app.command()(crawl_command)

REGISTRY = """version: 1
agencies:
  - id: iota
    name: {th: กรมไอโอตา}
    cohort: department
    homepage: http://www.iota.test/
"""


def test_crawl_command_prints_the_summary_as_json(tmp_path: Path) -> None:
    sites = LoopbackSites({"www.iota.test": {"/": Reply(body="<title>กรมไอโอตา</title><a href='/a'>ก</a>")}}).start()
    try:
        (tmp_path / "agencies.yaml").write_text(REGISTRY, encoding="utf-8")
        sites.hostmap().save(tmp_path / "hostmap.json")
        result = CliRunner().invoke(
            app,
            [
                "iota",
                "--registry", str(tmp_path / "agencies.yaml"),
                "--db", str(tmp_path / "c.db"),
                "--hostmap", str(tmp_path / "hostmap.json"),
                "--fast",
                "--max-pages", "5",
                "--format", "json",
            ],
        )  # fmt: skip
    finally:
        sites.stop()
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {"agency": "iota", "status": "complete", "finish_reason": "finished", "error_class": None, "pages": 2,
         "budget": 5}
    ]  # fmt: skip


def test_unknown_agency_is_a_user_error(tmp_path: Path) -> None:
    (tmp_path / "agencies.yaml").write_text(REGISTRY, encoding="utf-8")
    result = CliRunner().invoke(
        app, ["nope", "--registry", str(tmp_path / "agencies.yaml"), "--db", str(tmp_path / "c.db")]
    )
    assert isinstance(result.exception, UserError)
    assert "agency 'nope' is not in the registry" in str(result.exception)


@pytest.mark.parametrize("args", [[], ["iota", "--all"]])
def test_agencies_or_all_but_not_both(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "agencies.yaml").write_text(REGISTRY, encoding="utf-8")
    result = CliRunner().invoke(app, [*args, "--registry", str(tmp_path / "agencies.yaml")])
    assert isinstance(result.exception, UserError)
