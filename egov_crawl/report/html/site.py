"""Static HTML reports: one page per agency and the national report, written to a folder that opens offline.

No server, no CDN, no external font or script: the CSS and the table-sorting script are inlined, charts are
inline SVG (``charts.py``), screenshots are copied next to the pages. Jinja2 autoescaping is on for every
template, so scraped text (page titles, evidence summaries, agency names) is always escaped; URLs become links
only when they are http(s) (a ``javascript:`` URL in evidence stays text). A Content-Security-Policy allows
only the page's own inline script, by hash, as a second line of defence (CSP Level 3 "hash-source").

Layout of ``out_dir``: ``index.html`` (national), ``agency/<id>.html``, ``evidence/<run-N>/<agency>/*.png``.
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from egov_crawl import __version__
from egov_crawl.browser.evidence import evidence_dir as default_evidence_dir
from egov_crawl.errors import UserError
from egov_crawl.output import strip_controls
from egov_crawl.report import views
from egov_crawl.report.changes import Changes, changes_since
from egov_crawl.report.export import RANK_COLUMNS
from egov_crawl.report.html import charts
from egov_crawl.report.national import Methodology, NationalSummary, RunInfo, national_summary, profile_warnings
from egov_crawl.scoring.registry import all_checks
from egov_crawl.store import repository
from egov_crawl.store.db import open_store, session_factory

MAX_EVIDENCE_ITEMS = 5  # per finding; the rest is counted ("… 3 more"), `egov-crawl explain` shows all
MAX_SCREENSHOTS = 12  # per agency page
TOP_OBSTACLES = 20
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,80}")


def http_href(url: Any) -> str | None:
    """The URL if it is an absolute http(s) URL, else None: only those become links."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def page_name(agency_id: str) -> str:
    """The agency page's file name: the id when it is a plain slug, else a slug plus a hash (never a path)."""
    if _SAFE_NAME.fullmatch(agency_id) and agency_id not in (".", ".."):
        return f"{agency_id}.html"
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", agency_id).strip("-")[:40] or "agency"
    return f"{slug}-{hashlib.sha1(agency_id.encode()).hexdigest()[:8]}.html"


def _num(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _without_controls(value: object) -> object:
    """Every ``{{ }}`` output without NUL and other control characters: scraped text may carry them."""
    if isinstance(value, Markup):
        return Markup(strip_controls(str(value)))
    if isinstance(value, str):
        return strip_controls(value)
    return value


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("egov_crawl.report.html", "templates"),
        autoescape=True,  # every template, whatever its extension
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_without_controls,
    )
    env.filters["num"] = _num
    env.filters["pct"] = charts.percent
    env.filters["http_href"] = http_href
    return env


