"""Country profiles as data: the bundled files load, a bad file is one located line, and the registry chooses the
profile (``country``, overridden by an agency's ``profile:``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from egov_crawl.cli import app
from egov_crawl.errors import UserError
from egov_crawl.profiles import bundled_profiles, load_profile, load_profile_file
from egov_crawl.registry.loader import parse_registry

AGENCY = """  - id: {id}
    name: {{en: {id}}}
    cohort: department
    homepage: https://{id}.example.test/
"""


def registry_text(country: str | None, *agencies: str) -> str:
    head = "version: 1\n" + (f"country: {country}\n" if country else "") + "agencies:\n"
    return head + "".join(agencies)


def test_the_bundled_profiles_load() -> None:
    assert set(bundled_profiles()) >= {"th", "us", "gb"}
    th, us, gb = load_profile("th"), load_profile("us"), load_profile("gb")
    assert th.languages == ("th", "en") and us.languages == gb.languages == ("en",)
    assert th.official_suffixes("university") == (".ac.th", ".go.th")
    assert th.official_suffixes("department") == (".go.th", ".mi.th")
    assert us.is_official("www.fs.fed.us", "department") and not us.is_official("usa.gov.example.com", "department")
    assert gb.is_government_host("gov.uk") and gb.is_government_host("www.met.police.uk")
    assert [p.name for p in us.platforms_for("SRV-07")] == ["Login.gov"]
    assert th.consent.cookie_banner_expected and gb.consent.cookie_banner_expected
    assert not us.consent.cookie_banner_expected
    assert load_profile() is th  # the default


def test_a_bad_profile_file_is_one_line_with_its_line_number(tmp_path: Path) -> None:
    bad = tmp_path / "fr.yaml"
    text = load_profile("gb").path and Path(load_profile("gb").path).read_text(encoding="utf-8")
    bad.write_text(text.replace("id: gb", "id: fr").replace("default: [.gov.uk,", "default: [gov.uk,"))
    with pytest.raises(UserError) as caught:
        load_profile_file(bad)
    (line,) = caught.value.lines
    number = next(i for i, row in enumerate(bad.read_text().splitlines(), 1) if "default: [gov.uk" in row)
    assert line.startswith(f"{bad}:{number}: official_domains: ") and "start with a dot" in line, line
    bad.write_text(text)  # id gb in fr.yaml
    with pytest.raises(UserError, match=r"fr\.yaml:\d+: id: 'gb' must match the file name"):
        load_profile_file(bad)


def test_the_registry_country_chooses_the_profile_and_an_agency_may_override_it() -> None:
    embassy = AGENCY.format(id="embassy") + "    profile: th\n"
    registry = parse_registry(registry_text("US", AGENCY.format(id="gsa"), embassy))
    assert [a.profile for a in registry.agencies] == ["us", "th"]
    thai = parse_registry(registry_text(None, AGENCY.format(id="revenue")))
    assert thai.agencies[0].profile is None  # judged under the default profile (th)
    unknown_country = parse_registry(registry_text("FR", AGENCY.format(id="mairie")))
    assert unknown_country.agencies[0].profile is None


def test_an_unknown_profile_in_the_registry_is_a_located_error(tmp_path: Path) -> None:
    file = tmp_path / "agencies.yaml"
    file.write_text(registry_text("US", AGENCY.format(id="gsa") + "    profile: fr\n"), encoding="utf-8")
    result = CliRunner().invoke(app, ["agencies", "validate", str(file)])
    assert result.exit_code != 0
    assert isinstance(result.exception, UserError)
    (line,) = result.exception.lines
    assert line.startswith(f"{file}:8: agency 'gsa' field 'profile': unknown country profile 'fr'"), line
