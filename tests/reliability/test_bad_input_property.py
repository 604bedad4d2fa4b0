"""Issue 19, acceptance 4: malformed methodology and registry documents thrown at the loaders and, when a loader
accepts one, through the scorer on a small store. Never an exception other than a clean UserError, never a
score outside 0–100.

The documents are well-formed YAML built from the real schema with wrong values in every place a person could
put them: negative, zero, NaN, infinite, huge and non-numeric weights; unknown, repeated and misspelt ids and
cohorts; bands in any order; coverage thresholds outside (0, 1]; missing and empty lists.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from egov_crawl.errors import UserError
from egov_crawl.registry.loader import parse_registry
from egov_crawl.registry.models import Cohort
from egov_crawl.scoring.aggregate import Aggregate, aggregate
from egov_crawl.scoring.engine import score_run
from egov_crawl.scoring.methodology import Methodology, load_methodology
from egov_crawl.scoring.model import Finding, Outcome
from egov_crawl.scoring.registry import all_checks
from tests.fixtures.small_store import AGENCIES, build_store, registry_text

pytestmark = pytest.mark.slow  # each test fuzzes 120 to 2000 inputs through the scorer: seconds of CPU

CHECK_IDS = sorted(all_checks())
COHORTS = [c.value for c in Cohort]
PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))


_BAD = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1e308, 5e-324, 1_000_001, "", "ministy", "SRV-999", "1e999", True, None, [], {}]),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
)


def _valid_methodology(draw: st.DrawFn) -> dict[str, Any]:
    ids = iter(draw(st.lists(st.sampled_from(CHECK_IDS), min_size=1, max_size=12, unique=True)))
    weight = st.sampled_from([1, 2, 0.5, 3])
    cohorts = st.none() | st.lists(st.sampled_from(COHORTS), min_size=1, max_size=3, unique=True)
    pillars = []
    for p in range(draw(st.integers(1, 3))):
        subindices = []
        for s in range(draw(st.integers(1, 2))):
            indicators = [
                {"id": check_id, "tier": draw(st.integers(1, 4)), "applies_to": draw(cohorts)}
                for check_id in [next(ids, None) for _ in range(draw(st.integers(1, 3)))]
                if check_id is not None
            ]
            if indicators:
                subindices.append({"id": f"s{p}{s}", "title": "S", "weight": draw(weight), "indicators": indicators})
        if subindices:
            pillars.append({"id": f"p{p}", "title": "P", "weight": draw(weight), "subindices": subindices})
    bands = [{"name": "High", "above": draw(st.floats(1, 99))}, {"name": "Low", "above": -1}]
    aggregation = {
        "min_coverage": draw(st.floats(0.01, 1)),
        "min_covered_share": draw(st.floats(0.01, 1)),
        "binary": draw(st.booleans()),
        "bands": bands,
    }
    return {"id": "fuzz", "version": "1", "title": "Fuzz", "aggregation": aggregation, "pillars": pillars}


def _valid_registry(draw: st.DrawFn) -> dict[str, Any]:
    agencies = [
        {
            "id": agency_id,
            "name": {"en": "Agency"},
            "cohort": draw(st.sampled_from(COHORTS)),
            "homepage": f"https://www.{agency_id}.go.th/",
        }
        for agency_id in draw(st.lists(st.sampled_from(["mof", "rd", "dbd", "x-1"]), min_size=1, unique=True))
    ]
    return {"version": 1, "country": draw(st.sampled_from(["TH", "US"])), "agencies": agencies}


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path] if path else []
    if isinstance(node, dict):
        return found + [p for key, value in node.items() for p in _paths(value, (*path, key))]
    if isinstance(node, list):
        return found + [p for index, value in enumerate(node) for p in _paths(value, (*path, index))]
    return found


@st.composite
def _malformed(draw: st.DrawFn, valid: Any) -> dict[str, Any]:
    """A valid document with up to three places replaced by a wrong value (none in one draw of four or so)."""
    document = valid(draw)
    for _ in range(draw(st.integers(0, 3))):
        path = draw(st.sampled_from(_paths(document)))
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        parent[path[-1]] = draw(_BAD)
    return document


METHODOLOGIES = _malformed(_valid_methodology)
REGISTRIES = _malformed(_valid_registry)


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # a value drawn twice is written twice, not as an alias the loaders refuse


def _dump(document: dict[str, Any]) -> str:
    return yaml.dump(document, Dumper=_Dumper, allow_unicode=True)


def _clean(error: UserError) -> None:
    assert error.lines, "an empty error"
    for line in error.lines:
        assert line.strip() and "Traceback" not in line and "\n" not in line and len(line) < 2000, line


def _in_scale(value: float | None) -> bool:
    return value is None or (math.isfinite(value) and 0 <= value <= 100)


def _assert_in_scale(result: Aggregate, rules: Methodology) -> None:
    assert _in_scale(result.overall), result.overall
    assert result.band in {b.name for b in rules.aggregation.bands} | {"insufficient evidence"}
    assert 0 <= result.coverage <= 1
    for pillar in result.pillars.values():
        assert _in_scale(pillar.score), pillar
    for sub in result.subindices.values():
        assert _in_scale(sub.score) and _in_scale(sub.low) and _in_scale(sub.high), sub


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Three agencies of two cohorts, one run, scored under the default methodology."""
    url = f"sqlite:///{tmp_path_factory.mktemp('property') / 'store.db'}"
    build_store(url, registry_text("TH", AGENCIES))
    return url


