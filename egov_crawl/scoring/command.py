"""The judgement commands: ``rescore`` (findings and scores again from stored facts, no network) and
``checks list|show``. The commands that read scores (``score``, ``rank``, ``explain``, ``history``) are the
report layer's (``egov_crawl.report.command``).

Thin: each parses its options, calls one library function and renders. Mounted by
``egov_crawl.cli._mount_optional_apps``.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from egov_crawl import config
from egov_crawl.cli_options import AsOfOption, DbOption, FormatOption, MethodologyOption, OutOption, RunOption
from egov_crawl.output import Column, Format, check_output, render
from egov_crawl.scoring.engine import AgencyScore, profile_warning_of, rescore
from egov_crawl.scoring.methodology import load_methodology
from egov_crawl.scoring.registry import CheckSpec, all_checks, get_check

console = Console()
err = Console(stderr=True)


def warn_of_profiles(methodology: str | None, scores: list[AgencyScore]) -> None:
    """On stderr: agencies scored under a methodology not valid for their country profile."""
    warning = profile_warning_of(load_methodology(methodology), scores)
    if warning:
        err.print(warning, style="yellow", markup=False, highlight=False, soft_wrap=True)


def rescore_command(
    methodology: MethodologyOption = None,
    run: RunOption = None,
    all_runs: Annotated[bool, typer.Option("--all-runs", help="Every run in the store")] = False,
    db: DbOption = None,
    fmt: FormatOption = Format.TABLE,
    output: OutOption = None,
    as_of: AsOfOption = None,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Scoring processes (default: one per core, at most 2)")
    ] = None,
) -> None:
    """Recompute findings and scores from stored facts (no network): after a methodology or check change."""
    check_output(output, fmt)  # before the scoring, which can take minutes

    day = as_of.date() if as_of else None
    url = config.db_url(db)
    scores = rescore(
        url,
        methodology_path=methodology,
        run_id=run,
        all_runs=all_runs,
        as_of=day,
        workers=workers,
        keep_findings=False,
    )
    warn_of_profiles(methodology, scores)
    columns: list[Column[AgencyScore]] = [
        Column("run", lambda s: s.run_id, justify="right"),
        Column("agency", lambda s: s.agency_id),
        Column("overall", lambda s: s.overall, justify="right"),
        Column("coverage", lambda s: round(s.coverage, 3), justify="right"),
        Column("band", lambda s: s.band),
        Column("methodology", lambda s: f"{s.methodology_id} {s.methodology_version}"),
    ]
    render(scores, columns, fmt, output, title=f"rescored {len(scores)} agency runs")


checks_app = typer.Typer(help="The checks: list them, show what one does.", no_args_is_help=True)


CHECK_COLUMNS: list[Column[CheckSpec]] = [
    Column("id", lambda c: c.id),
    Column("slug", lambda c: c.slug),
    Column("title", lambda c: c.title),
    Column("pillar", lambda c: c.pillar),
    Column("mode", lambda c: c.mode),
    Column("needs", lambda c: sorted(s.value for s in c.needs)),
    Column("needs_review", lambda c: c.needs_review),
    Column("version", lambda c: c.version),
]


@checks_app.command("list")
def checks_list(fmt: FormatOption = Format.TABLE, output: OutOption = None) -> None:
    """Every check, in catalog order."""
    checks = list(all_checks().values())
    render(checks, CHECK_COLUMNS, fmt, output, title=f"{len(checks)} checks")


@checks_app.command("show")
def checks_show(check_id: Annotated[str, typer.Argument(help="Check id, e.g. OPN-12")]) -> None:
    """What a check does, why, its evidence and outcomes, and how the default methodology weighs it."""
    spec = get_check(check_id)
    default = load_methodology()
    rule = default.rules.get(spec.id)
    console.print(f"[bold]{spec.id}[/bold] {spec.title}  ({spec.slug}, {spec.pillar}, mode {spec.mode})")
    if rule:
        pillar, sub = default.placement[spec.id]
        console.print(
            f"default methodology: {pillar}/{sub}, tier {rule.tier}" + (f", gate {rule.gate}" if rule.gate else "")
        )
    console.print(spec.doc, markup=False)


def mount(app: typer.Typer) -> None:
    """Register the commands on the main app (called by ``egov_crawl.cli._mount_optional_apps``)."""
    app.command("rescore")(rescore_command)
    app.add_typer(checks_app, name="checks")
