"""Options every command shares, declared once so ``--db`` or ``--hostmap`` mean the same everywhere.

Each subpackage's command module (``crawler/command.py``, ``probes/command.py``, …) builds its signature from
these; ``egov_crawl.cli`` only mounts the commands.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from egov_crawl.errors import UserError
from egov_crawl.hostmap import HostMap
from egov_crawl.netguard import ENV_ALLOW_PRIVATE, with_private_networks
from egov_crawl.output import Format, check_output_path
from egov_crawl.phases import PHASES

AgenciesArg = Annotated[list[str] | None, typer.Argument(help="Agency ids (see `egov-crawl agencies list`)")]
AllOption = Annotated[bool, typer.Option("--all", help="Every agency of the registry")]
DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL or SQLite file (env: EGOV_CRAWL_DB; default egov-crawl.db)"),
]
RegistryOption = Annotated[
    Path | None,
    typer.Option("--registry", "-r", help="Registry file (env: EGOV_CRAWL_REGISTRY; default ./agencies.yaml)"),
]
RunOption = Annotated[int | None, typer.Option("--run", help="Run id (default: the newest run)")]
HostmapOption = Annotated[
    Path | None, typer.Option("--hostmap", help="Host map JSON (e.g. written by `testbed serve`)")
]
# Off by default, and no configuration file sets it: only the operator, for a map whose targets are private on
# purpose (a staging mirror, the testbed). It widens the host map's own targets only (egov_crawl/netguard.py).
AllowPrivateOption = Annotated[
    bool,
    typer.Option(
        "--allow-private-networks",
        envvar=ENV_ALLOW_PRIVATE,
        help="Let the host map's targets be private or loopback addresses (never addresses met on the web)",
    ),
]
CaFileOption = Annotated[Path | None, typer.Option("--ca-file", help="Extra CA certificate to trust (PEM)")]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format")]


def _output_path(value: Path | None) -> Path | None:
    """A missing folder is refused while the options are read, before a crawl of hours; the format is checked
    against the extension where it is known (``output.check_output``). A UserError, not a Click usage box."""
    if value is not None and str(value) != "-":
        check_output_path(value)
    return value


OutOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to FILE instead of stdout ('-')", callback=_output_path),
]

# What shapes a run (``run`` and ``enqueue``) and the crawler's User-Agent (also ``crawl``).
PhasesOption = Annotated[str, typer.Option("--phases", help=f"Comma-separated subset of {','.join(PHASES)}")]
ALL_PHASES = ",".join(PHASES)  # the default of ``--phases``
TestbedOption = Annotated[
    Path | None,
    typer.Option("--testbed", help="Run against a running testbed (its --state-dir or testbed.json)"),
]
MaxPagesOption = Annotated[int | None, typer.Option("--max-pages", min=1, help="Page budget per agency")]
FullOption = Annotated[bool, typer.Option("--full", help="Refetch every page (no conditional requests)")]
FastOption = Annotated[bool, typer.Option("--fast", help="No crawl delays: only for servers you run yourself")]
ContactOption = Annotated[
    str | None, typer.Option("--contact", help="Contact URL in the User-Agent (env: EGOV_CRAWL_CONTACT)")
]
ChromiumOption = Annotated[
    str | None, typer.Option("--chromium", help="Chromium executable (env: EGOV_CRAWL_CHROMIUM)")
]


def agency_selection(agencies: list[str] | None, all_agencies: bool, *, verb: str) -> list[str] | None:
    """The ids named on the command line, or None for ``--all``; refuses both or neither in one line."""
    if all_agencies and agencies:
        raise UserError("give agency ids or --all, not both")
    if not all_agencies and not agencies:
        raise UserError(f"name the agencies to {verb}, or use --all")
    return None if all_agencies else agencies


def load_hostmap(path: Path | None, allow_private_networks: bool) -> HostMap | None:
    """The ``--hostmap`` file, widened by ``--allow-private-networks`` (None without a map: the flag only ever
    applies to a map's own targets)."""
    return with_private_networks(HostMap.load(path), allow_private_networks) if path else None


# The methodology a command judges or reads scores with, and the day freshness is judged against.
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
