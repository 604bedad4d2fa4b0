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
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from egov_crawl.testbed.generator import DEFAULT_SEED, generate
from egov_crawl.testbed.manifest import build_manifest
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
) -> None:
    """Serve every testbed site on loopback until Ctrl-C (or SIGTERM)."""
    temporary = state_dir is None
    directory = Path(tempfile.mkdtemp(prefix="egov-testbed-")) if state_dir is None else state_dir
    try:
        running = start_testbed(
            directory, seed=seed, include_hostile=hostile, http_port=http_port, https_port=https_port
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
