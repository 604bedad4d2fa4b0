"""Which browser jobs a browse plans: pages, journeys and one search per agency, interleaved by agency, and only
the kinds asked for (bench/browser.py times the page jobs alone against Lighthouse)."""

from __future__ import annotations

from egov_crawl.browser.runner import plan_jobs
from egov_crawl.registry.models import Agency


def agency(slug: str) -> Agency:
    return Agency.model_validate(
        {
            "id": slug,
            "name": {"th": f"กรม {slug}", "en": f"Department {slug}"},
            "cohort": "department",
            "homepage": f"https://www.{slug}.test/",
            "eservices": [
                {
                    "id": "apply",
                    "name": {"en": "Apply"},
                    "url": f"https://e.{slug}.test/apply",
                    "steps": [{"action": "goto", "target": f"https://e.{slug}.test/apply"}],
                }
            ],
        }
    )


def test_every_kind_is_planned_per_agency_interleaved() -> None:
    jobs = plan_jobs([agency("a"), agency("b")], {})
    assert [(j.agency.id, j.kind) for j in jobs] == [
        ("a", "page"), ("b", "page"),  # home pages first
        ("a", "page"), ("b", "page"),  # the e-service page
        ("a", "journey"), ("b", "journey"),
        ("a", "search"), ("b", "search"),
    ]  # fmt: skip
    assert jobs[-1].term == "กรม b"  # the Thai name is the default search term


def test_only_the_kinds_asked_for_are_planned() -> None:
    jobs = plan_jobs([agency("a"), agency("b")], {}, kinds=("page",))
    assert {j.kind for j in jobs} == {"page"} and len(jobs) == 4
    assert [j.kind for j in plan_jobs([agency("a")], {}, kinds=("search",))] == ["search"]
