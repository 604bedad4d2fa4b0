"""Settings from flags and environment (``EGOV_CRAWL_*``), resolved in one place."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DB_URL = "sqlite:///egov-crawl.db"
DEFAULT_REGISTRY = Path("agencies.yaml")


def db_url(flag: str | None = None) -> str:
    """``--db`` wins, then ``EGOV_CRAWL_DB``, then ``sqlite:///egov-crawl.db`` in the working directory.

    A bare path (``demo-out/x.db``) is accepted and means a SQLite file.
    """
    value = flag or os.environ.get("EGOV_CRAWL_DB") or DEFAULT_DB_URL
    if "://" not in value:
        value = f"sqlite:///{value}"
    return value


def registry_path(flag: Path | None = None) -> Path:
    """``--registry`` wins, then ``EGOV_CRAWL_REGISTRY``, then ./agencies.yaml."""
    if flag is not None:
        return flag
    env = os.environ.get("EGOV_CRAWL_REGISTRY")
    return Path(env) if env else DEFAULT_REGISTRY
