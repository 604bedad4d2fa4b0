"""The production package never imports pytest: test fixtures live in tests/fixtures/, not in egov_crawl/."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "egov_crawl"
TEST_FRAMEWORKS = {"pytest", "_pytest"}


def imported_roots(source: Path) -> set[str]:
    """The top-level names of every module ``source`` imports, at any depth of the file."""
    roots: set[str] = set()
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_module_of_the_package_imports_pytest() -> None:
    offenders = [
        str(path.relative_to(PACKAGE.parent))
        for path in sorted(PACKAGE.rglob("*.py"))
        if imported_roots(path) & TEST_FRAMEWORKS
    ]
    assert offenders == []
