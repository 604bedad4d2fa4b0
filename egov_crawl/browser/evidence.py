"""Where screenshots go: one evidence directory, paths stored relative to it, nothing written outside it."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from egov_crawl.errors import UserError

EVIDENCE_ENV = "EGOV_CRAWL_EVIDENCE"


def evidence_dir(flag: Path | None, db_url: str) -> Path:
    """``--evidence``, else ``$EGOV_CRAWL_EVIDENCE``, else ``evidence/`` next to a SQLite database file, else
    ``./evidence``."""
    if flag is not None:
        return flag
    env = os.environ.get(EVIDENCE_ENV)
    if env:
        return Path(env)
    if db_url.startswith("sqlite:///") and db_url != "sqlite:///:memory:":
        return Path(db_url.removeprefix("sqlite:///")).parent / "evidence"
    return Path("evidence")


def _slug(text: str, limit: int = 60) -> str:
    return re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-")[:limit] or "home"


class Evidence:
    """Screenshot paths of one run under ``root``: ``run-<id>/<agency>/<url slug>-<hash>-<variant>.png``."""

    def __init__(self, root: Path, run_id: int) -> None:
        self.root = root.resolve()
        self.run_id = run_id
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(
                f"cannot create the evidence directory {root}: {exc}; choose another with --evidence"
            ) from None

    def relative_path(self, agency_id: str, url: str, variant: str) -> str:
        parts = urlsplit(url)
        digest = hashlib.sha1(url.encode()).hexdigest()[:8]
        name = f"{_slug(parts.path + ('-' + parts.query if parts.query else ''))}-{digest}-{_slug(variant)}.png"
        return f"run-{self.run_id}/{_slug(agency_id)}/{name}"

    def absolute(self, relative: str) -> Path:
        """The file for a relative path; refuses anything that would land outside the evidence directory."""
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"evidence path {relative!r} escapes {self.root}")
        path.parent.mkdir(parents=True, exist_ok=True)
        return path
