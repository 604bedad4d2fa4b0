"""``explain`` and the agency report say how to fix a failing check, in English and Thai (issue 18, item 5)."""

from __future__ import annotations

from pathlib import Path

from egov_crawl.scoring.registry import get_check
from tests.fixtures.cli import cli_in_process as cli
from tests.fixtures.small_store import AGENCIES, build_store, registry_text


def test_explain_and_the_agency_report_show_the_fix(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    build_store(f"sqlite:///{db}", registry_text("th", AGENCIES))
    fix = get_check("OPN-03").remediation

    explained = cli("explain", "revenue", "OPN-03", "--db", str(db))
    assert explained.returncode == 0, explained.stderr
    flat = " ".join(explained.stdout.split())
    assert f"How to fix: {fix.en}" in flat and "วิธีแก้ไข:" in flat and f"Standard: {fix.standard}" in flat

    reported = cli("report", "revenue", "--db", str(db), "-o", str(tmp_path / "report"))
    assert reported.returncode == 0, reported.stderr
    page = (tmp_path / "report" / "agency" / "revenue.html").read_text(encoding="utf-8")
    row = page.split('<tr id="OPN-03">', 1)[1].split("</tr>", 1)[0]
    assert "How to fix" in row and f'<p lang="th">{fix.th}</p>' in row
    passed = page.split('<tr id="INF-02">', 1)[1].split("</tr>", 1)[0]  # .go.th: a PASS has nothing to fix
    assert "PASS" in passed and "How to fix" not in passed
