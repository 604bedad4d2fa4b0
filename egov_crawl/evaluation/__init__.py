"""Precision and recall of egov-crawl's detections on labelled real pages (``egov-crawl eval``)."""
