"""``egov-crawl testbed replay``: bad input is one clear line and a non-zero exit (no server is started)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from egov_crawl.cli import app


def test_a_missing_or_unreadable_warc_is_one_line_and_exit_1(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["testbed", "replay", str(tmp_path / "nope.warc.gz")])
    assert missing.exit_code == 1
    assert missing.output.strip() == f"error: WARC file not found: {tmp_path / 'nope.warc.gz'}"
    bad = tmp_path / "bad.warc.gz"
    bad.write_text("not a warc\n")
    unreadable = runner.invoke(app, ["testbed", "replay", str(bad)])
    assert unreadable.exit_code == 1
    (line,) = unreadable.output.strip().splitlines()
    assert line.startswith(f"error: {bad} is not a readable WARC file")
