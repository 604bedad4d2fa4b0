"""OPENNESS open-data checks (catalog OPN-16, 17, 21) from what the crawler saw on the agency's open-data page.

The catalogue APIs themselves (CKAN package metadata, licences, timeliness: OPN-18…20, 22, 24) need a catalogue
collector that does not exist yet; those indicators are not declared until it does.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from egov_crawl.facts.model import LinkFacts, SiteFacts
from egov_crawl.scoring.checks.common import absent, content_unobserved, find, match_evidence, page_of
from egov_crawl.scoring.model import Evidence, Finding
from egov_crawl.scoring.registry import check

N_REF_DATASETS = 3  # count items score min(1, n / N_ref); 3 data files for a department
# Catalog OPN-17: open machine-readable formats score 1, spreadsheets 0.5, the rest 0.
OPEN_FORMATS = {"csv": 1.0, "tsv": 1.0, "json": 1.0, "geojson": 1.0, "xml": 1.0, "rdf": 1.0, "ods": 1.0, "kml": 1.0}
SPREADSHEETS = {"xls": 0.5, "xlsx": 0.5}
CATALOGUE_PATHS = ("/data.json", "/api/3/action/", "/catalog.ttl", "/catalog.rdf", "/catalog.jsonld")


def _extension(url: str) -> str:
    path = urlsplit(url).path.lower()
    return path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""


def _data_links(site: SiteFacts) -> tuple[Evidence | None, list[LinkFacts]]:
    """Working links to data files on the open-data page (lexicon OPN-15), catalogues excluded."""
    match = find(site, "OPN-15")
    page = page_of(site, match)
    if match is None or page is None:
        return None, []
    urls = {page.url, page.final_url}
    links = [
        link
        for link in site.links
        if link.source_url in urls
        and not link.broken
        and _extension(link.target_url) in {**OPEN_FORMATS, **SPREADSHEETS, "pdf": 0, "zip": 0}
        and not any(p in urlsplit(link.target_url).path for p in CATALOGUE_PATHS)
    ]
    unique = list({link.target_url: link for link in links}.values())
    return match_evidence(match), unique


@check("OPN-16", "datasets-published", "Datasets published")
def datasets_published(site: SiteFacts) -> Finding:
    """What: Data files the agency publishes on its open-data page, scored min(1, n / 3).
    Why: LOSI #236, UN #037, ODB, GODI: open data starts with publishing data at all.
    Evidence: the open-data page and the data files it links (the raw count is recorded).
    Outcomes: PASS with 3 or more, PARTIAL fewer, FAIL when a complete crawl found no open-data page or no file;
    NOT_OBSERVED when the crawl could not tell.
    """
    reason = content_unobserved(site)
    if reason:
        return Finding.not_observed(reason, site.homepage)
    page_evidence, links = _data_links(site)
    if page_evidence is None:
        return absent(site, "no open-data page", key="OPN-15")
    if not links:
        return Finding.failed(page_evidence, Evidence("the open-data page links no data file"))
    data = {"count": len(links), "files": [link.target_url for link in links][:10]}
    summary = f"{len(links)} data files on the open-data page"
    return Finding.graded(len(links) / N_REF_DATASETS, page_evidence, Evidence(summary, links[0].target_url, data))


@check("OPN-17", "open-formats", "Open, machine-readable formats")
def open_formats(site: SiteFacts) -> Finding:
    """What: The share of published data files in open machine-readable formats (CSV, JSON, XML, ODS…: 1;
    XLS/XLSX: 0.5; PDF and others: 0).
    Why: LOSI #236, ODB, GODI machine-readable, 5-star open data ★★/★★★: a PDF table is not data.
    Evidence: the formats of the files on the open-data page. The methodology gates it on OPN-16.
    Outcomes: graded by the mean format score; FAIL without data files; NOT_OBSERVED when the crawl could not tell.
    """
    reason = content_unobserved(site)
    if reason:
        return Finding.not_observed(reason, site.homepage)
    page_evidence, links = _data_links(site)
    if page_evidence is None or not links:
        return absent(site, "no data files")
    scores = [{**OPEN_FORMATS, **SPREADSHEETS}.get(_extension(link.target_url), 0.0) for link in links]
    formats = sorted({_extension(link.target_url) for link in links})
    score = sum(scores) / len(scores)
    return Finding.graded(score, page_evidence, Evidence(f"formats: {', '.join(formats)}", links[0].target_url))


@check("OPN-21", "machine-readable-catalogue", "Machine-readable catalogue / API")
def catalogue(site: SiteFacts) -> Finding:
    """What: A catalogue API or feed for the agency's datasets (CKAN API, DCAT, data.json) that answers.
    Why: Open Data Maturity portal dimension, Project Open Data, DCAT, 5-star ★★★★: software can find the data.
    Evidence: the working link to the catalogue endpoint.
    Outcomes: PASS when one answered; FAIL when a complete crawl found none; NOT_OBSERVED when it could not tell.
    """
    reason = content_unobserved(site)
    if reason:
        return Finding.not_observed(reason, site.homepage)
    for link in site.links:
        path = site.split(link.target_url).path
        if link.status is not None and link.status < 400 and any(p in path for p in CATALOGUE_PATHS):
            return Finding.passed(Evidence(f"catalogue endpoint {path} answered", link.target_url))
    for document in site.documents:
        path = urlsplit(document.url).path
        if document.status is not None and document.status < 400 and any(p in path for p in CATALOGUE_PATHS):
            return Finding.passed(Evidence(f"catalogue endpoint {path} answered", document.url))
    return absent(site, "no data.json, CKAN API or DCAT catalogue")
