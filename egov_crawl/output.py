"""Tabular output declared once: the same columns render as a Rich table, CSV or JSON.

CSV cells that a spreadsheet would execute as a formula (``=``, ``+``, ``-``, ``@``, tab, CR at the start) are
prefixed with an apostrophe, as OWASP's "CSV Injection" guidance recommends: scraped titles end up in these files.
Full-width forms of those characters count too (some spreadsheets fold them to ASCII), and NUL and other C0 controls
are dropped from every cell (escape sequences as on the terminal).

Data shown on a terminal (registry names, scraped text) goes through ``terminal_safe``: control characters and
escape sequences are removed, so a name cannot move the cursor or become an OSC-8 hyperlink, and Rich markup in it
is escaped, so ``[/bold]`` is shown literally instead of crashing the command.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Generic, TypeVar

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from egov_crawl.errors import UserError

T = TypeVar("T")


class Format(StrEnum):
    TABLE = "table"
    CSV = "csv"
    JSON = "json"


@dataclass(frozen=True)
class Column(Generic[T]):
    name: str
    get: Callable[[T], Any]
    justify: str = "left"


WIDE_OUTPUT = 200  # characters per line for tables written to files and pipes

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")

# ESC and what follows it: CSI (ESC [ ... final), OSC/DCS/APC/PM strings up to BEL or ST, or one more character.
_ESCAPE_SEQUENCE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\)?|.)?", re.DOTALL)
# C0 controls except tab and newline, DEL, C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """``text`` without escape sequences and control characters other than tab and newline."""
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def terminal_safe(value: Any) -> str:
    """Data as Rich markup that prints literally: controls stripped, markup brackets escaped."""
    return escape(strip_controls(str(value)))


# What a file name's extension promises; a table written into a .csv (or CSV into a .json) is a file that
# the program reading it rejects or misreads.
_EXTENSION_FORMATS = {".csv": Format.CSV, ".json": Format.JSON}
_SUFFIXES = {Format.TABLE: "txt", Format.CSV: "csv", Format.JSON: "json"}
_NOT_WRITTEN = {".xlsx": "an Excel workbook", ".xls": "an Excel workbook", ".html": "an HTML page"}


def check_output_path(out: Path, fmt: Format | None = None) -> None:
    """Refuse an output path that is a folder or whose folder is missing (what the user can fix in one line)."""
    if out.is_dir():
        example = out / f"out.{_SUFFIXES[fmt] if fmt else 'txt'}"
        raise UserError(f"-o {out}: is a folder; give a file name inside it, e.g. {example}")
    folder = out.parent
    if folder.exists() and not folder.is_dir():
        raise UserError(f"-o {out}: {folder} is a file, not a folder; choose another path")
    if not folder.exists():
        raise UserError(f"-o {out}: the folder {folder} does not exist; create it or choose another path")


def check_output(out: Path | None, fmt: Format) -> None:
    """Refuse, before any work, an output path that cannot be written or whose extension contradicts the format:
    one line naming the path and the fix."""
    if out is None or str(out) == "-":
        return
    check_output_path(out, fmt)
    suffix = out.suffix.lower()
    if suffix in _NOT_WRITTEN:
        raise UserError(
            f"-o {out}: this command writes {fmt.value}, not {_NOT_WRITTEN[suffix]}; "
            "write CSV to a .csv file instead (--excel adds what Excel needs to read Thai text)"
        )
    expected = _EXTENSION_FORMATS.get(suffix)
    if expected is not None and expected is not fmt:
        raise UserError(
            f"-o {out}: a {suffix} file, but the format is {fmt.value}; add --format {expected.value}, "
            f"or name the file for {fmt.value} output"
        )


def csv_safe(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    value = strip_controls(value)  # CSV on stdout reaches a terminal too
    if value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def render(
    rows: Iterable[T],
    columns: Sequence[Column[T]],
    fmt: Format,
    out: Path | None = None,
    *,
    title: str | None = None,
) -> None:
    """Write rows to ``out`` (a file) or stdout when ``out`` is None or ``-``."""
    check_output(out, fmt)
    records = [{c.name: c.get(row) for c in columns} for row in rows]
    if fmt is Format.TABLE:
        # A table is for reading: columns empty in every row are left out (CSV and JSON keep them all).
        shown = [c for c in columns if any(r[c.name] not in (None, "") for r in records)] if records else columns
        table = Table(title=terminal_safe(title) if title is not None else None)
        for column in shown:
            table.add_column(terminal_safe(column.name), justify=column.justify)  # type: ignore[arg-type]
        for record in records:
            table.add_row(*(terminal_safe(_cell_text(record[c.name])) for c in shown))
        if out is None or str(out) == "-":
            # On a terminal Rich fits the terminal; piped (less, a log file) a narrow default would wrap every
            # cell, so give it room instead.
            console = Console()
            (console if console.is_terminal else Console(width=WIDE_OUTPUT)).print(table)
        else:
            with out.open("w", encoding="utf-8") as handle:
                Console(file=handle, width=WIDE_OUTPUT).print(table)
        return
    buffer = io.StringIO()
    if fmt is Format.CSV:
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([c.name for c in columns])
        for record in records:
            writer.writerow([csv_safe(_cell_text(record[c.name])) for c in columns])
    else:
        json.dump(records, buffer, ensure_ascii=False, indent=2, default=str)
        buffer.write("\n")
    write_out(buffer.getvalue(), out)


def write_out(text: str, out: Path | None = None) -> None:
    """``text`` to the file ``out``, or to stdout when ``out`` is None or ``-``."""
    if out is None or str(out) == "-":
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


def render_document(document: Any, out: Path | None = None) -> None:
    """One JSON document (a report, not a table) in the same UTF-8, Thai-readable form as ``render``."""
    write_out(json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n", out)
