"""Static HTML reports (agency pages and the national report) with inline SVG charts; see ``site.py``."""

from egov_crawl.report.html.site import write_agency_report, write_national_report

__all__ = ["write_agency_report", "write_national_report"]
