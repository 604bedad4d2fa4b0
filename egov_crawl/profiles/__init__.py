"""Country profiles: what "government" looks like in one country, as data (``th.yaml``, ``us.yaml``, ``gb.yaml``).

A profile names the country's official domain suffixes (by cohort where the rules differ), other recognised
government hosts, the national platforms that satisfy an indicator (a link to the national login counts as
digital-identity login), the order in which the lexicon's languages are tried, and whether a cookie banner is
expected by law. Checks read it from ``SiteFacts.profile``; the registry chooses it (``country``, or an agency's
``profile:``), the default being Thailand's, the country the project was first built for.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from egov_crawl.errors import UserError
from egov_crawl.safe_yaml import line_of, read_yaml

PROFILE_DIR = Path(__file__).resolve().parent
DEFAULT_PROFILE = "th"  # a registry without ``country`` (agencies.yaml before profiles existed) is Thai
DEFAULT_COHORT = "default"  # the key of ``official_domains`` used for cohorts it does not name


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _host_matches(host: str, suffix: str) -> bool:
    """``host`` is ``suffix`` or lies under it (a suffix given with or without its leading dot)."""
    bare = suffix.lstrip(".")
    return host == bare or host.endswith("." + bare)


class Platform(_Strict):
    """A national platform: a link to one of ``hosts``, a script from one of ``scripts`` or one of ``terms`` in
    the page text shows the agency uses it."""

    name: str
    hosts: tuple[str, ...] = ()
    scripts: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _something_to_find(self) -> Platform:
        if not (self.hosts or self.scripts or self.terms):
            raise ValueError("give at least one of hosts, scripts, terms")
        return self

    def has_host(self, host: str) -> bool:
        return any(_host_matches(host, h) for h in self.hosts)


class Consent(_Strict):
    cookie_banner_expected: bool  # does the law expect consent before non-essential cookies?
    law: str = ""


class Profile(_Strict):
    id: str = Field(pattern=r"^[a-z]{2}(-[a-z0-9]+)?$")
    country: str = Field(pattern=r"^[A-Z]{2}$")  # ISO 3166-1 alpha-2
    name: str
    languages: tuple[str, ...] = Field(min_length=1)  # lexicon languages, in the order they are tried
    official_domains: dict[str, tuple[str, ...]]  # cohort (or "default") → host suffixes, e.g. ".go.th"
    registry_suffixes: tuple[str, ...] = ()  # public suffixes with two labels or more (go.th, co.uk, fed.us)
    government_hosts: tuple[str, ...] = ()  # other hosts (and their subdomains) that are government
    official_banner: str | None = None  # the national "this is an official site" banner text, when there is one
    platforms: dict[str, tuple[Platform, ...]] = Field(default_factory=dict)  # indicator id → platforms
    consent: Consent
    path: str = ""

    @field_validator("official_domains")
    @classmethod
    def _has_default(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        if DEFAULT_COHORT not in value:
            raise ValueError(f"needs a '{DEFAULT_COHORT}' list, used for cohorts not named")
        for cohort, suffixes in value.items():
            bad = [s for s in suffixes if not s.startswith(".") or s != s.lower()]
            if bad or not suffixes:
                raise ValueError(f"{cohort}: suffixes are lower-case and start with a dot, e.g. .go.th (got {bad})")
        return value

    def official_suffixes(self, cohort: str) -> tuple[str, ...]:
        """The suffixes an agency of ``cohort`` may serve its site from."""
        return self.official_domains.get(cohort, self.official_domains[DEFAULT_COHORT])

    def is_official(self, host: str, cohort: str) -> bool:
        return any(_host_matches(host.lower(), s) for s in self.official_suffixes(cohort))

    def is_government_host(self, host: str) -> bool:
        """A host of the government at large: under a default official suffix, or a recognised government host
        (``usa.gov``, ``gov.uk``). State-enterprise and university suffixes (.co.th, .ac.th) do not count."""
        host = host.lower()
        suffixes = (*self.official_domains[DEFAULT_COHORT], *self.government_hosts)
        return any(_host_matches(host, s) for s in suffixes)

    def registrable_domain(self, host: str) -> str:
        """The domain an organisation registers: one label under the longest public suffix this profile knows
        (gsa.gov under gov, revenue.go.th under go.th), else the last two labels (a host under a one-label TLD,
        or a name this profile has no rule for)."""
        labels = host.lower().rstrip(".").split(".")
        known = {s.lstrip(".") for s in self.registry_suffixes}
        known |= {s.lstrip(".") for suffixes in self.official_domains.values() for s in suffixes}
        # Public suffixes are facts of the DNS, not of a country's policy: data.gov.uk is registered under gov.uk
        # whichever profile judges it (an agency of a registry without `country` is judged as Thai).
        known |= bundled_public_suffixes()
        for cut in range(1, len(labels)):  # the longest suffix first
            if ".".join(labels[cut:]) in known:
                return ".".join(labels[cut - 1 :])
        return ".".join(labels[-2:])

    def platforms_for(self, indicator: str) -> tuple[Platform, ...]:
        return self.platforms.get(indicator, ())


@cache
def bundled_public_suffixes() -> frozenset[str]:
    """The registry suffixes of every bundled profile (go.th, gov, gov.uk, co.uk …)."""
    return frozenset(
        s.lstrip(".") for path in bundled_profiles().values() for s in load_profile(path.stem).registry_suffixes
    )


def bundled_profiles() -> dict[str, Path]:
    """Profile id → file, for the profiles shipped with the package."""
    return {path.stem: path for path in sorted(PROFILE_DIR.glob("*.yaml"))}


def load_profile_file(file: Path) -> Profile:
    """Read and validate one profile file; a problem is one line naming the file, the line and the field."""
    _, root, data = read_yaml(file)  # size, depth and alias caps, one located line per problem
    if not isinstance(data, dict):
        raise UserError(f"{file}:1: a mapping with id, country, official_domains… is expected")
    try:
        profile = Profile.model_validate({**data, "path": str(file)})
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(part for part in first["loc"] if not str(part).startswith("function-"))
        where = ".".join(str(part) for part in loc) or "(top)"
        message = str(first["msg"]).removeprefix("Value error, ")
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise UserError(f"{file}:{line_of(root, loc) or 1}: {where}: {message}{more}") from None
    if profile.id != file.stem:
        raise UserError(f"{file}:{line_of(root, ('id',)) or 1}: id: '{profile.id}' must match the file name")
    return profile


def load_profile(profile_id: str | None = None) -> Profile:
    """A bundled profile by id (``th``, ``us``, ``gb``; None = the default), read once per process (every
    agency's facts carry it). Unknown ids are a user error."""
    return _bundled((profile_id or DEFAULT_PROFILE).lower())


@cache
def _bundled(profile_id: str) -> Profile:
    files = bundled_profiles()
    if profile_id not in files:
        raise UserError(f"unknown country profile '{profile_id}'; the profiles are: {', '.join(files)}")
    return load_profile_file(files[profile_id])


def profile_for_country(country: str | None) -> str | None:
    """The bundled profile id of an ISO country code (``US`` → ``us``), or None when there is none."""
    if not country:
        return None
    wanted = country.strip().lower()
    return wanted if wanted in bundled_profiles() else None
