"""``egov-crawl demo`` runs the whole pipeline offline; a second demo adds a second run (issue 8, acceptance 1, 4).

The full demo (22 sample agencies) is what `make demo` runs; here three of them keep CI short: the model agency,
the poor one and the one with a broken e-service.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from egov_crawl.report import views

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ["revenue", "oae", "cgd"]


def demo(out: Path) -> subprocess.CompletedProcess[str]:
    only = [arg for slug in SAMPLE for arg in ("--only", slug)]
    return subprocess.run(
        [sys.executable, "-m", "egov_crawl", "demo", "--out", str(out), *only],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
    )


def test_two_demos_write_rankings_a_report_and_a_history_of_two_runs(chromium: object, tmp_path: Path) -> None:
    out = tmp_path / "demo-out"
    first = demo(out)
    assert first.returncode == 0, first.stderr[-3000:]
    for phase in ("crawl", "probe", "browse", "score"):
        assert f"{phase} done" in first.stdout
    second = demo(out)
    assert second.returncode == 0, second.stderr[-3000:]

    text = (out / "rankings.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(text.splitlines()))
    assert rows[0]["id"] == "revenue" and rows[-1]["id"] == "oae"  # model first, poor last
    assert {r["id"] for r in rows} == set(SAMPLE) and all(r["run_date"] for r in rows)

    index = (out / "report" / "index.html").read_text(encoding="utf-8")
    assert all(f"agency/{slug}.html" in index for slug in SAMPLE)
    for slug in SAMPLE:
        assert (out / "report" / "agency" / f"{slug}.html").is_file()
    db_url = f"sqlite:///{out / 'egov-crawl.db'}"
    history = views.history(db_url, "revenue")
    assert len(history) == 2 and history[0].run_id < history[1].run_id  # (the trend chart: tests/report)
