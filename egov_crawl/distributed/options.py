"""The run options a task carries through Redis: the nightly ``RunOptions``, as JSON.

Workers on other machines get everything that shapes what they observe (host map, CA, DNS server, page budget,
politeness, methodology) from the run, not from their own flags, so every agency of one run is treated alike.
Database credentials are not in here: each worker has its own ``--db``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from egov_crawl.hostmap import HostMap
from egov_crawl.pipeline.options import RunOptions

_PATHS = ("ca_file", "evidence_dir", "methodology")
_PLAIN = (
    "kind",
    "dns_server",
    "trust_anchors",
    "chromium",
    "max_pages",
    "incremental",
    "polite",
    "contact_url",
    "browser_contexts",
)


def encode_options(options: RunOptions) -> dict[str, Any]:
    """JSON-serialisable form of ``options`` (agency ids and phases excluded: they are the tasks themselves)."""
    encoded: dict[str, Any] = {name: getattr(options, name) for name in _PLAIN}
    encoded.update({name: str(getattr(options, name)) if getattr(options, name) else None for name in _PATHS})
    encoded["hostmap"] = options.hostmap.to_json() if options.hostmap is not None else None
    return encoded


def decode_options(encoded: dict[str, Any]) -> RunOptions:
    values: dict[str, Any] = {name: encoded[name] for name in _PLAIN if name in encoded}
    values.update({name: Path(encoded[name]) for name in _PATHS if encoded.get(name)})
    if encoded.get("hostmap"):
        values["hostmap"] = HostMap.from_json(encoded["hostmap"])
    return RunOptions(**values)
