"""Suite-wide fixtures: the outbound-connection guard, the testbed, a real PostgreSQL server."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

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
    "tests.fixtures.postgres",
    "tests.fixtures.redis",
    "tests.fixtures.testbed",
    "tests.fixtures.scored",
    "tests.fixtures.probed",
    "tests.fixtures.realweb",
    "tests.fixtures.distributed",
]
