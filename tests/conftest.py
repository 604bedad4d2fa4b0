"""Suite-wide: the outbound-connection guard, the shared fixtures of tests/fixtures/, and markers that follow them."""

from __future__ import annotations

import importlib.util
import os
import sys
import tempfile
from pathlib import Path
from types import ModuleType

import pytest

from tests.fixtures import markers, xdist_groups

_GUARD_DIR = Path(__file__).parent / "_netguard"
# Guard this process and every Python subprocess the tests start (see _netguard/sitecustomize.py).
os.environ["EGOV_CRAWL_NETGUARD"] = "1"
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_GUARD_DIR), os.environ.get("PYTHONPATH")]))


def _load_guard() -> ModuleType:
    # Loaded by path under its own name: another ``sitecustomize`` may already be imported in this process.
    spec = importlib.util.spec_from_file_location("egov_netguard", _GUARD_DIR / "sitecustomize.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["egov_netguard"] = module
    spec.loader.exec_module(module)
    return module


netguard = _load_guard()
netguard.install()

pytest_plugins = [
    "pytester",
    "tests.fixtures.browser",
    "tests.fixtures.postgres",
    "tests.fixtures.redis",
    "tests.fixtures.testbed",
    "tests.fixtures.crawl",
    "tests.fixtures.probed",  # before scored, which imports it (a plugin imported first is not assert-rewritten)
    "tests.fixtures.scored",
    "tests.fixtures.realweb",
    "tests.fixtures.distributed",
]


_chromium_log: list[Path] = []
_children_log: list[Path] = []


def pytest_configure(config: pytest.Config) -> None:
    xdist_groups.prepare(config)
    if hasattr(config, "workerinput"):
        return  # an xdist worker: it inherited the controller's stub ($EGOV_CRAWL_CHROMIUM), which logs for it
    if markers.excludes_browser(config.option.markexpr or ""):
        # Browser tests deselected: any Chromium a remaining test (or its child process) starts is a stub that
        # records the test, reported at the end of the session.
        _chromium_log.append(markers.forbid_chromium(Path(tempfile.mkdtemp(prefix="egov-no-chromium-"))))
    if markers.excludes_slow(config.option.markexpr or ""):
        # Slow tests deselected (the fast lane): a remaining test that starts a Python child process (the
        # command line, a crawl child) is reported at the end of the session.
        _children_log.append(markers.forbid_python_children(Path(tempfile.mkdtemp(prefix="egov-no-children-"))))


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    markers.mark_by_fixtures(items)
    markers.group_by_fixtures(items)
    xdist_groups.record(items)


@pytest.hookimpl(optionalhook=True, tryfirst=True)  # before xdist's own loadgroup scheduler (see xdist_groups)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    if config.getoption("dist", "no") != "loadgroup":
        return None
    return xdist_groups.scheduler(config, log)


@pytest.hookimpl(tryfirst=True)  # before the test's fixtures are set up
def pytest_runtest_setup(item: pytest.Item) -> None:
    markers.running(item)


def pytest_sessionfinish(session: pytest.Session) -> None:
    starts = markers.chromium_starts(_chromium_log[0]) if _chromium_log else []
    if starts:
        print("\nChromium was started by tests not marked 'browser':\n  " + "\n  ".join(starts))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    children = markers.python_children(_children_log[0]) if _children_log else []
    if children:
        print("\nPython child processes were started by tests not marked 'slow':\n  " + "\n  ".join(children))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
