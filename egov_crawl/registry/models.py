"""The agency registry schema (agencies.yaml), as pydantic models.

A registry is data an analyst edits by hand, so the models are strict (unknown keys are errors, not silently
ignored) and every error can be traced back to a file, line, agency and field by ``registry.loader``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from enum import StrEnum
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from egov_crawl.errors import UserError
from egov_crawl.profiles import bundled_profiles, profile_for_country

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
HOSTNAME_RE = re.compile(r"^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(?:\.(?!-)[a-z0-9-]{1,63}(?<!-))*$")


class Cohort(StrEnum):
    """Kinds of agency. Methodologies use the cohort to decide which indicators apply
    (a council-minutes check applies to a local administration, not to a ministry)."""

    MINISTRY = "ministry"
    DEPARTMENT = "department"
    PROVINCE = "province"
    LOCAL = "local"
    STATE_ENTERPRISE = "state-enterprise"
    PUBLIC_ORG = "public-org"
    UNIVERSITY = "university"
    OTHER = "other"


# Longer URLs are refused by common servers, CDNs and browsers' address bars (2,048 is the classic limit); a
# 200,000-character homepage once validated and crawled to "complete, 0 pages" without an error class.
MAX_URL_LENGTH = 2048


def _check_web_url(value: str) -> str:
    if len(value) > MAX_URL_LENGTH:
        raise ValueError(
            f"is {len(value):,} characters long; a URL longer than {MAX_URL_LENGTH:,} characters is refused "
            "(servers and browsers do not take it): give the site's short address"
        )
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        raise ValueError("must be an absolute http:// or https:// URL, e.g. https://www.example.go.th/")
    host = (parts.hostname or "").lower()
    if not host or not HOSTNAME_RE.match(host):
        raise ValueError(f"has no valid host name ({value!r}); write it as https://host/path")
    return value


def _check_hostname(value: str) -> str:
    if not HOSTNAME_RE.match(value.lower()):
        raise ValueError(f"{value!r} is not a host name; write a bare name such as www.example.go.th")
    return value.lower()


def _check_slug(value: str) -> str:
    if not SLUG_RE.match(value):
        raise ValueError(f"{value!r} is not a slug: use lower-case letters, digits and '-' (e.g. revenue-dept)")
    return value


WebUrl = Annotated[str, AfterValidator(_check_web_url)]
HostName = Annotated[str, AfterValidator(_check_hostname)]
Slug = Annotated[str, AfterValidator(_check_slug)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Names(Strict):
    """An agency's official name in Thai and English. Registries of other countries put their national
    language in ``th``'s place only if they must; ``local`` is the preferred key for them."""

    th: str | None = None
    en: str | None = None
    local: str | None = None

    @model_validator(mode="after")
    def _at_least_one(self) -> Names:
        if not (self.th or self.en or self.local):
            raise ValueError("needs at least one of th, en, local")
        return self

    def display(self, lang: str = "en") -> str:
        first = {"th": self.th, "en": self.en}.get(lang)
        return first or self.en or self.th or self.local or ""


StepAction = Literal["goto", "click", "fill", "select", "check", "expect_text", "expect_url", "submit"]


class JourneyStep(Strict):
    """One scripted step of an e-service journey. Read-only by default: ``submit`` (and ``click`` on a
    submit button) is only performed when a step says so explicitly."""

    action: StepAction
    target: str | None = Field(default=None, description="CSS selector, link text or URL, by action")
    value: str | None = None
    note: str | None = None
    # Journeys abort every non-GET request (a POST would submit data); a step that must send one says so here.
    allow_submit: bool = False


class EService(Strict):
    id: Slug
    name: Names
    url: WebUrl
    steps: list[JourneyStep] = Field(default_factory=list)


