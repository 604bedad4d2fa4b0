"""Real, minimal document bytes for the testbed: PDF, DOCX, XLSX, CSV, JSON and PNG, all deterministic.

Crawlers classify documents by extension, Content-Type and magic bytes, and a later check may open them, so
the files are valid of their kind (a PDF with an xref table, OOXML zips with the required parts), not
placeholders. Zip entries carry a fixed timestamp so the same input always gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import struct
import zipfile
import zlib
from collections.abc import Sequence
from xml.sax.saxutils import escape

_ZIP_DATE = (2024, 1, 1, 0, 0, 0)


def _pdf_text(text: str) -> str:
    # PDF literal strings: backslash, parentheses escaped; the built-in Helvetica has no Thai glyphs, so the
    # page text is ASCII and the Thai title goes into the document information as UTF-16BE (PDF 1.7 §7.9.2.2).
    ascii_text = text.encode("ascii", "replace").decode()
    return ascii_text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf(title: str, lines: Sequence[str]) -> bytes:
    """A one-page PDF 1.4 whose text layer holds ``lines`` and whose /Title is ``title`` (any script)."""
    content_lines = ["BT", "/F1 12 Tf", "72 760 Td", "14 TL"]
    for line in lines:
        content_lines.append(f"({_pdf_text(line)}) Tj T*")
    content_lines.append("ET")
    stream = "\n".join(content_lines).encode()
    title_hex = (b"\xfe\xff" + title.encode("utf-16-be")).hex().upper()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Title <" + title_hex.encode() + b"> /Producer (egov-crawl testbed) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{xref_at}\n%%EOF\n".encode()
    return bytes(out)


def _zip(parts: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


_RELS_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"


def docx(title: str, paragraphs: Sequence[str]) -> bytes:
    """A minimal WordprocessingML document (ECMA-376): content types, package rels, document part."""
    body = "".join(f"<w:p><w:r><w:t>{escape(p)}</w:t></w:r></w:p>" for p in [title, *paragraphs])
    return _zip(
        {
            "[Content_Types].xml": _RELS_HEAD
            + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
            "_rels/.rels": _RELS_HEAD + f'<Relationships xmlns="{_PKG_RELS}"><Relationship Id="rId1" Type="{_DOC_REL}" '
            'Target="word/document.xml"/></Relationships>',
            "word/document.xml": _RELS_HEAD
            + '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body>{body}</w:body></w:document>",
        }
    )


def xlsx(rows: Sequence[Sequence[str]]) -> bytes:
    """A minimal SpreadsheetML workbook with one sheet of inline strings."""
    sheet_rows = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(
            f'<c r="{chr(65 + c)}{r}" t="inlineStr"><is><t>{escape(value)}</t></is></c>' for c, value in enumerate(row)
        )
        sheet_rows.append(f'<row r="{r}">{cells}</row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sheet_rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
    return _zip(
        {
            "[Content_Types].xml": _RELS_HEAD
            + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
            "_rels/.rels": _RELS_HEAD + f'<Relationships xmlns="{_PKG_RELS}"><Relationship Id="rId1" Type="{_DOC_REL}" '
            'Target="xl/workbook.xml"/></Relationships>',
            "xl/workbook.xml": _RELS_HEAD
            + f'<workbook xmlns="{main}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
            "xl/_rels/workbook.xml.rels": _RELS_HEAD
            + f'<Relationships xmlns="{_PKG_RELS}"><Relationship Id="rId1" Type="{sheet_rel}" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
            "xl/worksheets/sheet1.xml": _RELS_HEAD
            + f'<worksheet xmlns="{main}"><sheetData>'
            + "".join(sheet_rows)
            + "</sheetData></worksheet>",
        }
    )


def csv_bytes(rows: Sequence[Sequence[str]]) -> bytes:
    """UTF-8 with a byte-order mark: what Thai agencies publish so that Excel opens Thai text correctly."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def json_bytes(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A solid-colour truecolour PNG (ISO/IEC 15948): signature, IHDR, one IDAT, IEND."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * width
    raw = row * height
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
