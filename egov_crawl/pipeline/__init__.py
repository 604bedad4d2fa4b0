"""The nightly run: crawl → probe → browse → score as one resumable, locked unit of work."""
