"""``python -m egov_crawl.crawler JOB.json [--log-file FILE]``: the crawl child process (see ``runner``).

Progress events go to stdout as JSON lines; Scrapy's log goes to ``--log-file`` (stderr when omitted).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from egov_crawl.crawler.runner import CrawlJob, run_job


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m egov_crawl.crawler", description=__doc__)
    parser.add_argument("job", type=Path, help="job file written by egov_crawl.crawler.runner")
    parser.add_argument("--log-file", type=Path, default=None)
    args = parser.parse_args(argv)
    return run_job(CrawlJob.load(args.job), event_stream=sys.stdout, log_file=args.log_file)


if __name__ == "__main__":
    sys.exit(main())
