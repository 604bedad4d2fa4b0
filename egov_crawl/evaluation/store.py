"""The facts of the labelled sites, read from a store (nothing is written: evaluating is reading)."""

from __future__ import annotations

from urllib.parse import urlsplit

from egov_crawl.errors import UserError
from egov_crawl.facts.model import SiteFacts
from egov_crawl.store import repository
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.store.site_facts import load_sites


def sites_by_host(db_url: str, run_id: int | None, hosts: set[str]) -> tuple[int, dict[str, SiteFacts]]:
    """(run id, host → SiteFacts) of the agencies of the run (default: the newest) whose home page is on a host
    of ``hosts``."""
    with session_factory(open_store(db_url))() as session:
        run = run_id if run_id is not None else repository.newest_run_id(session)
        if run is None or repository.get_run(session, run) is None:
            raise UserError(f"--db {db_url}: no run {run_id if run_id is not None else 'at all'}; crawl first")
        agency_ids = repository.agencies_with_facts(session, run)
        homepages = {row.id: row.homepage for row in repository.agency_rows(session, agency_ids).values()}
        wanted = [a for a in agency_ids if (urlsplit(homepages.get(a) or "").hostname or "").lower() in hosts]
        sites = load_sites(session, run, wanted)
    return run, {(urlsplit(site.homepage).hostname or "").lower(): site for site in sites}
