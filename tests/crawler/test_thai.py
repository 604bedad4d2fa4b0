"""Thai text helpers: normalisation, Thai-script share, Buddhist-era dates, fiscal year."""

from __future__ import annotations

from datetime import date

import pytest

from egov_crawl import thai


def test_normalize_removes_zero_width_and_converts_thai_digits() -> None:
    assert thai.normalize(" ติดต่อ\u200bเรา  โทร ๐๒-๒๗๒-๘๐๐๐ ") == "ติดต่อเรา โทร 02-272-8000"


def test_normalize_composes_sara_am_typed_as_two_characters() -> None:
    assert thai.normalize("ประจ\u0e4d\u0e32ปี") == "ประจำปี"


def test_keyword_matches_inside_unspaced_thai_text() -> None:
    assert thai.contains_keyword("หน้าแรกนโยบายคุ้มครองข้อมูลส่วนบุคคลติดต่อเรา", "นโยบายคุ้มครอง\u200bข้อมูลส่วนบุคคล")


def test_thai_share_counts_letters_only() -> None:
    assert thai.thai_share("กรม 2567 !!!") == 1.0
    assert thai.thai_share("Revenue") == 0.0
    assert thai.thai_share("123 ---") is None


@pytest.mark.parametrize(
    ("text", "expected", "era"),
    [
        ("ประกาศ ณ วันที่ ๑๕ มกราคม พ.ศ. ๒๕๖๗", date(2024, 1, 15), "BE"),
        ("ปรับปรุงล่าสุด 3 ก.ย. 67", date(2024, 9, 3), "BE"),
        ("แก้ไขเมื่อ 12 มค 2568", date(2025, 1, 12), "BE"),
        ("วันที่ 03/10/2567", date(2024, 10, 3), "BE"),
        ("published 2024-02-29", date(2024, 2, 29), "CE"),
        ("Updated 5 March 2025", date(2025, 3, 5), "CE"),
        ("March 6, 2025", date(2025, 3, 6), "CE"),
        ("1 ต.ค. ค.ศ. 2024", date(2024, 10, 1), "CE"),
    ],
)
def test_find_dates_reads_buddhist_era_thai_months_and_digits(text: str, expected: date, era: str) -> None:
    found = thai.find_dates(text)
    assert [(d.value, d.era) for d in found] == [(expected, era)]


def test_find_dates_ignores_impossible_dates_and_plain_numbers() -> None:
    assert thai.find_dates("31 ก.พ. 2567, โทร 1111, ปี 2567") == []


def test_fiscal_year_starts_on_first_of_october() -> None:
    assert thai.fiscal_year_be(date(2024, 9, 30)) == 2567
    assert thai.fiscal_year_be(date(2024, 10, 1)) == 2568
