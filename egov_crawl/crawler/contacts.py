"""Telephone numbers and e-mail addresses as a reader sees them in a page's text, not only in tel:/mailto: links.

Thai pages write numbers many ways: ``02-551-5000``, ``0 2470 8000``, ``055 961000``, ``+66 (0) 2849-6000``,
``(662)-561-4292-3``, hotlines such as ``สายด่วน : 1146`` or ``Call center : 1129`` (all seen on the 2018 home
pages of www.drr.go.th, kmutt.ac.th, www.nu.ac.th, mahidol.ac.th, www.forest.go.th and www.pea.co.th). Text also
holds dates (``05-03-2561``), extensions (``ต่อ 1444``), fax numbers and reference numbers, so a number counts only
when it is a valid Thai number (9 digits from 02–07, 10 from 06/08/09) and either a phone word stands shortly
before it (and no fax word after that word) or it is written in a usual phone layout. A four-digit hotline needs
a phone word right before it.
"""

from __future__ import annotations

import re

# Phone words and fax words, the fax ones first (โทรสาร "fax" begins with โทร "phone").
_WORDS = re.compile(
    r"(โทรสาร|แฟกซ์|แฟ็กซ์|\bfax\b)|(โทรศัพท์|โทร|สายด่วน|มือถือ|\btel\b|\btelephone\b|\bphone\b|\bmobile\b"
    r"|\bcall\b|\bcallcenter\b|\bhotline\b)",
    re.IGNORECASE,
)
_WINDOW = 40  # characters before a number in which a phone word counts
_CANDIDATE = re.compile(
    r"(?<![\d/,])(?<!\d\.)(?:"
    r"\(?\+66\)?[\s-]*(?:\(0\)[\s-]*)?\d(?:[\s)-]*\d){7,8}"  # +66 2 589 0100, +66 (0) 2849-6000
    r"|\(66[\s-]?\d{1,2}\)(?:[\s-]*\d){7}"  # (662)-561-4292
    r"|0[\s-]?[2-7](?:[\s-]?\d){7}"  # landlines: 9 digits
    r"|0[\s-]?[689](?:[\s-]?\d){8}"  # mobiles: 10 digits
    r"|1\d{3}"  # hotlines
    r")(?![\d])"
)
# Layouts people use for phone numbers (a date or a reference number does not look like these).
_LAYOUT = re.compile(
    r"0\d{1,2}-\d{3}-\d{3,4}|0\d{1,2} \d{3} \d{3,4}|0[- ]\d{4}[- ]\d{4}|0\d-\d{4}-\d{4}|0\d \d{4} \d{4}"
    r"|0\d{2} \d{6}|0\d{2}-\d{6}"
)
_HOTLINE_GAP = re.compile(r"[\s:.\-–()]*(?:cent(?:er|re)|เซ็นเตอร์)?[\s:.\-–()]*", re.IGNORECASE)
_EXTENSION = re.compile(r"(?:ต่อ|ext\.?|extension|\bx)\s*$", re.IGNORECASE)


def _national(raw: str) -> str | None:
    digits = re.sub(r"\D", "", raw)
    if raw.lstrip("(").startswith(("+66", "66")):
        digits = digits[2:]
        if not digits.startswith("0"):
            digits = "0" + digits
    if len(digits) == 4 and digits[0] == "1":
        return digits
    if len(digits) == 9 and digits[1] in "234567":
        return digits
    if len(digits) == 10 and digits[1] in "689":
        return digits
    return None


def phones_in_text(text: str, limit: int = 20) -> list[str]:
    """Thai telephone numbers in ``text`` (digits only, national form: 025515000, 1146), in order of appearance."""
    found: list[str] = []
    for match in _CANDIDATE.finditer(text):
        raw = match.group(0)
        number = _national(raw)
        if number is None or number in found:
            continue
        before = text[max(0, match.start() - _WINDOW) : match.start()]
        last = None
        for word in _WORDS.finditer(before):
            last = word
        phone_word = last is not None and last.group(2) is not None
        if len(number) == 4:
            # A hotline: the phone word right before it (``สายด่วน : 1146``), never an extension (``ต่อ 1444``).
            if not phone_word or _EXTENSION.search(before) or last is None:
                continue
            if not _HOTLINE_GAP.fullmatch(before[last.end() :]):
                continue
        elif last is not None and last.group(1) is not None:
            continue  # after a fax word
        elif not (phone_word or raw.startswith(("+", "(")) or _LAYOUT.fullmatch(raw)):
            continue
        found.append(number)
        if len(found) >= limit:
            break
    return found


def national_number(value: str) -> str:
    """A tel: link's number as digits in national form when it is a Thai number, else as written."""
    return _national(value) or value


_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b")
_NOT_EMAIL_ENDINGS = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".js", ".css")


def emails_in_text(text: str, limit: int = 20) -> list[str]:
    found: list[str] = []
    for match in _EMAIL.finditer(text):
        address = match.group(0).strip(".")
        if address.lower().endswith(_NOT_EMAIL_ENDINGS) or address in found:
            continue
        found.append(address)
        if len(found) >= limit:
            break
    return found


CLOUDFLARE_PATH = "/cdn-cgi/l/email-protection"


def cloudflare_email(encoded: str) -> str | None:
    """An address Cloudflare's e-mail obfuscation hid (``data-cfemail`` or ``/cdn-cgi/l/email-protection#…``):
    hex bytes, the first being the key each following byte is XORed with."""
    encoded = encoded.strip()
    if len(encoded) < 4 or len(encoded) % 2 or not re.fullmatch(r"[0-9a-fA-F]+", encoded):
        return None
    key = int(encoded[:2], 16)
    try:
        address = bytes(int(encoded[i : i + 2], 16) ^ key for i in range(2, len(encoded), 2)).decode("utf-8")
    except UnicodeDecodeError:
        return None
    return address if "@" in address and " " not in address else None
