"""Methodology files: policy as data. Which checks count, their tier weight, sub-index and pillar,
cohort applicability, gates, the coverage threshold and the bands — versioned, and hashed so every score names
the exact file it was computed with. Checks hold detection; this holds judgement.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from egov_crawl.errors import UserError, unknown_value
from egov_crawl.profiles import bundled_profiles
from egov_crawl.registry.models import Cohort
from egov_crawl.safe_yaml import line_of, read_yaml
from egov_crawl.scoring.registry import all_checks

METHODOLOGY_DIR = Path(__file__).resolve().parent / "methodology"
DEFAULT_METHODOLOGY = METHODOLOGY_DIR / "default.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# A negative or NaN weight breaks the 0–100 scale; weights are relative, and two of 1e308 would add up to
# infinity (then NaN scores), so a million is the ceiling: far above any methodology's spread.
Weight = Annotated[float, Field(ge=0, le=1_000_000, allow_inf_nan=False)]


def _some_positive(items: tuple[Any, ...], what: str) -> tuple[Any, ...]:
    if not items:
        raise ValueError(f"no {what}: list at least one")
    if not any(getattr(item, "weight", 1.0) > 0 for item in items):
        raise ValueError(
            f"every {what[:-1] if what.endswith('s') else what} has weight 0; give at least one a positive weight"
        )
    return items


class IndicatorRule(_Strict):
    id: str
    tier: int = Field(default=1, ge=1, le=4)  # tiers: 3 law/core, 2 standard, 1 good practice
    applies_to: tuple[str, ...] | None = None  # cohorts; None = every cohort (NOT_APPLICABLE)
    gate: str | None = None  # an indicator id: this one scores 0 when that one FAILs (chaining)

    @field_validator("applies_to")
    @classmethod
    def _known_cohorts(cls, cohorts: tuple[str, ...] | None) -> tuple[str, ...] | None:
        """Cohorts of the registry only: a misspelt one ("ministy") would make the indicator apply to nobody."""
        if cohorts is None:
            return None
        if not cohorts:
            raise ValueError("applies to no cohort; list cohorts, or leave applies_to out for every cohort")
        known = [c.value for c in Cohort]
        for cohort in cohorts:
            if cohort not in known:
                raise ValueError(str(unknown_value("cohort", cohort, known)))
        return cohorts


class SubIndex(_Strict):
    id: str
    title: str
    weight: Weight = 1.0
    indicators: tuple[IndicatorRule, ...]

    @field_validator("indicators")
    @classmethod
    def _has_indicators(cls, indicators: tuple[IndicatorRule, ...]) -> tuple[IndicatorRule, ...]:
        return _some_positive(indicators, "indicators")


class Pillar(_Strict):
    id: str
    title: str
    weight: Weight = 1.0
    subindices: tuple[SubIndex, ...]

    @field_validator("subindices")
    @classmethod
    def _has_subindices(cls, subindices: tuple[SubIndex, ...]) -> tuple[SubIndex, ...]:
        return _some_positive(subindices, "subindices")


class Band(_Strict):
    name: str
    above: float = Field(
        allow_inf_nan=False
    )  # a score strictly above this (and not above a higher band) falls in the band


class Aggregation(_Strict):
    min_coverage: float = Field(default=0.8, gt=0, le=1)  # sub-indices with C_k ≥ 0.80 count
    min_covered_share: float = Field(default=2 / 3, gt=0, le=1)  # … and must carry ≥ 2/3 of the pillar weight
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
        """Written highest first, strictly descending, the lowest below 0 so every score 0–100 has a band."""
        if not bands:
            raise ValueError("no bands: list at least one, the lowest with 'above' below 0")
        for higher, lower in itertools.pairwise(bands):
            if lower.above >= higher.above:
                raise ValueError(
                    f"bands out of order: '{lower.name}' (above {lower.above}) follows '{higher.name}' "
                    f"(above {higher.above}); list them highest first"
                )
        if bands[-1].above >= 0:
            raise ValueError(f"the lowest band '{bands[-1].name}' must have 'above' below 0 so a score of 0 has a band")
        if bands[0].above >= 100:
            raise ValueError(f"no score can reach the band '{bands[0].name}': 'above' must be below 100")
        return bands


class Methodology(_Strict):
    id: str
    version: str
    title: str
    description: str = ""
    fiscal_year_be: int | None = None
    profiles: tuple[str, ...] | None = None  # the country profiles it is valid for; None = every one
    aggregation: Aggregation = Aggregation()
    pillars: tuple[Pillar, ...]

    @field_validator("pillars")
    @classmethod
    def _has_pillars(cls, pillars: tuple[Pillar, ...]) -> tuple[Pillar, ...]:
        return _some_positive(pillars, "pillars")

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
    if not file.exists() and not file.suffix and len(file.parts) == 1:
        bundled = METHODOLOGY_DIR / f"{file}.yaml"  # a bare name: one of the bundled files ("ita-oit")
        if not bundled.exists():
            raise unknown_value("methodology", str(file), [p.stem for p in bundled_methodologies()])
        file = bundled
    if not file.exists():
        raise UserError(f"{file}: methodology file not found; give --methodology FILE or a bundled name")
    text, root, data = read_yaml(file)
    if not isinstance(data, dict):
        raise UserError(f"{file}:1: a mapping with id, version, pillars is expected")
    raw = text.encode("utf-8")
    try:
        methodology = Methodology.model_validate({**data, "sha256": hashlib.sha256(raw).hexdigest(), "path": str(file)})
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first.get("loc", ()))
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        message = str(first["msg"]).removeprefix("Value error, ")
        raise UserError(f"{file}:{line_of(root, loc) or 1}: {_location(first)}: {message}{more}") from None
    problems = validate_against_checks(methodology) + _unknown_profiles(methodology)
    if problems:
        raise UserError.many(f"{file}:{line_of(root, loc) or 1}: {message}" for loc, message in problems)
    return methodology


def _unknown_profiles(methodology: Methodology) -> list[tuple[tuple[Any, ...], str]]:
    known = bundled_profiles()
    return [
        (("profiles", index), f"profiles: unknown country profile '{p}'; the profiles are: {', '.join(known)}")
        for index, p in enumerate(methodology.profiles or ())
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


def validate_against_checks(methodology: Methodology) -> list[tuple[tuple[Any, ...], str]]:
    """Every indicator and gate names a declared check, and none is listed twice: (where in the file, problem)."""
    checks = all_checks()
    problems: list[tuple[tuple[Any, ...], str]] = []
    seen: set[str] = set()
    for p, pillar in enumerate(methodology.pillars):
        for s, sub in enumerate(pillar.subindices):
            for i, rule in enumerate(sub.indicators):
                where = f"{pillar.id}.{sub.id}.{rule.id}"
                loc = ("pillars", p, "subindices", s, "indicators", i)
                if rule.id not in checks:
                    unknown = unknown_value("indicator", rule.id, list(checks), listing="egov-crawl checks list")
                    problems.append(((*loc, "id"), f"{where}: {unknown.lines[0]}"))
                if rule.id in seen:
                    problems.append(((*loc, "id"), f"{where}: listed twice"))
                if rule.gate and rule.gate not in checks:
                    problems.append(((*loc, "gate"), f"{where}: the gate {rule.gate} is not a check"))
                seen.add(rule.id)
    return problems


def bundled_methodologies() -> list[Path]:
    return sorted(METHODOLOGY_DIR.glob("*.yaml"))
