"""``egov-crawl crawl``: parse options, call ``runner.crawl``, render one row per agency.

Registered by ``egov_crawl.cli`` with ``app.command("crawl")(crawl_command)``; kept here so that the CLI module
stays a table of contents and the crawler's options live next to the crawler.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from egov_crawl import config
from egov_crawl.cli_options import (
    AgenciesArg,
    AllOption,
    AllowPrivateOption,
    CaFileOption,
    ContactOption,
    DbOption,
    FormatOption,
    HostmapOption,
    OutOption,
    RegistryOption,
    load_hostmap,
)
from egov_crawl.crawler.progress import CrawlProgress
from egov_crawl.crawler.runner import AgencyCrawlResult, crawl
from egov_crawl.errors import UserError
from egov_crawl.output import Column, Format, render
from egov_crawl.registry import load_registry

CRAWL_COLUMNS: list[Column[AgencyCrawlResult]] = [
    Column("agency", lambda r: r.agency_id),
    Column("status", lambda r: r.status),
    Column("finish_reason", lambda r: r.finish_reason),
    Column("error_class", lambda r: r.error_class),
    Column("pages", lambda r: r.pages, justify="right"),
    Column("budget", lambda r: r.max_pages, justify="right"),
]


def crawl_command(
    agencies: AgenciesArg = None,
    all_agencies: AllOption = False,
    registry: RegistryOption = None,
    db: DbOption = None,
    max_pages: Annotated[
        int | None, typer.Option("--max-pages", min=1, help="Page budget per agency (default: registry, else 200)")
    ] = None,
    max_depth: Annotated[int | None, typer.Option("--max-depth", min=0, help="Link depth from the home page")] = None,
    warc: Annotated[Path | None, typer.Option("--warc", help="Also write WARC files into this folder")] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue the newest unfinished crawl where it stopped")
    ] = False,
    run_id: Annotated[int | None, typer.Option("--run", help="Crawl into (or resume) this run id")] = None,
    incremental: Annotated[
        bool, typer.Option("--incremental", help="Conditional requests; unchanged pages reuse the last run's facts")
    ] = False,
    hostmap: HostmapOption = None,
    allow_private: AllowPrivateOption = False,
    ca_file: CaFileOption = None,
    fast: Annotated[
        bool, typer.Option("--fast", help="No delays or AutoThrottle: only for servers you run yourself")
    ] = False,
    contact: ContactOption = None,
    fmt: FormatOption = Format.TABLE,
    output: OutOption = None,
) -> None:
    """Crawl agencies' public sites into the store: page facts, links, documents, forms, robots.txt, sitemaps."""

    if all_agencies and agencies:
        raise UserError("give agency ids or --all, not both")
    if not all_agencies and not agencies and not resume:
        raise UserError("name the agencies to crawl, or use --all (or --resume)")
    loaded = load_registry(config.registry_path(registry))
    host_map = load_hostmap(hostmap, allow_private)
    with CrawlProgress(Console(stderr=True)) as progress:
        summary = crawl(
            loaded,
            agencies or None,
            db_url=config.db_url(db),
            run_id=run_id,
            hostmap=host_map,
            ca_file=ca_file,
            max_pages=max_pages,
            max_depth=max_depth,
            warc_dir=warc,
            resume=resume,
            incremental=incremental,
            polite=not fast,
            contact_url=contact or os.environ.get("EGOV_CRAWL_CONTACT"),
            on_event=progress.handle,
        )
    render(summary.agencies, CRAWL_COLUMNS, fmt, output, title=f"run {summary.run_id}: {summary.pages} pages")
