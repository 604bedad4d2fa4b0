"""``python -m egov_crawl`` is the same as the ``egov-crawl`` console script."""

from egov_crawl.cli import main

main()
