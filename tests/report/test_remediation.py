"""Every check says how to fix it, in English and Thai, with the standard it comes from (issue 18, item 5)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from egov_crawl.errors import UserError
from egov_crawl.scoring.registry import all_checks
from egov_crawl.scoring.remediation import REMEDIATION_FILE, parse_remediation

THAI = re.compile(r"[\u0e00-\u0e7f]")


def test_every_registered_check_has_english_and_thai_remediation_with_a_standard() -> None:
    checks = all_checks()
    assert len(checks) > 50
    for check_id, spec in checks.items():
        fix = spec.remediation
        assert len(fix.en.split()) >= 8, f"{check_id}: the English text says too little: {fix.en!r}"
        # Thai sentences, not English with a Thai word (header and protocol names stay in English).
        thai = len(THAI.findall(fix.th))
        thai_share = thai / (thai + len(re.findall(r"[A-Za-z]", fix.th)))
        assert thai >= 40 and thai_share > 0.3, f"{check_id}: the Thai text is mostly not Thai ({thai_share:.0%})"
        assert fix.standard.strip(), check_id


def test_the_texts_differ_from_check_to_check() -> None:
    texts = [spec.remediation.en for spec in all_checks().values()]
    assert len(set(texts)) == len(texts)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "remediation.yaml"
    path.write_text(text, encoding="utf-8")
    return path


ENTRY = "  standard: RFC 9116\n  en: Publish a security.txt file.\n  th: เผยแพร่ไฟล์ security.txt\n"


def test_an_unknown_check_id_is_an_error_naming_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, f"INF-08:\n{ENTRY}INF-99:\n{ENTRY}")
    with pytest.raises(UserError) as raised:
        parse_remediation(path, ["INF-08"])
    assert raised.value.lines == (f"{path}:5: INF-99 is not a check id; `egov-crawl checks list` lists them",)


def test_a_check_without_remediation_is_an_error(tmp_path: Path) -> None:
    path = _write(tmp_path, f"INF-08:\n{ENTRY}")
    with pytest.raises(UserError) as raised:
        parse_remediation(path, ["INF-08", "INF-09"])
    assert raised.value.lines == (f"{path}: no remediation for INF-09; add an entry for each check",)


def test_an_empty_text_or_an_unknown_field_is_an_error(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "INF-08:\n  standard: RFC 9116\n  en: ' '\n  th: x\nINF-09:\n  standard: s\n  en: e\n  th: t\n  url: u\n",
    )
    with pytest.raises(UserError) as raised:
        parse_remediation(path, ["INF-08", "INF-09"])
    assert raised.value.lines[0] == f"{path}:3: INF-08.en: is empty; write the text out"
    assert raised.value.lines[1].startswith(f"{path}:9: INF-09.url: ")


def test_the_bundled_file_is_the_one_checked() -> None:
    assert set(parse_remediation(REMEDIATION_FILE, all_checks())) == set(all_checks())


def test_no_standard_is_cut_short_by_a_yaml_comment() -> None:
    """``LOSI #293`` unquoted would load as ``LOSI``: every standard is read in full."""
    text = REMEDIATION_FILE.read_text(encoding="utf-8")
    for check_id, spec in all_checks().items():
        assert f'standard: "{spec.remediation.standard}"' in text, check_id
