"""Thai text helpers shared by the crawler (facts) and scoring (keyword matching).

Thai is written without spaces between words, mixes Thai and Arabic digits, and dates government documents in
the Buddhist era (พ.ศ., CE = BE − 543). Keyword matching on Thai must therefore work on *normalised* text and
match substrings.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

# Thai digits ๐–๙ (U+0E50–U+0E59) are still common in official documents and page footers.
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# Zero-width characters that CMSs and word processors insert as invisible word breaks in Thai text;
# they break substring matching (ZWSP U+200B, ZWNJ U+200C, ZWJ U+200D, WORD JOINER U+2060, BOM U+FEFF).
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
# One table for both, so normalising is a single pass in C.
_CLEANUP = {**_ZERO_WIDTH, **{ord(d): ord(a) for d, a in zip("๐๑๒๓๔๕๖๗๘๙", "0123456789", strict=True)}}
_NEEDS_CLEANUP = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u0e50-\u0e59]")
_THAI_CHARS = re.compile("[\u0e00-\u0e7f]+")
_NOT_OTHER_LETTERS = re.compile("[\\W\\d_\u0e00-\u0e7f]+")

THAI_BLOCK = (0x0E00, 0x0E7F)  # Unicode "Thai" block


def normalize(text: str, *, collapse_spaces: bool = True) -> str:
    """NFC, zero-width characters removed, Thai digits as ASCII digits, runs of white space as one space.

    NFC matters for Thai: a sara am (ำ) typed as nikhahit + sara aa (ํา) is the same word to a reader.
    """
    if not text.isascii():
        if not unicodedata.is_normalized("NFC", text):
            text = unicodedata.normalize("NFC", text)
        if _NEEDS_CLEANUP.search(text):
            text = text.translate(_CLEANUP)
        if "\u0e4d\u0e32" in text:
            text = text.replace("\u0e4d\u0e32", "\u0e33")  # ํ + า → ำ (NFC does not compose it; typed often)
    if collapse_spaces:
        # str.split() splits on exactly the characters re's \s matches (str.isspace, checked over all of
        # Unicode) and drops them at both ends: the same as re.sub(r"\s+", " ", text).strip(), three times faster.
        text = " ".join(text.split())
    return text


def thai_digits_to_ascii(text: str) -> str:
    return text.translate(_THAI_DIGITS)


def thai_share(text: str) -> float | None:
    """Share of letters that are Thai script (0..1), None when the text has no letters at all.

    Only letters count (digits, punctuation and spaces are script-neutral), so a Thai page full of numbers
    is still a Thai page.
    """
    # Thai vowels and tone marks are combining marks (category Mn), not letters: every Thai-block character
    # counts as Thai. Counted with regular expressions (C), not character by character.
    thai = len(text) - len(_THAI_CHARS.sub("", text))
    other = len(_NOT_OTHER_LETTERS.sub("", text))
    total = thai + other
    return None if total == 0 else thai / total


def contains_keyword(text: str, keyword: str) -> bool:
    """Substring match on normalised, case-folded text (Thai has no spaces between words)."""
    return normalize(keyword).casefold() in normalize(text).casefold()


# --- Dates -------------------------------------------------------------------------------------------------

BE_OFFSET = 543  # Buddhist era year = Common era year + 543

# Full names and the standard abbreviations (with and without the dots people forget to type).
THAI_MONTHS: dict[str, int] = {}
for _number, (_full, _abbr) in enumerate(
    [
        ("มกราคม", "ม.ค."),
        ("กุมภาพันธ์", "ก.พ."),
        ("มีนาคม", "มี.ค."),
        ("เมษายน", "เม.ย."),
        ("พฤษภาคม", "พ.ค."),
        ("มิถุนายน", "มิ.ย."),
        ("กรกฎาคม", "ก.ค."),
        ("สิงหาคม", "ส.ค."),
        ("กันยายน", "ก.ย."),
        ("ตุลาคม", "ต.ค."),
        ("พฤศจิกายน", "พ.ย."),
        ("ธันวาคม", "ธ.ค."),
    ],
    start=1,
):
    THAI_MONTHS[_full] = _number
    THAI_MONTHS[_abbr.replace(".", "")] = _number

ENGLISH_MONTHS: dict[str, int] = {}
for _number, _name in enumerate(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ],
    start=1,
):
    ENGLISH_MONTHS[_name] = _number
    ENGLISH_MONTHS[_name[:3]] = _number
ENGLISH_MONTHS["sept"] = 9


def _alternation(names: dict[str, int]) -> str:
    # Longest first, so "september" wins over "sep".
    return "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))


# Abbreviations are matched with each dot optional ("ม.ค.", "ม.ค", "มค"), and looked up without dots.
_TH_MONTH = "|".join(
    r"\.?".join(re.escape(char) for char in name) + r"\.?" if len(name) <= 3 else re.escape(name)
    for name in sorted(THAI_MONTHS, key=len, reverse=True)
)
_EN_MONTH = _alternation(ENGLISH_MONTHS)
# Date shapes that start with a digit, in one pattern so the text is scanned once (alternatives are tried in
# this order); English month-first dates in a second pattern, only tried when an English month name occurs.
_DIGIT_DATES = re.compile(
    # "15 มกราคม 2567", "15 ม.ค. 67", "วันที่ 5 มีนาคม พ.ศ. 2568", "1 ต.ค. ค.ศ. 2024"
    rf"(?<!\d)(?P<th_day>\d{{1,2}})\s*(?P<th_month>{_TH_MONTH})\s*(?P<th_era>พ\.?\s?ศ\.?|ค\.?\s?ศ\.?)?\s*"
    rf"(?P<th_year>\d{{4}}|\d{{2}})(?!\d)"
    # "15 January 2024", "15 Jan. 2024"
    rf"|(?<!\d)(?P<en_day>\d{{1,2}})\s+(?P<en_month>(?i:{_EN_MONTH}))\.?,?\s+(?P<en_year>\d{{4}})(?!\d)"
    # ISO 8601 "2024-01-15" (and BE years written the ISO way, "2567-01-15")
    r"|(?<![\d-])(?P<iso_year>\d{4})-(?P<iso_month>\d{2})-(?P<iso_day>\d{2})(?![\d-])"
    # "15/01/2567", "15-01-2024", "15.01.2567": day first, as written in Thailand
    r"|(?<![\d/.-])(?P<num_day>\d{1,2})(?P<sep>[/.-])(?P<num_month>\d{1,2})(?P=sep)(?P<num_year>\d{4})(?![\d/.-])"
)
# "January 15, 2024"
_MONTH_FIRST = re.compile(
    rf"(?<![a-z])(?P<us_month>{_EN_MONTH})\.?\s+(?P<us_day>\d{{1,2}}),?\s+(?P<us_year>\d{{4}})(?!\d)", re.IGNORECASE
)
_DIGIT_RUN = re.compile(r"\d+")
_EN_MONTH_STEMS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass(frozen=True)
class FoundDate:
    """A calendar date found in text: ``value`` is always in the Common era; ``era`` says how it was written."""

    value: date
    era: str  # "BE" | "CE"
    text: str

    def to_json(self) -> dict[str, str]:
        return {"date": self.value.isoformat(), "era": self.era, "text": self.text}


def to_common_era(year: int, *, era: str | None = None) -> tuple[int, str] | None:
    """(CE year, era as written) for a year as found in Thai text; None when it cannot be a plausible date.

    A four-digit year from 2400 is Buddhist era (2400 BE = 1857 CE; no web page is dated 2400 CE). A two-digit
    year is Buddhist era in Thai-month dates ("ก.ย. 67" = 2567 BE = 2024 CE), the usual Thai shorthand.
    """
    if era == "CE":
        return (year, "CE") if 1900 <= year <= 2200 else None
    if year < 100:
        year += 2500
        era = "BE"
    if era == "BE" or year >= 2400:
        ce = year - BE_OFFSET
        return (ce, "BE") if 1900 <= ce <= 2200 else None
    return (year, "CE") if 1900 <= year <= 2200 else None


def _make(day: int, month: int, year: int, era: str | None, text: str) -> FoundDate | None:
    converted = to_common_era(year, era=era)
    if converted is None:
        return None
    try:
        return FoundDate(date(converted[0], month, day), converted[1], text)
    except ValueError:  # 31 February and the like
        return None


def find_dates(text: str, *, limit: int = 200) -> list[FoundDate]:
    """Dates written in ``text`` (Thai or English month names, numeric day-first, ISO), in order of appearance.

    Thai digits are accepted (the text is normalised first). Two-digit years are only read in Thai-month dates.
    """
    text = normalize(text)
    found: list[tuple[int, FoundDate]] = []
    taken: list[tuple[int, int]] = []
    consumed = 0
    # Try the date patterns only where a run of digits starts (found by a fast scan), not at every character.
    for run in _DIGIT_RUN.finditer(text):
        if run.start() < consumed:
            continue
        match = _DIGIT_DATES.match(text, run.start())
        if match is None:
            continue
        consumed = match.end()
        group = match.groupdict()
        era: str | None = None
        if group["th_day"]:
            era_text = (group["th_era"] or "").replace(".", "").replace(" ", "")
            era = "BE" if era_text == "พศ" else "CE" if era_text == "คศ" else None
            day, month, year = group["th_day"], THAI_MONTHS[group["th_month"].replace(".", "")], group["th_year"]
        elif group["en_day"]:
            day, month, year = group["en_day"], ENGLISH_MONTHS[group["en_month"].lower()], group["en_year"]
        elif group["iso_day"]:
            day, month, year = group["iso_day"], int(group["iso_month"]), group["iso_year"]
        else:
            day, month, year = group["num_day"], int(group["num_month"]), group["num_year"]
        result = _make(int(day), month, int(year), era, match[0])
        if result:
            found.append((match.start(), result))
            taken.append(match.span())
    lowered = text.lower()
    if any(stem in lowered for stem in _EN_MONTH_STEMS):  # substring tests in C; a regex here cost 80 µs a page
        for match in _MONTH_FIRST.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            month = ENGLISH_MONTHS[match["us_month"].lower()]
            result = _make(int(match["us_day"]), month, int(match["us_year"]), None, match[0])
            if result:
                found.append((match.start(), result))
    found.sort(key=lambda item: item[0])
    return [item for _, item in found[:limit]]


def fiscal_year_be(day: date) -> int:
    """The Thai government fiscal year (Buddhist era) containing ``day``: 1 October to 30 September.

    Fiscal year 2568 runs from 1 October 2024 to 30 September 2025 (Budget Procedure Act B.E. 2561, s. 4).
    """
    year = day.year + 1 if day.month >= 10 else day.year
    return year + BE_OFFSET
