"""Every registered check is named ("INF-15") in at least one test module besides this one.

Run as a script to list the checks no test names: ``python -m tests.scoring.test_every_check_is_tested``.
"""

from __future__ import annotations

import re
from pathlib import Path

from egov_crawl.scoring.registry import all_checks

TESTS = Path(__file__).resolve().parents[1]


def untested_checks() -> list[str]:
    """Check ids that appear, quoted as a whole id, in no test module."""
    sources = "\n".join(
        path.read_text(encoding="utf-8") for path in sorted(TESTS.rglob("*.py")) if path != Path(__file__).resolve()
    )
    named = set(re.findall(r"""["']((?:SRV|INF|OPN)-\d{2})["']""", sources))
    return [check_id for check_id in all_checks() if check_id not in named]


def test_every_check_is_named_in_a_test() -> None:
    assert untested_checks() == []


if __name__ == "__main__":
    print("\n".join(untested_checks()) or "every check is named in a test")
