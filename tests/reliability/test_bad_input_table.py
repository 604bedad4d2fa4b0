"""Issue 19, the bad-input table: each input a new user tried, through the real command in a subprocess.

Every refusal is exit != 0 (2 for an unknown value), exactly one line on stderr naming what is wrong and how to
fix it, no "Traceback", and every input file byte-for-byte as it was. ``rank --excel -o rankings.csv`` is the
row where success is right: it writes CSV for Excel.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from egov_crawl.scoring.methodology import DEFAULT_METHODOLOGY
from tests.fixtures.small_store import AGENCIES, build_store, registry_text

pytestmark = pytest.mark.slow  # each test starts the command line in a child process: seconds of CPU each

_DEFAULT = DEFAULT_METHODOLOGY.read_text(encoding="utf-8")
GARBAGE = random.Random(19).randbytes(8192)  # not a SQLite header


def _cli(*args: str, cwd: Path | None = None, prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGOV_CRAWL_")}
    return subprocess.run(
        [*prefix, sys.executable, "-m", "egov_crawl", *args],
        capture_output=True, text=True, timeout=180, check=False, cwd=cwd, env=env,
    )  # fmt: skip


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


Watch = Callable[[Path], Path]


@pytest.fixture
def unchanged() -> Iterator[Watch]:
    """``unchanged(path)`` records the file's hash; after the test it must hash the same."""
    before: dict[Path, str] = {}

    def watch(path: Path) -> Path:
        before[path] = _digest(path)
        return path

    yield watch
    for path, digest in before.items():
        assert _digest(path) == digest, f"{path} was changed"


