"""``SiteFacts`` is a plain value: a copy made with other facts is judged on those facts, never on what was derived
from the original (how the tests, the country-profile comparisons and any tool vary one agency)."""

from __future__ import annotations

from dataclasses import replace

from egov_crawl.scoring.checks.common import content_unobserved
from egov_crawl.scoring.lexicon import find
from tests.fixtures.sitefacts import HOME, page, site


def test_a_copy_with_other_pages_sees_its_own_pages() -> None:
    answered = site(page(HOME, "Home"), page(HOME + "contact", "Contact us"))
    assert [p.url for p in answered.ok_pages] == [HOME, HOME + "contact"]
    assert content_unobserved(answered) is None
    assert find(answered, "SRV-01") is not None

    down = replace(answered, pages=(page(HOME, "Home", status=503),))
    assert list(down.ok_pages) == []
    assert down.home is not None and down.home.status == 503
    assert content_unobserved(down) is not None
    assert find(down, "SRV-01") is None


def test_site_facts_hold_no_mutable_state() -> None:
    facts = site(page(HOME, "Home"))
    assert not hasattr(facts, "cache")
    assert isinstance(facts.ok_pages, tuple)
