"""The facts contract (egov_crawl/facts/): a leaf every layer may import, whose payload keys mypy enforces on the
reading side too, so a key renamed by a collector is a type error in the checks instead of a silent NOT_OBSERVED."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import mypy.api

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


# The model the checks read (SiteFacts) also carries the country profile the agency is judged under and the
# Thai fiscal year: two leaf modules that import nothing else of egov_crawl.
MODEL_MAY_IMPORT = {"egov_crawl.thai", "egov_crawl.profiles"}


def test_the_facts_contract_imports_only_the_standard_library_and_itself() -> None:
    modules = sorted(FACTS.glob("*.py"))
    assert {p.stem for p in modules} >= {"kinds", "page", "site", "probe", "browser", "model"}
    outside = {
        f"{path.name}: {name}"
        for path in modules
        for name in _imported_modules(path)
        if not name.startswith("egov_crawl.facts")
        and name.split(".")[0] not in sys.stdlib_module_names
        and not (path.stem == "model" and name in MODEL_MAY_IMPORT)
    }
    assert not outside


def _mypy(tmp_path: Path, body: str) -> tuple[int, str]:
    source = tmp_path / "reader.py"
    source.write_text(
        "from egov_crawl.facts.probe import NotFoundFact\n\n\n"
        f"def soft(payload: NotFoundFact) -> bool:\n    return bool({body})\n",
        encoding="utf-8",
    )
    stdout, stderr, status = mypy.api.run(
        [
            str(source),
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(tmp_path / "mypy-cache"),
            "--follow-imports",
            "silent",
        ]
    )
    return status, stdout + stderr


def test_reading_a_payload_key_the_contract_does_not_declare_is_a_type_error(tmp_path: Path) -> None:
    status, output = _mypy(tmp_path, 'payload.get("soft404")')
    assert status == 1, output
    assert 'TypedDict "NotFoundFact" has no key "soft404"' in output
    status, output = _mypy(tmp_path, 'payload.get("soft_404")')
    assert status == 0, output
