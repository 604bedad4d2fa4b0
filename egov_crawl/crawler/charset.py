"""Decoding HTML bytes the way a Thai reader's browser would, including undeclared TIS-620 / windows-874.

Order of evidence (WHATWG Encoding, "encoding sniffing algorithm", simplified): byte order mark, then the
``Content-Type`` charset, then ``<meta charset>`` in the first bytes; only when none of those exists, sniff.
Many older Thai government pages are TIS-620 without any declaration; a generic sniffer calls them cp1252
(mojibake titles). The sniff here is: valid UTF-8 wins; otherwise, if the bytes above 0x7F are nearly all in the
TIS-620 Thai block (0xA1–0xFB), the page is windows-874 (a superset of TIS-620, what browsers use for both);
otherwise windows-1252 (the WHATWG default for unknown Western content).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom, resolve_encoding

THAI_ENCODING = "cp874"
FALLBACK_ENCODING = "cp1252"
# TIS-620 puts Thai characters at 0xA1–0xFB (TIS 620-2533); windows-874 adds a few punctuation marks at 0x80–0x9F.
_THAI_BYTES = frozenset(range(0xA1, 0xFC)) | {0x85, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97}
_ASCII_BYTES = bytes(range(0x80))
_NOT_THAI_BYTES = bytes(b for b in range(256) if b not in _THAI_BYTES)
_THAI_DOMINANCE = 0.9
_THAI_RUN = re.compile(rb"[\xa1-\xfb]{3}")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # the Python codec used
    source: str  # "bom" | "header" | "meta" | "sniffed"
    declared: str | None  # what the page declared (header or meta), even when it proved wrong
    replaced: bool  # the declared encoding could not decode the bytes cleanly


def looks_thai_single_byte(body: bytes) -> bool:
    """True when the non-ASCII bytes are (nearly) all TIS-620 Thai letters."""
    high = len(body.translate(None, _ASCII_BYTES))  # bytes.translate counts in C, not byte by byte in Python
    if high == 0:
        return False
    thai = len(body.translate(None, _NOT_THAI_BYTES))
    # Thai words are runs of Thai bytes; accented Latin text has isolated high bytes ("café" is not Thai).
    return thai / high >= _THAI_DOMINANCE and _THAI_RUN.search(body) is not None


def sniff(body: bytes) -> str:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return THAI_ENCODING if looks_thai_single_byte(body) else FALLBACK_ENCODING
    return "utf-8"


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    resolved = resolve_encoding(name)  # w3lib maps tis-620 → cp874, latin-1/ascii → cp1252 (as browsers do)
    if resolved is None:
        return None
    try:
        return codecs.lookup(resolved).name
    except LookupError:
        return None


def decode_html(body: bytes, content_type: str | None) -> Decoded:
    bom = read_bom(body)
    if bom[0]:
        encoding = _codec(bom[0]) or "utf-8"
        return Decoded(body[len(bom[1]) :].decode(encoding, "replace"), encoding, "bom", None, False)
    declared_header = _codec(http_content_type_encoding(content_type)) if content_type else None
    declared_meta = None if declared_header else _codec(html_body_declared_encoding(body))
    declared = declared_header or declared_meta
    if declared:
        try:
            return Decoded(body.decode(declared), declared, "header" if declared_header else "meta", declared, False)
        except UnicodeDecodeError:
            # A page labelled UTF-8 that is really TIS-620 shows mojibake in a browser too; record the mismatch
            # but read the Thai text, which is what the facts are about.
            encoding = sniff(body)
            source = "header" if declared_header else "meta"
            if encoding in ("utf-8", FALLBACK_ENCODING):
                return Decoded(body.decode(declared, "replace"), declared, source, declared, True)
            return Decoded(body.decode(encoding, "replace"), encoding, "sniffed", declared, True)
    encoding = sniff(body)
    return Decoded(body.decode(encoding, "replace"), encoding, "sniffed", None, False)
