"""What the analyst's commands show, read from stored scores and findings (no checks run here).

Ranking order (documented tie-break, stable across runs): the score descending (agencies without a score —
"insufficient evidence" — last), then coverage descending (better-evidenced first), then agency id ascending.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from egov_crawl.errors import UserError, unknown_value
from egov_crawl.registry.models import Cohort
from egov_crawl.scoring.methodology import Methodology, bundled_methodologies, load_methodology
from egov_crawl.scoring.registry import all_checks, get_check
from egov_crawl.store import repository
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.store.models import Agency, Score

PILLAR_COLUMNS = ("service", "infrastructure", "openness")


@dataclass(frozen=True)
class RankRow:
    rank: int | None
    id: str
    name_th: str | None
    name_en: str | None
    parent: str | None
    cohort: str
    overall: float | None
    pillars: dict[str, float | None]
    coverage: float
    band: str | None
    run_date: date
    methodology_version: str


def _run_or_newest(session: Any, run_id: int | None) -> int:
    run = run_id if run_id is not None else repository.newest_run_id(session)
    if run is None:
        raise UserError("the store has no run; crawl and score first (`egov-crawl crawl …`, `egov-crawl score`)")
    if repository.get_run(session, run) is None:
        raise UserError(f"run {run} is not in the store")
    return int(run)


def sort_key(value: float | None, coverage: float, agency_id: str) -> tuple[int, float, float, str]:
    return (value is None, -(value or 0.0), -coverage, agency_id)


def rank(
    db_url: str,
    *,
    run_id: int | None = None,
    methodology_id: str = "default",
    pillar: str | None = None,
    cohort: str | None = None,
    group_by_parent: bool = False,
) -> list[RankRow]:
    """Agencies of a run ranked by overall score (or one pillar's), optionally within a cohort or per parent."""
    if cohort is not None and cohort not in {c.value for c in Cohort}:
        raise unknown_value("cohort", cohort, [c.value for c in Cohort])  # a typo would rank nobody, silently
    with session_factory(open_store(db_url))() as session:
        run = _run_or_newest(session, run_id)
        run_date = repository.get_run(session, run).started_at.date()  # type: ignore[union-attr]
        pairs = repository.scores_of_run(session, run, methodology_id)
    if not pairs:
        raise UserError(f"run {run} has no scores under methodology '{methodology_id}'; run `egov-crawl score` first")
    known_pillars = {p for score, _ in pairs for p in score.pillars}
    if pillar is not None and pillar not in known_pillars:
        raise unknown_value("pillar", pillar, sorted(known_pillars))
    rows: list[tuple[Score, Agency]] = [(s, a) for s, a in pairs if cohort is None or a.cohort == cohort]

    def value(score: Score) -> float | None:
        return score.overall if pillar is None else (score.pillars.get(pillar) or {}).get("score")

    groups: dict[str | None, list[tuple[Score, Agency]]] = {}
    for score, agency in rows:
        groups.setdefault(agency.parent_id if group_by_parent else None, []).append((score, agency))
    out: list[RankRow] = []
    for parent in sorted(groups, key=lambda p: (p is None, p or "")):
        members = sorted(groups[parent], key=lambda pair: sort_key(value(pair[0]), pair[0].coverage, pair[1].id))
        for position, (score, agency) in enumerate(members, start=1):
            out.append(
                RankRow(
                    rank=position if value(score) is not None else None,
                    id=agency.id,
                    name_th=agency.name_th,
                    name_en=agency.name_en,
                    parent=agency.parent_id,
                    cohort=agency.cohort,
                    overall=score.overall,
                    pillars={k: (v or {}).get("score") for k, v in score.pillars.items()},
                    coverage=score.coverage,
                    band=score.band,
                    run_date=run_date,
                    methodology_version=score.methodology_version,
                )
            )
    return out


@dataclass(frozen=True)
class ScoreLine:
    """One line of an agency's score card: the overall score, a pillar, a sub-index, or a costly failure."""

    kind: str  # overall | pillar | subindex | failure
    id: str
    title: str
    score: float | None
    coverage: float | None = None
    band: str | None = None
    low: float | None = None
    high: float | None = None
    change: float | None = None
    points_lost: float | None = None
    url: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class ScoreCard:
    agency_id: str
    run_id: int
    methodology: str
    lines: list[ScoreLine] = field(default_factory=list)


def _points_lost(score: Score) -> dict[str, float]:
    """How many overall points each indicator costs: its weight share of the sub-index × the sub-index's share
    of the pillar × the pillar's share of the overall (equal weights unless the methodology says otherwise)."""
    pillars = [p for p in score.pillars]
    lost: dict[str, float] = {}
    for sub_id, sub in score.subindices.items():
        if sub_id.startswith("_") or not sub.get("applicable"):
            continue
        siblings = [
            s for k, s in score.subindices.items() if not k.startswith("_") and s.get("pillar") == sub["pillar"]
        ]
        counted = [s for s in siblings if s.get("applicable")]
        indicators = sub.get("indicators") or {}
        observed = [i for i in indicators.values() if i.get("outcome") in ("PASS", "PARTIAL", "FAIL")]
        weight = sum(float(i["weight"]) for i in observed)
        if not weight or not counted or not pillars:
            continue
        for check_id, item in indicators.items():
            if item.get("outcome") in ("PARTIAL", "FAIL"):
                share = float(item["weight"]) * (1 - float(item.get("score") or 0.0)) / weight
                lost[check_id] = round(100 * share / len(counted) / len(pillars), 2)
    return lost


def score_card(
    db_url: str, agency_id: str, *, run_id: int | None = None, methodology_id: str = "default", top: int = 10
) -> ScoreCard:
    """Overall, pillars and sub-indices with coverage and band; the failures that cost most, each with its
    evidence URL; the change since the agency's previous scored run."""
    with session_factory(open_store(db_url))() as session:
        run = _run_or_newest(session, run_id)
        history = repository.score_history(session, agency_id, methodology_id)
        findings = {f.check_id: f for f in repository.findings_of(session, run, agency_id)}
    current = next((s for s, r in history if r.id == run), None)
    if current is None:
        raise UserError(f"{agency_id} has no score in run {run} under '{methodology_id}'; run `egov-crawl score`")
    previous = next((s for s, r in reversed(history) if r.id < run), None)

    def change(now: float | None, before: float | None) -> float | None:
        return None if now is None or before is None else round(now - before, 2)

    lines = [
        ScoreLine(
            "overall", agency_id, "Overall", current.overall, current.coverage, current.band,
            change=change(current.overall, previous.overall if previous else None),
        )
    ]  # fmt: skip
    for pillar_id, pillar in current.pillars.items():
        before = (previous.pillars.get(pillar_id) or {}).get("score") if previous else None
        lines.append(
            ScoreLine(
                "pillar", pillar_id, pillar.get("title", pillar_id), pillar.get("score"), pillar.get("coverage"),
                change=change(pillar.get("score"), before),
                note=None if pillar.get("score") is not None else "insufficient evidence",
            )
        )  # fmt: skip
    for sub_id, sub in current.subindices.items():
        if sub_id.startswith("_"):
            continue
        lines.append(
            ScoreLine(
                "subindex", sub_id, sub.get("title", sub_id), sub.get("score"), sub.get("coverage"),
                low=sub.get("low"), high=sub.get("high"), note=None if sub.get("applicable") else "not applicable",
            )
        )  # fmt: skip
    lost = _points_lost(current)
    for check_id in sorted(lost, key=lambda k: (-lost[k], k))[:top]:
        finding = findings.get(check_id)
        items = (finding.evidence or {}).get("items", []) if finding else []
        url = next((i.get("url") for i in items if i.get("url")), None)
        summary = items[0].get("summary") if items else None
        outcome = ((current.subindices.get(_sub_of(current, check_id)) or {}).get("indicators") or {}).get(check_id, {})
        lines.append(
            ScoreLine(
                "failure", check_id, _title(check_id), outcome.get("score"), points_lost=lost[check_id], url=url,
                note=f"{outcome.get('outcome')}: {summary}" if summary else outcome.get("outcome"),
            )
        )  # fmt: skip
    return ScoreCard(agency_id, run, methodology_id, lines)


def scored_indicators(score: Score) -> dict[str, dict[str, Any]]:
    """Indicator id → how the methodology counted it (outcome, score, weight, note): the check's finding after
    applicability and gates. An indicator that does not apply to the agency's cohort is NOT_APPLICABLE here
    whatever the check found, and must be shown and counted as such, never as the check's FAIL."""
    out: dict[str, dict[str, Any]] = {}
    for sub_id, sub in score.subindices.items():
        if not sub_id.startswith("_"):
            out.update(sub.get("indicators") or {})
    return out


def _sub_of(score: Score, check_id: str) -> str:
    return next((k for k, v in score.subindices.items() if check_id in (v.get("indicators") or {})), "")


def _title(check_id: str) -> str:
    spec = all_checks().get(check_id)
    return spec.title if spec else check_id


@dataclass(frozen=True)
class Explanation:
    agency_id: str
    run_id: int
    check_id: str
    title: str
    outcome: str | None  # as the methodology counts it (NOT_APPLICABLE outside ``applies_to``, FAIL when gated)
    score: float | None
    needs_review: bool
    evidence: list[dict[str, Any]]
    doc: str
    methodology: dict[str, Any]
    note: str | None = None  # why the counted outcome differs from the check's ("applies to province, local")
    finding_outcome: str | None = None  # what the check itself concluded
    remediation: dict[str, str] | None = None  # how to fix it: standard, en, th (and a link)


def _known_agency(session: Any, agency_id: str) -> None:
    if repository.get_agency(session, agency_id) is None:
        raise unknown_value("agency", agency_id, repository.agency_ids(session), listing="egov-crawl rank")


def _known_methodology(session: Any, methodology_id: str) -> None:
    """A methodology id names a bundled file or one the store has scores under."""
    known = [p.stem for p in bundled_methodologies()]
    known += sorted(set(session.scalars(select(Score.methodology_id).distinct())) - set(known))
    if methodology_id not in known:
        raise unknown_value("methodology", methodology_id, known)


def _bundled_or_default(methodology_id: str) -> Methodology:
    """The bundled methodology of that id, else the default (scores name a methodology by id only)."""
    try:
        return load_methodology(methodology_id)
    except UserError:
        return load_methodology()


def _counted(session: Any, run: int, agency_id: str, check_id: str, methodology_id: str) -> dict[str, Any] | None:
    """The indicator as the stored score under ``methodology_id`` counts it; else (not scored under it, or not
    in it) as the bundled methodology's applicability rule and the agency's cohort decide."""
    score = next((s for s, r in repository.score_history(session, agency_id, methodology_id) if r.id == run), None)
    if score is not None:
        counted = scored_indicators(score).get(check_id)
        if counted is not None:
            return counted
    rule = _bundled_or_default(methodology_id).rules.get(check_id)
    agency = repository.get_agency(session, agency_id)
    if rule is not None and rule.applies_to is not None and agency is not None and agency.cohort not in rule.applies_to:
        note = f"applies to {', '.join(rule.applies_to)}"
        return {"outcome": "NOT_APPLICABLE", "score": None, "note": note}
    return None


def explain(
    db_url: str, agency_id: str, check_id: str, *, run_id: int | None = None, methodology_id: str = "default"
) -> Explanation:
    """A finding with its evidence and the check's docstring (what / why / evidence / outcomes); the outcome is
    the one the methodology counts, with the reason when it differs from the check's own."""
    spec = get_check(check_id)
    with session_factory(open_store(db_url))() as session:
        _known_agency(session, agency_id)
        _known_methodology(session, methodology_id)
        run = _run_or_newest(session, run_id)
        finding = next((f for f in repository.findings_of(session, run, agency_id) if f.check_id == spec.id), None)
        if finding is None:
            raise UserError(f"no finding for {agency_id} {spec.id} in run {run}; run `egov-crawl score {agency_id}`")
        counted = _counted(session, run, agency_id, spec.id, methodology_id) or {}
    rules = _bundled_or_default(methodology_id)
    rule = rules.rules.get(spec.id)
    placement = rules.placement.get(spec.id)
    outcome = counted.get("outcome", finding.outcome)
    return Explanation(
        agency_id,
        run,
        spec.id,
        spec.title,
        outcome,
        counted.get("score", finding.score) if counted else finding.score,
        finding.needs_review and outcome != "NOT_APPLICABLE",  # nothing to review where it does not count
        list((finding.evidence or {}).get("items", [])),
        spec.doc,
        {
            "tier": rule.tier if rule else None,
            "pillar": placement[0] if placement else None,
            "subindex": placement[1] if placement else None,
            "gate": rule.gate if rule else None,
            "applies_to": list(rule.applies_to) if rule and rule.applies_to else None,
        },
        counted.get("note"),
        finding.outcome,
        spec.remediation.model_dump(exclude_none=True),
    )


@dataclass(frozen=True)
class HistoryRow:
    run_id: int
    run_date: date
    overall: float | None
    band: str | None
    coverage: float
    pillars: dict[str, float | None]
    methodology_version: str


def history(db_url: str, agency_id: str, *, methodology_id: str = "default") -> list[HistoryRow]:
    with session_factory(open_store(db_url))() as session:
        _known_agency(session, agency_id)
        rows = repository.score_history(session, agency_id, methodology_id)
        return [
            HistoryRow(
                run.id,
                run.started_at.date(),
                score.overall,
                score.band,
                score.coverage,
                {k: (v or {}).get("score") for k, v in score.pillars.items()},
                score.methodology_version,
            )
            for score, run in rows
        ]
