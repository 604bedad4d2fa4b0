"""docs/methodology.md is the one generated from the checks and the methodology files, unchanged."""

from __future__ import annotations

from egov_crawl.scoring.docs import DOC_PATH, methodology_doc


def test_methodology_doc_is_the_generated_one() -> None:
    assert DOC_PATH.read_text(encoding="utf-8") == methodology_doc(), "regenerate: python -m egov_crawl.scoring.docs"
    assert "### OPN-12 Privacy policy / PDPA notice" in methodology_doc()
