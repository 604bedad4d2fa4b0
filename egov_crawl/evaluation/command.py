"""``egov-crawl eval LABELS``: precision and recall per item and overall, against a crawled store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from egov_crawl import config
from egov_crawl.cli_options import DbOption, FormatOption, OutOption, RunOption
from egov_crawl.errors import UserError
from egov_crawl.evaluation.labels import load_labels
from egov_crawl.evaluation.metrics import Evaluation, Tally, Thresholds, evaluate, shortfalls
from egov_crawl.evaluation.store import sites_by_host
from egov_crawl.output import Column, Format, render

console = Console()


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


COLUMNS: list[Column[tuple[str, Tally]]] = [
    Column("item", lambda r: r[0]),
    Column("labelled", lambda r: r[1].labelled, "right"),
    Column("present", lambda r: r[1].tp + r[1].fn, "right"),
    Column("tp", lambda r: r[1].tp, "right"),
    Column("fp", lambda r: r[1].fp, "right"),
    Column("fn", lambda r: r[1].fn, "right"),
    Column("precision", lambda r: _ratio(r[1].precision), "right"),
    Column("recall", lambda r: _ratio(r[1].recall), "right"),
]


def rows_of(evaluation: Evaluation) -> list[tuple[str, Tally]]:
    return [*evaluation.items.items(), ("overall", evaluation.overall)]


def eval_command(
    labels: Annotated[Path, typer.Argument(help="Labels file, or a folder of them (one YAML file per site)")],
    db: DbOption = None,
    run: RunOption = None,
    fmt: FormatOption = Format.TABLE,
    output: OutOption = None,
    errors: Annotated[bool, typer.Option("--errors", help="List every false match and miss with its evidence")] = False,
    min_precision: Annotated[float, typer.Option(help="Fail below this overall precision")] = Thresholds.precision,
    min_recall: Annotated[float, typer.Option(help="Fail below this overall recall")] = Thresholds.recall,
    min_item_precision: Annotated[
        float, typer.Option(help="Fail when an item's precision is below this")
    ] = Thresholds.item_precision,
) -> None:
    """Measure detections against labels written by reading real pages; exit 1 below the thresholds."""
    labelled = load_labels(labels)
    url = config.db_url(db)
    run_id, sites = sites_by_host(url, run, {s.site for s in labelled})
    evaluation = evaluate(labelled, sites)
    title = f"run {run_id}: {evaluation.sites} sites, {evaluation.overall.labelled} labelled detections" + (
        f", {evaluation.unsure} unsure left out" if evaluation.unsure else ""
    )
    render(rows_of(evaluation), COLUMNS, fmt, output, title=title)
    if errors:
        for outcome in evaluation.errors:
            kind = "false match" if outcome.verdict == "fp" else "missed"
            console.print(
                f"{kind}: {outcome.site} {outcome.item}: found {outcome.evidence or 'nothing'}; "
                f"labelled {outcome.expected or 'absent'}",
                markup=False,
            )
    problems = shortfalls(evaluation, Thresholds(min_precision, min_recall, min_item_precision))
    if problems:
        raise UserError(*problems)
