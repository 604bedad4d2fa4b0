"""The facts contract: what the collectors store and the checks read, as types both sides import.

Facts first, judgement later: the crawler, the probes and the browser write these payloads; the checks of
``egov_crawl.scoring`` read them; mypy checks both sides, so a renamed key is a type error on one side instead
of a check that silently reports NOT_OBSERVED. Add keys, never rename them: stored runs keep their old payloads.

This package imports nothing from ``egov_crawl`` but itself (standard library only), so any layer can use it.

- ``kinds``: the ``kind`` column of ``probe_fact`` and ``browser_fact`` (``ProbeKind``, ``BrowserKind``)
- ``page``: ``page.facts`` (``PagePayload``), written by the crawler's page extraction
- ``site``: ``site_crawl.site_facts`` (``SitePayload``): robots.txt, sitemaps, security.txt, the 404 test…
- ``probe``: ``probe_fact.payload``, one TypedDict per probe kind
- ``browser``: ``browser_fact.payload``, one TypedDict per browser kind

Payloads read from the store may predate a key, so readers use ``.get``; the ``total=False`` TypedDicts say
so, and mypy still rejects a key that does not exist.
"""
