"""Read WARC files (ISO 28500) into an index of replayable HTTP responses, keyed by method, scheme, host and path.

Three record types matter (WARC 1.1 §6):

* ``response`` — the HTTP status line, headers and payload as captured. ``record.content_stream()`` (warcio)
  removes the transfer coding *and* the content coding, so the index holds the decoded payload.
* ``revisit`` — a later capture whose payload was not stored again because it was identical (profile
  ``identical-payload-digest``, WARC 1.1 §6.7.2): it has its own status line and headers; the payload is the
  one of the earlier record with the same ``WARC-Payload-Digest`` (or ``WARC-Refers-To``), possibly in another
  file. Unresolvable revisits are counted, not served.
* ``request`` — tells which method a response answered (linked by ``WARC-Concurrent-To``): egov-crawl records
  its HEAD link checks as well, and a HEAD answer (no payload) must not be served to a GET.

When one URL was captured more than once (a retry, a re-crawl), the latest ``WARC-Date`` wins.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from egov_crawl.errors import UserError

REPLAYED_SCHEMES = ("http", "https")


@dataclass(frozen=True)
class ArchivedResponse:
    """One replayable response: what the server sent, as archived."""

    url: str
    method: str  # GET unless a request record says otherwise
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]  # as recorded, in order, repeated names kept (Set-Cookie)
    body: bytes
    date: datetime
    record_id: str
    warc_file: str
    revisit: bool = False

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for n, v in self.headers if n.lower() == name), None)

    @property
    def content_type(self) -> str | None:
        return self.header("Content-Type")


def url_key(url: str) -> tuple[str, str, str]:
    """(scheme, host, path?query) with percent-escapes decoded, so ``%20`` and a space, ``%7E`` and ``~`` meet."""
    parts = urlsplit(url.strip().strip("<>"))
    path = parts.path or "/"
    target = path + (f"?{parts.query}" if parts.query else "")
    return parts.scheme.lower(), (parts.hostname or "").lower().rstrip("."), unquote(target)


@dataclass
class WarcIndex:
    """Every replayable response of some WARC files; ``lookup`` answers a request."""

    responses: dict[tuple[str, str, str, str], ArchivedResponse] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    unresolved_revisits: int = 0
    skipped: Counter[str] = field(default_factory=Counter)  # record types not served: warcinfo, metadata, dns…

    def add(self, response: ArchivedResponse) -> None:
        scheme, host, target = url_key(response.url)
        key = (response.method, scheme, host, target)
        current = self.responses.get(key)
        if current is None or response.date >= current.date:
            self.responses[key] = response

    def lookup(self, method: str, scheme: str, host: str, target: str) -> ArchivedResponse | None:
        """The archived answer to ``method scheme://host target``; a HEAD falls back to the GET capture (RFC 9110
        §9.3.2: the same headers as GET, without content)."""
        host = host.lower().rstrip(".")
        target = unquote(target or "/")
        method = method.upper()
        found = self.responses.get((method, scheme, host, target))
        if found is None and method == "HEAD":
            found = self.responses.get(("GET", scheme, host, target))
        return found

    @property
    def hosts(self) -> list[str]:
        return sorted({host for _, _, host, _ in self.responses})

    def schemes(self, host: str) -> set[str]:
        return {scheme for _, scheme, h, _ in self.responses if h == host}

    def counts(self) -> dict[str, int]:
        """Responses per host (every method and scheme)."""
        return dict(sorted(Counter(host for _, _, host, _ in self.responses).items()))


def _parse_date(value: str | None) -> datetime:
    if not value:
        return datetime.min.replace(tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _response(record: ArcWarcRecord, warc_file: str, method: str, body: bytes) -> ArchivedResponse | None:
    http = record.http_headers
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    if http is None or url_key(uri)[0] not in REPLAYED_SCHEMES:
        return None
    try:
        status = int(http.get_statuscode())
    except (TypeError, ValueError):
        return None
    reason = http.statusline.partition(" ")[2].strip()
    return ArchivedResponse(
        url=uri.strip("<>"),
        method=method,
        status=status,
        reason=reason,
        headers=tuple((name, value) for name, value in http.headers),
        body=body,
        date=_parse_date(record.rec_headers.get_header("WARC-Date")),
        record_id=record.rec_headers.get_header("WARC-Record-ID") or "",
        warc_file=warc_file,
        revisit=record.rec_type == "revisit",
    )


def _records(path: Path) -> Iterator[ArcWarcRecord]:
    try:
        with path.open("rb") as stream:
            yield from ArchiveIterator(stream)
    except FileNotFoundError:
        raise UserError(f"error: WARC file not found: {path}") from None
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise UserError(f"error: {path} is not a readable WARC file ({reason}); give .warc or .warc.gz files") from None


def load_warcs(paths: Iterable[Path]) -> WarcIndex:
    """Index the responses of ``paths``; raises UserError (one line) for a missing or unreadable file."""
    index = WarcIndex()
    by_digest: dict[str, bytes] = {}
    by_record_id: dict[str, bytes] = {}
    methods: dict[str, str] = {}  # response record id → method, from request records
    captured: list[tuple[ArcWarcRecord, str, bytes]] = []
    pending: list[tuple[ArcWarcRecord, str]] = []
    for path in paths:
        index.files.append(path)
        for record in _records(path):
            kind = record.rec_type
            if kind == "request":
                concurrent = record.rec_headers.get_header("WARC-Concurrent-To")
                if concurrent and record.http_headers is not None:
                    methods[concurrent] = (record.http_headers.protocol or "GET").upper()
                continue
            if kind not in ("response", "revisit"):
                index.skipped[kind] += 1
                continue
            if kind == "revisit":
                # The http headers are parsed now; the payload (absent) is resolved once all files are read.
                pending.append((record, path.name))
                continue
            body = record.content_stream().read()
            record_id = record.rec_headers.get_header("WARC-Record-ID") or ""
            digest = record.rec_headers.get_header("WARC-Payload-Digest")
            if digest:
                by_digest.setdefault(digest, body)
            by_record_id[record_id] = body
            captured.append((record, path.name, body))
    for record, name, body in captured:
        record_id = record.rec_headers.get_header("WARC-Record-ID") or ""
        response = _response(record, name, methods.get(record_id, "GET"), body)
        if response is None:
            index.skipped["non-http"] += 1
        else:
            index.add(response)
    for record, name in pending:
        digest = record.rec_headers.get_header("WARC-Payload-Digest")
        refers_to = record.rec_headers.get_header("WARC-Refers-To")
        original = by_record_id.get(refers_to or "")
        if original is None and digest:
            original = by_digest.get(digest)
        record_id = record.rec_headers.get_header("WARC-Record-ID") or ""
        response = _response(record, name, methods.get(record_id, "GET"), original or b"")
        if response is None:
            index.skipped["non-http"] += 1
        elif original is None:
            index.unresolved_revisits += 1
        else:
            index.add(response)
    return index


def add_saved_pages(index: WarcIndex, root: Path, *, captured: datetime | None = None) -> int:
    """Serve saved home pages as if archived: ``root/<host>/index.html`` answers ``http://<host>/`` (200,
    ``text/html; charset=utf-8``); every other URL of that host then answers 404. For collections of pages saved
    without their HTTP exchange (a research corpus, a "save page as"). Returns how many pages were added."""
    if not root.is_dir():
        raise UserError(f"error: {root} is not a folder of <host>/index.html pages")
    when = captured or datetime(1970, 1, 1, tzinfo=UTC)
    added = 0
    for page in sorted(root.glob("*/index.html")):
        host = page.parent.name.lower()
        body = page.read_bytes()
        headers = (("Content-Type", "text/html; charset=utf-8"),)
        index.add(ArchivedResponse(f"http://{host}/", "GET", 200, "OK", headers, body, when, page.as_posix(), "-"))
        added += 1
    if not added:
        raise UserError(f"error: no <host>/index.html page under {root}")
    return added
