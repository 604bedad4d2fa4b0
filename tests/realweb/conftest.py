"""Real government material from ../shared/realweb (next to the checkout; see its README), replayed on loopback.

Tests here skip cleanly, with the reason, when the material is absent (a user's fresh clone has no ../shared),
except in CI (``CI`` set), where ../shared is always laid beside the clone: there a missing archive fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from egov_crawl.testbed.replay import RunningReplay, start_replay
from tests.fixtures.requirements import missing as absent

REALWEB = Path(__file__).resolve().parents[2].parent / "shared" / "realweb"
# data.gov.uk, 25 March 2014, by the British Library: a crawl and its re-crawl 11 minutes later (revisits).
DATA_GOV_UK_WARCS = (
    REALWEB / "BL-20140325121225068-00000-32090~opera~8443.warc.gz",
    REALWEB / "BL-20140325122341434-00000-32090~opera~8443.warc.gz",
)


def require_realweb() -> None:
    missing = [p.name for p in DATA_GOV_UK_WARCS if not p.is_file()]
    if missing:
        absent(f"real-web material not found at {REALWEB} (missing {', '.join(missing)})")


@pytest.fixture(scope="session")
def data_gov_uk_replay(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningReplay]:
    """The data.gov.uk archive, served on loopback for the whole session."""
    require_realweb()
    with start_replay(DATA_GOV_UK_WARCS, tmp_path_factory.mktemp("replay-data-gov-uk")) as replay:
        yield replay
