"""``actions``, ``export matrix`` and ``changes`` on a hand-built store, run as a user runs them (issue 18,
items 5 and 6): what they print and write, and that bad input is one line and a non-zero exit."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sqlite3
from pathlib import Path

import pytest

from egov_crawl.scoring.registry import all_checks
from tests.fixtures.cli import cli_in_process as cli
from tests.fixtures.small_store import build_store

THAI = re.compile(r"[\u0e00-\u0e7f]")
REGISTRY = """version: 1
country: th
agencies:
  - id: revenue
    name: {th: กรมสรรพากร, en: '=HYPERLINK("http://evil.test")'}
    cohort: department
    homepage: https://www.revenue.go.th/
  - id: pakkret
    name: {en: Pak Kret}
    cohort: local
    homepage: https://www.pakkret.go.th/
"""
MISSION = "อำนาจหน้าที่ วิสัยทัศน์ พันธกิจ"  # an about page that passes OPN-03


def _complete(db: Path, *runs: int) -> None:
    with sqlite3.connect(db) as connection:
        connection.executemany("UPDATE run SET status = 'complete' WHERE id = ?", [(r,) for r in runs])


def _digest(db: Path) -> str:
    """The store's content (not its bytes: opening SQLite may checkpoint its journal)."""
    with sqlite3.connect(db) as connection:
        return hashlib.sha256("\n".join(connection.iterdump()).encode()).hexdigest()


@pytest.fixture()
def store(tmp_path: Path) -> Path:
    """Run 1: the agencies state their mission; run 2: the about page no longer does (OPN-03 regresses)."""
    db = tmp_path / "s.db"
    build_store(f"sqlite:///{db}", REGISTRY, about_title=MISSION)
    build_store(f"sqlite:///{db}", REGISTRY)
    return db


def test_actions_lists_fixes_in_english_and_thai_by_points_recoverable(store: Path) -> None:
    _complete(store, 1, 2)
    before = _digest(store)
    shown = cli("actions", "revenue", "--db", str(store))
    assert shown.returncode == 0, shown.stderr
    assert "run 2" in shown.stdout and "fixes, the most points first" in shown.stdout
    assert "EN: " in shown.stdout and THAI.search(shown.stdout.split("TH: ", 1)[1])

    as_csv = cli("actions", "revenue", "--db", str(store), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert rows and [int(r["priority"]) for r in rows] == list(range(1, len(rows) + 1))
    # This store's overall (and a pillar) is "insufficient evidence": the pillar points order the list.
    assert all(r["points_recoverable"] == "" for r in rows)
    points = [float(r["pillar_points_recoverable"] or 0) for r in rows]
    assert points == sorted(points, reverse=True) and points[0] > 0
    checks = all_checks()
    for row in rows:
        assert row["outcome"] in ("FAIL", "PARTIAL")  # never NOT_OBSERVED / NOT_APPLICABLE
        assert row["fix_en"] == checks[row["check_id"]].remediation.en
        assert THAI.search(row["fix_th"]) and row["standard"]
    assert "OPN-03" in {r["check_id"] for r in rows}  # what regressed in run 2 is a fix again
    assert _digest(store) == before  # reading never writes


def test_actions_writes_the_letter_as_html(store: Path, tmp_path: Path) -> None:
    letter = tmp_path / "revenue.html"
    done = cli("actions", "revenue", "--db", str(store), "--run", "2", "-f", "html", "-o", str(letter))
    assert done.returncode == 0, done.stderr
    page = letter.read_text(encoding="utf-8")
    assert '<html lang="th">' in page and "กรมสรรพากร" in page and "run 2 (running: incomplete)" in page
    assert all_checks()["OPN-03"].remediation.th in page
    assert "=HYPERLINK(&#34;http://evil.test&#34;)" in page  # escaped, not markup


def test_export_matrix_has_one_row_per_agency_and_columns_per_check(store: Path, tmp_path: Path) -> None:
    _complete(store, 1, 2)
    out = tmp_path / "matrix.csv"
    done = cli("export", "matrix", "--db", str(store), "-o", str(out))
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["agency_id"] for r in rows] == ["pakkret", "revenue"]
    header = list(rows[0])
    for check_id in all_checks():
        assert check_id in header and f"{check_id}_score" in header
    revenue = rows[1]
    assert revenue["name_en"].startswith("'=")  # formula-safe
    assert revenue["OPN-03"] == "FAIL" and revenue["OPN-03_score"] == "0.0" and revenue["run"] == "2"
    assert revenue["OPN-11"] == "NOT_APPLICABLE"  # council meetings: local administrations only

    as_json = cli("export", "matrix", "--db", str(store), "--run", "1", "-f", "json")
    records = json.loads(as_json.stdout)
    assert len(records) == 2 and records[1]["OPN-03"] == "PASS" and records[1]["run"] == 1


