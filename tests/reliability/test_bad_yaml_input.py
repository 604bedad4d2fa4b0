"""Issue 19 (M5, M6): hostile or nonsensical registry and methodology files are refused by the command with
one located line on stderr, exit != 0, no traceback, and the file left as it was."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from egov_crawl.scoring.methodology import DEFAULT_METHODOLOGY

pytestmark = pytest.mark.slow  # each test starts the command line in a child process: seconds of CPU each

_DEFAULT = DEFAULT_METHODOLOGY.read_text(encoding="utf-8")
_PILLAR = "  - id: service\n    title: Service readiness\n"


def _methodology(replace: str, by: str) -> str:
    assert replace in _DEFAULT, replace
    return _DEFAULT.replace(replace, by, 1)


def _all_pillars_weighted(weight: str) -> str:
    return re.sub(r"(?m)^(  - id: \S+\n    title: .*\n)", rf"\1    weight: {weight}\n", _DEFAULT)


_BANDS_REVERSED = "    - {name: Low, above: -1}\n    - {name: Very high, above: 75}\n"
METHODOLOGIES = {
    "pillar weight -1": (_methodology(_PILLAR, _PILLAR + "    weight: -1\n"), "greater than or equal to 0"),
    "pillar weight NaN": (_methodology(_PILLAR, _PILLAR + "    weight: .nan\n"), "finite"),
    "all pillar weights 0": (_all_pillars_weighted("0"), "weight 0"),
    "bands out of order": (
        re.sub(r"(?s)  bands:\n.*?(?=\npillars:)", "  bands:\n" + _BANDS_REVERSED.rstrip("\n"), _DEFAULT),
        "out of order",
    ),
    "bands []": (re.sub(r"(?s)  bands:\n.*?(?=\npillars:)", "  bands: []", _DEFAULT), "no bands"),
    "billion laughs": ("a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n", "aliases"),
    "20,000-deep nesting": ("v: " + "[" * 20_000 + "]" * 20_000 + "\n", "nested"),
    "5,000-digit integer": ("id: x\nversion: " + "9" * 5000 + "\n", "cannot be read"),
}

REGISTRIES = {
    "version 2": (
        "version: 2\nagencies:\n  - id: mof\n    name: {th: กระทรวงการคลัง, en: Ministry of Finance}\n"
        "    cohort: ministry\n    homepage: https://www.mof.go.th/\n",
        "version 1",
    ),
    "empty agencies": ("version: 1\nagencies: []\n", "no agencies"),
    "billion laughs": ("a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n", "aliases"),
    "20,000-deep nesting": ("v: " + "[" * 20_000 + "]" * 20_000 + "\n", "nested"),
    "5,000-digit integer": ("version: " + "9" * 5000 + "\nagencies: []\n", "cannot be read"),
}


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "egov_crawl", *args], capture_output=True, text=True, timeout=120, check=False
    )


def _assert_one_located_line(result: subprocess.CompletedProcess[str], file: Path, expected: str) -> None:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(file) in lines[0] and expected in lines[0], lines[0]


@pytest.mark.parametrize("case", list(METHODOLOGIES))
def test_bad_methodology_is_refused_by_rescore_in_one_line(case: str, tmp_path: Path) -> None:
    text, expected = METHODOLOGIES[case]
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    result = _run("rescore", "--methodology", str(bad), "--db", f"sqlite:///{tmp_path / 'x.db'}")
    _assert_one_located_line(result, bad, expected)
    assert bad.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("case", list(REGISTRIES))
def test_bad_registry_is_refused_by_validate_in_one_line(case: str, tmp_path: Path) -> None:
    text, expected = REGISTRIES[case]
    bad = tmp_path / "agencies.yaml"
    bad.write_text(text, encoding="utf-8")
    result = _run("agencies", "validate", str(bad))
    _assert_one_located_line(result, bad, expected)
    assert bad.read_text(encoding="utf-8") == text


@pytest.mark.parametrize("command", ["registry", "methodology"])
def test_a_folder_given_as_the_file_is_one_line(command: str, tmp_path: Path) -> None:
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    if command == "registry":
        result = _run("agencies", "validate", str(folder))
    else:
        result = _run("rescore", "--methodology", str(folder), "--db", f"sqlite:///{tmp_path / 'x.db'}")
    _assert_one_located_line(result, folder, "folder")
