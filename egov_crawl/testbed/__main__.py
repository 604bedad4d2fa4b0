"""``python -m egov_crawl.testbed serve|manifest``: the testbed CLI without the main egov-crawl app."""

from __future__ import annotations

from egov_crawl.testbed.command import app

if __name__ == "__main__":
    app(prog_name="python -m egov_crawl.testbed")
