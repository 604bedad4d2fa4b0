"""Precision and recall of the detections on real government pages, against labels written by reading them.

The corpus: the data.gov.uk archive (crawled one level deep through the WARC replay) and 16 Thai public-sector
home pages (served alone under their real host names). tests/realweb/labels holds one file per site: per item,
present or absent, with the anchors a reader saw and the traps (words inside other words, headlines) that must
not count. Thresholds: overall precision ≥ 0.95 and recall ≥ 0.90, no item below 0.85 precision.
docs/evaluation.json (and the table in docs/methodology.md generated from it) must be what this run measures.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from egov_crawl.evaluation.corpus import CorpusRun, crawl_and_evaluate
from egov_crawl.evaluation.labels import load_labels
from egov_crawl.evaluation.metrics import Thresholds, shortfalls, to_json
from tests.fixtures.markers import marks
from tests.fixtures.realweb import DATA_GOV_UK_WARCS, REALWEB, require_realweb
from tests.fixtures.requirements import missing

LABELS = Path(__file__).resolve().parent / "labels"
TH_HOME = REALWEB / "th-home"
RESULTS = Path(__file__).resolve().parents[2] / "docs" / "evaluation.json"


@pytest.fixture(scope="module")
@marks("slow")  # crawls the whole labelled real-web corpus: minutes
def corpus(tmp_path_factory: pytest.TempPathFactory) -> CorpusRun:
    require_realweb()
    if not TH_HOME.is_dir():
        missing(f"real Thai home pages not found at {TH_HOME}")
    labels = load_labels(LABELS)
    return crawl_and_evaluate(labels, tmp_path_factory.mktemp("eval"), warcs=DATA_GOV_UK_WARCS, saved_pages=TH_HOME)


def test_every_labelled_site_was_crawled_and_evaluated(corpus: CorpusRun) -> None:
    labelled = {s.site for s in load_labels(LABELS)}
    assert corpus.evaluation.missing_sites == []
    assert corpus.evaluation.sites == len(labelled) == 17


def test_precision_and_recall_meet_the_thresholds(corpus: CorpusRun) -> None:
    errors = "\n".join(f"{o.verdict} {o.site} {o.item}: {o.evidence}" for o in corpus.evaluation.errors)
    assert shortfalls(corpus.evaluation, Thresholds()) == [], errors


def test_the_published_results_are_this_run(corpus: CorpusRun) -> None:
    published = json.loads(RESULTS.read_text(encoding="utf-8"))
    assert published == to_json(corpus.evaluation), "rerun: python scripts/evaluate_realweb.py, then the docs"


def eval_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "egov_crawl", "eval", *args], capture_output=True, text=True, timeout=120
    )


def test_eval_command_prints_the_table_and_fails_below_a_threshold(corpus: CorpusRun) -> None:
    ok = eval_cli(str(LABELS), "--db", corpus.db_url, "--format", "csv")
    assert ok.returncode == 0, ok.stderr
    rows = ok.stdout.splitlines()
    assert rows[0] == "item,labelled,present,tp,fp,fn,precision,recall"
    assert sum(1 for row in rows if row.startswith("overall,")) == 1
    strict = eval_cli(str(LABELS), "--db", corpus.db_url, "--min-recall", "1.0")
    assert strict.returncode == 1
    assert "overall recall" in strict.stderr and "Traceback" not in strict.stderr + strict.stdout


def test_eval_command_bad_labels_is_one_line(tmp_path: Path, corpus: CorpusRun) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("site: x.test\nitems:\n  SRV-01: {present: maybe}\n", encoding="utf-8")
    result = eval_cli(str(bad), "--db", corpus.db_url)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "bad.yaml" in lines[0] and "SRV-01" in lines[0], result.stderr
