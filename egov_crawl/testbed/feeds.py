"""Machine-readable files of a testbed site: RSS, XML sitemaps, /data.json and CKAN API answers.

Formats follow their specifications closely enough for real parsers: RSS 2.0, sitemaps.org 0.9 (a sitemap
index when a site has more URLs than ``SITEMAP_CHUNK``), DCAT-US 1.1 (Project Open Data) for /data.json, and
the CKAN Action API v3 envelope ``{"help", "success", "result"}``.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, time
from email.utils import format_datetime
from typing import Any
from xml.sax.saxutils import escape

from egov_crawl.testbed.model import REFERENCE_DATE, Dataset, NewsList, Site

# The sitemaps.org limit is 50,000 URLs a file; the testbed splits at 100 so the big site exercises an index.
SITEMAP_CHUNK = 100
CKAN_VERSION = "2.10.4"
RSS_ITEMS = 20


def rss(site: Site) -> bytes:
    news_page = site.page("/news/")
    items = []
    if news_page is not None:
        for block in news_page.blocks:
            if isinstance(block, NewsList):
                items = list(block.items[:RSS_ITEMS])
    entries = "".join(
        f"<item><title>{escape(i.link.text)}</title><link>{escape(site.base_url + i.link.href)}</link>"
        f"<guid>{escape(site.base_url + i.link.href)}</guid>"
        f"<pubDate>{format_datetime(datetime.combine(i.day, time(9, 0), UTC))}</pubDate></item>"
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>ข่าวประชาสัมพันธ์ {escape(site.name_th)}</title><link>{escape(site.homepage)}</link>"
        f"<description>ข่าวประชาสัมพันธ์ของ{escape(site.name_th)}</description><language>th</language>"
        f"{entries}</channel></rss>\n"
    ).encode()


def sitemap_urls(site: Site) -> list[tuple[str, date]]:
    """(URL, lastmod) of every page listed in the XML sitemap, in page order."""
    return [
        (site.base_url + p.path, p.published or REFERENCE_DATE) for p in site.pages if p.in_sitemap and p.status == 200
    ]


def sitemaps(site: Site) -> dict[str, bytes]:
    """Path → XML: ``/sitemap.xml`` is a urlset, or an index of ``/sitemap-N.xml`` files when the site is big."""
    urls = sitemap_urls(site)

    def urlset(chunk: list[tuple[str, date]]) -> bytes:
        body = "".join(f"<url><loc>{escape(u)}</loc><lastmod>{d.isoformat()}</lastmod></url>" for u, d in chunk)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>\n'
        ).encode()

    if len(urls) <= SITEMAP_CHUNK:
        return {"/sitemap.xml": urlset(urls)}
    files: dict[str, bytes] = {}
    chunks = [urls[i : i + SITEMAP_CHUNK] for i in range(0, len(urls), SITEMAP_CHUNK)]
    for n, chunk in enumerate(chunks, start=1):
        files[f"/sitemap-{n}.xml"] = urlset(chunk)
    index = "".join(
        f"<sitemap><loc>{escape(site.base_url)}/sitemap-{n}.xml</loc><lastmod>{REFERENCE_DATE.isoformat()}</lastmod></sitemap>"
        for n in range(1, len(chunks) + 1)
    )
    files["/sitemap.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{index}</sitemapindex>\n'
    ).encode()
    return files


def dataset_id(site: Site, dataset: Dataset) -> str:
    """A stable UUID for the package (CKAN ids are UUIDs), derived from the dataset's URL."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{site.base_url}/dataset/{dataset.name}"))


def ckan_package(site: Site, dataset: Dataset) -> dict[str, Any]:
    """A CKAN package dict with the fields checks read (OPN-17…OPN-20), including ckanext-thai_gdc extras."""
    modified = f"{dataset.modified.isoformat()}T08:00:00.000000"
    return {
        "id": dataset_id(site, dataset),
        "name": dataset.name,
        "title": dataset.title,
        "notes": dataset.notes,
        "license_id": dataset.license_id,
        "license_title": dataset.license_title,
        "metadata_created": "2024-01-15T08:00:00.000000",
        "metadata_modified": modified,
        "organization": {"name": site.slug, "title": site.name_th},
        "owner_org": site.slug,
        "maintainer": site.name_th,
        "maintainer_email": site.contact.email,
        "update_frequency_unit": dataset.update_frequency,
        "data_category": "ข้อมูลสาธารณะ",
        "objective": "เพื่อเปิดเผยข้อมูลตามนโยบายข้อมูลเปิดภาครัฐ",
        "tags": [{"name": t} for t in dataset.tags],
        "resources": [
            {"name": r.name, "format": r.format, "url": site.base_url + r.path, "last_modified": modified}
            for r in dataset.resources
        ],
        "num_resources": len(dataset.resources),
    }


def ckan_envelope(action: str, result: Any, *, success: bool = True) -> bytes:
    body: dict[str, Any] = {"help": f"/api/3/action/help_show?name={action}", "success": success}
    body["result" if success else "error"] = result
    return json.dumps(body, ensure_ascii=False).encode()


def ckan_search(site: Site, query: str, rows: int, start: int) -> dict[str, Any]:
    """``package_search``: every word of ``q`` must occur in the title, notes or tags (case-insensitive)."""
    words = query.casefold().split()
    matches = [
        d
        for d in site.datasets
        if all(w in f"{d.title} {d.title_en} {d.notes} {' '.join(d.tags)} {d.name}".casefold() for w in words)
    ]
    return {
        "count": len(matches),
        "results": [ckan_package(site, d) for d in matches[start : start + rows]],
        "sort": "score desc, metadata_modified desc",
    }


def data_json(site: Site) -> bytes:
    """Project Open Data (DCAT-US 1.1) catalogue: https://resources.data.gov/resources/dcat-us/."""
    datasets = [
        {
            "@type": "dcat:Dataset",
            "identifier": f"{site.base_url}/dataset/{d.name}",
            "title": d.title,
            "description": d.notes,
            "keyword": list(d.tags),
            "modified": d.modified.isoformat(),
            "publisher": {"@type": "org:Organization", "name": site.name_th},
            "contactPoint": {"@type": "vcard:Contact", "fn": site.name_th, "hasEmail": f"mailto:{site.contact.email}"},
            "accessLevel": "public",
            "license": f"https://opendefinition.org/licenses/{d.license_id}/",
            "accrualPeriodicity": "R/P1M" if d.update_frequency == "monthly" else "R/P1Y",
            "distribution": [
                {
                    "@type": "dcat:Distribution",
                    "downloadURL": site.base_url + r.path,
                    "mediaType": "text/csv" if r.format == "CSV" else "application/json",
                    "format": r.format,
                    "title": r.name,
                }
                for r in d.resources
            ],
        }
        for d in site.datasets
    ]
    catalog = {
        "@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
        "@type": "dcat:Catalog",
        "conformsTo": "https://project-open-data.cio.gov/v1.1/schema",
        "describedBy": "https://project-open-data.cio.gov/v1.1/schema/catalog.json",
        "dataset": datasets,
    }
    return json.dumps(catalog, ensure_ascii=False, indent=1).encode()
