"""Every query the application makes lives here, so collectors and the CLI never write SQL."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from egov_crawl.registry.models import Agency as RegistryAgency
from egov_crawl.store.models import Agency, Run, utcnow


def sync_agencies(session: Session, agencies: Iterable[RegistryAgency]) -> int:
    """Insert or update the ``agency`` rows from registry entries; returns how many were written."""
    count = 0
    for entry in agencies:
        row = session.get(Agency, entry.id) or Agency(id=entry.id)
        row.name_th = entry.name.th
        row.name_en = entry.name.en or entry.name.local
        row.parent_id = entry.parent
        row.cohort = entry.cohort.value
        row.homepage = entry.homepage
        row.entry = entry.model_dump(mode="json")
        row.updated_at = utcnow()
        session.add(row)
        count += 1
    return count


def count_agencies(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Agency)) or 0


def latest_runs(session: Session, limit: int = 10) -> list[Run]:
    return list(session.scalars(select(Run).order_by(Run.id.desc()).limit(limit)))
