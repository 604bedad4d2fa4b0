"""Measure the detections on the real-page corpus and write docs/evaluation.json (then regenerate the methodology
document: python -m egov_crawl.scoring.docs). Needs ../shared/realweb beside the checkout.

    .venv/bin/python scripts/evaluate_realweb.py
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from egov_crawl.evaluation.corpus import crawl_and_evaluate
from egov_crawl.evaluation.labels import load_labels
from egov_crawl.evaluation.metrics import to_json

ROOT = Path(__file__).resolve().parents[1]
REALWEB = ROOT.parent / "shared" / "realweb"
LABELS = ROOT / "tests" / "realweb" / "labels"
WARCS = sorted(REALWEB.glob("BL-*.warc.gz"))
OUT = ROOT / "docs" / "evaluation.json"


def main() -> int:
    if not WARCS or not (REALWEB / "th-home").is_dir():
        print(f"real-web material not found at {REALWEB}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="egov-eval-") as work:
        run = crawl_and_evaluate(load_labels(LABELS), Path(work), warcs=WARCS, saved_pages=REALWEB / "th-home")
    OUT.write_text(json.dumps(to_json(run.evaluation), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
