"""Dump what a store holds for one run as sorted JSON lines, to compare two stores (or one store before and after
a rescore) with ``diff``.

Run ids, row ids and timestamps are left out, and rows point to their agency and page URL instead of row ids, so
two stores of the same observations dump the same lines. Sections: ``facts`` (site crawls, pages, links,
documents, forms, probe and browser facts), ``findings`` (agency, check, outcome, score, evidence) and
``scores``.

    .venv/bin/python scripts/dump_store.py --db demo-out/egov-crawl.db --only findings,scores > before.jsonl
    .venv/bin/egov-crawl rescore --db demo-out/egov-crawl.db
    .venv/bin/python scripts/dump_store.py --db demo-out/egov-crawl.db --only findings,scores > after.jsonl
    diff before.jsonl after.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from egov_crawl.config import db_url
from egov_crawl.errors import UserError
from egov_crawl.store.db import make_engine
from egov_crawl.store.models import (
    BrowserFact,
    Document,
    Finding,
    Form,
    Link,
    Page,
    ProbeFact,
    Run,
    Score,
    SiteCrawl,
)

SECTIONS = ("facts", "findings", "scores")

# Columns that differ between two stores of the same observations: row ids and the references between rows
# (replaced by the agency and page URL they point to), clocks, and the WARC record's random id.
VOLATILE = frozenset(
    {"id", "run_id", "site_crawl_id", "page_id", "started_at", "finished_at", "fetched_at", "observed_at"}
    | {"computed_at", "latency_ms", "warc_record_id"}
)


def _line(row: Any, **references: Any) -> str:
    """One row as a JSON line: every column but the volatile ones, plus what its row ids pointed to."""
    columns = {c.key: getattr(row, c.key) for c in inspect(type(row)).column_attrs if c.key not in VOLATILE}
    if "agency_id" in columns:  # one key for the agency in every table, as the references below name it
        references["agency"] = columns.pop("agency_id")
    line = {"table": row.__tablename__, **columns, **references}
    return json.dumps(line, sort_keys=True, ensure_ascii=False, default=str)


def _facts(session: Session, run_id: int) -> Iterator[str]:
    crawls = list(session.scalars(select(SiteCrawl).where(SiteCrawl.run_id == run_id)))
    crawl_agency = {crawl.id: crawl.agency_id for crawl in crawls}
    yield from (_line(crawl) for crawl in crawls)
    pages = list(session.scalars(select(Page).where(Page.site_crawl_id.in_(crawl_agency))))
    page_of = {page.id: (crawl_agency[page.site_crawl_id], page.url) for page in pages}
    yield from (_line(page, agency=crawl_agency[page.site_crawl_id]) for page in pages)
    for link in session.scalars(select(Link).where(Link.page_id.in_(page_of))):
        agency, source = page_of[link.page_id]
        yield _line(link, agency=agency, source_url=source)
    for document in session.scalars(select(Document).where(Document.site_crawl_id.in_(crawl_agency))):
        yield _line(document, agency=crawl_agency[document.site_crawl_id])
    for form in session.scalars(select(Form).where(Form.page_id.in_(page_of))):
        agency, page_url = page_of[form.page_id]
        yield _line(form, agency=agency, page_url=page_url)
    yield from (_line(probe) for probe in session.scalars(select(ProbeFact).where(ProbeFact.run_id == run_id)))
    yield from (_line(fact) for fact in session.scalars(select(BrowserFact).where(BrowserFact.run_id == run_id)))


def _findings(session: Session, run_id: int) -> Iterator[str]:
    yield from (_line(finding) for finding in session.scalars(select(Finding).where(Finding.run_id == run_id)))


def _scores(session: Session, run_id: int) -> Iterator[str]:
    yield from (_line(score) for score in session.scalars(select(Score).where(Score.run_id == run_id)))


DUMPERS = {"facts": _facts, "findings": _findings, "scores": _scores}


def _sections(value: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    unknown = [name for name in names if name not in SECTIONS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(SECTIONS)} (got {value!r})")
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--db", help="database URL or SQLite file (env: EGOV_CRAWL_DB)")
    parser.add_argument("--run", type=int, help="run id (default: the newest run)")
    parser.add_argument("--only", type=_sections, default=SECTIONS, help="comma-separated: facts,findings,scores")
    args = parser.parse_args(argv)
    try:
        engine = make_engine(db_url(args.db))
        with Session(engine) as session:
            run_id = args.run if args.run is not None else session.scalar(select(func.max(Run.id)))
            if run_id is None or session.get(Run, run_id) is None:
                print(f"dump_store: no run {'' if run_id is None else run_id} in the store", file=sys.stderr)
                return 2
            lines = sorted(line for section in args.only for line in DUMPERS[section](session, run_id))
    except UserError as exc:
        print(f"dump_store: {exc}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:  # not an egov-crawl store (no such table), or the server refused
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        print(f"dump_store: cannot read the store: {reason}", file=sys.stderr)
        return 2
    sys.stdout.writelines(line + "\n" for line in lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
