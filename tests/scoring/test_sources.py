"""One collector per fact (issue 22): security.txt, the 404 test and the apex/www twin are read from the probes
only; where two collectors see different things, the check's declared order decides and the finding names the
collector that decided, down to ``egov-crawl explain``."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from egov_crawl.cli import app
from egov_crawl.scoring.model import Finding, Outcome
from egov_crawl.scoring.registry import all_checks, run_check
from tests.fixtures.sitefacts import HOME, browser_row, page, probe_row, site
from tests.fixtures.small_store import build_store, registry_text

PACKAGE = Path(__file__).resolve().parents[2] / "egov_crawl"
BANNERS = {"server": "Apache/2.4.29 (Ubuntu)"}


def run(check_id: str, facts: object) -> Finding:
    return run_check(all_checks()[check_id], facts)  # type: ignore[arg-type]


def http_row(server: str | None) -> object:
    disclosure = {"server": server, "x_powered_by": None, "generator": None, "version_disclosed": bool(server)}
    return probe_row("http", {"host": "www.x.test", "url": HOME, "status": 200, "disclosure": disclosure})


def test_the_probe_decides_before_the_crawl_and_the_finding_says_so() -> None:
    crawled = site(page(HOME, "x", headers=BANNERS))
    both = site(page(HOME, "x", headers=BANNERS), probes=(http_row(None),))
    by_crawl, by_probe = run("INF-12", crawled), run("INF-12", both)
    assert by_crawl.outcome is Outcome.FAIL and by_crawl.evidence[0].data["collector"] == "crawl"
    assert by_crawl.evidence[0].summary.startswith("[crawl] version disclosed")
    # The probe's home-page request saw no banner: it comes first in INF-12's declared order, so it decides.
    assert by_probe.outcome is Outcome.PASS and by_probe.evidence[0].data["collector"] == "probe"
    assert by_probe.evidence[0].summary.startswith("[probe] headers of www.x.test")


def test_the_rendered_page_decides_before_the_static_html() -> None:
    static = site(page(HOME, "x", viewport="width=device-width"))
    payload = {"role": "home", "viewport_meta": "width=device-width", "mobile": {"overflow": True}}
    rendered = browser_row("page", payload)
    both = site(page(HOME, "x", viewport="width=device-width"), browser=(rendered,))
    assert run("INF-14", static).evidence[0].data["collector"] == "crawl"
    finding = run("INF-14", both)
    assert (finding.outcome, finding.score, finding.evidence[0].data["collector"]) == (Outcome.PARTIAL, 0.5, "browser")


def test_mixed_content_seen_by_either_collector_names_it() -> None:
    mixed = page(HOME, "x", mixed_content=["http://cdn.x.test/a.js"])
    rendered = browser_row("page", {"final_url": HOME, "mixed_content": []})
    finding = run("INF-13", site(mixed, browser=(rendered,)))
    assert finding.outcome is Outcome.FAIL and finding.evidence[0].data["collector"] == "crawl"
    clean = run("INF-13", site(page(HOME, "x"), browser=(rendered,)))
    assert clean.outcome is Outcome.PASS and clean.evidence[0].data["collector"] == "browser+crawl"


@pytest.mark.parametrize(
    ("check_id", "stored"),
    [
        ("INF-08", {"security_txt": {"url": f"{HOME}.well-known/security.txt", "status": 404}}),
        ("INF-27", {"soft_404": {"url": f"{HOME}zz", "status": 200}}),
        ("INF-28", {"twin": {"url": "https://x.test/", "status": 200, "final_url": HOME}}),
    ],
)
def test_what_the_crawler_fetched_before_the_probes_owned_it_decides_nothing(
    check_id: str, stored: dict[str, object]
) -> None:
    # A run stored before the change still holds the crawler's fetch; only the probes observe these now.
    finding = run(check_id, site(page(HOME, "x"), site_facts=stored))
    assert finding.outcome is Outcome.NOT_OBSERVED, finding


def test_the_package_has_one_security_txt_parser_and_the_spider_fetches_none() -> None:
    parsers = [
        f"{path.relative_to(PACKAGE)}:{node.name}"
        for path in PACKAGE.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef) and "security_txt" in node.name and node.name.startswith("parse")
    ]
    assert parsers == ["probes/parsers.py:parse_security_txt"]
    spider = (PACKAGE / "spiders" / "agency.py").read_text(encoding="utf-8")
    assert ".well-known/security.txt" not in spider and "soft404" not in spider


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('sources') / 'sources.db'}"
    build_store(url, registry_text("TH", {"revenue": "department"}))
    return url


def test_explain_names_the_collector_that_decided(store: str) -> None:
    result = CliRunner().invoke(app, ["explain", "revenue", "INF-12", "--db", store])
    assert result.exit_code == 0, result.output
    assert "evidence: [crawl] no version banner on 2 responses" in result.stdout
    result = CliRunner().invoke(app, ["explain", "revenue", "INF-12", "--db", store, "-f", "json"])
    assert json.loads(result.stdout)["evidence"][0]["data"]["collector"] == "crawl"