_FINDINGS = st.dictionaries(
    st.sampled_from(CHECK_IDS),
    st.one_of(
        st.sampled_from([Finding.passed(), Finding.failed(), Finding.not_observed("x"), Finding.error("x")]),
        st.floats(0, 1).map(Finding.graded),
        st.floats(allow_nan=True, allow_infinity=True).map(lambda s: Finding(Outcome.PARTIAL, s)),  # a buggy check
    ),
)


def _two_pillars(weight: float) -> dict[str, Any]:
    def pillar(n: int, check_id: str, weight: float) -> dict[str, Any]:
        sub = {"id": f"s{n}", "title": "S", "indicators": [{"id": check_id}]}
        return {"id": f"p{n}", "title": "P", "weight": weight, "subindices": [sub]}

    return {
        "id": "fuzz",
        "version": "1",
        "title": "F",
        "pillars": [pillar(0, "SRV-01", weight), pillar(1, "INF-01", 1)],
    }


@PROPERTY
@given(document=METHODOLOGIES, findings=_FINDINGS, cohort=st.sampled_from(COHORTS))
# A weight of 1e308 is finite, but 100 times it is not: the overall score came out infinite.
@example(
    document=_two_pillars(1e308), findings={"SRV-01": Finding.passed(), "INF-01": Finding.passed()}, cohort="local"
)
def test_a_malformed_methodology_is_refused_cleanly_or_scores_within_0_to_100(
    document: dict[str, Any], findings: dict[str, Finding], cohort: str, store: str, tmp_path_factory: Any
) -> None:
    path = tmp_path_factory.mktemp("m") / "methodology.yaml"
    path.write_text(_dump(document), encoding="utf-8")
    try:
        rules = load_methodology(path)
    except UserError as error:
        _clean(error)
        event("refused")
        return
    event("scored")
    _assert_in_scale(aggregate(rules, cohort, findings), rules)
    for score in score_run(store, 1, methodology=rules, workers=1):  # the facts of a real store, stored again
        _assert_in_scale(score.result, rules)


@PROPERTY
@given(document=REGISTRIES, findings=_FINDINGS)
def test_a_malformed_registry_is_refused_cleanly_or_scores_within_0_to_100(
    document: dict[str, Any], findings: dict[str, Finding]
) -> None:
    text = _dump(document)
    try:
        registry = parse_registry(text, "agencies.yaml")
    except UserError as error:
        _clean(error)
        event("refused")
        return
    event("scored")
    assert registry.agencies and all(len(a.homepage) <= 2048 for a in registry.agencies)
    rules = load_methodology()
    for agency in registry.agencies:
        _assert_in_scale(aggregate(rules, agency.cohort.value, findings), rules)


def test_the_strategies_reach_the_scorer(tmp_path: Path) -> None:
    """Some generated documents must load, or the scoring half of the properties would never run."""
    from hypothesis import find

    rules = find(METHODOLOGIES, lambda d: _loads(d, tmp_path), settings=settings(max_examples=2000, deadline=None))
    assert rules["pillars"]
    registry = find(REGISTRIES, _parses, settings=settings(max_examples=2000, deadline=None))
    assert registry["agencies"]


def _loads(document: dict[str, Any], folder: Path) -> bool:
    path = folder / "m.yaml"
    path.write_text(_dump(document), encoding="utf-8")
    try:
        load_methodology(path)
    except UserError:
        return False
    return True


def _parses(document: dict[str, Any]) -> bool:
    try:
        parse_registry(_dump(document))
    except UserError:
        return False
    return True
