"""Checks and methodologies name the same ids; every check is documented; the catalog's coverage target holds."""

from __future__ import annotations

import pytest

from egov_crawl.errors import UserError
from egov_crawl.scoring.methodology import bundled_methodologies, load_methodology
from egov_crawl.scoring.registry import DOC_PARTS, all_checks


def test_every_methodology_id_is_a_check_and_every_check_is_in_default() -> None:
    checks = all_checks()
    for path in bundled_methodologies():
        methodology = load_methodology(path)
        assert set(methodology.rules) <= set(checks), path.name
        gates = {r.gate for r in methodology.rules.values() if r.gate}
        assert gates <= set(checks), path.name
    assert set(load_methodology().rules) == set(checks)


def test_checks_cover_the_catalog_and_flag_human_review() -> None:
    checks = all_checks()
    assert len(checks) >= 60
    for spec in checks.values():
        assert set(DOC_PARTS) <= set(spec.doc_parts()), spec.id
        assert spec.needs_review == spec.mode.endswith("J"), spec.id
    # A→J detections are provisional (NEEDS_REVIEW): e.g. the privacy notice and the structure.
    assert checks["OPN-12"].needs_review and checks["OPN-01"].needs_review and not checks["INF-03"].needs_review


def test_a_methodology_naming_an_unknown_check_is_refused_in_one_line(tmp_path: object) -> None:
    from pathlib import Path

    file = Path(str(tmp_path)) / "bad.yaml"
    file.write_text(
        "id: bad\nversion: '1'\ntitle: Bad\npillars:\n  - id: p\n    title: P\n    subindices:\n"
        "      - id: s\n        title: S\n        indicators: [{id: INF-99, tier: 2}]\n",
        encoding="utf-8",
    )
    with pytest.raises(UserError) as error:
        load_methodology(file)
    [line] = error.value.lines  # located on the indicator's line, with the close matches
    assert line.startswith(f"{file}:10: p.s.INF-99: unknown indicator 'INF-99'; did you mean "), line
    assert "`egov-crawl checks list` lists them" in line
    file.write_text("id: bad\nversion: '1'\ntitle: Bad\npillars:\n  - id: p\n    tier: 9\n", encoding="utf-8")
    with pytest.raises(UserError) as error:
        load_methodology(file)
    [line] = error.value.lines  # one located line: file:line: path: problem (and how many more)
    assert line.startswith(f"{file}:5: pillars.0."), line