class Agency(Strict):
    id: Slug
    name: Names
    parent: Slug | None = None
    cohort: Cohort
    homepage: WebUrl
    hosts: list[HostName] = Field(default_factory=list)
    max_pages: int | None = Field(default=None, ge=1, le=1_000_000)
    eservices: list[EService] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    verified: bool = False
    notes: str | None = None
    # The country profile the agency is judged under (egov_crawl/profiles): the registry's ``country`` unless set
    # here, e.g. an embassy's site listed in another country's registry.
    profile: str | None = None

    @field_validator("profile")
    @classmethod
    def _known_profile(cls, value: str | None) -> str | None:
        if value is None:
            return None
        known = bundled_profiles()
        if value.lower() not in known:
            raise ValueError(f"unknown country profile {value!r}; the profiles are: {', '.join(known)}")
        return value.lower()

    @field_validator("name", mode="before")
    @classmethod
    def _name_required(cls, value: object) -> object:
        if value is None:
            raise ValueError("is required: give name: {th: ..., en: ...}")
        return value

    @property
    def homepage_host(self) -> str:
        return (urlsplit(self.homepage).hostname or "").lower()

    @property
    def all_hosts(self) -> list[str]:
        """The homepage host first, then declared hosts, without repeats."""
        seen: dict[str, None] = {self.homepage_host: None}
        for host in self.hosts:
            seen.setdefault(host, None)
        return list(seen)


SUPPORTED_REGISTRY_VERSION = 1  # the registry format this code reads; a newer file may mean fields we ignore


class Registry(Strict):
    version: int
    name: str | None = None
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2 code, e.g. TH")
    source: str | None = None
    agencies: list[Agency]

    @field_validator("version")
    @classmethod
    def _supported_version(cls, version: int) -> int:
        if version != SUPPORTED_REGISTRY_VERSION:
            raise ValueError(
                f"version {version} is not supported; this egov-crawl reads version {SUPPORTED_REGISTRY_VERSION}"
            )
        return version

    @field_validator("agencies")
    @classmethod
    def _not_empty(cls, agencies: list[Agency]) -> list[Agency]:
        if not agencies:
            raise ValueError("no agencies: list at least one under 'agencies:'")
        return agencies

    @model_validator(mode="before")
    @classmethod
    def _profile_from_country(cls, data: object) -> object:
        """Each agency without its own ``profile:`` takes the registry's country's, so the choice travels with
        the agency entry (into the store, to worker processes) without the registry."""
        if not isinstance(data, dict) or not isinstance(data.get("agencies"), list):
            return data
        profile = profile_for_country(data.get("country") if isinstance(data.get("country"), str) else None)
        if profile is None:
            return data
        agencies = [
            {**a, "profile": profile} if isinstance(a, dict) and a.get("profile") is None else a
            for a in data["agencies"]
        ]
        return {**data, "agencies": agencies}

    def by_id(self) -> dict[str, Agency]:
        return {agency.id: agency for agency in self.agencies}

    def counts_by_cohort(self) -> dict[str, int]:
        counts = {cohort.value: 0 for cohort in Cohort}
        for agency in self.agencies:
            counts[agency.cohort.value] += 1
        return {cohort: n for cohort, n in counts.items() if n}

    def get(self, agency_id: str) -> Agency:
        try:
            return self.by_id()[agency_id]
        except KeyError:
            raise KeyError(agency_id) from None

    def select(self, agency_ids: Sequence[str] | None) -> list[Agency]:
        """The named agencies in the order given (repeats dropped), or all of them when none are named.

        An unknown id is a user error that names the closest ids, so a typo costs one look, not a search.
        """
        by_id = self.by_id()
        if not agency_ids:
            return list(self.agencies)
        unknown = [agency_id for agency_id in agency_ids if agency_id not in by_id]
        if unknown:
            raise UserError(*(_unknown_agency_line(agency_id, by_id) for agency_id in unknown))
        return [by_id[agency_id] for agency_id in dict.fromkeys(agency_ids)]


def _unknown_agency_line(agency_id: str, by_id: dict[str, Agency]) -> str:
    close = difflib.get_close_matches(agency_id, list(by_id), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `egov-crawl agencies list` shows the ids"
    return f"agency {agency_id!r} is not in the registry{hint}"
