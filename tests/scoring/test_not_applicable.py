"""An indicator that does not apply to an agency's cohort is NOT_APPLICABLE everywhere it is shown or counted
(explain, the agency report, the national summary's top obstacles), never the FAIL its check found; and scoring
agencies under a methodology not valid for their country profile warns in rescore, summary and reports.

The store is built from hand-made facts: two departments and a municipality whose crawls found no SDG or
environmental data, so the check OPN-32 (applies to provinces and local governments) FAILs for all three.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from egov_crawl.cli import app
from egov_crawl.report.html import write_agency_report, write_national_report
from egov_crawl.report.national import national_summary
from egov_crawl.store import repository
from egov_crawl.store.db import open_store, session_factory
from tests.fixtures.small_store import AGENCIES, build_store, registry_text

AS_OF = date(2026, 11, 20)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('na') / 'na.db'}"
    build_store(url, registry_text("TH", AGENCIES))
    return url


def invoke(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def test_the_check_fails_but_the_indicator_does_not_apply_to_departments(store: str) -> None:
    with session_factory(open_store(store))() as session:
        raw = {
            a: next(f.outcome for f in repository.findings_of(session, 1, a) if f.check_id == "OPN-32")
            for a in AGENCIES
        }
    assert raw == {"revenue": "FAIL", "dbd": "FAIL", "pakkret": "FAIL"}  # what the check itself concluded


def test_explain_shows_not_applicable_with_the_reason(store: str) -> None:
    out = invoke("explain", "revenue", "OPN-32", "--db", store)
    assert "outcome: NOT_APPLICABLE (applies to province, local)" in out, out
    assert "outcome: FAIL" not in out and "needs review" not in out  # the FAIL would have been for review
    data = json.loads(invoke("explain", "revenue", "OPN-32", "--db", store, "-f", "json"))
    assert data["outcome"] == "NOT_APPLICABLE" and data["note"] == "applies to province, local"
    assert data["finding_outcome"] == "FAIL" and data["score"] is None
    local = json.loads(invoke("explain", "pakkret", "OPN-32", "--db", store, "-f", "json"))
    assert local["outcome"] == "FAIL" and local["note"] is None


def test_top_obstacles_count_only_the_agencies_an_indicator_applies_to(store: str) -> None:
    obstacles = {o.check_id: o for o in national_summary(store, top=None).obstacles}
    sdg = obstacles["OPN-32"]
    assert (sdg.fail, sdg.observed) == (1, 1), sdg  # the municipality only; not 3 of 3
    summary = json.loads(invoke("summary", "--db", store, "--format", "json", "--top", "100"))
    listed = {o["check_id"]: o for o in summary["top_obstacles"]}
    assert listed["OPN-32"]["fail"] == 1 and listed["OPN-32"]["observed"] == 1
    assert summary["warnings"] == []


def test_the_agency_report_shows_not_applicable(store: str, tmp_path: Path) -> None:
    html = write_agency_report(store, "revenue", tmp_path).read_text(encoding="utf-8")
    row = html[html.index('<tr id="OPN-32">') :]
    row = row[: row.index("</tr>")]
    assert "NOT_APPLICABLE" in row and "applies to province, local" in row and "FAIL" not in row, row
    assert "needs review" not in row
    local = write_agency_report(store, "pakkret", tmp_path).read_text(encoding="utf-8")
    local_row = local[local.index('<tr id="OPN-32">') :]
    assert ">FAIL<" in local_row[: local_row.index("</tr>")]


def test_a_methodology_outside_its_countries_warns(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'us.db'}"
    us = registry_text("US", {"census-bureau": "department", "gsa": "department"})
    build_store(url, us, "ita-oit")
    expected = "warning: methodology ita-oit is valid for the country profiles th only; 2 agencies use another"
    summary = national_summary(url, methodology_id="ita-oit")
    assert len(summary.warnings) == 1 and summary.warnings[0].startswith(expected), summary.warnings
    assert "us: census-bureau, gsa" in summary.warnings[0]
    index = write_national_report(url, tmp_path / "report", methodology_id="ita-oit").read_text(encoding="utf-8")
    assert expected in index
    agency = (tmp_path / "report" / "agency" / "gsa.html").read_text(encoding="utf-8")
    assert "warning: methodology ita-oit is valid for the country profiles th only; 1 agency uses" in agency
    result = CliRunner().invoke(app, ["rescore", "--methodology", "ita-oit", "--db", url, "-f", "json"])
    assert result.exit_code == 0, result.output
    assert expected in result.stderr
    quiet = CliRunner().invoke(app, ["rescore", "--db", url, "-f", "json"])  # default: valid for every profile
    assert quiet.exit_code == 0 and "warning" not in quiet.stderr
