"""docs/testbed.md carries the generated tables of normal and hostile sites, unchanged."""

from __future__ import annotations

from pathlib import Path

from egov_crawl.testbed.docs import hostile_table, sites_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "testbed.md"


def between(text: str, name: str) -> str:
    return text.split(f"<!-- {name}:begin -->\n", 1)[1].split(f"\n<!-- {name}:end -->", 1)[0]


def test_docs_tables_are_the_generated_ones() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert between(text, "sites") == sites_table(), "regenerate: python -m egov_crawl.testbed.docs"
    assert between(text, "hostile") == hostile_table(), "regenerate: python -m egov_crawl.testbed.docs"
