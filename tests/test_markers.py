"""The fast lane's markers follow the fixtures: a test that reaches a service fixture, however indirectly, carries
its mark, and with the browser tests deselected a test that still starts Chromium fails the session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

CONFTEST = """
import os, tempfile
from pathlib import Path
import pytest
from tests.fixtures import markers

_log = []

def pytest_configure(config):
    if markers.excludes_browser(config.option.markexpr or ""):
        _log.append(markers.forbid_chromium(Path(tempfile.mkdtemp())))

@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    markers.mark_by_fixtures(items)

def pytest_sessionfinish(session):
    if _log and markers.chromium_starts(_log[0]):
        print("CHROMIUM STARTED BY", markers.chromium_starts(_log[0]))
        session.exitstatus = 1

@pytest.fixture(scope="session")
@markers.marks("browser")
def chromium():
    return "chromium"

@pytest.fixture
def rendered_store(chromium):
    return {"rendered": chromium}
"""

TESTS = """
import os, subprocess

def test_unit():
    pass

def test_through_another_fixture(rendered_store):
    pass

def test_starts_chromium_unmarked():
    subprocess.run([os.environ.get("EGOV_CRAWL_CHROMIUM", "true"), "--headless"], check=False)
"""


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A small suite in a temporary directory using the real ``tests.fixtures.markers``."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_suite=TESTS)
    pytester.makeini("[pytest]\nmarkers =\n    browser: b\n    slow: s\n    postgres: p\n    redis: r\n")
    return pytester


def test_a_test_reaching_a_service_fixture_indirectly_is_marked(suite: pytest.Pytester) -> None:
    result = suite.runpytest_subprocess("-m", "browser", "--collect-only", "-q")
    assert "test_suite.py::test_through_another_fixture" in result.outlines
    assert not [line for line in result.outlines if "test_unit" in line]


def test_a_test_that_starts_chromium_without_the_mark_fails_the_fast_lane(suite: pytest.Pytester) -> None:
    result = suite.runpytest_subprocess("-m", "not browser", "-s")
    result.assert_outcomes(passed=2, deselected=1)
    assert result.ret == 1
    assert "CHROMIUM STARTED BY ['test_suite.py::test_starts_chromium_unmarked']" in result.stdout.str()
