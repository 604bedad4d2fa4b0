"""Where a term occurs in a text *as a word*: on word boundaries, not inside another word.

"vision" is not in "revision", "ndid" not in "candidates", "culture" not in "Agriculture"; in Thai, where words
are written without spaces, ข่าวสาร (news) is not in ข้อมูลข่าวสาร (official information). Both texts are folded
the same way (``fold``) before they meet here.

* Latin letters and digits: an edge of the term must not touch another letter or digit of the same kind. A
  plural ``s``/``es`` after the term is still the term ("FAQs", "Vacancies" aside).
* Thai: an edge of the term that touches another Thai character must fall on a boundary of the words PyThaiNLP's
  dictionary segmenter (``newmm``) finds in the text around it. A term marked ``prefix`` may be followed by more
  Thai (ผู้บริหาร in ผู้บริหารระดับสูง: the segmenter keeps the longer dictionary word whole).
* The nominalisers การ and ความ may stand before a Thai term (การสมัครงาน holds สมัครงาน).
* A change of script is always a boundary ("FAQคำถาม"), and so is punctuation or white space.

Negative contexts: a term may list longer phrases it must not be read inside (ร้องเรียน inside
แผนการจัดการเรื่องร้องเรียน is a plan, not a complaint channel).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pythainlp.tokenize import word_tokenize

_THAI_FIRST, _THAI_LAST = "\u0e00", "\u0e7f"
_LATIN_WORD = re.compile(r"[0-9a-z\u00c0-\u024f]")
_PLURAL = re.compile(r"(?:e?s)(?![0-9a-z\u00c0-\u024f])")
SEGMENT_WINDOW = 40  # Thai characters either side of an occurrence handed to the segmenter (words are shorter)


def is_thai(char: str) -> bool:
    return _THAI_FIRST <= char <= _THAI_LAST


def _latin(char: str) -> bool:
    return bool(_LATIN_WORD.match(char))


@dataclass(frozen=True)
class Term:
    """A folded term of the lexicon, with its matching rules."""

    text: str
    lang: str
    prefix: bool = False  # may be followed by more Thai letters (a prefix by design)
    not_in: tuple[str, ...] = ()  # folded phrases containing the term in which it does not count


@lru_cache(maxsize=65_536)
def _boundaries(text: str) -> frozenset[int]:
    """Offsets in ``text`` where the dictionary segmenter puts a word boundary (cached: menus repeat)."""
    offsets = {0}
    position = 0
    for token in word_tokenize(text, engine="newmm", keep_whitespace=True):
        position += len(token)
        offsets.add(position)
    return frozenset(offsets)


def _thai_boundary(text: str, offset: int) -> bool:
    """Is ``offset`` (between two Thai characters) a word boundary? Segments the Thai run around it only."""
    start = offset
    floor = max(0, offset - SEGMENT_WINDOW)
    while start > floor and is_thai(text[start - 1]):
        start -= 1
    end = offset
    ceiling = min(len(text), offset + SEGMENT_WINDOW)
    while end < ceiling and is_thai(text[end]):
        end += 1
    return (offset - start) in _boundaries(text[start:end])


# Thai makes nouns of verbs and adjectives with การ and ความ, which the segmenter keeps in one word with them
# (การสมัครงาน): a term may follow either (ข่าวการสมัครงาน is about สมัครงาน, www.soc.go.th).
NOMINALISERS = ("การ", "ความ")


def _left_ok(text: str, start: int, first: str) -> bool:
    if start == 0:
        return True
    before = text[start - 1]
    if _latin(first):
        return not _latin(before)
    if is_thai(first) and is_thai(before):
        if _thai_boundary(text, start):
            return True
        for prefix in NOMINALISERS:
            at = start - len(prefix)
            if (
                at >= 0
                and text.startswith(prefix, at)
                and (at == 0 or not is_thai(text[at - 1]) or _thai_boundary(text, at))
            ):
                return True
        return False
    return True


def _right_ok(text: str, end: int, last: str, prefix: bool) -> bool:
    if end >= len(text):
        return True
    after = text[end]
    if _latin(last):
        return not _latin(after) or bool(_PLURAL.match(text, end))
    if is_thai(last) and is_thai(after):
        return prefix or _thai_boundary(text, end)
    return True


def _inside_negative(text: str, start: int, end: int, term: Term) -> bool:
    for phrase in term.not_in:
        at = text.find(phrase, max(0, end - len(phrase)))
        while 0 <= at <= start:
            if at + len(phrase) >= end:
                return True
            at = text.find(phrase, at + 1)
    return False


def occurrence(text: str, term: Term) -> int:
    """The offset of the first occurrence of ``term`` in ``text`` that is a word of its own, or -1."""
    word = term.text
    if not word:
        return -1
    start = text.find(word)
    while start >= 0:
        end = start + len(word)
        if (
            _left_ok(text, start, word[0])
            and _right_ok(text, end, word[-1], term.prefix)
            and not _inside_negative(text, start, end, term)
        ):
            return start
        start = text.find(word, start + 1)
    return -1


def contains(text: str, term: Term) -> bool:
    return occurrence(text, term) >= 0
