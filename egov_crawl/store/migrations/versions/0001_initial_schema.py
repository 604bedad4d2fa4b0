"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-25 04:47:32.018912
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "agency",
        sa.Column("id", sa.String(length=63), nullable=False),
        sa.Column("name_th", sa.Text(), nullable=True),
        sa.Column("name_en", sa.Text(), nullable=True),
        sa.Column("parent_id", sa.String(length=63), nullable=True),
        sa.Column("cohort", sa.String(length=32), nullable=False),
        sa.Column("homepage", sa.Text(), nullable=False),
        sa.Column(
            "entry",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency")),
    )
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_agency_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "run",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("code_version", sa.String(length=64), nullable=False),
        sa.Column("registry_hash", sa.String(length=64), nullable=True),
        sa.Column(
            "options",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "summary",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_run")),
    )
    op.create_table(
        "browser_fact",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.String(length=63), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("error_class", sa.String(length=64), nullable=True),
        sa.Column("evidence_path", sa.Text(), nullable=True),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_browser_fact_agency_id_agency")),
        sa.ForeignKeyConstraint(["run_id"], ["run.id"], name=op.f("fk_browser_fact_run_id_run"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_browser_fact")),
    )
    with op.batch_alter_table("browser_fact", schema=None) as batch_op:
        batch_op.create_index("ix_browser_fact_run_agency", ["run_id", "agency_id"], unique=False)

    op.create_table(
        "finding",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.String(length=63), nullable=False),
        sa.Column("check_id", sa.String(length=96), nullable=False),
        sa.Column("check_version", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column(
            "evidence",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_finding_agency_id_agency")),
        sa.ForeignKeyConstraint(["run_id"], ["run.id"], name=op.f("fk_finding_run_id_run"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding")),
        sa.UniqueConstraint(
            "run_id",
            "agency_id",
            "check_id",
            "check_version",
            name=op.f("uq_finding_run_id_agency_id_check_id_check_version"),
        ),
    )
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_finding_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_finding_run_id"), ["run_id"], unique=False)

    op.create_table(
        "probe_fact",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.String(length=63), nullable=False),
        sa.Column("host", sa.String(length=253), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("error_class", sa.String(length=64), nullable=True),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_probe_fact_agency_id_agency")),
        sa.ForeignKeyConstraint(["run_id"], ["run.id"], name=op.f("fk_probe_fact_run_id_run"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_probe_fact")),
    )
    with op.batch_alter_table("probe_fact", schema=None) as batch_op:
        batch_op.create_index("ix_probe_fact_run_agency", ["run_id", "agency_id"], unique=False)

    op.create_table(
        "score",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.String(length=63), nullable=False),
        sa.Column("methodology_id", sa.String(length=64), nullable=False),
        sa.Column("methodology_version", sa.String(length=32), nullable=False),
        sa.Column("methodology_hash", sa.String(length=64), nullable=False),
        sa.Column("overall", sa.Float(), nullable=True),
        sa.Column("band", sa.String(length=32), nullable=True),
        sa.Column("coverage", sa.Float(), nullable=False),
        sa.Column(
            "pillars",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "subindices",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_score_agency_id_agency")),
        sa.ForeignKeyConstraint(["run_id"], ["run.id"], name=op.f("fk_score_run_id_run"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score")),
        sa.UniqueConstraint(
            "run_id",
            "agency_id",
            "methodology_id",
            "methodology_hash",
            name=op.f("uq_score_run_id_agency_id_methodology_id_methodology_hash"),
        ),
    )
    with op.batch_alter_table("score", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_score_run_id"), ["run_id"], unique=False)

    op.create_table(
        "site_crawl",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.String(length=63), nullable=False),
        sa.Column(
            "registry_entry",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("finish_reason", sa.String(length=64), nullable=True),
        sa.Column("error_class", sa.String(length=64), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("max_pages", sa.Integer(), nullable=True),
        sa.Column(
            "stats",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "site_facts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_site_crawl_agency_id_agency")),
        sa.ForeignKeyConstraint(["run_id"], ["run.id"], name=op.f("fk_site_crawl_run_id_run"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_crawl")),
        sa.UniqueConstraint("run_id", "agency_id", name=op.f("uq_site_crawl_run_id_agency_id")),
    )
    with op.batch_alter_table("site_crawl", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_site_crawl_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_site_crawl_run_id"), ["run_id"], unique=False)

    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_crawl_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("found_on", sa.Text(), nullable=True),
        sa.Column(
            "facts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["site_crawl_id"],
            ["site_crawl.id"],
            name=op.f("fk_document_site_crawl_id_site_crawl"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
        sa.UniqueConstraint("site_crawl_id", "url", name=op.f("uq_document_site_crawl_id_url")),
    )
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_site_crawl_id"), ["site_crawl_id"], unique=False)

    op.create_table(
        "page",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_crawl_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("final_url", sa.Text(), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=255), nullable=True),
        sa.Column("bytes", sa.BigInteger(), nullable=True),
        sa.Column("latency_ms", sa.Float(), nullable=True),
        sa.Column("depth", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("lang", sa.String(length=35), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("warc_record_id", sa.String(length=128), nullable=True),
        sa.Column("error_class", sa.String(length=64), nullable=True),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "facts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["site_crawl_id"],
            ["site_crawl.id"],
            name=op.f("fk_page_site_crawl_id_site_crawl"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page")),
        sa.UniqueConstraint("site_crawl_id", "url", name=op.f("uq_page_site_crawl_id_url")),
    )
    with op.batch_alter_table("page", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_page_site_crawl_id"), ["site_crawl_id"], unique=False)

    op.create_table(
        "form",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.Text(), nullable=True),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column(
            "fields",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("has_captcha", sa.Boolean(), nullable=False),
        sa.Column("has_file_upload", sa.Boolean(), nullable=False),
        sa.Column("has_password", sa.Boolean(), nullable=False),
        sa.Column(
            "facts",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["page_id"], ["page.id"], name=op.f("fk_form_page_id_page"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form")),
    )
    with op.batch_alter_table("form", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_form_page_id"), ["page_id"], unique=False)

    op.create_table(
        "link",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("target_url", sa.Text(), nullable=False),
        sa.Column("anchor_text", sa.Text(), nullable=True),
        sa.Column("region", sa.String(length=16), nullable=True),
        sa.Column("internal", sa.Boolean(), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["page_id"], ["page.id"], name=op.f("fk_link_page_id_page"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link")),
    )
    with op.batch_alter_table("link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_link_page_id"), ["page_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_page_id"))

    op.drop_table("link")
    with op.batch_alter_table("form", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_page_id"))

    op.drop_table("form")
    with op.batch_alter_table("page", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_page_site_crawl_id"))

    op.drop_table("page")
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_site_crawl_id"))

    op.drop_table("document")
    with op.batch_alter_table("site_crawl", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_site_crawl_run_id"))
        batch_op.drop_index(batch_op.f("ix_site_crawl_agency_id"))

    op.drop_table("site_crawl")
    with op.batch_alter_table("score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_run_id"))
        batch_op.drop_index(batch_op.f("ix_score_agency_id"))

    op.drop_table("score")
    with op.batch_alter_table("probe_fact", schema=None) as batch_op:
        batch_op.drop_index("ix_probe_fact_run_agency")

    op.drop_table("probe_fact")
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finding_run_id"))
        batch_op.drop_index(batch_op.f("ix_finding_agency_id"))

    op.drop_table("finding")
    with op.batch_alter_table("browser_fact", schema=None) as batch_op:
        batch_op.drop_index("ix_browser_fact_run_agency")

    op.drop_table("browser_fact")
    op.drop_table("run")
    with op.batch_alter_table("agency", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agency_parent_id"))

    op.drop_table("agency")
