"""Issue 8 acceptance (reports): two real runs on a testbed subset, then the HTML reports in headless Chromium
and the terminal summary, checked against what the store holds.

One module-scoped fixture: ``run_pipeline`` twice on three sites (so every agency has two scored runs: the trend
chart must show two points and ``history`` two rows), then hostile markup is planted in an agency's name and in
a finding's evidence, as a scraped title would arrive, and both reports are written once.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from egov_crawl.pipeline.nightly import RunOptions, run_pipeline
from egov_crawl.pipeline.runlog import JsonRunLog
from egov_crawl.registry import load_registry
from egov_crawl.report import views
from egov_crawl.report.html import write_agency_report, write_national_report
from egov_crawl.report.html.site import copy_evidence, http_href, page_name
from egov_crawl.store import repository
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.store.models import Agency, Finding
from egov_crawl.testbed.process import TestbedHandle
from tests.fixtures.chromium_view import open_pages
from tests.fixtures.requirements import require_chromium

pytestmark = pytest.mark.browser

SLUGS = ["revenue", "oae", "cgd"]
HOSTILE_NAME = 'Revenue <script>window.pwned = 1</script> "quoted" & co'
HOSTILE_SUMMARY = '<img src=x onerror="window.pwned = 2"> page title <b>bold</b>'
HOSTILE_URLS = ["javascript:window.pwned=3", 'https://www.revenue.test/"><script>window.pwned=4</script>']


def plant_markup(db_url: str, run_id: int) -> str:
    """A name and an evidence item as a hostile site could make them; returns the finding's check id."""
    with session_factory(open_store(db_url))() as session, session.begin():
        agency = session.get(Agency, "revenue")
        assert agency is not None
        agency.name_en = HOSTILE_NAME
        finding: Finding = repository.findings_of(session, run_id, "revenue")[0]
        items = [{"summary": HOSTILE_SUMMARY, "url": url} for url in HOSTILE_URLS]
        finding.evidence = {"items": items + list((finding.evidence or {}).get("items", []))}
        return finding.check_id


