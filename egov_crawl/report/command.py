"""The commands that read stored scores: ``report`` (static HTML), ``summary`` (the national view in the
terminal), ``score``, ``rank``, ``explain`` and ``history``.

Thin: each parses its options, calls one library function (``report.views``, ``report.html``,
``report.national`` or, for ``score``, ``scoring.engine``) and renders with the columns declared in
``report.export``. Mounted by ``egov_crawl.cli._mount_optional_apps``.
"""

from __future__ import annotations

import difflib
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from egov_crawl import config
from egov_crawl.cli_options import (
    AsOfOption,
    DbOption,
    ExcelOption,
    FormatOption,
    MethodologyOption,
    OutOption,
    RunOption,
)
from egov_crawl.errors import UserError, unknown_value
from egov_crawl.output import Column, Format, render, strip_controls, terminal_safe
from egov_crawl.report import views
from egov_crawl.report.export import HISTORY_COLUMNS, RANK_COLUMNS, SCORE_COLUMNS, export, export_format
from egov_crawl.report.html import write_agency_report, write_national_report
from egov_crawl.report.national import NationalSummary, Obstacle, national_summary
from egov_crawl.scoring.command import warn_of_profiles
from egov_crawl.scoring.engine import score_run
from egov_crawl.scoring.methodology import load_methodology
from egov_crawl.store import repository
from egov_crawl.store.db import open_store, session_factory

console = Console()
err = Console(stderr=True)

NationalOption = Annotated[
    bool, typer.Option("--all", help="The national report: index.html and a page per scored agency of the run")
]
OutDirOption = Annotated[Path, typer.Option("--output", "-o", help="Folder to write the report into")]
EvidenceOption = Annotated[
    Path | None,
    typer.Option("--evidence", help="Screenshots folder of the runs [default: evidence/ next to a SQLite store]"),
]
MethodologyIdOption = Annotated[
    str, typer.Option("--methodology", "-m", help="Methodology id the scores were computed with")
]


def report_command(
    agency: Annotated[str | None, typer.Argument(help="Agency id (or --all for the national report)")] = None,
    all_agencies: NationalOption = False,
    output: OutDirOption = Path("report"),
    run: RunOption = None,
    db: DbOption = None,
    evidence: EvidenceOption = None,
    methodology: MethodologyIdOption = "default",
) -> None:
    """Write a static HTML report: one agency's score card, or with --all the national report (index.html)."""
    if bool(agency) == all_agencies:
        raise UserError("give one agency id, or --all for the national report")
    url = config.db_url(db)
    if agency:
        path = write_agency_report(url, agency, output, run_id=run, evidence_dir=evidence, methodology_id=methodology)
    else:
        path = write_national_report(url, output, run_id=run, evidence_dir=evidence, methodology_id=methodology)
    console.print(f"report written: {path}")


class SummaryFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


OBSTACLE_COLUMNS: list[Column[Obstacle]] = [
    Column("indicator", lambda o: o.check_id),
    Column("title", lambda o: o.title),
    Column("pillar", lambda o: o.pillar),
    Column("FAIL", lambda o: o.fail, justify="right"),
    Column("PARTIAL", lambda o: o.partial, justify="right"),
    Column("observed", lambda o: o.observed, justify="right"),
    Column("failing", lambda o: f"{100 * o.fail_share:.0f}%", justify="right"),
]


def _pairs(first: str, second: str) -> list[Column[tuple[str, Any]]]:
    """Columns for (name, value) pairs: bands, pillar means, failure classes."""
    return [Column(first, lambda kv: kv[0]), Column(second, lambda kv: kv[1], justify="right")]


def summary_as_dict(summary: NationalSummary) -> dict[str, Any]:
    return {
        "run": summary.run.__dict__,
        "methodology": summary.methodology.__dict__,
        "agencies": summary.agencies,
        "overall_mean": summary.overall_mean,
        "bands": summary.bands,
        "pillar_means": summary.pillar_means,
        "top_obstacles": [
            {**o.__dict__, "observed": o.observed, "fail_share": o.fail_share} for o in summary.obstacles
        ],
        "failures": summary.failures,
        "warnings": summary.warnings,
    }


