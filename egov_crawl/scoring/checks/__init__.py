"""The checks, one module per family; importing ``egov_crawl.scoring.registry.all_checks`` loads them all."""
