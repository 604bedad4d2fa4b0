"""``@check``: a check is declared once, with a stable id, a title and a docstring.

The id is the catalog's indicator id (``INF-03``), stable forever; ``slug`` is a readable name for URLs and
logs. The docstring has four labelled parts — What, Why, Evidence, Outcomes — published in docs/methodology.md
and printed by ``egov-crawl explain``. ``needs`` names the collectors whose facts the check reads: when none of
them ran for the agency, the engine records NOT_OBSERVED without calling the check.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from egov_crawl.errors import unknown_value
from egov_crawl.facts.model import SiteFacts, Source
from egov_crawl.scoring.model import Finding
from egov_crawl.scoring.remediation import Remediation, remediations

log = logging.getLogger(__name__)

CheckFunction = Callable[[SiteFacts], Finding]
PILLARS = {"SRV": "service", "INF": "infrastructure", "OPN": "openness"}
MODES = ("A", "A+B", "A/B", "B", "A→J", "B→J", "J", "X")
DOC_PARTS = ("What", "Why", "Evidence", "Outcomes")
_ID = re.compile(r"^(SRV|INF|OPN)-\d{2}$")
_CHECK_MODULES = ("service", "infrastructure", "probed", "browsed", "openness", "opendata")


@dataclass(frozen=True)
class CheckSpec:
    id: str
    slug: str
    title: str
    needs: frozenset[Source]
    mode: str
    version: str
    func: CheckFunction
    doc: str

    @property
    def pillar(self) -> str:
        return PILLARS[self.id[:3]]

    @property
    def needs_review(self) -> bool:
        """Detections of A→J / B→J items are provisional until a reviewer confirms them."""
        return self.mode.endswith("J")

    def doc_parts(self) -> dict[str, str]:
        """The docstring's What / Why / Evidence / Outcomes paragraphs."""
        found: dict[str, str] = {}
        current: str | None = None
        for line in self.doc.splitlines():
            head = line.split(":", 1)
            if len(head) == 2 and head[0].strip() in DOC_PARTS:
                current = head[0].strip()
                found[current] = head[1].strip()
            elif current and line.strip():
                found[current] = (found[current] + " " + line.strip()).strip()
        return found

    @property
    def remediation(self) -> Remediation:
        """How to fix it (English, Thai, the standard), from the bundled remediation file."""
        return remediations(tuple(all_checks()))[self.id]


_REGISTRY: dict[str, CheckSpec] = {}


def register(spec: CheckSpec) -> CheckSpec:
    if not _ID.match(spec.id):
        raise ValueError(f"check id {spec.id!r} is not a catalog id like INF-03")
    if spec.mode not in MODES:
        raise ValueError(f"{spec.id}: mode {spec.mode!r} is not one of {MODES}")
    missing = [part for part in DOC_PARTS if part not in spec.doc_parts()]
    if missing:
        raise ValueError(f"{spec.id}: the docstring lacks {', '.join(missing)}")
    if spec.id in _REGISTRY and _REGISTRY[spec.id].func is not spec.func:
        raise ValueError(f"check {spec.id} is declared twice")
    _REGISTRY[spec.id] = spec
    return spec


def check(
    id: str,
    slug: str,
    title: str,
    *,
    needs: Iterable[Source] = (Source.CRAWL,),
    mode: str = "A",
    version: str = "1",
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check function under its catalog id."""

    def decorate(func: CheckFunction) -> CheckFunction:
        register(
            CheckSpec(id, slug, title, frozenset(needs), mode, version, func, inspect.cleandoc(func.__doc__ or ""))
        )
        return func

    return decorate


def all_checks() -> dict[str, CheckSpec]:
    """Every registered check, by id in catalog order (the check modules are imported on first use)."""
    for name in _CHECK_MODULES:
        importlib.import_module(f"egov_crawl.scoring.checks.{name}")
    return dict(sorted(_REGISTRY.items(), key=lambda item: (list(PILLARS).index(item[0][:3]), item[0])))


def get_check(check_id: str) -> CheckSpec:
    checks = all_checks()
    key = check_id.strip().upper()
    if key not in checks:
        raise unknown_value("check", check_id, list(checks), listing="egov-crawl checks list")
    return checks[key]


def run_check(spec: CheckSpec, site: SiteFacts) -> Finding:
    """Run one check in isolation: missing facts → NOT_OBSERVED, an exception → ERROR (logged), never a score."""
    if not any(site.has(source) for source in spec.needs):
        wanted = " or ".join(sorted(s.value for s in spec.needs))
        return Finding.not_observed(f"no {wanted} facts for this agency in run {site.run_id}").with_review(
            spec.needs_review
        )
    try:
        finding = spec.func(site)
    except Exception as exc:
        log.exception("check %s raised on %s (run %s)", spec.id, site.agency_id, site.run_id)
        return Finding.error(f"the check raised {type(exc).__name__}: {exc}")
    return finding.with_review(spec.needs_review and finding.outcome.observed)