def _print_summary(summary: NationalSummary) -> None:
    run, m = summary.run, summary.methodology
    console.print(
        f"[bold]run {run.id}[/] ({terminal_safe(run.kind)}, {terminal_safe(run.status)}) started "
        f"{run.started_at:%Y-%m-%d %H:%M} UTC · code {terminal_safe(run.code_version)} · "
        f"methodology {terminal_safe(m.id)} {terminal_safe(m.version)} ({m.hash[:12]})",
        highlight=False,
    )
    mean = "–" if summary.overall_mean is None else f"{summary.overall_mean:.1f}"
    console.print(f"[bold]{summary.agencies}[/] agencies scored · mean overall {mean}", highlight=False)
    for warning in summary.warnings:
        console.print(warning, style="yellow", markup=False, highlight=False, soft_wrap=True)

    render(list(summary.bands.items()), _pairs("band", "agencies"), Format.TABLE, title="Bands")
    means = [(summary.pillar_titles[p], "–" if v is None else f"{v:.1f}") for p, v in summary.pillar_means.items()]
    render(means, _pairs("pillar", "mean"), Format.TABLE, title="Pillar means")
    render(summary.obstacles, OBSTACLE_COLUMNS, Format.TABLE, title="Top obstacles: the indicators most agencies fail")
    failures = [(f"{source}: {cls}", n) for source, classes in summary.failures.items() for cls, n in classes.items()]
    if failures:
        render(failures, _pairs("failure class", "count"), Format.TABLE, title="Failures by class")
    else:
        console.print("no collection failures in this run")


def summary_command(
    run: RunOption = None,
    db: DbOption = None,
    methodology: MethodologyIdOption = "default",
    top: Annotated[int, typer.Option("--top", min=1, help="How many obstacles to list")] = 10,
    fmt: Annotated[SummaryFormat, typer.Option("--format", "-f", help="Output format")] = SummaryFormat.TABLE,
) -> None:
    """The national view of a run: agencies scored, bands, pillar means, top obstacles, failures by class."""
    summary = national_summary(config.db_url(db), run_id=run, methodology_id=methodology, top=top)
    if fmt is SummaryFormat.JSON:
        sys.stdout.write(json.dumps(summary_as_dict(summary), ensure_ascii=False, indent=2, default=str) + "\n")
        return
    _print_summary(summary)


# Unset means a table, or CSV with --excel: a default of "table" could not be told from an explicit one.
ExportFormatOption = Annotated[
    Format | None, typer.Option("--format", "-f", help="Output format [default: table; csv with --excel]")
]


class GroupBy(StrEnum):
    PARENT = "parent"


def _methodology_id(methodology: str | None) -> str:
    return load_methodology(methodology).id


def _no_facts_line(url: str, run_id: int, agency: str) -> str:
    """An unknown or mistyped id: name the close matches among the run's agencies (else the store's), as
    ``Registry.select`` does for the registry."""
    with session_factory(open_store(url))() as session:
        everyone = repository.agency_ids(session)
        known = repository.agencies_with_facts(session, run_id) or everyone
    if agency not in everyone:
        raise unknown_value("agency", agency, everyone, listing="egov-crawl rank")
    close = difflib.get_close_matches(agency, known, n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(close)}?" if close else "see `egov-crawl rank` for the agencies it has"
    return f"run {run_id} has no facts for {agency!r}; {hint}"


def score_command(
    agency: Annotated[str | None, typer.Argument(help="Agency id to show (default: score every agency)")] = None,
    run: RunOption = None,
    methodology: MethodologyOption = None,
    db: DbOption = None,
    fmt: ExportFormatOption = None,
    output: OutOption = None,
    excel: ExcelOption = False,
    as_of: AsOfOption = None,
) -> None:
    """Score a run from stored facts; show an agency's score card (pillars, sub-indices, costly failures)."""
    fmt = export_format(fmt, excel, output)  # before any work: a bad -o or --format fails at once

    url = config.db_url(db)
    with session_factory(open_store(url))() as session:
        run_id = run if run is not None else repository.newest_run_id(session)
    if run_id is None:
        raise UserError("the store has no run to score; crawl first (`egov-crawl crawl …`)")
    day = as_of.date() if as_of else None
    scores = score_run(url, run_id, methodology=methodology, agency_ids=[agency] if agency else None, as_of=day)
    warn_of_profiles(methodology, scores)
    if agency is None:
        err.print(f"scored {len(scores)} agencies of run {run_id}")
        rows = views.rank(url, run_id=run_id, methodology_id=_methodology_id(methodology))
        export(rows, RANK_COLUMNS, fmt, output, excel=excel, title=f"run {run_id}")
        return
    if not scores:
        raise UserError(_no_facts_line(url, run_id, agency))
    card = views.score_card(url, agency, run_id=run_id, methodology_id=scores[0].methodology_id)
    export(card.lines, SCORE_COLUMNS, fmt, output, excel=excel, title=f"{agency} · run {run_id} · {card.methodology}")


