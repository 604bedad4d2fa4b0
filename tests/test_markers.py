"""The fast lane's markers follow the fixtures: a test that reaches a service fixture, however indirectly, carries
its mark; with the browser tests deselected a test that still starts Chromium fails the session, and with the
slow tests deselected so does a test that starts a Python child process. Tests of a shared fixture get one
xdist group, so that the fixture is built in one worker only."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NETGUARD = ROOT / "tests" / "_netguard"

pytestmark = pytest.mark.slow  # each test runs a small pytest session in a child process

CONFTEST = """
import os, tempfile
from pathlib import Path
import pytest
from tests.fixtures import markers, xdist_groups

_log = []
_children = []

def pytest_configure(config):
    xdist_groups.prepare(config)
    if markers.excludes_browser(config.option.markexpr or ""):
        _log.append(markers.forbid_chromium(Path(tempfile.mkdtemp())))
    if markers.excludes_slow(config.option.markexpr or ""):
        _children.append(markers.forbid_python_children(Path(tempfile.mkdtemp())))

@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    markers.mark_by_fixtures(items)
    markers.group_by_fixtures(items)
    xdist_groups.record(items)

@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    return xdist_groups.scheduler(config, log) if config.getoption("dist", "no") == "loadgroup" else None

def pytest_sessionfinish(session):
    if _log and markers.chromium_starts(_log[0]):
        print("CHROMIUM STARTED BY", markers.chromium_starts(_log[0]))
        session.exitstatus = 1
    if _children and markers.python_children(_children[0]):
        print("PYTHON CHILDREN STARTED BY", markers.python_children(_children[0]))
        session.exitstatus = 1

@pytest.fixture(scope="session")
@markers.marks("browser")
def chromium():
    return "chromium"

@pytest.fixture
def rendered_store(chromium):
    return {"rendered": chromium}

@pytest.fixture(scope="session")
@markers.shared("big-store")
def big_store():
    return "store"

@pytest.fixture
def store_copy(big_store):
    return big_store
"""

TESTS = """
import os, subprocess, sys

def test_unit():
    pass

def test_through_another_fixture(rendered_store):
    pass

def test_starts_chromium_unmarked():
    subprocess.run([os.environ.get("EGOV_CRAWL_CHROMIUM", "true"), "--headless"], check=False)

def test_starts_python_unmarked():
    subprocess.run([sys.executable, "-c", "pass"], check=True)

def test_groups(request, store_copy):
    print("GROUP", request.node.nodeid.split("::")[1], request.node.get_closest_marker("xdist_group").args)

def test_group_of_a_plain_test(request):
    print("GROUP", request.node.nodeid.split("::")[1], request.node.get_closest_marker("xdist_group").args)
"""

OVERRIDE = """
import pytest

@pytest.fixture
def big_store():  # the module's own, not the shared one: its tests need not run in that group
    return "own"

def test_own_store(request, big_store):
    print("GROUP", request.node.nodeid.split("::")[1], request.node.get_closest_marker("xdist_group").args)
"""

WORKERS = """
import os, pytest

@pytest.fixture
def where(request):
    yield
    with open("workers.txt", "a") as out:
        out.write(f"{request.node.name} {os.environ.get('PYTEST_XDIST_WORKER')}\\n")

@pytest.mark.parametrize("n", range(4))
def test_shared(where, store_copy, n):
    pass

@pytest.mark.parametrize("n", range(4))
def test_plain(where, n):
    pass
"""


@pytest.fixture
def suite(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A small suite in a temporary directory using the real ``tests.fixtures.markers``."""
    # the suite's own sitecustomize first, as tests/conftest.py arranges for every child of the real suite
    paths = [str(NETGUARD), str(ROOT), os.environ.get("PYTHONPATH")]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, paths)))
    for inherited in ("EGOV_TEST_PYTHON_CHILD_LOG", "EGOV_CRAWL_CHROMIUM"):  # the small suite sets its own
        monkeypatch.delenv(inherited, raising=False)
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_suite=TESTS, test_override=OVERRIDE, test_workers=WORKERS)
    pytester.makeini("[pytest]\nmarkers =\n    browser: b\n    slow: s\n    postgres: p\n    redis: r\n")
    return pytester


def test_a_test_reaching_a_service_fixture_indirectly_is_marked(suite: pytest.Pytester) -> None:
    result = suite.runpytest_subprocess("-m", "browser", "--collect-only", "-q")
    assert "test_suite.py::test_through_another_fixture" in result.outlines
    assert not [line for line in result.outlines if "test_unit" in line]


def test_a_test_that_starts_chromium_without_the_mark_fails_the_fast_lane(suite: pytest.Pytester) -> None:
    result = suite.runpytest_subprocess("-m", "not browser", "-s")
    result.assert_outcomes(passed=14, deselected=1)
    assert result.ret == 1
    assert "CHROMIUM STARTED BY ['test_suite.py::test_starts_chromium_unmarked']" in result.stdout.str()


def test_a_test_that_starts_a_python_child_without_the_slow_mark_fails_the_fast_lane(suite: pytest.Pytester) -> None:
    result = suite.runpytest_subprocess("-m", "not slow", "-s")
    result.assert_outcomes(passed=15)
    assert result.ret == 1
    printed = result.stdout.str()
    assert "PYTHON CHILDREN STARTED BY ['test_suite.py::test_starts_python_unmarked  (-c pass)']" in printed
    # the whole suite (not the fast lane) starts children freely
    assert suite.runpytest_subprocess().ret == 0


def test_the_tests_of_a_shared_fixture_share_one_group_and_others_group_by_module(suite: pytest.Pytester) -> None:
    printed = suite.runpytest_subprocess("-s", "-k", "group").stdout.str()
    assert "GROUP test_groups ('big-store',)" in printed
    assert "GROUP test_group_of_a_plain_test ('test_suite.py',)" in printed
    assert "GROUP test_own_store ('test_override.py',)" in printed


def test_under_xdist_the_tests_of_a_group_run_in_one_worker(suite: pytest.Pytester) -> None:
    # xdist's own loadgroup scheduled each of these tests alone under pytest 9 (its group suffix is ignored)
    result = suite.runpytest_subprocess("-n", "2", "--dist", "loadgroup", "test_workers.py")
    result.assert_outcomes(passed=8)
    ran = dict(line.split() for line in (suite.path / "workers.txt").read_text().splitlines())
    assert len({ran[f"test_shared[{n}]"] for n in range(4)}) == 1, ran
    assert len({ran[f"test_plain[{n}]"] for n in range(4)}) == 1, ran
