"""Import the US CISA ``dotgov-data`` domain list (current-full.csv) as a registry.

Columns: ``Domain name,Domain type,Organization name,Suborganization name,City,State,Security contact email``.
One agency per (organisation, sub-organisation); its domains become the homepage host (the shortest name, which is
usually the main site) and extra ``hosts``. Sub-organisations get their organisation as parent when the
organisation has domains of its own; otherwise the organisation is kept as a tag so no invented agency appears.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from egov_crawl.errors import UserError
from egov_crawl.registry.models import Cohort, Registry

COLUMNS = (
    "Domain name",
    "Domain type",
    "Organization name",
    "Suborganization name",
    "City",
    "State",
    "Security contact email",
)

# dotgov "Domain type" → cohort. Federal executive organisations are departments (ministries) and their
# sub-organisations bureaus; state governments play the role of provinces in the Thai cohort scheme.
_COHORT_BY_TYPE = {
    "federal - executive": Cohort.MINISTRY,
    "federal": Cohort.MINISTRY,
    "state": Cohort.PROVINCE,
    "city": Cohort.LOCAL,
    "county": Cohort.LOCAL,
    "independent intrastate": Cohort.LOCAL,
    "school district": Cohort.LOCAL,
    "tribal": Cohort.LOCAL,
}


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:63].strip("-") or "agency"


def _cohort(domain_type: str, is_sub: bool) -> Cohort:
    cohort = _COHORT_BY_TYPE.get(domain_type.strip().lower(), Cohort.OTHER)
    if is_sub and cohort == Cohort.MINISTRY:
        return Cohort.DEPARTMENT
    return cohort


def _read_rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in COLUMNS[:4] if c not in (reader.fieldnames or [])]
            if missing:
                raise UserError(
                    f"{path}:1: not a dotgov-data CSV: missing column(s) {', '.join(missing)}; "
                    f"expected header {','.join(COLUMNS)}"
                )
            return [dict(row) for row in reader]
    except FileNotFoundError:
        raise UserError(f"{path}: file not found") from None


def _unique(slug: str, taken: set[str]) -> str:
    candidate, n = slug, 2
    while candidate in taken:
        suffix = f"-{n}"
        candidate, n = slug[: 63 - len(suffix)] + suffix, n + 1
    taken.add(candidate)
    return candidate


def import_dotgov(rows: Iterable[dict[str, str]]) -> dict[str, Any]:
    """Group rows into agencies; returns registry data (validated by the caller)."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        domain = (row.get("Domain name") or "").strip().lower().rstrip(".")
        org = (row.get("Organization name") or "").strip()
        if not domain or not org:
            continue
        sub = (row.get("Suborganization name") or "").strip()
        group = groups.setdefault(
            (org, sub),
            {
                "domains": [],
                "type": row.get("Domain type") or "",
                "city": row.get("City"),
                "state": row.get("State"),
            },
        )
        group["domains"].append(domain)

    taken: set[str] = set()
    org_ids = {org: _unique(slugify(org), taken) for (org, sub) in groups if not sub}
    agencies: list[dict[str, Any]] = []
    for (org, sub), group in sorted(groups.items()):
        domains = sorted(set(group["domains"]), key=lambda d: (len(d), d))
        agency_id = org_ids[org] if not sub else _unique(slugify(f"{org} {sub}" if org not in org_ids else sub), taken)
        agency: dict[str, Any] = {
            "id": agency_id,
            "name": {"en": sub or org},
            "cohort": _cohort(group["type"], bool(sub)).value,
            "homepage": f"https://{domains[0]}/",
        }
        if sub and org in org_ids:
            agency["parent"] = org_ids[org]
        if domains[1:]:
            agency["hosts"] = domains[1:]
        tags = [slugify(group["type"])] if group["type"] else []
        if sub and org not in org_ids:
            tags.append(slugify(org))
        if group.get("state"):
            tags.append(f"state-{slugify(group['state'])}")
        agency["tags"] = tags
        agency["verified"] = False
        agency["notes"] = "Imported from CISA dotgov-data; homepage assumed to be https://<shortest domain>/."
        agencies.append(agency)
    return {
        "version": 1,
        "name": "United States .gov domains (CISA dotgov-data)",
        "country": "US",
        "source": "CISA dotgov-data current-full.csv",
        "agencies": agencies,
    }


def import_dotgov_file(csv_path: Path, out_path: Path | None) -> Registry:
    """Read the CSV, validate the result as a registry, and write it as YAML (to ``out_path`` when given)."""
    data = import_dotgov(_read_rows(csv_path))
    registry = Registry.model_validate(data)
    if out_path is not None:
        out_path.write_text(dump_registry_yaml(data), encoding="utf-8")
    return registry


def dump_registry_yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)
