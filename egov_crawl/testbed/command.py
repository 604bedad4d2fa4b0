"""``egov-crawl testbed …``: serve the sample government web, print its ground-truth manifest.

Mounted by egov_crawl/cli.py as the ``testbed`` sub-app; also runnable as ``python -m egov_crawl.testbed``.
"""

from __future__ import annotations

import json
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from egov_crawl.errors import UserError
from egov_crawl.testbed.generator import DEFAULT_SEED, generate
from egov_crawl.testbed.manifest import build_manifest
from egov_crawl.testbed.replay import RunningReplay, start_replay
from egov_crawl.testbed.runtime import RunningTestbed, start_testbed

app = typer.Typer(no_args_is_help=True, add_completion=False, help="The sample government web (testbed).")


def describe(running: RunningTestbed) -> str:
    """What `serve` prints: where everything is and exact commands to reach a site."""
    ca, http, https = running.ca_pem, running.http_port, running.https_port
    lines = [
        f"Testbed serving on 127.0.0.1: HTTP port {http}, HTTPS port {https}"
        + (f", DNS port {running.dns_port} (UDP/TCP)" if running.dns_port else ""),
        f"  CA certificate : {ca}",
        f"  host map       : {running.hostmap_path}",
        f"  manifest       : {running.manifest_path}",
        f"  registry       : {running.registry_path}",
        f"  state file     : {running.state_path}",
        "",
        "Sites:",
    ]
    for site in running.testbed.sites:
        what = site.quality.fault or site.quality.tier
        lines.append(f"  {site.homepage:<34} {site.name_en} [{what}]")
    hostile = [h for h in running.hostmap.hosts if h not in {s for site in running.testbed.sites for s in site.hosts}]
    lines += [
        f"  + {len(hostile)} other hosts (hostile sites, tracker): see the manifest",
        "",
        "Reach a site with curl (the URL stays the production-looking one; only the TCP connection is redirected):",
        f"  curl --cacert {ca} --connect-to www.revenue.test:443:127.0.0.1:{https} https://www.revenue.test/",
        f"  curl --connect-to www.dol.test:80:127.0.0.1:{http} http://www.dol.test/",
        "",
        "Or in Chromium (trust the CA in a private NSS database first):",
        "  export HOME=$(mktemp -d) && mkdir -p $HOME/.pki/nssdb",
        "  certutil -d sql:$HOME/.pki/nssdb -N --empty-password",
        f'  certutil -d sql:$HOME/.pki/nssdb -A -t "C,," -n egov-crawl-testbed -i {ca}',
        f"  chromium --no-first-run --host-resolver-rules='{running.hostmap.chromium_resolver_rules()}' "
        "https://www.revenue.test/",
        "",
        "Press Ctrl-C to stop.",
    ]
    return "\n".join(lines)


@app.command()
def serve(
    state_dir: Annotated[
        Path | None, typer.Option("--state-dir", help="Where to write CA, host map, manifest, registry (default: temp)")
    ] = None,
    seed: Annotated[int, typer.Option(help="Generator seed (same seed, same sites)")] = DEFAULT_SEED,
    http_port: Annotated[int, typer.Option("--http-port", help="HTTP listener port (0: any free port)")] = 0,
    https_port: Annotated[int, typer.Option("--https-port", help="HTTPS listener port (0: any free port)")] = 0,
    hostile: Annotated[bool, typer.Option("--hostile/--no-hostile", help="Serve the hostile sites too")] = True,
    latency_ms: Annotated[
        float, typer.Option("--latency-ms", help="Delay every HTTP(S) answer by MS milliseconds (benchmarks)")
    ] = 0.0,
) -> None:
    """Serve every testbed site on loopback until Ctrl-C (or SIGTERM)."""
    temporary = state_dir is None
    directory = Path(tempfile.mkdtemp(prefix="egov-testbed-")) if state_dir is None else state_dir
    try:
        running = start_testbed(
            directory,
            seed=seed,
            include_hostile=hostile,
            http_port=http_port,
            https_port=https_port,
            latency_ms=latency_ms,
        )
    except OSError as error:
        typer.echo(f"error: cannot start the testbed: {error}", err=True)
        raise typer.Exit(1) from None
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    typer.echo(describe(running))
    sys.stdout.flush()
    try:
        while not stop.wait(0.5):
            pass
    finally:
        running.stop()
        if temporary:
            shutil.rmtree(directory, ignore_errors=True)
    typer.echo("Testbed stopped.", err=True)


