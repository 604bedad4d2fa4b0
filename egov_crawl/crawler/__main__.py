"""``python -m egov_crawl.crawler JOB.json [--log-file FILE] [--parent-pid PID]``: the crawl child (see ``runner``).

Progress events go to stdout as JSON lines; Scrapy's log goes to ``--log-file`` (stderr when omitted). With
``--parent-pid`` the child dies with that process (``lifeline``); the parent then holds the child's stdin open.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m egov_crawl.crawler", description=__doc__)
    parser.add_argument("job", type=Path, help="job file written by egov_crawl.crawler.runner")
    parser.add_argument("--log-file", type=Path, default=None)
    parser.add_argument("--parent-pid", type=int, default=None, help="die when this process does")
    args = parser.parse_args(argv)
    if args.parent_pid is not None:
        from egov_crawl.crawler.lifeline import bind_to_parent  # deferred: bound before the slow imports

        bind_to_parent(args.parent_pid)  # before the slow imports below: a dead parent is noticed at once
    from egov_crawl.crawler.runner import CrawlJob, run_job  # deferred: after the lifeline is bound

    return run_job(CrawlJob.load(args.job), event_stream=sys.stdout, log_file=args.log_file)


if __name__ == "__main__":
    sys.exit(main())