@cache
def _script() -> tuple[Markup, str]:
    """The inline table-sorting script and its CSP hash-source."""
    text = files("egov_crawl.report.html").joinpath("templates/sort.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return Markup(text), f"sha256-{digest}"


def _render(template: str, target: Path, **context: Any) -> Path:
    script, script_hash = _script()
    html = (
        _environment()
        .get_template(template)
        .render(
            script=script,
            script_hash=script_hash,
            generator_version=__version__,
            generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            **context,
        )
    )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write the report {target}: {exc.strerror}; choose another folder with -o") from None
    return target


def copy_evidence(evidence_root: Path, relative: str, out_dir: Path) -> str | None:
    """Copy one screenshot into ``out_dir/evidence``; returns its path relative to ``out_dir``, or None when the
    file is missing or the stored path would lead outside the evidence directory (a tampered row)."""
    root = evidence_root.resolve()
    source = (root / relative).resolve()
    target_root = (out_dir / "evidence").resolve()
    target = (target_root / relative).resolve()
    if not source.is_relative_to(root) or not target.is_relative_to(target_root) or not source.is_file():
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target.relative_to(out_dir.resolve()).as_posix()


# --- one agency ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FindingRow:
    check_id: str
    title: str
    subindex: str | None
    outcome: str
    score: float | None
    needs_review: bool
    evidence: list[dict[str, str | None]]
    more: int
    note: str | None = None  # why the counted outcome is not the check's ("applies to province, local")
    fix: Any = None  # how to fix it (scoring.remediation.Remediation), shown where the outcome is FAIL or PARTIAL


@dataclass(frozen=True)
class FindingGroup:
    title: str
    findings: list[FindingRow]


@dataclass(frozen=True)
class Screenshot:
    url: str
    desktop: str | None
    mobile: str | None


def _evidence_items(evidence: dict[str, Any] | None) -> tuple[list[dict[str, str | None]], int]:
    items = list((evidence or {}).get("items") or [])
    shown = [
        {
            "summary": None if item.get("summary") is None else str(item["summary"]),
            "url": None if item.get("url") is None else str(item["url"]),
        }
        for item in items[:MAX_EVIDENCE_ITEMS]
        if isinstance(item, dict)
    ]
    return shown, max(0, len(items) - MAX_EVIDENCE_ITEMS)


def _finding_groups(score: Any, findings: list[Any]) -> list[FindingGroup]:
    """Findings grouped by pillar (the methodology's order), each with its sub-index title and the outcome the
    methodology counts (an indicator outside its ``applies_to`` cohorts is NOT_APPLICABLE, never the check's
    FAIL)."""
    checks = all_checks()
    counted = views.scored_indicators(score)
    placement: dict[str, tuple[str, str]] = {}
    for sub_id, sub in score.subindices.items():
        if sub_id.startswith("_"):
            continue
        for check_id in sub.get("indicators") or {}:
            placement[check_id] = (str(sub.get("pillar")), str(sub.get("title") or sub_id))
    grouped: dict[str, list[FindingRow]] = defaultdict(list)
    for finding in findings:
        spec = checks.get(finding.check_id)
        pillar, sub_title = placement.get(finding.check_id, (spec.pillar if spec else "other", None))
        shown, more = _evidence_items(finding.evidence)
        scored = counted.get(finding.check_id) or {}
        outcome = scored.get("outcome", finding.outcome)
        grouped[pillar].append(
            FindingRow(
                finding.check_id,
                spec.title if spec else finding.check_id,
                sub_title,
                outcome,
                scored["score"] if scored else finding.score,
                finding.needs_review and outcome != "NOT_APPLICABLE",
                shown,
                more,
                scored.get("note"),
                spec.remediation if spec and outcome in ("FAIL", "PARTIAL") else None,
            )
        )
    order = [p for p in score.pillars if p in grouped] + sorted(p for p in grouped if p not in score.pillars)
    titles = {p: (v or {}).get("title") or p for p, v in score.pillars.items()}
    return [FindingGroup(titles.get(p, p), grouped[p]) for p in order]


def _bars(score: Any) -> list[charts.Bar]:
    bars = []
    for pillar_id, pillar in score.pillars.items():
        bars.append(
            charts.Bar(pillar.get("title") or pillar_id, pillar.get("score"), pillar.get("coverage"), strong=True)
        )
        for sub_id, sub in score.subindices.items():
            if sub_id.startswith("_") or sub.get("pillar") != pillar_id:
                continue
            bars.append(
                charts.Bar(
                    sub.get("title") or sub_id,
                    sub.get("score"),
                    sub.get("coverage"),
                    low=sub.get("low"),
                    high=sub.get("high"),
                    note=None if sub.get("applicable", True) else "not applicable",
                )
            )
    return bars


def _trend(history: list[views.HistoryRow], pillar_titles: dict[str, str]) -> Markup:
    labels = [f"#{h.run_id} {h.run_date:%m-%d}" for h in history]
    series = [charts.Series("Overall", [h.overall for h in history])]
    series += [charts.Series(title, [h.pillars.get(p) for h in history]) for p, title in pillar_titles.items()]
    return charts.trend_chart(labels, series, label="Scores over runs (0–100)")


def _screenshots(facts: list[Any], evidence_root: Path, out_dir: Path, prefix: str) -> list[Screenshot]:
    shots: list[Screenshot] = []
    for fact in facts:
        if fact.error_class or len(shots) >= MAX_SCREENSHOTS:
            continue
        payload = fact.payload or {}
        copied: dict[str, str | None] = {}
        for variant in ("desktop", "mobile"):
            relative = payload.get(variant) or (fact.evidence_path if variant == "desktop" else None)
            path = copy_evidence(evidence_root, relative, out_dir) if isinstance(relative, str) else None
            copied[variant] = prefix + quote(path) if path else None
        if copied["desktop"] or copied["mobile"]:
            shots.append(Screenshot(fact.url, copied["desktop"], copied["mobile"]))
    return shots


def _write_agency_page(
    db_url: str,
    agency_id: str,
    out_dir: Path,
    *,
    run_id: int | None,
    evidence_root: Path,
    methodology_id: str,
    national_link: str | None,
    changes: Changes | None = None,
) -> Path:
    history = views.history(db_url, agency_id, methodology_id=methodology_id)  # refuses an unknown agency
    card = views.score_card(db_url, agency_id, run_id=run_id, methodology_id=methodology_id)
    with session_factory(open_store(db_url))() as session:
        agency = repository.get_agency(session, agency_id)
        run = repository.get_run(session, card.run_id)
        score = next(s for s, r in repository.score_history(session, agency_id, methodology_id) if r.id == card.run_id)
        findings = repository.findings_of(session, card.run_id, agency_id)
        facts = repository.browser_facts(session, card.run_id, agency_id=agency_id, kind="screenshot")
        assert agency is not None and run is not None  # history and score_card checked both
        run_info = RunInfo(run.id, run.kind, run.status, run.started_at, run.finished_at, run.code_version)
        pillar_titles = {p: (v or {}).get("title") or p for p, v in score.pillars.items()}
        target = out_dir / "agency" / page_name(agency_id)
        return _render(
            "agency.html.j2",
            target,
            agency=agency,
            run=run_info,
            methodology=Methodology(score.methodology_id, score.methodology_version, score.methodology_hash),
            overall=card.lines[0],
            failures=[line for line in card.lines if line.kind == "failure"],
            bars_chart=charts.bar_chart(_bars(score), label=f"Pillar and sub-index scores of {agency_id}"),
            trend_chart=_trend(history, pillar_titles),
            history=history,
            pillar_ids=list(pillar_titles),
            pillar_titles=pillar_titles,
            findings=_finding_groups(score, findings),
            screenshots=_screenshots(facts, evidence_root, out_dir, prefix="../"),
            national_link=national_link,
            warnings=profile_warnings([score]),
            changes=changes,
            agency_changes=[c for c in changes.changes if c.agency_id == agency_id] if changes else [],
        )


def _evidence_root(evidence_dir: Path | None, db_url: str) -> Path:
    return default_evidence_dir(evidence_dir, db_url)


def _prepare(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"-o {out_dir}: exists and is not a folder; give a folder for the report")


def write_agency_report(
    db_url: str,
    agency_id: str,
    out_dir: Path,
    *,
    run_id: int | None = None,
    evidence_dir: Path | None = None,
    methodology_id: str = "default",
) -> Path:
    """Write ``out_dir/agency/<id>.html`` (score card, charts, findings, screenshots, trend); return its path."""
    _prepare(out_dir)
    return _write_agency_page(
        db_url,
        agency_id,
        out_dir,
        run_id=run_id,
        evidence_root=_evidence_root(evidence_dir, db_url),
        methodology_id=methodology_id,
        national_link=None,
        changes=_changes(db_url, run_id, methodology_id, agency_id),
    )


def _changes(db_url: str, run_id: int | None, methodology_id: str, agency_id: str | None = None) -> Changes | None:
    """What changed since the complete run before this one; None when there is none to compare with (the first
    run) or the methodology is not a bundled one."""
    try:
        return changes_since(db_url, run_id=run_id, methodology=methodology_id, agency_id=agency_id)
    except UserError:
        return None


# --- the national report -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    text: str
    sort: str
    right: bool
    href: str | None = None


@dataclass(frozen=True)
class RankingRow:
    cells: list[Cell]


def _ranking(summary: NationalSummary) -> list[RankingRow]:
    """The rows of ``egov-crawl rank`` with the same columns (``RANK_COLUMNS``); the id links to the page."""
    rows = []
    for row in summary.rows:
        cells = []
        for column in RANK_COLUMNS:
            value = column.get(row)
            text = "" if value is None else str(value)
            href = f"agency/{quote(page_name(row.id))}" if column.name == "id" else None
            cells.append(Cell(text, text, column.justify == "right", href))
        rows.append(RankingRow(cells))
    return rows


def _ministry_label(key: str, names: dict[str, str | None]) -> str:
    name = names.get(key)
    return f"{key} · {name}" if name else key


def _distributions(summary: NationalSummary) -> dict[str, Any]:
    rows = summary.rows
    histograms = [("Overall", charts.histogram([r.overall for r in rows if r.overall is not None], label="Overall"))]
    for index, (pillar, title) in enumerate(summary.pillar_titles.items(), start=1):
        values = [v for r in rows if (v := r.pillars.get(pillar)) is not None]
        colour = charts.PALETTE[index % len(charts.PALETTE)]
        histograms.append((title, charts.histogram(values, label=f"{title} distribution", colour=colour)))

    def groups(key: Any) -> list[charts.Group]:
        found: dict[str, list[tuple[str, float]]] = defaultdict(list)
        for r in rows:
            if r.overall is not None:
                found[key(r)].append((r.id, r.overall))
        ordered = sorted(found.items(), key=lambda kv: (-sum(v for _, v in kv[1]) / len(kv[1]), kv[0]))
        return [charts.Group(label, points) for label, points in ordered]

    parents = {r.parent for r in rows if r.parent}
    names = {r.id: r.name_en or r.name_th for r in rows}

    def ministry(r: views.RankRow) -> str:
        key = r.parent or (r.id if r.id in parents else "(no parent)")
        return _ministry_label(key, names)

    return {
        "histograms": histograms,
        "cohort_chart": charts.strip_chart(groups(lambda r: r.cohort), label="Overall score by cohort"),
        "ministry_chart": charts.strip_chart(groups(ministry), label="Overall score by ministry"),
    }


def _obstacles_chart(summary: NationalSummary) -> Markup | None:
    if not summary.obstacles:
        return None
    stacks = [
        charts.Stack(f"{o.check_id} {o.title}", [("FAIL", o.fail), ("PARTIAL", o.partial), ("PASS", o.passed)])
        for o in summary.obstacles[:15]
    ]
    return charts.stacked_chart(stacks, label="Agencies by outcome on the most-failed indicators")


def write_national_report(
    db_url: str,
    out_dir: Path,
    *,
    run_id: int | None = None,
    evidence_dir: Path | None = None,
    methodology_id: str = "default",
) -> Path:
    """Write ``out_dir/index.html`` (ranking, distributions, top obstacles) and one page per scored agency under
    ``out_dir/agency/``; return the index's path."""
    _prepare(out_dir)
    summary = national_summary(db_url, run_id=run_id, methodology_id=methodology_id, top=TOP_OBSTACLES)
    root = _evidence_root(evidence_dir, db_url)
    changes = _changes(db_url, summary.run.id, methodology_id)
    for row in summary.rows:
        _write_agency_page(
            db_url,
            row.id,
            out_dir,
            run_id=summary.run.id,
            evidence_root=root,
            methodology_id=methodology_id,
            national_link="../index.html",
            changes=changes,
        )
    return _render(
        "national.html.j2",
        out_dir / "index.html",
        s=summary,
        columns=RANK_COLUMNS,
        ranking=_ranking(summary),
        obstacles_chart=_obstacles_chart(summary),
        changes=changes,
        agency_href=lambda agency_id: f"agency/{quote(page_name(agency_id))}",
        **_distributions(summary),
    )
