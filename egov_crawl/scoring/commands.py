"""The analyst's commands: ``score``, ``rank``, ``explain``, ``rescore``, ``history`` and ``checks list|show``.

Thin: each parses its options, calls one library function (``scoring.engine`` or ``report.views``) and renders
with the columns declared in ``report.export``. Mounted by ``egov_crawl.cli._mount_optional_apps``.
"""

from __future__ import annotations

import difflib
import json
import sys
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from egov_crawl import config
from egov_crawl.cli_options import DbOption, FormatOption, OutOption, RunOption
from egov_crawl.errors import unknown_value
from egov_crawl.output import Column, Format, check_output, render, strip_controls, terminal_safe
from egov_crawl.report import views
from egov_crawl.report.export import HISTORY_COLUMNS, RANK_COLUMNS, SCORE_COLUMNS, export, export_format
from egov_crawl.scoring.registry import CheckSpec

if TYPE_CHECKING:
    from egov_crawl.scoring.engine import AgencyScore

console = Console()
err = Console(stderr=True)

MethodologyOption = Annotated[
    str | None,
    typer.Option("--methodology", "-m", help="Methodology file, or a bundled name (default, ita-oit)"),
]
AsOfOption = Annotated[
    datetime | None,
    typer.Option("--as-of", formats=["%Y-%m-%d"], help="Judge freshness against this date (default: the run's)"),
]
ExcelOption = Annotated[
    bool, typer.Option("--excel", help="CSV with a byte-order mark, so Excel reads Thai text (implies --format csv)")
]
# Unset means a table, or CSV with --excel: a default of "table" could not be told from an explicit one.
ExportFormatOption = Annotated[
    Format | None, typer.Option("--format", "-f", help="Output format [default: table; csv with --excel]")
]


class GroupBy(StrEnum):
    PARENT = "parent"


def _methodology_id(methodology: str | None) -> str:
    from egov_crawl.scoring.methodology import load_methodology

    return load_methodology(methodology).id


def _warn_of_profiles(methodology: str | None, scores: list[AgencyScore]) -> None:
    """On stderr: agencies scored under a methodology not valid for their country profile."""
    from egov_crawl.scoring.engine import profile_warning_of
    from egov_crawl.scoring.methodology import load_methodology

    warning = profile_warning_of(load_methodology(methodology), scores)
    if warning:
        err.print(warning, style="yellow", markup=False, highlight=False, soft_wrap=True)


def _no_facts_line(url: str, run_id: int, agency: str) -> str:
    """An unknown or mistyped id: name the close matches among the run's agencies (else the store's), as
    ``Registry.select`` does for the registry."""
    from egov_crawl.store import repository
    from egov_crawl.store.db import open_store, session_factory

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
    from egov_crawl.scoring.engine import score_run
    from egov_crawl.store import repository
    from egov_crawl.store.db import open_store, session_factory

    url = config.db_url(db)
    with session_factory(open_store(url))() as session:
        run_id = run if run is not None else repository.newest_run_id(session)
    if run_id is None:
        from egov_crawl.errors import UserError

        raise UserError("the store has no run to score; crawl first (`egov-crawl crawl …`)")
    day = as_of.date() if as_of else None
    scores = score_run(url, run_id, methodology=methodology, agency_ids=[agency] if agency else None, as_of=day)
    _warn_of_profiles(methodology, scores)
    if agency is None:
        err.print(f"scored {len(scores)} agencies of run {run_id}")
        rows = views.rank(url, run_id=run_id, methodology_id=_methodology_id(methodology))
        export(rows, RANK_COLUMNS, fmt, output, excel=excel, title=f"run {run_id}")
        return
    if not scores:
        from egov_crawl.errors import UserError

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
    from egov_crawl.scoring.engine import rescore

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
    _warn_of_profiles(methodology, scores)
    columns: list[Column[AgencyScore]] = [
        Column("run", lambda s: s.run_id, justify="right"),
        Column("agency", lambda s: s.agency_id),
        Column("overall", lambda s: s.overall, justify="right"),
        Column("coverage", lambda s: round(s.coverage, 3), justify="right"),
        Column("band", lambda s: s.band),
        Column("methodology", lambda s: f"{s.methodology_id} {s.methodology_version}"),
    ]
    render(scores, columns, fmt, output, title=f"rescored {len(scores)} agency runs")


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
    from egov_crawl.scoring.registry import all_checks

    checks = list(all_checks().values())
    render(checks, CHECK_COLUMNS, fmt, output, title=f"{len(checks)} checks")


@checks_app.command("show")
def checks_show(check_id: Annotated[str, typer.Argument(help="Check id, e.g. OPN-12")]) -> None:
    """What a check does, why, its evidence and outcomes, and how the default methodology weighs it."""
    from egov_crawl.scoring.methodology import load_methodology
    from egov_crawl.scoring.registry import get_check

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
    app.command("score")(score_command)
    app.command("rank")(rank_command)
    app.command("explain")(explain_command)
    app.command("rescore")(rescore_command)
    app.command("history")(history_command)
    app.add_typer(checks_app, name="checks")
