"""One probe run over the whole testbed (22 sample agencies + the hostile hosts), shared by the probe tests."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from egov_crawl.probes.dns import Nameserver
from egov_crawl.probes.net import ProbeConfig
from egov_crawl.probes.runner import ProbeSummary, probe
from egov_crawl.registry import load_registry
from egov_crawl.store import repository
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.testbed.process import TestbedHandle

# Short limits: the slow hostile hosts stall for 45 s; a probe must give up long before.
TEST_CONFIG = ProbeConfig(request_timeout=3.0, connect_timeout=2.0, host_timeout=25.0, sample_interval=0.05)


@dataclass(frozen=True)
class Probed:
    summary: ProbeSummary
    db: Path
    # (agency, host, kind) -> (payload, error_class), read back from the store
    facts: dict[tuple[str, str, str], tuple[dict[str, Any], str | None]]
    by_agency: dict[str, list[tuple[str, str]]]

    def fact(self, agency: str, host: str, kind: str) -> dict[str, Any]:
        return self.facts[(agency, host, kind)][0]

    def error(self, agency: str, host: str, kind: str) -> str | None:
        return self.facts[(agency, host, kind)][1]


@pytest.fixture(scope="session")
def probed(testbed: TestbedHandle, tmp_path_factory: pytest.TempPathFactory) -> Probed:
    db = tmp_path_factory.mktemp("probes") / "p.db"
    url = f"sqlite:///{db}"
    sessions = session_factory(open_store(url))
    with sessions.begin() as session:
        run_id = repository.create_run(session, code_version="test").id
    assert testbed.dns_port is not None
    summary = probe(
        load_registry(testbed.registry_path),
        None,
        db_url=url,
        run_id=run_id,
        hostmap=testbed.hostmap,
        ca_file=testbed.ca_pem,
        dns_server=Nameserver("127.0.0.1", testbed.dns_port),
        trust_anchors=testbed.state["dns_trust_anchors"],
        config=TEST_CONFIG,
    )
    facts: dict[tuple[str, str, str], tuple[dict[str, Any], str | None]] = {}
    by_agency: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with sessions() as session:
        for row in repository.probe_facts(session, run_id):
            facts[(row.agency_id, row.host, row.kind)] = (row.payload, row.error_class)
            by_agency[row.agency_id].append((row.host, row.kind))
    return Probed(summary, db, facts, dict(by_agency))