def rank_command(
    pillar: Annotated[str | None, typer.Option("--pillar", help="Rank by one pillar's score")] = None,
    cohort: Annotated[str | None, typer.Option("--cohort", help="Only agencies of this cohort")] = None,
    group_by: Annotated[GroupBy | None, typer.Option("--group-by", help="Rank within each parent agency")] = None,
    run: RunOption = None,
    methodology: MethodologyOption = None,
    db: DbOption = None,
    fmt: ExportFormatOption = None,
    output: OutOption = None,
    excel: ExcelOption = False,
) -> None:
    """Rank the agencies of a run (ties: higher coverage first, then agency id)."""
    fmt = export_format(fmt, excel, output)  # before any work: a bad -o or --format fails at once
    rows = views.rank(
        config.db_url(db),
        run_id=run,
        methodology_id=_methodology_id(methodology),
        pillar=pillar,
        cohort=cohort,
        group_by_parent=group_by is GroupBy.PARENT,
    )
    export(rows, RANK_COLUMNS, fmt, output, excel=excel, title=f"{len(rows)} agencies")


def explain_command(
    agency: Annotated[str, typer.Argument(help="Agency id")],
    check_id: Annotated[str, typer.Argument(help="Check id, e.g. INF-03")],
    run: RunOption = None,
    db: DbOption = None,
    fmt: FormatOption = Format.TABLE,
    methodology: Annotated[
        str, typer.Option("--methodology", "-m", help="Methodology id the outcome is counted under")
    ] = "default",
) -> None:
    """Why an agency got its outcome on one check: outcome, score, evidence, and what the check does."""
    found = views.explain(config.db_url(db), agency, check_id, run_id=run, methodology_id=methodology)
    if fmt is Format.JSON:
        sys.stdout.write(json.dumps(found.__dict__, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    review = " (needs review)" if found.needs_review else ""
    note = f" ({found.note})" if found.note else ""
    # Evidence carries text from sites (a consent banner, a page title): escaped and stripped of controls.
    console.print(f"[bold]{found.check_id}[/bold] {found.title} — {terminal_safe(found.agency_id)}, run {found.run_id}")
    console.print(
        strip_controls(f"outcome: {found.outcome}{note}{review}   score: {found.score}   policy: {found.methodology}"),
        markup=False,
    )
    if found.finding_outcome != found.outcome:
        console.print(f"the check itself found {found.finding_outcome}; the methodology counts {found.outcome}")
    for item in found.evidence:
        console.print(
            strip_controls(f"  evidence: {item.get('summary')}")
            + (f"\n            {strip_controls(str(item['url']))}" if item.get("url") else ""),
            markup=False,
        )
    console.print()
    console.print(found.doc, markup=False)
    if found.remediation:
        fix = found.remediation
        console.print()
        console.print(f"How to fix: {fix['en']}", markup=False, highlight=False)
        console.print(f"วิธีแก้ไข: {fix['th']}", markup=False, highlight=False)
        console.print(f"Standard: {fix['standard']}" + (f" ({fix['link']})" if fix.get("link") else ""), markup=False)


def history_command(
    agency: Annotated[str, typer.Argument(help="Agency id")],
    methodology: MethodologyOption = None,
    db: DbOption = None,
    fmt: ExportFormatOption = None,
    output: OutOption = None,
    excel: ExcelOption = False,
) -> None:
    """An agency's scores, run by run."""
    fmt = export_format(fmt, excel, output)  # before any work: a bad -o or --format fails at once
    rows = views.history(config.db_url(db), agency, methodology_id=_methodology_id(methodology))
    export(rows, HISTORY_COLUMNS, fmt, output, excel=excel, title=f"{agency}: {len(rows)} runs")


def mount(app: typer.Typer) -> None:
    app.command("report", help="Write static HTML reports: an agency's score card, or --all the national report.")(
        report_command
    )
    app.command("summary", help="The national view of a run in the terminal: bands, obstacles, failures.")(
        summary_command
    )
    app.command("score")(score_command)
    app.command("rank")(rank_command)
    app.command("explain")(explain_command)
    app.command("history")(history_command)
