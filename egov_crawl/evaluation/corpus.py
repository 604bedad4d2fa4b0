"""Crawl an evaluation corpus served on loopback under its real host names, then evaluate it.

The corpus is real material no one on the team wrote: archived sites (WARC files, crawled one level deep: the
archive holds the pages the home page links to) and saved home pages (``<host>/index.html``, crawled alone:
nothing behind their links was saved). Both are replayed by the WARC replay, so the crawler fetches them exactly
as it fetches a live site.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from egov_crawl.crawler.runner import crawl
from egov_crawl.evaluation.labels import SiteLabels
from egov_crawl.evaluation.metrics import Evaluation, evaluate
from egov_crawl.evaluation.store import sites_by_host
from egov_crawl.registry import Registry
from egov_crawl.testbed.replay import start_replay
from egov_crawl.testbed.replay_index import WarcIndex

# Settings for a replay on loopback: no politeness delays (the server is ours), quick batched writes.
REPLAY_SETTINGS = {"EGOV_MAX_CRAWL_DELAY": 0.0, "EGOV_DB_FLUSH_SECONDS": 0.2}
ARCHIVE_MAX_PAGES = 150


@dataclass(frozen=True)
class CorpusRun:
    db_url: str
    run_id: int
    evaluation: Evaluation


def _registry(hosts: Sequence[str]) -> Registry:
    return Registry.model_validate(
        {
            "version": 1,
            "agencies": [
                {
                    "id": host.replace(".", "-"),
                    "name": {"en": host},
                    "cohort": "department",
                    "homepage": f"http://{host}/",
                }
                for host in hosts
            ],
        }
    )


def _archived_hosts(index: WarcIndex, labels: Sequence[SiteLabels]) -> tuple[list[str], list[str]]:
    """(labelled hosts the WARC files hold, labelled hosts of saved pages)."""
    saved = {response.url.split("/")[2] for response in index.responses.values() if response.warc_file == "-"}
    labelled = [s.site for s in labels]
    return [h for h in labelled if h in index.hosts and h not in saved], [h for h in labelled if h in saved]


def crawl_and_evaluate(
    labels: Sequence[SiteLabels],
    workdir: Path,
    *,
    warcs: Sequence[Path] = (),
    saved_pages: Path | None = None,
) -> CorpusRun:
    """Serve the corpus, crawl every labelled site into ``workdir/eval.db`` (archived sites one level deep,
    saved home pages alone) and evaluate the detections against ``labels``."""
    db_url = f"sqlite:///{workdir / 'eval.db'}"
    run_id: int | None = None
    with start_replay(warcs, workdir / "replay", saved_pages=saved_pages) as replay:
        archived, saved = _archived_hosts(replay.index, labels)
        # One run, two crawls (the depth is per crawl): ``egov-crawl eval LABELS --db`` then reads it whole.
        for hosts, depth, budget in ((archived, 1, ARCHIVE_MAX_PAGES), (saved, 0, 1)):
            if hosts:
                run_id = crawl(
                    _registry(hosts),
                    None,
                    db_url=db_url,
                    run_id=run_id,
                    hostmap=replay.hostmap,
                    ca_file=replay.ca_pem,
                    max_pages=budget,
                    max_depth=depth,
                    polite=False,
                    settings=REPLAY_SETTINGS,
                    log_file=workdir / "crawl.log",
                ).run_id
    _, sites = sites_by_host(db_url, run_id, {s.site for s in labels})
    return CorpusRun(db_url, run_id or 0, evaluate(labels, sites))
