"""Issue 10, bad input: fuzzed registry and methodology files give clean one-line errors, never a traceback;
an unknown agency id stops every collector command with exit != 0 and close-match suggestions."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from egov_crawl.errors import UserError
from egov_crawl.registry.loader import parse_registry
from egov_crawl.scoring.methodology import DEFAULT_METHODOLOGY, load_methodology
from egov_crawl.store import repository, runs
from egov_crawl.store.db import open_store, session_factory
from egov_crawl.testbed.process import TestbedHandle

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# YAML-ish fragments: structure characters, scalars of the wrong type, Thai text, anchors, tags.
_TOKENS = st.sampled_from(
    [":", "- ", "\n", "  ", "{", "}", "[", "]", "&a", "*a", "!!python/object:os.system", "~", "null", "yes", "0x1F",
     "1e999", "'", '"', "#", "กรมสรรพากร", "https://", "id", "homepage", "agencies", "pillars", "weight", "\t", "%"]
)  # fmt: skip
_TEXT = st.lists(st.one_of(_TOKENS, st.text(max_size=8)), max_size=40).map("".join)


def _mutations(original: str) -> st.SearchStrategy[str]:
    """The original file with a line replaced, deleted or duplicated, or cut short, or random text."""
    lines = original.splitlines()
    index = st.integers(0, max(0, len(lines) - 1))
    replace = st.tuples(index, _TEXT).map(lambda t: "\n".join([*lines[: t[0]], t[1], *lines[t[0] + 1 :]]))
    delete = index.map(lambda i: "\n".join(lines[:i] + lines[i + 1 :]))
    cut = st.integers(0, len(original)).map(lambda n: original[:n])
    return st.one_of(replace, delete, cut, _TEXT)


def _assert_clean(error: UserError) -> None:
    message = str(error)
    assert message.strip(), "an empty error message"
    for line in message.splitlines():
        assert line.strip() and "Traceback" not in line and len(line) < 2000, line


@pytest.fixture(scope="module")
def registry_text(testbed: TestbedHandle) -> str:
    return testbed.registry_path.read_text(encoding="utf-8")[:6000].rsplit("\n  - ", 1)[0] + "\n"


@pytest.mark.slow  # fuzzes 150 inputs: seconds of CPU
@FUZZ
@given(data=st.data())
def test_fuzzed_registry_gives_clean_errors(registry_text: str, data: st.DataObject) -> None:
    text = data.draw(_mutations(registry_text))
    try:
        parse_registry(text, "agencies.yaml")
    except UserError as error:
        _assert_clean(error)


@pytest.mark.slow  # fuzzes 150 inputs: seconds of CPU
@FUZZ
@given(data=st.data())
def test_fuzzed_methodology_gives_clean_errors(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    text = data.draw(_mutations(DEFAULT_METHODOLOGY.read_text(encoding="utf-8")))
    path = tmp_path_factory.mktemp("m") / "methodology.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_methodology(path)
    except UserError as error:
        _assert_clean(error)


@pytest.mark.slow  # the command line in a child process
def test_a_broken_registry_through_the_command_is_one_line_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "agencies.yaml"
    bad.write_text("agencies:\n  - id: rd\n    homepage: [\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "egov_crawl", "agencies", "validate", str(bad)],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert str(bad) in result.stderr + result.stdout


@pytest.mark.slow  # the command line in a child process
@pytest.mark.parametrize("command", ["crawl", "probe", "browse", "score"])
def test_unknown_agency_id_exits_non_zero_with_close_matches(
    command: str, testbed: TestbedHandle, tmp_path: Path
) -> None:
    known = yaml.safe_load(testbed.registry_path.read_text(encoding="utf-8"))["agencies"][0]["id"]
    typo = known[:-1] + ("x" if known[-1] != "x" else "y")
    with session_factory(open_store(f"sqlite:///{tmp_path / 'x.db'}")).begin() as session:
        runs.create_run(session, code_version="test")  # score needs a run before it reads the id
        # score compares with the agencies the store knows (the registry's, synced by every collector)
        repository.sync_agencies(session, parse_registry(testbed.registry_path.read_text(encoding="utf-8")).agencies)
    env = {**os.environ, "EGOV_CRAWL_REGISTRY": str(testbed.registry_path)}
    result = subprocess.run(
        [sys.executable, "-m", "egov_crawl", command, typo, "--db", str(tmp_path / "x.db")],
        capture_output=True, text=True, timeout=120, check=False, env=env,
    )  # fmt: skip
    output = result.stderr + result.stdout
    assert result.returncode != 0, output
    assert "Traceback" not in output
    assert typo in output and known in output, output  # the unknown id, and the suggestion
