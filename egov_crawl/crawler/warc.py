"""WARC capture (ISO 28500, WARC/1.1 via warcio): one file per agency crawl, each page fact points at its record.

``WarcRecordingMiddleware`` sits next to the downloader, so it records every HTTP exchange as it came off the
wire — robots.txt, each redirect hop, sitemaps, retries, HEAD link checks — as a ``response`` record followed by
its ``request`` record (``WARC-Concurrent-To``, WARC 1.1 §5.7). That makes the file replayable
(``egov-crawl testbed replay``): a re-crawl of the replay meets the same robots rules and redirects.
The payload is kept as received, content coding included (``Content-Encoding: gzip`` stays; warcio's
``content_stream()`` decodes it), as ISO 28500 intends. The transfer coding is already gone (Twisted de-chunks),
so ``Transfer-Encoding`` is dropped and ``Content-Length`` rewritten to keep the record self-consistent.
``304 Not Modified`` answers are not recorded: replayed, they would answer unconditional requests.
A crawl that is resumed writes a new file (a killed process may leave a truncated last record in the old one).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from egov_crawl import __version__

_DROPPED_HEADERS = {"transfer-encoding", "content-length"}
POINTER_META = "egov_warc"  # request meta key: the pointer of the response record written for this request


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

    def record_exchange(
        self,
        method: str,
        url: str,
        request_headers: list[tuple[str, str]],
        status: int,
        headers: list[tuple[str, str]],
        body: bytes,
        protocol: str,
    ) -> dict[str, Any]:
        """Write one response record and its request record; returns the pointer stored with the page
        (the response's record id, file, offset)."""
        protocol = protocol or "HTTP/1.1"
        kept = [(name, value) for name, value in headers if name.lower() not in _DROPPED_HEADERS]
        kept.append(("Content-Length", str(len(body))))
        http_headers = StatusAndHeaders(str(status), kept, protocol=protocol)
        record = self._writer.create_warc_record(url, "response", payload=BytesIO(body), http_headers=http_headers)
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request_line = StatusAndHeaders(f"{method} {target} {protocol}", request_headers, is_http_request=True)
        request = self._writer.create_warc_record(url, "request", payload=BytesIO(b""), http_headers=request_line)
        offset = self._file.tell()
        self._writer.write_request_response_pair(request, record)  # the response first, then its request
        self._file.flush()
        return {
            "record_id": record.rec_headers.get_header("WARC-Record-ID"),
            "file": self.filename,
            "offset": offset,
        }

    def close(self) -> None:
        self._file.close()


def _pairs(headers: Any) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in headers.items() for v in vs]


class WarcRecordingMiddleware:
    """Downloader middleware (order 950, next to the downloader): every response, as received, into the
    spider's WARC file; the record's pointer goes into ``request.meta[POINTER_META]`` for the page facts."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcRecordingMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        recorder = getattr(self.crawler.spider, "warc", None)
        if recorder is None or response.status == 304:
            return response
        request.meta[POINTER_META] = recorder.record_exchange(
            request.method,
            response.url,
            _pairs(request.headers),
            response.status,
            _pairs(response.headers),
            response.body,
            response.protocol or "HTTP/1.1",
        )
        return response
