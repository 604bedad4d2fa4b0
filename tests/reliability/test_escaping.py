"""Issue 19 M3/L4: registry names carrying Rich markup, terminal escape sequences, NUL and a full-width formula
prefix are shown literally on the terminal (no crash, no ESC/NUL byte, no OSC-8 link) and neutralised in CSV."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

HOSTILE_TH = "กรม [/bold] [link=https://evil.test]x[/link] \x1b]8;;https://evil.test\x07y\x00z"
HOSTILE_EN = '＝HYPERLINK("https://evil.test")'


@pytest.fixture
def hostile_registry(tmp_path: Path) -> Path:
    path = tmp_path / "agencies.yaml"
    # YAML double-quoted escapes carry the control bytes; the loader accepts them in names.
    path.write_text(
        "version: 1\nagencies:\n  - id: evil\n"
        '    name: {th: "กรม [/bold] [link=https://evil.test]x[/link] \\e]8;;https://evil.test\\ay\\0z",'
        ' en: "＝HYPERLINK(\\"https://evil.test\\")"}\n'
        "    cohort: ministry\n    homepage: https://evil.test/\n",
        encoding="utf-8",
    )
    return path


def _cli(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "egov_crawl", *args], capture_output=True, timeout=120, check=False)


@pytest.mark.slow  # the command line in a child process
def test_agencies_list_shows_markup_and_escapes_literally(hostile_registry: Path) -> None:
    result = _cli("agencies", "list", "-r", str(hostile_registry))
    assert result.returncode == 0, result.stderr.decode()
    assert b"Traceback" not in result.stderr + result.stdout
    assert b"\x1b" not in result.stdout and b"\x00" not in result.stdout and b"\x07" not in result.stdout
    out = result.stdout.decode()
    assert "[/bold]" in out and "[link=https://evil.test]x[/link]" in out


@pytest.mark.slow  # the command line in a child process
def test_agencies_list_csv_neutralises_formulas_and_controls(hostile_registry: Path) -> None:
    result = _cli("agencies", "list", "-r", str(hostile_registry), "--format", "csv")
    assert result.returncode == 0, result.stderr.decode()
    assert b"\x1b" not in result.stdout and b"\x00" not in result.stdout
    row = next(r for r in csv.DictReader(io.StringIO(result.stdout.decode())) if r["id"] == "evil")
    assert row["name_en"] == "'" + HOSTILE_EN
    assert row["name_th"].startswith("กรม [/bold]") and row["name_th"].endswith("yz")


def test_html_report_templates_drop_nul_and_controls() -> None:
    from egov_crawl.report.html.site import _environment

    html = _environment().from_string("<p>{{ name }}</p>").render(name="กรม\x00<b>\x1b[31mx\x7f")
    assert html == "<p>กรม&lt;b&gt;x</p>"


@pytest.mark.slow  # the command line in a child process
def test_explain_prints_site_text_literally_without_escape_sequences(tmp_path: Path) -> None:
    # A page title is site text: markup in it must show as written, and no terminal escape may pass.
    from tests.fixtures.small_store import build_store, registry_text

    url = f"sqlite:///{tmp_path / 'x.db'}"
    title = "คำถามที่พบบ่อย [/bold][link=https://evil.test]x[/link] \x1b]8;;https://evil.test\x07y\x00"
    build_store(url, registry_text("TH", {"revenue": "department"}), about_title=title)
    result = subprocess.run(
        [sys.executable, "-m", "egov_crawl", "explain", "revenue", "SRV-03", "--db", url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "\x1b" not in result.stdout and "\x00" not in result.stdout and "\x07" not in result.stdout
    assert "[/bold][link=https://evil.test]x[/link]" in result.stdout
