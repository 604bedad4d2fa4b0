"""The ``egov-crawl`` command line: parse options, call one library function, render. No SQL, no Scrapy here."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from egov_crawl import __version__, config
from egov_crawl.errors import UserError
from egov_crawl.output import Column, Format, render
from egov_crawl.registry import Agency, load_registry
from egov_crawl.registry.dotgov import import_dotgov_file

app = typer.Typer(
    help="Measure how ready government websites are to serve citizens: crawl, probe, browse, score, report.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(
    help="The SQL store: upgrade the schema, show its revision, check for drift.", no_args_is_help=True
)
agencies_app = typer.Typer(help="The agency registry (agencies.yaml): validate, list, import.", no_args_is_help=True)
import_app = typer.Typer(help="Build a registry from a published domain list.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(agencies_app, name="agencies")
agencies_app.add_typer(import_app, name="import")

console = Console()

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL or SQLite file [env: EGOV_CRAWL_DB; default egov-crawl.db]"),
]
RegistryOption = Annotated[
    Path | None,
    typer.Option("--registry", "-r", help="Registry file [env: EGOV_CRAWL_REGISTRY; default ./agencies.yaml]"),
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format")]
OutOption = Annotated[Path | None, typer.Option("--output", "-o", help="Write to FILE instead of stdout ('-')")]

AGENCY_COLUMNS: list[Column[Agency]] = [
    Column("id", lambda a: a.id),
    Column("name_th", lambda a: a.name.th),
    Column("name_en", lambda a: a.name.en),
    Column("cohort", lambda a: a.cohort.value),
    Column("parent", lambda a: a.parent),
    Column("homepage", lambda a: a.homepage),
    Column("eservices", lambda a: len(a.eservices), justify="right"),
    Column("verified", lambda a: a.verified),
]


@app.command()
def version() -> None:
    """Print the egov-crawl version."""
    console.print(f"egov-crawl {__version__}")


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Create or upgrade the schema to the latest migration (a fresh SQLite file is also upgraded on first use)."""
    from egov_crawl.store import db as store_db

    url = config.db_url(db)
    engine = store_db.open_store(url)
    console.print(f"{engine.url.render_as_string(hide_password=True)}: schema at {store_db.current_revision(engine)}")


@db_app.command("current")
def db_current(db: DbOption = None) -> None:
    """Show the schema revision of the database and the newest one this version knows."""
    from egov_crawl.store import db as store_db

    engine = store_db.make_engine(config.db_url(db))
    console.print(f"current: {store_db.current_revision(engine) or 'empty'}  head: {store_db.head_revision()}")


@agencies_app.command("validate")
def agencies_validate(file: Annotated[Path | None, typer.Argument(help="Registry file")] = None) -> None:
    """Check a registry; print counts by cohort, or one line per problem (file:line, agency, field)."""
    path = config.registry_path(file)
    registry = load_registry(path)
    counts = registry.counts_by_cohort()
    console.print(f"{path}: {len(registry.agencies)} agencies, valid")
    for cohort, n in counts.items():
        console.print(f"  {cohort:<17} {n:>5}")


@agencies_app.command("list")
def agencies_list(
    registry: RegistryOption = None,
    fmt: FormatOption = Format.TABLE,
    output: OutOption = None,
) -> None:
    """List the agencies of a registry."""
    loaded = load_registry(config.registry_path(registry))
    render(loaded.agencies, AGENCY_COLUMNS, fmt, output, title=f"{len(loaded.agencies)} agencies")


@import_app.command("dotgov")
def import_dotgov(
    csv_file: Annotated[Path, typer.Argument(help="CISA dotgov-data CSV (e.g. current-full.csv)")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Registry YAML to write")] = Path("agencies-us.yaml"),
) -> None:
    """Group .gov domains by organisation and sub-organisation into a registry YAML file."""
    registry = import_dotgov_file(csv_file, output)
    console.print(f"{output}: {len(registry.agencies)} agencies written")


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Where the demo writes its database and reports")] = Path(
        "demo-out"
    ),
    registry: RegistryOption = None,
) -> None:
    """Run the whole pipeline on the bundled sample government web, offline."""
    from egov_crawl.demo import run_demo

    run_demo(out_dir, config.registry_path(registry), console)


def _mount_optional_apps() -> None:
    """Sub-apps of subpackages register here, so this file stays a table of contents."""
    try:
        from egov_crawl.testbed.cli import app as testbed_app
    except ModuleNotFoundError:  # TODO(lead): remove once the testbed CLI lands
        return
    app.add_typer(testbed_app, name="testbed", help="The sample government web: serve it, print its manifest.")


_mount_optional_apps()


def main() -> None:
    try:
        app()
    except UserError as exc:
        for line in exc.lines:
            print(f"error: {line}", file=sys.stderr)
        raise SystemExit(exc.exit_code) from None
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        raise SystemExit(130) from None
