"""Exports fit for analysts: the columns of each view declared once, rendered as table, CSV or JSON.

CSV is UTF-8; ``excel=True`` adds a byte-order mark so Excel opens Thai text correctly (it assumes the ANSI code
page otherwise). Formula injection is neutralised by ``egov_crawl.output.csv_safe`` (OWASP CSV Injection).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TypeVar

from egov_crawl.errors import BadUsage
from egov_crawl.output import Column, Format, check_output, render
from egov_crawl.report.views import HistoryRow, RankRow, ScoreLine

T = TypeVar("T")
BOM = "\ufeff"


def _score(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


RANK_COLUMNS: list[Column[RankRow]] = [
    Column("rank", lambda r: r.rank, justify="right"),
    Column("id", lambda r: r.id),
    Column("name_th", lambda r: r.name_th),
    Column("name_en", lambda r: r.name_en),
    Column("parent", lambda r: r.parent),
    Column("cohort", lambda r: r.cohort),
    Column("overall", lambda r: _score(r.overall), justify="right"),
    Column("service", lambda r: _score(r.pillars.get("service")), justify="right"),
    Column("infrastructure", lambda r: _score(r.pillars.get("infrastructure")), justify="right"),
    Column("openness", lambda r: _score(r.pillars.get("openness")), justify="right"),
    Column("coverage", lambda r: round(r.coverage, 3), justify="right"),
    Column("band", lambda r: r.band),
    Column("run_date", lambda r: r.run_date.isoformat()),
    Column("methodology_version", lambda r: r.methodology_version),
]

SCORE_COLUMNS: list[Column[ScoreLine]] = [
    Column("kind", lambda s: s.kind),
    Column("id", lambda s: s.id),
    Column("title", lambda s: s.title),
    Column("score", lambda s: _score(s.score), justify="right"),
    Column("coverage", lambda s: None if s.coverage is None else round(s.coverage, 3), justify="right"),
    Column("band", lambda s: s.band),
    Column("low", lambda s: _score(s.low), justify="right"),
    Column("high", lambda s: _score(s.high), justify="right"),
    Column("change", lambda s: s.change, justify="right"),
    Column("points_lost", lambda s: s.points_lost, justify="right"),
    Column("evidence_url", lambda s: s.url),
    Column("note", lambda s: s.note),
]

HISTORY_COLUMNS: list[Column[HistoryRow]] = [
    Column("run", lambda h: h.run_id, justify="right"),
    Column("run_date", lambda h: h.run_date.isoformat()),
    Column("overall", lambda h: _score(h.overall), justify="right"),
    Column("service", lambda h: _score(h.pillars.get("service")), justify="right"),
    Column("infrastructure", lambda h: _score(h.pillars.get("infrastructure")), justify="right"),
    Column("openness", lambda h: _score(h.pillars.get("openness")), justify="right"),
    Column("coverage", lambda h: round(h.coverage, 3), justify="right"),
    Column("band", lambda h: h.band),
    Column("methodology_version", lambda h: h.methodology_version),
]


def export_format(fmt: Format | None, excel: bool, out: Path | None = None) -> Format:
    """The format of an export command: ``--excel`` means CSV (a table or JSON with a byte-order mark is
    nothing Excel reads, so asking for both is refused); without ``--format``, a table. The output path is
    checked against it before any work."""
    if excel and fmt not in (None, Format.CSV):
        assert fmt is not None
        raise BadUsage(f"--excel writes CSV for Excel, not {fmt.value}; drop --format {fmt.value} or --excel")
    chosen = Format.CSV if excel else (fmt or Format.TABLE)
    check_output(out, chosen)
    return chosen


def export(
    rows: Iterable[T],
    columns: Sequence[Column[T]],
    fmt: Format,
    out: Path | None = None,
    *,
    excel: bool = False,
    title: str | None = None,
) -> None:
    """``output.render``, plus the Excel byte-order mark for CSV when asked (``--excel`` implies CSV)."""
    fmt = export_format(fmt, excel, out)
    if not (excel and fmt is Format.CSV):
        render(rows, columns, fmt, out, title=title)
        return
    if out is None or str(out) == "-":
        sys.stdout.write(BOM)
        render(rows, columns, fmt, None)
        return
    render(rows, columns, fmt, out)
    out.write_text(BOM + out.read_text(encoding="utf-8"), encoding="utf-8")
