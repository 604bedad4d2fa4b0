"""The keyword (presence) checks on hand-built SiteFacts: a page named like the item passes, a complete crawl
without it fails with the home page as evidence, and a crawl that did not happen or did not complete observes
nothing. Checks made of parts (OPN-05: plan, six-month and annual reports) are graded by the parts found.

Each case names pages as an agency would title them (English terms of the lexicon), one page per part.
"""

from __future__ import annotations

import pytest

from egov_crawl.scoring.model import Finding, Outcome
from egov_crawl.scoring.registry import all_checks, run_check
from tests.fixtures.sitefacts import HOME, page, site

# check id -> one page title per part, in the check's part order (a single title for a check without parts)
TITLES: dict[str, tuple[str, ...]] = {
    "SRV-05": ("Citizen manual",),
    "SRV-08": ("Pay online",),
    "SRV-09": ("Track your application",),
    "SRV-12": ("Service statistics",),
    "SRV-18": ("Public consultation",),
    "SRV-22": ("Careers",),
    "SRV-23": ("e-Bidding",),
    "SRV-24": ("User guide", "Call center"),
    "SRV-25": ("Free Wi-Fi service point",),
    "SRV-27": ("Services for the elderly",),
    "INF-18": ("Text size and high contrast",),
    "OPN-04": ("Strategic plan",),
    "OPN-05": ("Annual action plan", "Six-month report", "Annual report"),
    "OPN-06": ("Budget plan", "Budget execution", "Financial statements"),
    "OPN-08": ("Laws and regulations",),
    "OPN-10": ("Events calendar",),
    "OPN-11": ("Minutes of the meeting",),
    "OPN-13": ("Website policy", "Website security policy"),
    "OPN-23": ("Request a dataset",),
    "OPN-25": ("Anti-corruption complaint guideline", "Report corruption", "Corruption complaint statistics"),
    "OPN-26": (
        "Integrity statement",
        "No gift policy",
        "Corruption risk assessment",
        "Corruption prevention plan",
        "Code of ethics",
        "Integrity and transparency measures",
    ),
    "OPN-27": ("HR policy", "Human resource management criteria", "Human resource management report"),
    "OPN-28": ("Operating manual",),
    "OPN-29": ("Visitor statistics",),
}
HOME_TITLE = "Department of X"
UNRELATED = page(f"{HOME}about/", "About the department", lang="en")


def run(check_id: str, *titles: str, **options: object) -> Finding:
    """``check_id`` on a site of a home page and one page per title (``options``: of the site builder)."""
    pages = [page(f"{HOME}p{i}/", title, lang="en") for i, title in enumerate(titles)]
    facts = site(page(HOME, HOME_TITLE, lang="en"), UNRELATED, *pages, **options)  # type: ignore[arg-type]
    return run_check(all_checks()[check_id], facts)


@pytest.mark.parametrize("check_id", sorted(TITLES))
def test_pages_named_like_every_part_pass(check_id: str) -> None:
    finding = run(check_id, *TITLES[check_id])
    assert (finding.outcome, finding.score) == (Outcome.PASS, 1.0)
    assert finding.first_url and finding.first_url.startswith(f"{HOME}p")  # the page found, not the home page


@pytest.mark.parametrize("check_id", sorted(c for c, titles in TITLES.items() if len(titles) > 1))
def test_one_part_of_several_is_partial(check_id: str) -> None:
    # the second part: the first may contain another part's term (an anti-corruption complaint *guideline*)
    finding = run(check_id, TITLES[check_id][1])
    assert finding.outcome is Outcome.PARTIAL
    assert finding.score == round(1 / len(TITLES[check_id]), 3)  # scores are stored to three decimals


@pytest.mark.parametrize("check_id", sorted(TITLES))
def test_a_complete_crawl_without_the_item_fails_on_the_home_page(check_id: str) -> None:
    finding = run(check_id)
    assert (finding.outcome, finding.score, finding.first_url) == (Outcome.FAIL, 0.0, HOME)


@pytest.mark.parametrize("check_id", sorted(TITLES))
def test_no_crawl_or_a_failed_crawl_observes_nothing(check_id: str) -> None:
    assert run(check_id, *TITLES[check_id], crawled=False).outcome is Outcome.NOT_OBSERVED
    failed = run(check_id, status="failed", error_class="connection_refused")
    assert failed.outcome is Outcome.NOT_OBSERVED
