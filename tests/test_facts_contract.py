"""The facts contract (egov_crawl/facts/): a leaf every layer may import, the collectors and the checks alike."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FACTS = ROOT / "egov_crawl" / "facts"


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_the_facts_contract_imports_only_the_standard_library_and_itself() -> None:
    modules = sorted(FACTS.glob("*.py"))
    assert {p.stem for p in modules} >= {"kinds", "page", "site", "probe", "browser"}
    outside = {
        f"{path.name}: {name}"
        for path in modules
        for name in _imported_modules(path)
        if not name.startswith("egov_crawl.facts") and name.split(".")[0] not in sys.stdlib_module_names
    }
    assert not outside