@app.command()
def manifest(
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to FILE instead of stdout")] = None,
    seed: Annotated[int, typer.Option(help="Generator seed")] = DEFAULT_SEED,
    hostile: Annotated[bool, typer.Option("--hostile/--no-hostile", help="Include the hostile sites")] = True,
) -> None:
    """Print the ground-truth manifest (JSON) of the testbed generated from SEED, without serving it."""
    text = json.dumps(build_manifest(generate(seed), include_hostile=hostile), ensure_ascii=False, indent=1)
    if output is None or str(output) == "-":
        typer.echo(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)


def describe_replay(replay: RunningReplay) -> str:
    """What `replay` prints: the archived hosts with their record counts, where the host map and CA are."""
    index = replay.index
    lines = [
        f"Replaying {len(index.files)} WARC file(s) on 127.0.0.1: HTTP port {replay.http_port}, "
        f"HTTPS port {replay.https_port}",
        f"  host map       : {replay.hostmap_path}",
        f"  CA certificate : {replay.ca_pem}",
        "",
        "Hosts (responses replayed):",
    ]
    for host, count in index.counts().items():
        schemes = "+".join(sorted(index.schemes(host)))
        lines.append(f"  {host:<40} {count:>6}  [{schemes}]")
    if index.unresolved_revisits:
        lines.append(f"  ({index.unresolved_revisits} revisit records whose original payload is in none of the files)")
    lines += [
        "",
        "Crawl it: egov-crawl crawl … --hostmap " + str(replay.hostmap_path) + " --ca-file " + str(replay.ca_pem),
        "Unknown URLs answer 404. Press Ctrl-C to stop.",
    ]
    return "\n".join(lines)


@app.command()
def replay(
    warcs: Annotated[
        list[Path] | None, typer.Argument(help="WARC files (.warc or .warc.gz): a crawl and its re-crawls")
    ] = None,
    pages: Annotated[
        Path | None,
        typer.Option("--pages", help="Also serve saved home pages: a folder of <host>/index.html (e.g. th-home)"),
    ] = None,
    hostmap_out: Annotated[
        Path | None, typer.Option("--hostmap-out", help="Write the host map here (default: in a temp folder)")
    ] = None,
    ca_out: Annotated[
        Path | None, typer.Option("--ca-out", help="Write the CA certificate (PEM) here (default: temp folder)")
    ] = None,
    http_port: Annotated[int, typer.Option("--http-port", help="HTTP listener port (0: any free port)")] = 0,
    https_port: Annotated[int, typer.Option("--https-port", help="HTTPS listener port (0: any free port)")] = 0,
) -> None:
    """Serve the responses recorded in WARC files on loopback, under their original host names, until Ctrl-C."""
    directory = Path(tempfile.mkdtemp(prefix="egov-replay-"))
    try:
        try:
            if not warcs and pages is None:
                raise UserError("error: give WARC files, or --pages FOLDER of saved <host>/index.html pages")
            running = start_replay(
                warcs or [],
                directory,
                http_port=http_port,
                https_port=https_port,
                hostmap_out=hostmap_out,
                ca_out=ca_out,
                saved_pages=pages,
            )
        except UserError as error:
            typer.echo("\n".join(error.lines), err=True)
            raise typer.Exit(1) from None
        except OSError as error:
            typer.echo(f"error: cannot start the replay server: {error}", err=True)
            raise typer.Exit(1) from None
        if not running.index.responses:
            running.stop()
            typer.echo("error: the WARC files hold no HTTP(S) response to replay", err=True)
            raise typer.Exit(1)
        _serve_until_signal(describe_replay(running), running.stop)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    typer.echo("Replay stopped.", err=True)


def _serve_until_signal(banner: str, stop_server: Callable[[], None]) -> None:
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    typer.echo(banner)
    sys.stdout.flush()
    try:
        while not stop.wait(0.5):
            pass
    finally:
        stop_server()
