"""Methodology files: policy as data (catalog §8.9). Which checks count, their tier weight, sub-index and pillar,
cohort applicability, gates, the coverage threshold and the bands — versioned, and hashed so every score names
the exact file it was computed with. Checks hold detection; this holds judgement.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from egov_crawl.errors import UserError

METHODOLOGY_DIR = Path(__file__).resolve().parent / "methodology"
DEFAULT_METHODOLOGY = METHODOLOGY_DIR / "default.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IndicatorRule(_Strict):
    id: str
    tier: int = Field(default=1, ge=1, le=4)  # catalog §7: 3 law/core, 2 standard, 1 good practice
    applies_to: tuple[str, ...] | None = None  # cohorts; None = every cohort (catalog §8.7 NOT_APPLICABLE)
    gate: str | None = None  # an indicator id: this one scores 0 when that one FAILs (catalog §8.4 chaining)


class SubIndex(_Strict):
    id: str
    title: str
    weight: float = 1.0
    indicators: tuple[IndicatorRule, ...]


class Pillar(_Strict):
    id: str
    title: str
    weight: float = 1.0
    subindices: tuple[SubIndex, ...]


class Band(_Strict):
    name: str
    above: float  # a score strictly above this (and not above a higher band) falls in the band


class Aggregation(_Strict):
    min_coverage: float = Field(default=0.8, ge=0, le=1)  # catalog §8.3: sub-indices with C_k ≥ 0.80 count
    min_covered_share: float = Field(default=2 / 3, ge=0, le=1)  # … and must carry ≥ 2/3 of the pillar weight
    binary: bool = False  # has/hasn't (ITA-OIT): any score > 0 counts as 1
    bands: tuple[Band, ...] = (
        Band(name="Very high", above=75),
        Band(name="High", above=50),
        Band(name="Middle", above=25),
        Band(name="Low", above=-1),
    )

    @field_validator("bands")
    @classmethod
    def _descending(cls, bands: tuple[Band, ...]) -> tuple[Band, ...]:
        return tuple(sorted(bands, key=lambda b: -b.above))


class Methodology(_Strict):
    id: str
    version: str
    title: str
    description: str = ""
    fiscal_year_be: int | None = None
    profiles: tuple[str, ...] | None = None  # the country profiles it is valid for; None = every one
    aggregation: Aggregation = Aggregation()
    pillars: tuple[Pillar, ...]
    sha256: str = ""  # of the file's bytes; filled by the loader
    path: str = ""

    @cached_property
    def rules(self) -> dict[str, IndicatorRule]:
        return {rule.id: rule for pillar in self.pillars for sub in pillar.subindices for rule in sub.indicators}

    @cached_property
    def placement(self) -> dict[str, tuple[str, str]]:
        """Indicator id → (pillar id, sub-index id)."""
        return {
            rule.id: (pillar.id, sub.id)
            for pillar in self.pillars
            for sub in pillar.subindices
            for rule in sub.indicators
        }

    def valid_for(self, profile: str) -> bool:
        return self.profiles is None or profile in self.profiles

    def band(self, score: float | None) -> str:
        if score is None:
            return "insufficient evidence"
        return next((b.name for b in self.aggregation.bands if score > b.above), self.aggregation.bands[-1].name)


def _location(error: Any) -> str:
    return ".".join(str(part) for part in error.get("loc", ()))


def load_methodology(path: Path | str | None = None) -> Methodology:
    """Read and validate a methodology file; problems are one line each, naming the file and the field."""
    file = Path(path) if path else DEFAULT_METHODOLOGY
    if not file.exists() and not file.suffix:
        file = METHODOLOGY_DIR / f"{file}.yaml"  # a bare name: one of the bundled files ("ita-oit")
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise UserError(f"{file}: cannot read the methodology file ({exc.strerror}); give --methodology FILE") from None
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise UserError(f"{file}: not valid YAML: {exc}".splitlines()[0]) from None
    if not isinstance(data, dict):
        raise UserError(f"{file}: a mapping with id, version, pillars is expected")
    try:
        methodology = Methodology.model_validate({**data, "sha256": hashlib.sha256(raw).hexdigest(), "path": str(file)})
    except ValidationError as exc:
        raise UserError.many(f"{file}: {_location(e)}: {e['msg']}" for e in exc.errors()) from None
    problems = validate_against_checks(methodology) + _unknown_profiles(methodology)
    if problems:
        raise UserError.many(f"{file}: {p}" for p in problems)
    return methodology


def _unknown_profiles(methodology: Methodology) -> list[str]:
    from egov_crawl.profiles import bundled_profiles

    known = bundled_profiles()
    return [
        f"profiles: unknown country profile '{p}'; the profiles are: {', '.join(known)}"
        for p in methodology.profiles or ()
        if p not in known
    ]


def profile_warning(methodology_id: str, valid: Sequence[str] | None, profiles: Mapping[str, str]) -> str | None:
    """One line when agencies (id → country profile) use a profile the methodology is not valid for: their
    scores apply another country's rules (a Thai law checklist to a US agency) and should not be read as such."""
    if valid is None:
        return None
    outside: dict[str, list[str]] = {}
    for agency_id, profile in sorted(profiles.items()):
        if profile not in valid:
            outside.setdefault(profile, []).append(agency_id)
    if not outside:
        return None
    count = sum(len(ids) for ids in outside.values())
    listed = "; ".join(
        f"{profile}: {', '.join(ids[:3])}{', …' if len(ids) > 3 else ''}" for profile, ids in sorted(outside.items())
    )
    return (
        f"warning: methodology {methodology_id} is valid for the country profiles {', '.join(valid)} only; "
        f"{count} {'agency uses' if count == 1 else 'agencies use'} another ({listed})"
    )


def validate_against_checks(methodology: Methodology) -> list[str]:
    """Every indicator and gate names a declared check, and none is listed twice."""
    from egov_crawl.scoring.registry import all_checks

    checks = all_checks()
    problems: list[str] = []
    seen: set[str] = set()
    for pillar in methodology.pillars:
        for sub in pillar.subindices:
            for rule in sub.indicators:
                where = f"{pillar.id}.{sub.id}.{rule.id}"
                if rule.id not in checks:
                    problems.append(f"{where}: no check has the id {rule.id} (see `egov-crawl checks list`)")
                if rule.id in seen:
                    problems.append(f"{where}: listed twice")
                if rule.gate and rule.gate not in checks:
                    problems.append(f"{where}: the gate {rule.gate} is not a check")
                seen.add(rule.id)
    return problems


def bundled_methodologies() -> list[Path]:
    return sorted(METHODOLOGY_DIR.glob("*.yaml"))
