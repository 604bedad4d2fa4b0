"""The commands that turn a run into something to send out: ``actions`` (an agency's to-do list),
``export matrix`` (agency × check, for spreadsheets) and ``changes`` (what improved and regressed since the
previous complete run). They only read the store. Mounted by ``egov_crawl.cli._mount_optional_apps``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Annotated

import typer
from jinja2 import Environment, PackageLoader, StrictUndefined
from rich.console import Console

from egov_crawl import __version__, config
from egov_crawl.cli_options import DbOption, ExcelOption, MethodologyOption, OutOption, RunOption
from egov_crawl.errors import BadUsage, UserError
from egov_crawl.output import Column, Format, check_output_path, strip_controls, terminal_safe, write_out
from egov_crawl.report.actions import Action, ActionPlan, action_plan
from egov_crawl.report.changes import IMPROVED, REGRESSED, Change, Changes, changes_since
from egov_crawl.report.export import export, export_format
from egov_crawl.report.html.site import http_href
from egov_crawl.report.matrix import agency_matrix, matrix_columns

console = Console()
err = Console(stderr=True)


def _points(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


ACTION_COLUMNS: list[Column[Action]] = [
    Column("priority", lambda a: a.priority, justify="right"),
    Column("check_id", lambda a: a.check_id),
    Column("title", lambda a: a.title),
    Column("pillar", lambda a: a.pillar),
    Column("outcome", lambda a: a.outcome),
    Column("points_recoverable", lambda a: _points(a.points), justify="right"),
    Column("pillar_points_recoverable", lambda a: _points(a.pillar_points), justify="right"),
    Column("needs_review", lambda a: a.needs_review),
    Column("fix_en", lambda a: a.fix_en),
    Column("fix_th", lambda a: a.fix_th),
    Column("standard", lambda a: a.standard),
    Column("standard_link", lambda a: a.link),
    Column("evidence_url", lambda a: a.evidence_url),
    Column("evidence", lambda a: a.evidence),
]

CHANGE_COLUMNS: list[Column[Change]] = [
    Column("agency_id", lambda c: c.agency_id),
    Column("check_id", lambda c: c.check_id),
    Column("title", lambda c: c.title),
    Column("change", lambda c: c.direction),
    Column("before", lambda c: c.before),
    Column("after", lambda c: c.after),
    Column("before_score", lambda c: round(c.before_score, 3), justify="right"),
    Column("after_score", lambda c: round(c.after_score, 3), justify="right"),
    Column("overall_before", lambda c: _points(c.overall_before), justify="right"),
    Column("overall_after", lambda c: _points(c.overall_after), justify="right"),
    Column("evidence_url", lambda c: c.evidence_url),
]


class ActionsFormat(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"
    HTML = "html"


def _actions_output(fmt: ActionsFormat | None, excel: bool, out: Path | None) -> ActionsFormat:
    """The format, checked with the output path before any work (as ``report.export.export_format`` does)."""
    if fmt is not ActionsFormat.HTML:
        return ActionsFormat(export_format(None if fmt is None else Format(fmt.value), excel, out).value)
    if excel:
        raise BadUsage("--excel writes CSV for Excel, not html; drop --format html or --excel")
    if out is not None and str(out) != "-":
        check_output_path(out)
        if out.suffix.lower() not in (".html", ".htm"):
            raise UserError(f"-o {out}: the format is html; name the file .html")
    return fmt


@cache
def _letter_environment() -> object:

    env = Environment(
        loader=PackageLoader("egov_crawl.report.html", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=lambda v: strip_controls(v) if isinstance(v, str) else v,
    )
    env.filters["http_href"] = http_href
    return env


def actions_html(plan: ActionPlan) -> str:
    """The letter as one self-contained HTML page (Thai first, then English, for each fix)."""
    env = _letter_environment()
    assert isinstance(env, Environment)
    written = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return env.get_template("actions.html.j2").render(plan=plan, version=__version__, written=written)


def _print_plan(plan: ActionPlan) -> None:
    m = plan.methodology
    name = " · ".join(n for n in (plan.name_th, plan.name_en) if n)
    console.print(
        f"[bold]{terminal_safe(plan.agency_id)}[/] {terminal_safe(name)} — {plan.run.label()}, "
        f"methodology {terminal_safe(m.id)} {terminal_safe(m.version)} ({m.sha256[:12]})",
        highlight=False,
    )
    if not plan.actions:
        console.print("nothing to fix: no observed failure in this run")
        return
    console.print(f"{len(plan.actions)} fixes, the most points first\n", highlight=False)
    for a in plan.actions:
        points = "overall not computable" if a.points is None else f"+{a.points:.2f} points"
        pillar = "" if a.pillar_points is None else f" ({a.pillar} +{a.pillar_points:.2f})"
        review = "  [needs review]" if a.needs_review else ""
        console.print(f"{a.priority:>2}. {a.check_id} {a.title} — {a.outcome}, {points}{pillar}{review}", markup=False)
        console.print(f"    EN: {a.fix_en}", markup=False, highlight=False)
        console.print(f"    TH: {a.fix_th}", markup=False, highlight=False)
        console.print(f"    standard: {a.standard}", markup=False, highlight=False)
        if a.evidence:
            console.print(strip_controls(f"    evidence: {a.evidence}"), markup=False, highlight=False)
        if a.evidence_url:
            console.print(strip_controls(f"              {a.evidence_url}"), markup=False, highlight=False)


def actions_command(
    agency: Annotated[str, typer.Argument(help="Agency id")],
    run: RunOption = None,
    methodology: MethodologyOption = None,
    db: DbOption = None,
    fmt: Annotated[
        ActionsFormat | None, typer.Option("--format", "-f", help="table, csv, json or html (the letter)")
    ] = None,
    output: OutOption = None,
    excel: ExcelOption = False,
) -> None:
    """What an agency should fix first: its failures ordered by the points each recovers, with how to fix
    them (English and Thai), the standard and the evidence."""
    chosen = _actions_output(fmt, excel, output)  # before any work: a bad -o or --format fails at once
    plan = action_plan(config.db_url(db), agency, run_id=run, methodology=methodology)
    if chosen is ActionsFormat.TABLE and (output is None or str(output) == "-"):
        _print_plan(plan)
    elif chosen is ActionsFormat.HTML:
        write_out(actions_html(plan), output)
    else:
        title = f"{agency} · {plan.run.label()}"
        export(plan.actions, ACTION_COLUMNS, Format(chosen.value), output, excel=excel, title=title)
    if output is not None and str(output) != "-":
        err.print(f"{len(plan.actions)} fixes for {terminal_safe(agency)} written: {terminal_safe(output)}")


class MatrixFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


def matrix_command(
    run: RunOption = None,
    methodology: MethodologyOption = None,
    db: DbOption = None,
    fmt: Annotated[MatrixFormat | None, typer.Option("--format", "-f", help="csv (default) or json")] = None,
    output: OutOption = None,
    excel: ExcelOption = False,
) -> None:
    """One row per scored agency, one column per check outcome and one per check score (CSV or JSON)."""
    chosen = export_format(Format((fmt or MatrixFormat.CSV).value), excel, output)
    rows = agency_matrix(config.db_url(db), run_id=run, methodology=methodology)
    export(rows, matrix_columns(), chosen, output, excel=excel)
    if output is not None and str(output) != "-":
        err.print(f"{len(rows)} agencies of {rows[0].run.label()} written: {terminal_safe(output)}")


def _print_changes(found: Changes) -> None:
    console.print(
        f"[bold]{found.run.label()}[/] compared with {found.since.label()} · methodology "
        f"{terminal_safe(found.methodology_id)} · {found.compared} agencies in both",
        highlight=False,
    )
    console.print(
        f"{found.count(IMPROVED)} improved, {found.count(REGRESSED)} regressed "
        f"across {len({c.agency_id for c in found.changes})} agencies",
        highlight=False,
    )
    by_agency: dict[str, list[Change]] = {}
    for change in found.changes:
        by_agency.setdefault(change.agency_id, []).append(change)
    for agency_id, items in by_agency.items():
        first = items[0]
        before = "–" if first.overall_before is None else f"{first.overall_before:.1f}"
        after = "–" if first.overall_after is None else f"{first.overall_after:.1f}"
        console.print(f"\n{agency_id}  overall {before} → {after}", markup=False, highlight=False)
        for c in sorted(items, key=lambda c: (c.direction != REGRESSED, c.check_id)):
            sign = "-" if c.direction == REGRESSED else "+"
            console.print(
                f"  {sign} {c.check_id} {c.title}: {c.before} → {c.after} ({c.direction})",
                markup=False,
                highlight=False,
            )


def changes_command(
    since: Annotated[
        int | None, typer.Option("--since", help="Baseline run id (default: the complete run before --run)")
    ] = None,
    run: RunOption = None,
    agency: Annotated[str | None, typer.Option("--agency", help="Only this agency")] = None,
    methodology: MethodologyOption = None,
    db: DbOption = None,
    fmt: Annotated[Format | None, typer.Option("--format", "-f", help="table (default), csv or json")] = None,
    output: OutOption = None,
    excel: ExcelOption = False,
) -> None:
    """What improved and what regressed, per agency and indicator, since the previous complete run."""
    chosen = export_format(fmt, excel, output)
    found = changes_since(config.db_url(db), run_id=run, since=since, methodology=methodology, agency_id=agency)
    if chosen is Format.TABLE and (output is None or str(output) == "-"):
        _print_changes(found)
        return
    export(found.changes, CHANGE_COLUMNS, chosen, output, excel=excel, title=found.run.label())


export_app = typer.Typer(help="Spreadsheet exports of a run.", no_args_is_help=True)
export_app.command("matrix")(matrix_command)


def mount(app: typer.Typer) -> None:
    app.command("actions", help="What an agency should fix first, by points recoverable, in English and Thai.")(
        actions_command
    )
    app.command("changes", help="What improved and regressed per agency and indicator since the last complete run.")(
        changes_command
    )
    app.add_typer(export_app, name="export", help="Spreadsheet exports: the agency × check matrix.")