def _refused(result: subprocess.CompletedProcess[str], *expected: str, code: int | None = None) -> str:
    """The one error line, after checking exit status, line count and the absence of a traceback."""
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert result.returncode != 0 if code is None else result.returncode == code, (result.returncode, lines)
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def store_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small scored store: three agencies (two departments, a municipality), one run."""
    path = tmp_path_factory.mktemp("store") / "store.db"
    build_store(f"sqlite:///{path}", registry_text("TH", AGENCIES))
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file, to hash and copy
    return path


@pytest.fixture
def store(store_file: Path, tmp_path: Path, unchanged: Watch) -> Path:
    copy = tmp_path / "store.db"
    shutil.copyfile(store_file, copy)
    return unchanged(copy)


# --- the database -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [GARBAGE, b"not a database, just text\n"], ids=["bytes", "text"])
def test_rank_on_a_file_that_is_not_a_store(content: bytes, tmp_path: Path, unchanged: Watch) -> None:
    bad = tmp_path / "garbage.db"
    bad.write_bytes(content)
    unchanged(bad)
    _refused(_cli("rank", "--db", str(bad)), str(bad), "is not an egov-crawl database")


def test_db_check_on_a_file_that_is_not_a_store(tmp_path: Path, unchanged: Watch) -> None:
    bad = tmp_path / "garbage.db"
    bad.write_bytes(GARBAGE)
    unchanged(bad)
    _refused(_cli("db", "check", "--db", str(bad)), str(bad), "is not an egov-crawl database")


def test_an_unsupported_database_url_lists_the_supported_ones() -> None:
    line = _refused(_cli("rank", "--db", "mysql://u:secret@127.0.0.1:3306/x"), "'mysql' is not a supported database")
    assert "sqlite:///FILE" in line and "postgresql://" in line
    assert "secret" not in line  # the password is not echoed


def _read_only_prefix() -> tuple[str, ...]:
    """Root writes to a 0444 file anyway; in a user namespace of its own it is an ordinary owner."""
    if os.geteuid() != 0:
        return ()
    unshare = shutil.which("unshare")
    probe = subprocess.run([unshare or "unshare", "--user", "--", "true"], capture_output=True, check=False)
    if unshare is None or probe.returncode != 0:
        pytest.skip("running as root without user namespaces: a read-only file cannot be made")
    return (unshare, "--user", "--")


@pytest.mark.parametrize("command", [("score", "revenue"), ("rescore",)], ids=["score", "rescore"])
def test_scoring_into_a_read_only_store(command: tuple[str, ...], store: Path) -> None:
    prefix = _read_only_prefix()
    store.chmod(0o444)
    result = _cli(*command, "--db", str(store), prefix=prefix)
    _refused(result, str(store), "is read-only", "writable")


# --- output and input paths ---------------------------------------------------------------------------------


def test_rank_to_a_missing_folder(store: Path, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "dir" / "r.csv"
    _refused(
        _cli("rank", "--db", str(store), "--format", "csv", "-o", str(target)),
        str(target), "does not exist", "create it",
    )  # fmt: skip
    assert not target.parent.exists()


def test_a_crawl_to_a_missing_folder_is_refused_before_it_starts(tmp_path: Path) -> None:
    target, store, registry = tmp_path / "missing" / "crawl.txt", tmp_path / "never.db", tmp_path / "a.yaml"
    # One agency on a reserved name (.test): had the check come after the crawl, it would not leave the machine.
    registry.write_text(_AGENCY.join(["version: 1\nagencies:\n", "\n"]).replace("www.mof.go.th", "mof.test"))
    args = ("crawl", "--all", "--registry", str(registry), "--db", str(store), "-o", str(target))
    _refused(_cli(*args), str(target), "does not exist")
    assert not store.exists()  # refused while the options were read: no store opened, nothing crawled


def test_agencies_validate_of_a_folder(tmp_path: Path) -> None:
    _refused(_cli("agencies", "validate", str(tmp_path)), str(tmp_path), "is a folder")


def test_a_folder_as_the_methodology(store: Path, tmp_path: Path) -> None:
    folder = tmp_path / "policy.yaml"
    folder.mkdir()
    _refused(_cli("rescore", "--methodology", str(folder), "--db", str(store)), str(folder), "is a folder")


# --- methodology --------------------------------------------------------------------------------------------


def _methodology_case(tmp_path: Path, unchanged: Watch, text: str) -> Path:
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    unchanged(path)
    return path


def test_all_pillar_weights_zero(store: Path, tmp_path: Path, unchanged: Watch) -> None:
    text = re.sub(r"(?m)^(  - id: \S+\n    title: .*\n)", r"\1    weight: 0\n", _DEFAULT)
    path = _methodology_case(tmp_path, unchanged, text)
    _refused(_cli("rescore", "--methodology", str(path), "--db", str(store)), f"{path}:", "weight 0")


def test_a_negative_pillar_weight(store: Path, tmp_path: Path, unchanged: Watch) -> None:
    text = re.sub(r"(?m)^(  - id: service\n    title: .*\n)", r"\1    weight: -1\n", _DEFAULT, count=1)
    path = _methodology_case(tmp_path, unchanged, text)
    _refused(_cli("rescore", "--methodology", str(path), "--db", str(store)), f"{path}:", "greater than or equal to 0")


def test_bands_out_of_order(store: Path, tmp_path: Path, unchanged: Watch) -> None:
    bands = "  bands:\n    - {name: Low, above: -1}\n    - {name: Very high, above: 20}"
    path = _methodology_case(tmp_path, unchanged, re.sub(r"(?s)  bands:\n.*?(?=\npillars:)", bands, _DEFAULT))
    _refused(_cli("rescore", "--methodology", str(path), "--db", str(store)), f"{path}:", "out of order")


def test_an_unknown_cohort_in_applies_to_is_located(store: Path, tmp_path: Path, unchanged: Watch) -> None:
    lines = _DEFAULT.splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, 1) if "applies_to: [province, local]" in line)
    lines[number - 1] = lines[number - 1].replace("[province, local]", "[province, lokal]")
    path = _methodology_case(tmp_path, unchanged, "".join(lines))
    _refused(
        _cli("rescore", "--methodology", str(path), "--db", str(store)),
        f"{path}:{number}:", "unknown cohort 'lokal'", "did you mean 'local'?",
    )  # fmt: skip


def test_an_unknown_indicator_id_is_located(store: Path, tmp_path: Path, unchanged: Watch) -> None:
    lines = _DEFAULT.splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, 1) if "{id: SRV-25," in line)
    lines[number - 1] = lines[number - 1].replace("{id: SRV-25,", "{id: SRV-250,")
    path = _methodology_case(tmp_path, unchanged, "".join(lines))
    _refused(
        _cli("rescore", "--methodology", str(path), "--db", str(store)),
        f"{path}:{number}:", "unknown indicator 'SRV-250'", "'SRV-25'",
    )  # fmt: skip


# --- registry -----------------------------------------------------------------------------------------------

_AGENCY = "  - id: mof\n    name: {en: Ministry of Finance}\n    cohort: ministry\n    homepage: https://www.mof.go.th/"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"version: 2\nagencies:\n{_AGENCY}\n", "version 2 is not supported"),
        ("version: 1\nagencies: []\n", "no agencies"),
        (f"version: 1\nagencies:\n{_AGENCY}{'a' * 200_000}\n", "a URL longer than 2,048 characters is refused"),
    ],
    ids=["version 2", "no agencies", "200,000-character homepage"],
)
def test_agencies_validate_refuses(text: str, expected: str, tmp_path: Path, unchanged: Watch) -> None:
    path = tmp_path / "agencies.yaml"
    path.write_text(text, encoding="utf-8")
    unchanged(path)
    line = _refused(_cli("agencies", "validate", str(path)), f"{path}:", expected)
    assert len(line) < 400  # the long URL itself is not echoed


# --- values named on the command line -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("rank", "--cohort", "ministy"), "unknown cohort 'ministy'; did you mean 'ministry'? Known: ministry,"),
        (("rank", "--pillar", "servce"), "unknown pillar 'servce'; did you mean 'service'? Known:"),
        (("rank", "--methodology", "defualt"), "unknown methodology 'defualt'; did you mean 'default'?"),
        (("history", "revenu"), "unknown agency 'revenu'; did you mean 'revenue'?"),
        (("score", "revenu"), "unknown agency 'revenu'; did you mean 'revenue'?"),
        (("explain", "revenu", "OPN-32"), "unknown agency 'revenu'; did you mean 'revenue'?"),
        (("explain", "revenue", "OPN-320"), "unknown check 'OPN-320'; did you mean 'OPN-32'"),
        (("explain", "revenue", "OPN-32", "-m", "ita-oitt"), "unknown methodology 'ita-oitt'; did you mean 'ita-oit'?"),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else None,
)
def test_an_unknown_value_names_the_close_matches(args: tuple[str, ...], expected: str, store: Path) -> None:
    _refused(_cli(*args, "--db", str(store)), expected, code=2)


# --- --excel and the output's extension ---------------------------------------------------------------------


def test_rank_excel_to_a_csv_file_writes_csv_for_excel(store: Path, tmp_path: Path) -> None:
    target = tmp_path / "rankings.csv"
    result = _cli("rank", "--db", str(store), "--excel", "-o", str(target))
    assert result.returncode == 0, result.stderr
    raw = target.read_text(encoding="utf-8")
    assert raw.startswith("\ufeffrank,id,name_th,") and "━" not in raw and "│" not in raw


def test_rank_excel_with_format_table_is_refused(store: Path) -> None:
    _refused(_cli("rank", "--db", str(store), "--excel", "--format", "table"), "--excel writes CSV", code=2)


@pytest.mark.parametrize(
    ("args", "name", "expected"),
    [
        ((), "rankings.csv", "a .csv file, but the format is table; add --format csv"),
        (("--format", "csv"), "rankings.json", "a .json file, but the format is csv; add --format json"),
        (("--excel",), "rankings.xlsx", "not an Excel workbook"),
    ],
    ids=["table into .csv", "csv into .json", "excel into .xlsx"],
)
def test_an_extension_contradicting_the_format(
    args: tuple[str, ...], name: str, expected: str, store: Path, tmp_path: Path
) -> None:
    target = tmp_path / name
    _refused(_cli("rank", "--db", str(store), *args, "-o", str(target)), str(target), expected)
    assert not target.exists()


# --- an internal error --------------------------------------------------------------------------------------

_BUG = """
import sys
import egov_crawl.cli as cli

