"""Importing the CISA dotgov-data CSV gives a registry that validates and groups domains sensibly."""

from __future__ import annotations

from pathlib import Path

import pytest

from egov_crawl.registry import load_registry
from egov_crawl.registry.models import Cohort
from tests.fixtures.cli import cli

pytestmark = pytest.mark.slow  # each test starts the command line in a child process: seconds of CPU each

SAMPLE = Path(__file__).parent / "data" / "dotgov-sample.csv"


def test_import_dotgov_writes_a_registry_that_validates(tmp_path: Path) -> None:
    out = tmp_path / "us.yaml"
    result = cli("agencies", "import", "dotgov", str(SAMPLE), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert cli("agencies", "validate", str(out)).returncode == 0

    registry = load_registry(out)
    agencies = registry.by_id()
    assert registry.country == "US"
    commerce = agencies["department-of-commerce"]
    assert commerce.cohort is Cohort.MINISTRY and commerce.homepage == "https://commerce.gov/"
    noaa = agencies["national-oceanic-and-atmospheric-administration"]
    assert noaa.parent == "department-of-commerce"
    assert noaa.cohort is Cohort.DEPARTMENT
    assert noaa.homepage == "https://noaa.gov/" and noaa.hosts == ["weather.gov"]
    # Agriculture has no domain of its own in the sample: no invented parent, the organisation becomes a tag.
    forest = next(a for a in registry.agencies if a.name.en == "Forest Service")
    assert forest.parent is None and "department-of-agriculture" in forest.tags
    assert forest.hosts == ["fs.fed.us"]
    assert agencies["town-of-anytown"].cohort is Cohort.LOCAL
    assert agencies["state-of-zz"].cohort is Cohort.PROVINCE


def test_import_rejects_a_csv_without_the_dotgov_header(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("domain,type\nexample.gov,City\n", encoding="utf-8")
    result = cli("agencies", "import", "dotgov", str(bad), "-o", str(tmp_path / "out.yaml"))
    assert result.returncode == 1
    assert "not a dotgov-data CSV" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out.yaml").exists()
