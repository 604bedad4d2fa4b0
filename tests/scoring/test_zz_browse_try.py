import json, sqlite3, time
from pathlib import Path
from egov_crawl.browser.runner import browse
from egov_crawl.registry import load_registry
from tests.scoring.conftest import Scored

def test_browse_try(scored: Scored, testbed, tmp_path) -> None:
    t=time.time()
    summary = browse(load_registry(testbed.registry_path), [s for s in scored.slugs], db_url=scored.url, run_id=1,
        hostmap=testbed.hostmap, ca_file=testbed.ca_pem, evidence_dir=tmp_path / "ev", contexts=2)
    print("browse seconds", time.time()-t, summary.errors)
    with sqlite3.connect(scored.db) as s, sqlite3.connect("/tmp/browsed.db") as c:
        s.backup(c)
