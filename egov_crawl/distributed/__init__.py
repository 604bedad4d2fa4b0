"""Scale-out: one run's crawl, probe and browser work spread over many worker processes and machines.

``egov-crawl enqueue`` creates the run in the shared store (PostgreSQL) and puts one RQ job per agency and phase
on Redis; ``egov-crawl worker`` (any number) runs them; the task that finishes a run's last job enqueues its
scoring. Why RQ and not a Redis-shared Scrapy frontier: docs/operations.md, "Scale-out".
"""