@cli.app.command("bug")
def bug() -> None:
    {}["missing"]  # a bug, not an input

sys.argv = ["egov-crawl", *sys.argv[1:]]
cli.main()
"""


def _bug(tmp_path: Path, *args: str, debug_env: bool = False) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "bug.py"
    script.write_text(_BUG, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EGOV_CRAWL_")}
    env["TMPDIR"] = str(tmp_path)
    if debug_env:
        env["EGOV_CRAWL_DEBUG"] = "1"
    return subprocess.run(
        [sys.executable, str(script), *args], capture_output=True, text=True, timeout=120, check=False, env=env
    )


def test_an_internal_error_is_one_line_naming_the_saved_traceback(tmp_path: Path) -> None:
    line = _refused(_bug(tmp_path, "bug"), "internal error", "KeyError: 'missing'", "--debug", code=70)
    saved = Path(re.search(r"the traceback is in (\S+);", line).group(1))  # type: ignore[union-attr]
    assert saved.parent == tmp_path and "Traceback (most recent call last)" in saved.read_text(encoding="utf-8")
    assert saved.stat().st_mode & 0o077 == 0  # private: it may quote a database URL


@pytest.mark.parametrize("how", ["--debug", "EGOV_CRAWL_DEBUG=1"])
def test_debug_prints_the_full_traceback(how: str, tmp_path: Path) -> None:
    result = _bug(tmp_path, *(["--debug"] if how == "--debug" else []), "bug", debug_env=how != "--debug")
    assert result.returncode == 70
    assert "Traceback (most recent call last)" in result.stderr and "KeyError: 'missing'" in result.stderr
