"""The SQL store: facts are history, nothing is overwritten.

One ``run`` is an immutable snapshot: what each collector saw (``site_crawl``, ``page``, ``link``, ``document``,
``form``, ``probe_fact``, ``browser_fact``) and what the methodology made of it (``finding``, ``score``). Tables
are narrow and fact payloads are JSON, so a new check or a new probe field needs no migration; a new *column*
always comes with an Alembic migration (``egov_crawl/store/migrations``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Stable constraint names, so migrations are reproducible on SQLite and PostgreSQL alike
# (https://alembic.sqlalchemy.org/en/latest/naming.html).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# JSONB on PostgreSQL (indexable, compact), plain JSON text elsewhere.
JsonType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JsonType,
        list[Any]: JsonType,
        datetime: DateTime(timezone=True),
    }


class Agency(Base):
    """The latest registry entry of an agency; each crawl keeps the entry it used (``site_crawl.registry_entry``)."""

    __tablename__ = "agency"

    id: Mapped[str] = mapped_column(String(63), primary_key=True)
    name_th: Mapped[str | None] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text)
    parent_id: Mapped[str | None] = mapped_column(String(63), index=True)  # not an FK: registries may be partial
    cohort: Mapped[str] = mapped_column(String(32))
    homepage: Mapped[str] = mapped_column(Text)
    entry: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class Run(Base):
    """One nightly or ad-hoc run. ``status`` is 'complete' only when every phase finished (never guessed)."""

    __tablename__ = "run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16), default="adhoc")  # nightly | adhoc | demo
    status: Mapped[str] = mapped_column(String(16), default="running")  # running | complete | failed | interrupted
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    code_version: Mapped[str] = mapped_column(String(64))
    registry_hash: Mapped[str | None] = mapped_column(String(64))
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)

    site_crawls: Mapped[list[SiteCrawl]] = relationship(back_populates="run")


class SiteCrawl(Base):
    """One agency's crawl within a run: how it ended and how much of the budget it used."""

    __tablename__ = "site_crawl"
    __table_args__ = (UniqueConstraint("run_id", "agency_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agency.id"), index=True)
    registry_entry: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="running")  # running | complete | failed | partial
    finish_reason: Mapped[str | None] = mapped_column(String(64))  # finished | budget | timeout | error class
    error_class: Mapped[str | None] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    pages: Mapped[int] = mapped_column(Integer, default=0)
    max_pages: Mapped[int | None] = mapped_column(Integer)
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)
    site_facts: Mapped[dict[str, Any]] = mapped_column(default=dict)  # robots.txt, sitemaps, security.txt, 404

    run: Mapped[Run] = relationship(back_populates="site_crawls")
    page_rows: Mapped[list[Page]] = relationship(back_populates="site_crawl")


class Page(Base):
    __tablename__ = "page"
    __table_args__ = (UniqueConstraint("site_crawl_id", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_crawl_id: Mapped[int] = mapped_column(ForeignKey("site_crawl.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    final_url: Mapped[str | None] = mapped_column(Text)
    status: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(255))
    bytes: Mapped[int | None] = mapped_column(BigInteger)
    latency_ms: Mapped[float | None] = mapped_column(Float)
    depth: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(Text)
    lang: Mapped[str | None] = mapped_column(String(35))  # BCP 47 tags are at most 35 chars (RFC 5646 §4.4.1)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    warc_record_id: Mapped[str | None] = mapped_column(String(128))
    error_class: Mapped[str | None] = mapped_column(String(64))
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)  # headers, redirects, meta, lexicon hits, dates…

    site_crawl: Mapped[SiteCrawl] = relationship(back_populates="page_rows")


class Link(Base):
    __tablename__ = "link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("page.id", ondelete="CASCADE"), index=True)
    target_url: Mapped[str] = mapped_column(Text)
    anchor_text: Mapped[str | None] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(String(16))  # nav | header | main | footer | aside
    internal: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[int | None] = mapped_column(Integer)  # filled when the target was fetched or checked
    context: Mapped[str | None] = mapped_column(String(16))  # "article": in an article or a news listing


class Document(Base):
    __tablename__ = "document"
    __table_args__ = (UniqueConstraint("site_crawl_id", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_crawl_id: Mapped[int] = mapped_column(ForeignKey("site_crawl.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(16))  # pdf | docx | xlsx | csv | json | xml | odt | ods | zip …
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[int | None] = mapped_column(Integer)
    found_on: Mapped[str | None] = mapped_column(Text)
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Form(Base):
    __tablename__ = "form"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("page.id", ondelete="CASCADE"), index=True)
    action: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(8), default="GET")
    fields: Mapped[list[Any]] = mapped_column(default=list)
    has_captcha: Mapped[bool] = mapped_column(Boolean, default=False)
    has_file_upload: Mapped[bool] = mapped_column(Boolean, default=False)
    has_password: Mapped[bool] = mapped_column(Boolean, default=False)
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)


class ProbeFact(Base):
    """A network fact without a browser (``kind``: https, tls, headers, dns, availability…)."""

    __tablename__ = "probe_fact"
    __table_args__ = (Index("ix_probe_fact_run_agency", "run_id", "agency_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id", ondelete="CASCADE"))
    agency_id: Mapped[str] = mapped_column(ForeignKey("agency.id"))
    host: Mapped[str] = mapped_column(String(253))
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error_class: Mapped[str | None] = mapped_column(String(64))  # dns_error | connect_timeout | tls_error:… | …
    observed_at: Mapped[datetime] = mapped_column(default=utcnow)


class BrowserFact(Base):
    """A fact observed in Chromium (``kind``: render, axe, vitals, form, journey, search…)."""

    __tablename__ = "browser_fact"
    __table_args__ = (Index("ix_browser_fact_run_agency", "run_id", "agency_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id", ondelete="CASCADE"))
    agency_id: Mapped[str] = mapped_column(ForeignKey("agency.id"))
    url: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error_class: Mapped[str | None] = mapped_column(String(64))
    evidence_path: Mapped[str | None] = mapped_column(Text)  # screenshot, relative to the evidence directory
    observed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Finding(Base):
    """What one check concluded for one agency in one run, with the evidence an analyst can show."""

    __tablename__ = "finding"
    __table_args__ = (UniqueConstraint("run_id", "agency_id", "check_id", "check_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agency.id"), index=True)
    check_id: Mapped[str] = mapped_column(String(96))
    check_version: Mapped[str] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(16))  # PASS | PARTIAL | FAIL | NOT_APPLICABLE | NOT_OBSERVED | ERROR
    score: Mapped[float | None] = mapped_column(Float)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Score(Base):
    """An agency's readiness under one methodology version, always with its coverage."""

    __tablename__ = "score"
    __table_args__ = (UniqueConstraint("run_id", "agency_id", "methodology_id", "methodology_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agency.id"), index=True)
    methodology_id: Mapped[str] = mapped_column(String(64))
    methodology_version: Mapped[str] = mapped_column(String(32))
    methodology_hash: Mapped[str] = mapped_column(String(64))
    overall: Mapped[float | None] = mapped_column(Float)
    band: Mapped[str | None] = mapped_column(String(32))
    coverage: Mapped[float] = mapped_column(Float)
    pillars: Mapped[dict[str, Any]] = mapped_column(default=dict)
    subindices: Mapped[dict[str, Any]] = mapped_column(default=dict)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
