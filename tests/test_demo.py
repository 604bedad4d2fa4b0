"""``egov-crawl demo`` runs end to end, offline, and stores the sample crawl."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from egov_crawl.testbed.generator import generate
from tests.test_registry import cli


def test_demo_crawls_the_sample_web_into_its_own_database(tmp_path: Path) -> None:
    result = cli("demo", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "not built yet" in result.stdout  # the phases still to come are named, not faked
    with sqlite3.connect(tmp_path / "out" / "egov-crawl.db") as db:
        (pages,) = db.execute("SELECT count(*) FROM page").fetchone()
        failed = {row[0] for row in db.execute("SELECT agency_id FROM site_crawl WHERE status = 'failed'")}
    assert pages > 500
    # Exactly the sample sites built with a bad certificate fail (certificates are verified by default).
    bad_certificates = {s.slug for s in generate().sites if s.quality.tls in ("expired", "self-signed", "wrong-host")}
    assert failed == bad_certificates
