"""``egov-crawl report`` (static HTML) and ``egov-crawl summary`` (the national view in the terminal).

Thin: parse, call ``report.html`` or ``report.national``, render. Mounted by ``egov_crawl.cli._mount_optional_apps``.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from egov_crawl import config
from egov_crawl.cli_options import DbOption, RunOption
from egov_crawl.errors import UserError
from egov_crawl.output import Column, Format, render, terminal_safe
from egov_crawl.report.national import NationalSummary, Obstacle, national_summary

console = Console()

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
    from egov_crawl.report.html import write_agency_report, write_national_report

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


def mount(app: typer.Typer) -> None:
    app.command("report", help="Write static HTML reports: an agency's score card, or --all the national report.")(
        report_command
    )
    app.command("summary", help="The national view of a run in the terminal: bands, obstacles, failures.")(
        summary_command
    )
