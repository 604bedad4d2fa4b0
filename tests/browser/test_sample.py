"""Which pages the browser visits, and where evidence may be written: pure functions, no browser."""

from __future__ import annotations

from pathlib import Path

import pytest

from egov_crawl.browser.evidence import Evidence, evidence_dir
from egov_crawl.browser.sample import pages_for
from egov_crawl.registry.models import Agency

AGENCY = Agency.model_validate(
    {
        "id": "mof",
        "name": {"th": "กระทรวงการคลัง"},
        "cohort": "ministry",
        "homepage": "https://www.mof.go.th/",
        "eservices": [{"id": "tax", "name": {"th": "ภาษี"}, "url": "https://www.mof.go.th/tax/"}],
    }
)


def test_home_eservices_then_one_crawl_page_per_role() -> None:
    candidates = {
        "pages": [
            {"url": "https://www.mof.go.th/", "title": "กระทรวงการคลัง"},
            {"url": "https://www.mof.go.th/contact/", "title": "ติดต่อเรา | กระทรวงการคลัง"},
            {"url": "https://www.mof.go.th/search?q=ภาษี", "title": "ค้นหา"},
        ],
        "forms": [
            {"url": "https://www.mof.go.th/", "method": "GET", "fields": [{"name": "q", "type": "search"}]},
            {"url": "https://www.mof.go.th/complaint/", "method": "POST", "fields": [{"name": "a"}, {"name": "b"}]},
        ],
        "documents_per_page": {"https://www.mof.go.th/docs/": 12, "https://www.mof.go.th/": 2},
    }
    picked = [(t.role, t.url) for t in pages_for(AGENCY, candidates)]
    assert picked == [
        ("home", "https://www.mof.go.th/"),
        ("eservice", "https://www.mof.go.th/tax/"),
        ("contact", "https://www.mof.go.th/contact/"),
        ("form", "https://www.mof.go.th/complaint/"),
        ("documents", "https://www.mof.go.th/docs/"),
        ("search_results", "https://www.mof.go.th/search?q=ภาษี"),
    ]
    assert [t.role for t in pages_for(AGENCY, None)] == ["home", "eservice"]


def test_evidence_paths_are_relative_and_cannot_escape(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    evidence = Evidence(tmp_path / "ev", run_id=7)
    relative = evidence.relative_path("mof", "https://www.mof.go.th/a/../b?x=1", "mobile")
    assert relative.startswith("run-7/mof/") and relative.endswith("-mobile.png")
    assert evidence.absolute(relative).is_relative_to(tmp_path / "ev")
    with pytest.raises(ValueError):
        evidence.absolute("../outside.png")
    monkeypatch.delenv("EGOV_CRAWL_EVIDENCE", raising=False)
    assert evidence_dir(None, f"sqlite:///{tmp_path}/x.db") == tmp_path / "evidence"
    assert evidence_dir(None, "postgresql://h/db") == Path("evidence")
    monkeypatch.setenv("EGOV_CRAWL_EVIDENCE", "/srv/ev")
    assert evidence_dir(None, "postgresql://h/db") == Path("/srv/ev")
