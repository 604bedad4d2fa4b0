"""WARC capture (ISO 28500, WARC/1.1 via warcio): one file per agency crawl, each page fact points at its record.

The archived payload is the body as Scrapy delivered it: content codings (gzip, br) already removed, so the
``Content-Encoding`` header is dropped and ``Content-Length`` rewritten to keep the record self-consistent.
A crawl that is resumed writes a new file (a killed process may leave a truncated last record in the old one).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from egov_crawl import __version__

_DROPPED_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


class WarcRecorder:
    def __init__(self, directory: Path, run_id: int, agency_id: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        safe_agency = re.sub(r"[^a-z0-9-]", "-", agency_id)
        self.filename = f"egov-crawl-run{run_id}-{safe_agency}-{stamp}.warc.gz"
        self.path = directory / self.filename
        self._file: BinaryIO = self.path.open("wb")
        self._writer = WARCWriter(self._file, gzip=True, warc_version="1.1")
        info = self._writer.create_warcinfo_record(
            self.filename, {"software": f"egov-crawl/{__version__}", "format": "WARC File Format 1.1"}
        )
        self._writer.write_record(info)

    def record_response(
        self, url: str, status: int, reason: str, headers: list[tuple[str, str]], body: bytes, protocol: str
    ) -> dict[str, Any]:
        """Write one response record; returns the pointer stored with the page (record id, file, offset)."""
        kept = [(name, value) for name, value in headers if name.lower() not in _DROPPED_HEADERS]
        kept.append(("Content-Length", str(len(body))))
        http_headers = StatusAndHeaders(f"{status} {reason}".strip(), kept, protocol=protocol or "HTTP/1.1")
        record = self._writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http_headers)
        offset = self._file.tell()
        self._writer.write_record(record)
        self._file.flush()
        return {
            "record_id": record.rec_headers.get_header("WARC-Record-ID"),
            "file": self.filename,
            "offset": offset,
        }

    def close(self) -> None:
        self._file.close()
