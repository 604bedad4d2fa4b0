"""The registry: the default file is valid and bilingual; broken files get one located line per problem."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from egov_crawl.registry import load_registry
from egov_crawl.registry.models import Cohort
from tests.fixtures.cli import cli

pytestmark = pytest.mark.slow  # each test starts the command line in a child process: seconds of CPU each

ROOT = Path(__file__).resolve().parent.parent
GOOD_HEAD = """version: 1
agencies:
  - id: mof
    name: {th: กระทรวงการคลัง, en: Ministry of Finance}
    cohort: ministry
    homepage: https://www.mof.go.th/
"""


def test_default_registry_validates_with_counts_by_cohort() -> None:
    result = cli("agencies", "validate")
    assert result.returncode == 0, result.stderr
    summary, *cohorts = result.stdout.splitlines()
    assert re.fullmatch(r"agencies\.yaml: \d+ agencies, valid", summary), summary  # "invalid" must not pass
    counts = {cohort: int(count) for cohort, count in (line.split() for line in cohorts)}
    assert counts["ministry"] == 20 and counts["department"] > 0


def test_default_registry_lists_50_bilingual_agencies_as_json() -> None:
    result = cli("agencies", "list", "--format", "json")
    assert result.returncode == 0, result.stderr
    agencies = json.loads(result.stdout)
    assert len(agencies) >= 50
    assert all(a["name_th"] and a["name_en"] for a in agencies)
    registry = load_registry(ROOT / "agencies.yaml")
    ministries = [a for a in registry.agencies if a.cohort is Cohort.MINISTRY]
    assert len(ministries) >= 20  # all 20 ministries (the Office of the Prime Minister is ministry-level too)
    assert "opm" in registry.by_id()


BROKEN = {
    "yaml-syntax": (
        GOOD_HEAD + "  - id: dlt\n    name: {th: กรมการขนส่งทางบก, en: Department of Land Transport\n",
        9,
        None,
        None,
        "YAML syntax error: expected ',' or '}', but got '<stream end>' (while parsing a flow mapping "
        "that starts on line 8)",
    ),
    "duplicate-id": (
        GOOD_HEAD + "  - id: mof\n    name: {th: ซ้ำ, en: Duplicate}\n    cohort: ministry\n"
        "    homepage: https://dup.go.th/\n",
        7,
        "mof",
        "id",
        "duplicate id",
    ),
    "unknown-parent": (
        GOOD_HEAD + "  - id: rd\n    name: {th: กรมสรรพากร, en: Revenue Department}\n    cohort: department\n"
        "    parent: ministry-of-money\n    homepage: https://www.rd.go.th/\n",
        10,
        "rd",
        "parent",
        "unknown parent 'ministry-of-money'",
    ),
    "bad-url": (
        GOOD_HEAD + "  - id: rd\n    name: {th: กรมสรรพากร, en: Revenue Department}\n    cohort: department\n"
        "    homepage: www.rd.go.th\n",
        10,
        "rd",
        "homepage",
        "http:// or https://",
    ),
    "missing-name": (
        GOOD_HEAD + "  - id: rd\n    cohort: department\n    homepage: https://www.rd.go.th/\n",
        7,
        "rd",
        "name",
        "required",
    ),
    "unknown-cohort": (
        GOOD_HEAD + "  - id: rd\n    name: {th: กรมสรรพากร, en: Revenue Department}\n    cohort: bureau\n"
        "    homepage: https://www.rd.go.th/\n",
        9,
        "rd",
        "cohort",
        "'bureau' is not allowed",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_registry_gives_one_located_line(case: str, tmp_path: Path) -> None:
    text, line, agency, field, message = BROKEN[case]
    path = tmp_path / "agencies.yaml"
    path.write_text(text, encoding="utf-8")
    result = cli("agencies", "validate", str(path))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1, errors
    assert f"{path}:{line}:" in errors[0]
    if agency:
        assert f"agency '{agency}'" in errors[0]
    if field:
        assert f"field '{field}'" in errors[0]
    assert message in errors[0]


def test_several_problems_are_all_reported_in_line_order(tmp_path: Path) -> None:
    path = tmp_path / "agencies.yaml"
    path.write_text(BROKEN["unknown-cohort"][0] + "    colour: red\n", encoding="utf-8")
    result = cli("agencies", "validate", str(path))
    lines = result.stderr.strip().splitlines()
    assert [line.split(":")[2] for line in lines] == ["9", "11"]
    assert "'colour': is not a known field" in lines[1]


def test_missing_registry_file_is_one_clear_line(tmp_path: Path) -> None:
    result = cli("agencies", "list", "--registry", str(tmp_path / "nope.yaml"))
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: {tmp_path / 'nope.yaml'}: file not found; pass --registry FILE"


def test_journey_steps_are_read_only_unless_a_step_allows_submitting(tmp_path: Path) -> None:
    path = tmp_path / "agencies.yaml"
    path.write_text(
        GOOD_HEAD
        + """    eservices:
      - id: mof-tax
        name: {th: ยื่นภาษี}
        url: https://www.mof.go.th/tax
        steps:
          - {action: goto, target: "https://www.mof.go.th/tax"}
          - {action: submit, target: "#pay", allow_submit: true}
""",
        encoding="utf-8",
    )
    steps = load_registry(path).get("mof").eservices[0].steps
    assert [step.allow_submit for step in steps] == [False, True]
    path.write_text(path.read_text(encoding="utf-8").replace("allow_submit: true", "allow_submit: maybe"))
    result = cli("agencies", "validate", str(path))
    assert result.returncode != 0 and "allow_submit" in result.stderr