@pytest.fixture(scope="module")
def reported(testbed: TestbedHandle, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    require_chromium()
    tmp = tmp_path_factory.mktemp("report")
    db_url = f"sqlite:///{tmp / 'store.db'}"
    registry = load_registry(testbed.registry_path)
    options = RunOptions(
        agency_ids=SLUGS,
        hostmap=testbed.hostmap,
        ca_file=testbed.ca_pem,
        dns_server=f"127.0.0.1:{testbed.dns_port}" if testbed.dns_port else None,
        trust_anchors=testbed.state.get("dns_trust_anchors"),
        evidence_dir=tmp / "evidence",
        polite=False,
        log_file=tmp / "crawl.log",
    )
    run_ids = [run_pipeline(registry, db_url=db_url, options=options, log=JsonRunLog(io.StringIO())).run_id]
    run_ids.append(run_pipeline(registry, db_url=db_url, options=options, log=JsonRunLog(io.StringIO())).run_id)
    planted = plant_markup(db_url, run_ids[-1])
    out = tmp / "site"
    index = write_national_report(db_url, out, evidence_dir=tmp / "evidence")
    single = write_agency_report(db_url, "oae", tmp / "single", evidence_dir=tmp / "evidence")
    return {"db_url": db_url, "runs": run_ids, "out": out, "index": index, "single": single, "planted": planted}


def test_national_report_loads_with_one_row_per_agency_and_its_charts(reported: dict[str, Any], tmp_path: Path) -> None:
    index: Path = reported["index"]
    ranked = views.rank(reported["db_url"])
    [loaded] = open_pages(
        [index],
        ["table.ranking tbody tr", "svg.chart", "#obstacles table tbody tr", "table.ranking a[href]", "circle.dot"],
        screenshot=(index, tmp_path / "national.png"),
    )
    assert loaded.errors == []
    assert loaded.counts["table.ranking tbody tr"] == len(ranked) == len(SLUGS)
    assert loaded.texts["ranking_ids"] == [r.id for r in ranked]  # the order of `egov-crawl rank`
    # histograms (overall + one per pillar), by cohort, by ministry, and the obstacles chart
    pillars = {p for r in ranked for p in r.pillars}
    assert loaded.counts["svg.chart"] == 1 + len(pillars) + 2 + 1
    assert loaded.counts["#obstacles table tbody tr"] >= 1
    scored = [r for r in ranked if r.overall is not None]
    assert scored and loaded.counts["circle.dot"] == 2 * len(scored)  # by cohort and by ministry
    for row in ranked:  # every agency has its page, linked from the table
        assert (index.parent / "agency" / page_name(row.id)).is_file()
    assert loaded.counts["table.ranking a[href]"] == len(ranked)
    assert (tmp_path / "national.png").stat().st_size > 10_000  # something was drawn


def test_the_ranking_table_sorts_when_a_header_is_pressed(reported: dict[str, Any]) -> None:
    # the second column is the agency id; one press sorts ascending
    [loaded] = open_pages([reported["index"]], [], click="table.ranking thead th:nth-child(2) button")
    assert loaded.errors == []
    assert loaded.texts["ranking_ids"] == sorted(SLUGS)


def test_top_obstacles_count_the_stored_findings(reported: dict[str, Any]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "egov_crawl", "summary", "--db", reported["db_url"], "--format", "json", "--top", "50"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["run"]["id"] == reported["runs"][-1] and summary["agencies"] == len(SLUGS)
    # FAIL as the methodology counts it: an indicator outside its cohorts (applies_to) is NOT_APPLICABLE there.
    fails: Counter[str] = Counter()
    with session_factory(open_store(reported["db_url"]))() as session:
        scores = {a.id: s for s, a in repository.scores_of_run(session, reported["runs"][-1], "default")}
        for slug in SLUGS:
            counted = views.scored_indicators(scores[slug])
            fails.update(
                f.check_id
                for f in repository.findings_of(session, reported["runs"][-1], slug)
                if (counted.get(f.check_id) or {"outcome": f.outcome})["outcome"] == "FAIL"
            )
    listed = {o["check_id"]: o["fail"] for o in summary["top_obstacles"] if o["fail"]}
    assert listed == dict(fails)
    assert [o["fail"] for o in summary["top_obstacles"]] == sorted(
        (o["fail"] for o in summary["top_obstacles"]), reverse=True
    )
    assert sum(summary["bands"].values()) == len(SLUGS)

    table = subprocess.run(
        [sys.executable, "-m", "egov_crawl", "summary", "--db", reported["db_url"]],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert table.returncode == 0, table.stderr
    assert "Top obstacles" in table.stdout and f"{len(SLUGS)} agencies scored" in table.stdout


def test_agency_pages_show_findings_screenshots_and_a_trend_point_per_run(reported: dict[str, Any]) -> None:
    out: Path = reported["out"]
    pages = [out / "agency" / page_name(slug) for slug in SLUGS]
    loaded = open_pages(
        pages,
        ["svg.chart", "table.findings tbody tr", "#screenshots img"],
        evaluate={
            "images_drawn": "Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0).length",
            "points": "Array.from(document.querySelectorAll('circle.point')).map(c => c.dataset.series)",
        },
    )
    with session_factory(open_store(reported["db_url"]))() as session:
        findings = {slug: len(repository.findings_of(session, reported["runs"][-1], slug)) for slug in SLUGS}
    for slug, page in zip(SLUGS, loaded, strict=True):
        assert page.errors == [], slug
        assert page.counts["svg.chart"] == 2  # pillars and sub-indices, trend
        assert page.counts["table.findings tbody tr"] == findings[slug]
        assert page.values["images_drawn"] == page.counts["#screenshots img"]
        history = views.history(reported["db_url"], slug)
        assert [h.run_id for h in history] == reported["runs"]  # `history` shows both runs
        expected = Counter({"Overall": sum(h.overall is not None for h in history)})
        pillar_titles = _pillar_titles(reported["db_url"], slug)
        for pillar, title in pillar_titles.items():
            expected[title] = sum(h.pillars.get(pillar) is not None for h in history)
        points = page.values["points"]
        assert isinstance(points, list) and Counter(points) == +expected  # one point per scored run and series
        assert max(expected.values()) == 2
    assert loaded[0].counts["#screenshots img"] > 0  # revenue renders: its desktop and mobile screenshots
    copied = list((out / "evidence").rglob("*.png"))
    assert copied and all(p.resolve().is_relative_to(out.resolve()) for p in copied)


def _pillar_titles(db_url: str, agency_id: str) -> dict[str, str]:
    with session_factory(open_store(db_url))() as session:
        score, _ = repository.score_history(session, agency_id, "default")[-1]
        return {p: v["title"] for p, v in score.pillars.items()}


def test_scraped_markup_is_escaped_and_never_runs(reported: dict[str, Any]) -> None:
    page = reported["out"] / "agency" / page_name("revenue")
    html = page.read_text(encoding="utf-8")
    assert "<script>window.pwned" not in html and "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=" in html
    assert 'href="javascript:' not in html  # a javascript: URL stays text
    national = reported["index"].read_text(encoding="utf-8")
    assert "<script>window.pwned" not in national
    [loaded] = open_pages(
        [page],
        ["script", f"#{reported['planted']} .evidence a"],
        evaluate={
            "pwned": "typeof window.pwned",
            "h1": "document.querySelector('header p.sub:last-of-type').textContent",
        },
    )
    assert loaded.errors == []
    assert loaded.values["pwned"] == "undefined"
    assert loaded.counts["script"] == 1  # the table-sorting script, nothing planted
    assert HOSTILE_NAME in str(loaded.values["h1"])  # shown as text, exactly
    assert loaded.counts[f"#{reported['planted']} .evidence a"] >= 1  # the https URL is still a link


def test_a_single_agency_report(reported: dict[str, Any]) -> None:
    single: Path = reported["single"]
    assert single == single.parent.parent / "agency" / "oae.html"
    html = single.read_text(encoding="utf-8")
    assert "National report" not in html  # no national page next to it to link to
    assert "methodology default" in html


def test_report_refuses_bad_requests_in_one_line(reported: dict[str, Any], tmp_path: Path) -> None:
    def egov(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "egov_crawl", *args, "--db", reported["db_url"]],
            capture_output=True,
            text=True,
            timeout=120,
        )

    neither = egov("report", "-o", str(tmp_path / "r"))
    assert (
        neither.returncode == 1
        and neither.stderr.strip() == "error: give one agency id, or --all for the national report"
    )
    # An unknown agency is a bad value, as in score, explain and history: exit 2 and the agencies the store has.
    unknown = egov("report", "nosuch", "-o", str(tmp_path / "r"))
    assert unknown.returncode == 2
    assert unknown.stderr.strip().splitlines() == ["error: unknown agency 'nosuch'; known: cgd, oae, revenue"]


def test_only_files_inside_the_evidence_dir_are_copied(tmp_path: Path) -> None:
    evidence, out = tmp_path / "evidence", tmp_path / "out"
    (evidence / "run-1").mkdir(parents=True)
    (evidence / "run-1" / "a.png").write_bytes(b"png")
    (tmp_path / "secret.txt").write_text("secret")
    assert copy_evidence(evidence, "run-1/a.png", out) == "evidence/run-1/a.png"
    assert copy_evidence(evidence, "../secret.txt", out) is None
    assert copy_evidence(evidence, str(tmp_path / "secret.txt"), out) is None
    assert copy_evidence(evidence, "run-1/missing.png", out) is None
    assert not list(out.rglob("secret*"))


def test_only_http_urls_become_links() -> None:
    assert http_href("https://www.revenue.test/a?b=1") == "https://www.revenue.test/a?b=1"
    assert http_href("javascript:alert(1)") is None
    assert http_href("data:text/html,<script>") is None
    assert http_href("//evil.test/") is None
    assert http_href(None) is None