def test_changes_shows_the_regressions_since_the_previous_complete_run(store: Path) -> None:
    _complete(store, 1, 2)
    shown = cli("changes", "--db", str(store))
    assert shown.returncode == 0, shown.stderr
    assert "run 2 compared with run 1" in shown.stdout and "0 improved, 2 regressed" in shown.stdout
    assert "- OPN-03 Powers and duties / mission: PASS → FAIL (regressed)" in shown.stdout

    as_csv = cli("changes", "--db", str(store), "--agency", "pakkret", "-f", "csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [(r["agency_id"], r["check_id"], r["change"], r["before"], r["after"]) for r in rows] == [
        ("pakkret", "OPN-03", "regressed", "PASS", "FAIL")
    ]
    backwards = cli("changes", "--db", str(store), "--run", "1", "--since", "2", "-f", "json")
    assert {(c["check_id"], c["change"]) for c in json.loads(backwards.stdout)} == {("OPN-03", "improved")}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["actions", "revenue"], "the store has no complete run (the newest, 2, did not finish)"),
        (["actions", "revenu", "--run", "1"], "unknown agency 'revenu'; did you mean 'revenue'?"),
        (["actions", "revenue", "--run", "9"], "--run 9: the store has no such run; its runs are 1, 2"),
        (["actions", "revenue", "-f", "html", "-o", "nowhere/x.html"], "the folder nowhere does not exist"),
        (["actions", "revenue", "-f", "html", "-o", "x.csv"], "the format is html; name the file .html"),
        (["export", "matrix", "--run", "2", "-o", "m.json"], "a .json file, but the format is csv"),
        (["changes", "--run", "2"], "no complete run before run 2 to compare with; name one with --since RUN"),
        (["changes", "--run", "2", "--since", "2"], "--since 2: that is the run being compared"),
        (["changes", "--run", "2", "--since", "7"], "--since 7: the store has no such run"),
    ],
)
def test_bad_input_is_one_line_and_a_non_zero_exit(store: Path, args: list[str], message: str) -> None:
    before = _digest(store)
    done = cli(*args, "--db", str(store), cwd=store.parent)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], done.stderr
    assert _digest(store) == before


def test_the_national_report_and_agency_pages_show_what_changed(store: Path, tmp_path: Path) -> None:
    _complete(store, 1, 2)
    done = cli("report", "--all", "--db", str(store), "-o", str(tmp_path / "report"))
    assert done.returncode == 0, done.stderr
    index = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    section = index.split('<section id="changes">', 1)[1].split("</section>", 1)[0]
    assert "Changes since run 1" in section and "0 indicators improved and 2 regressed" in section
    assert '<a href="agency/revenue.html">revenue</a></td><td><code>OPN-03</code>' in section
    page = (tmp_path / "report" / "agency" / "revenue.html").read_text(encoding="utf-8")
    trend = page.split('<section id="trend">', 1)[1].split("</section>", 1)[0]
    assert "Since run 1" in trend and 'regressed: <a href="#OPN-03"><code>OPN-03</code></a>' in trend
