"""Hostile sites of the testbed: each ``.test`` host misbehaves in one way a real government web server can.

The testbed server routes every request whose Host is one of :func:`hostile_by_host` to that site's
``handler`` (every path, every method). Each entry also says how a correct collector classifies the site
(``expected_class``) and what it should do about it (``expected_handling``); the reliability tests (issue 10)
compare the crawler's stored error classes with this table.

Every handler is cheap and bounded, so a crawler that does the wrong thing cannot hurt the server: the slow
responses end on their own (and as soon as the client goes away), nothing is held in memory per request (the
20 MB page is streamed from one shared chunk, the gzip bomb is computed once, lazily, and shared), and the
endless sites are endless only in URLs — every page is small.

``/robots.txt`` is an ordinary allow-all file on every hostile host except the robots one, so each site's
hostility is met by its pages, not by robots.txt handling (RFC 9309 §2.3.1.4 would otherwise turn a 5xx
robots.txt into "disallow everything").
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import re
import socket
import struct
import threading
import zlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlencode

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class HostileSite:
    """One misbehaving site: its host, a Thai government-like name, and what a correct collector does with it."""

    slug: str
    host: str
    name_th: str
    name_en: str
    behaviour: str  # one line, English
    # How a correct collector classifies it: "timeout", "redirect_loop", "too_large", "decompression_bomb",
    # "connection_reset", "server_error", "rate_limited", "blocked_by_robots", "login_wall", "js_only",
    # "blocked_address", "url_trap", "parse_recovered", "charset_detected", "too_many_redirects", "ok".
    expected_class: str
    expected_handling: str  # one sentence: what a correct crawler does
    handler: Handler  # serves every path of the host
    https: bool = True


# --- Bounds (the server's protection against a crawler that does the wrong thing) --------------------------

DRIP_INTERVAL_SECONDS = 0.5  # one byte every half second
DRIP_MAX_SECONDS = 60.0  # the drip ends on its own within this time, even if the client keeps reading
STALL_SECONDS = 45.0  # slow-start site: seconds before the response headers are sent
HUGE_PAGE_BYTES = 20 * 1024 * 1024  # announced in Content-Length and served exactly
BOMB_INFLATED_BYTES = 1024 * 1024 * 1024  # the gzip bomb inflates to 1 GiB of zeros (~1 MB compressed)
RETRY_AFTER_SECONDS = 30
REDIRECT_CHAIN_MAX = 10_000  # the non-looping redirect chain stops (200) after this many hops
CALENDAR_YEAR_RANGE = (1, 999_999)  # Buddhist-era years outside this range are 404: URLs stay short
PRIVATE_REDIRECT_TARGET = "http://169.254.169.254/latest/meta-data/"  # the cloud metadata endpoint (SSRF bait)

_POLL_SECONDS = 0.5  # how often a stalled handler checks whether its client has gone


# --- Shared page furniture ---------------------------------------------------------------------------------

ROBOTS_ALLOW_ALL = "User-agent: *\nAllow: /\n"
ROBOTS_DISALLOW_ALL = "User-agent: *\nDisallow: /\n"

_FOOTER_LINKS: tuple[tuple[str, str], ...] = (
    ("/contact", "ติดต่อเรา"),
    ("/privacy", "นโยบายคุ้มครองข้อมูลส่วนบุคคล"),
)


def page(
    name_th: str,
    name_en: str,
    title: str,
    body: str,
    links: Sequence[tuple[str, str]] = (),
    *,
    charset_meta: bool = True,
) -> str:
    """A small, well-formed Thai government-style page: header with the agency name, menu, content, footer.

    ``links`` are (href, Thai text) pairs; ``href`` values are escaped here, ``body`` is trusted HTML.
    """
    menu = "".join(f'<li><a href="{html.escape(href)}">{html.escape(text)}</a></li>' for href, text in links)
    footer = " | ".join(f'<a href="{href}">{text}</a>' for href, text in _FOOTER_LINKS)
    meta = '<meta charset="utf-8">' if charset_meta else ""
    return (
        f'<!DOCTYPE html>\n<html lang="th"><head>{meta}'
        f"<title>{html.escape(title)} - {html.escape(name_th)}</title></head>\n"
        f'<body><header><a href="/">{html.escape(name_th)}</a> <small lang="en">{html.escape(name_en)}</small>'
        f"</header>\n<nav><ul>{menu}</ul></nav>\n<main>{body}</main>\n"
        f"<footer>{footer}</footer></body></html>\n"
    )


def html_response(text: str, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(text=text, status=status, content_type="text/html", charset="utf-8", headers=headers)


def robots_response(rules: str = ROBOTS_ALLOW_ALL) -> web.Response:
    return web.Response(text=rules, content_type="text/plain", charset="utf-8")


def _client_gone(request: web.Request) -> bool:
    transport = request.transport
    return transport is None or transport.is_closing()


async def _sleep_while_connected(request: web.Request, seconds: float) -> bool:
    """Sleep up to ``seconds``; False (early) if the client disconnects meanwhile."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while (left := deadline - loop.time()) > 0:
        if _client_gone(request):
            return False
        await asyncio.sleep(min(_POLL_SECONDS, left))
    return not _client_gone(request)


# --- Names (host → Thai and English name), kept beside the handlers that print them ------------------------

_NAMES: dict[str, tuple[str, str]] = {
    "slowdrip": ("สำนักงานชลประทานน้ำหยด", "Drip Irrigation Office"),
    "slowstart": ("กรมส่งเสริมความอดทน", "Department of Patience Promotion"),
    "calendar": ("สำนักปฏิทินราชการ", "Office of the Government Calendar"),
    "redirectloop": ("กรมการหมุนเวียน", "Department of Circulation"),
    "redirectchain": ("สำนักงานส่งต่อเรื่อง", "Office of Referrals"),
    "hugepage": ("สำนักงานสถิติฉบับสมบูรณ์", "Office of Complete Statistics"),
    "gzipbomb": ("สำนักงานบีบอัดข้อมูลแห่งชาติ", "National Data Compression Office"),
    "brokenhtml": ("กรมระบบงานเดิม", "Department of Legacy Systems"),
    "tis620": ("สำนักงานมาตรฐานรหัสอักขระไทย", "Thai Character Code Standards Office"),
    "connreset": ("สำนักงานบริการสะดุด", "Office of Interrupted Services"),
    "servererror": ("ศูนย์เทคโนโลยีสารสนเทศขัดข้อง", "Faulty Information Technology Centre"),
    "ratelimited": ("กรมจัดคิวบริการ", "Department of Service Queues"),
    "norobots": ("สำนักงานเลขานุการส่วนตัว", "Private Secretariat Office"),
    "loginwall": ("ศูนย์บริการเฉพาะสมาชิก", "Members-Only Service Centre"),
    "jsonly": ("สำนักงานรัฐบาลสคริปต์", "Scripted Government Office"),
    "privateredirect": ("สำนักงานเครือข่ายภายใน", "Internal Network Office"),
    "querytrap": ("กรมค้นหาไม่รู้จบ", "Department of Endless Search"),
    "deeppath": ("สำนักงานเอกสารซ้อนชั้น", "Office of Nested Records"),
}


def _page_of(slug: str, title: str, body: str, links: Sequence[tuple[str, str]] = ()) -> str:
    name_th, name_en = _NAMES[slug]
    return page(name_th, name_en, title, body, links)


# --- Slow responses ----------------------------------------------------------------------------------------

# Whole page within the cap: at most DRIP_MAX_SECONDS / DRIP_INTERVAL_SECONDS bytes (checked below).
_DRIP_BODY = '<!DOCTYPE html><html lang="th"><title>ชลประทาน</title><a href="/about">about</a></html>'.encode()
assert (len(_DRIP_BODY) - 1) * DRIP_INTERVAL_SECONDS <= DRIP_MAX_SECONDS


async def slow_drip(request: web.Request) -> web.StreamResponse:
    """Headers and the first byte at once, then one byte every DRIP_INTERVAL_SECONDS, ending within the cap."""
    if request.path == "/robots.txt":
        return robots_response()
    response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"})
    await response.prepare(request)
    if request.method == "HEAD":
        return response
    limit = int(DRIP_MAX_SECONDS / DRIP_INTERVAL_SECONDS)
    try:
        for index, byte in enumerate(_DRIP_BODY[:limit]):
            if index and not await _sleep_while_connected(request, DRIP_INTERVAL_SECONDS):
                break
            await response.write(bytes((byte,)))
    except ConnectionError:  # the client gave up: exactly what a correct crawler does
        pass
    return response


async def slow_start(request: web.Request) -> web.StreamResponse:
    """Nothing at all (not even headers) for STALL_SECONDS, then a normal page."""
    if request.path == "/robots.txt":
        return robots_response()
    await _sleep_while_connected(request, STALL_SECONDS)
    return html_response(_page_of("slowstart", "ยินดีต้อนรับ", "<p>ขอบคุณที่รอ</p>"))


# --- Endless calendar --------------------------------------------------------------------------------------

THAI_MONTHS = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
CALENDAR_START = (2568, 1)  # Buddhist era: 2568 = 2025 CE
_CALENDAR_STATIC = {"/": "หน้าแรก", "/contact": "ติดต่อเรา", "/privacy": "นโยบายคุ้มครองข้อมูลส่วนบุคคล"}
_CALENDAR_PATH = re.compile(r"/calendar/(\d{1,6})/(\d{1,2})/?")


def _month_href(year: int, month: int) -> str:
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1  # normalise month 0 and 13
    return f"/calendar/{year}/{month:02d}"


async def endless_calendar(request: web.Request) -> web.StreamResponse:
    """Month pages that link to the previous and next month (and year), for a million years either way."""
    if request.path == "/robots.txt":
        return robots_response()
    if request.path in _CALENDAR_STATIC:
        title = _CALENDAR_STATIC[request.path]
        links = [(_month_href(*CALENDAR_START), "ปฏิทินกิจกรรม")]
        return html_response(_page_of("calendar", title, f"<h1>{title}</h1>", links))
    match = _CALENDAR_PATH.fullmatch(request.path)
    year, month = (int(match[1]), int(match[2])) if match else (0, 0)
    low, high = CALENDAR_YEAR_RANGE
    if not (low <= year <= high and 1 <= month <= 12):
        return html_response(_page_of("calendar", "ไม่พบหน้า", "<p>ไม่พบหน้าที่ต้องการ</p>"), status=404)
    links = [
        (_month_href(year, month - 1), "เดือนก่อนหน้า"),
        (_month_href(year, month + 1), "เดือนถัดไป"),
        (_month_href(year - 1, month), "ปีก่อนหน้า"),
        (_month_href(year + 1, month), "ปีถัดไป"),
    ]
    body = f"<h1>ปฏิทินกิจกรรม {THAI_MONTHS[month - 1]} พ.ศ. {year}</h1><p>ไม่มีกิจกรรมในเดือนนี้</p>"
    return html_response(_page_of("calendar", f"{THAI_MONTHS[month - 1]} {year}", body, links))


# --- Redirects ---------------------------------------------------------------------------------------------


def _redirect(location: str, status: int = 302) -> web.Response:
    return web.Response(status=status, headers={"Location": location, "Cache-Control": "no-store"})


async def redirect_loop(request: web.Request) -> web.StreamResponse:
    """A 2-cycle: / → /loop/a → /loop/b → /loop/a → … (one 301, one 302)."""
    if request.path == "/robots.txt":
        return robots_response()
    if request.path == "/loop/a":
        return _redirect("/loop/b", 302)
    return _redirect("/loop/a", 301)


_HOP_PATH = re.compile(r"/hop/(\d{1,9})")


async def redirect_chain(request: web.Request) -> web.StreamResponse:
    """A chain that never repeats a URL: / → /hop/1 → /hop/2 → … (a page only after REDIRECT_CHAIN_MAX hops)."""
    if request.path == "/robots.txt":
        return robots_response()
    match = _HOP_PATH.fullmatch(request.path)
    hop = int(match[1]) if match else 0
    if hop >= REDIRECT_CHAIN_MAX:
        return html_response(_page_of("redirectchain", "ถึงแล้ว", "<p>ในที่สุดก็ถึงปลายทาง</p>"))
    return _redirect(f"/hop/{hop + 1}")


async def private_redirect(request: web.Request) -> web.StreamResponse:
    """Every page redirects to the cloud metadata address: a collector that follows it has an SSRF hole."""
    if request.path == "/robots.txt":
        return robots_response()
    return _redirect(PRIVATE_REDIRECT_TARGET)


# --- Big bodies --------------------------------------------------------------------------------------------

_HUGE_PARAGRAPH = (
    "<p>ตารางสถิติจำนวนประชากรจำแนกตามจังหวัด อำเภอ และตำบล ประจำปีงบประมาณ พ.ศ. ๒๕๖๗ "
    "รายละเอียดครบถ้วนทุกรายการ เพื่อความโปร่งใสและตรวจสอบได้</p>\n"
).encode()
_HUGE_CHUNK_BYTES = 64 * 1024


@cache
def _huge_parts() -> tuple[bytes, bytes, bytes]:
    """Head, one repeated filler chunk (whole paragraphs, so UTF-8 is never cut), tail: shared by all requests."""
    head, _, tail = _page_of("hugepage", "สถิติฉบับเต็ม", "\0", [("/statistics", "สถิติ")]).partition("\0")
    chunk = _HUGE_PARAGRAPH * (_HUGE_CHUNK_BYTES // len(_HUGE_PARAGRAPH))
    return head.encode(), chunk, tail.encode()


async def huge_page(request: web.Request) -> web.StreamResponse:
    """Exactly HUGE_PAGE_BYTES of HTML (announced in Content-Length), streamed from one shared chunk."""
    if request.path == "/robots.txt":
        return robots_response()
    head, chunk, tail = _huge_parts()
    filler = HUGE_PAGE_BYTES - len(head) - len(tail)
    response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
    response.content_length = HUGE_PAGE_BYTES
    await response.prepare(request)
    if request.method == "HEAD":
        return response
    try:
        await response.write(head)
        for _ in range(filler // len(chunk)):
            await response.write(chunk)
        await response.write(b" " * (filler % len(chunk)))
        await response.write(tail)
    except ConnectionError:  # the client stopped at its size cap
        pass
    return response


# The bomb: a gzip member (RFC 1952) whose deflate stream is a short HTML head, then the same full-flushed
# block of zeros repeated. After a Z_FULL_FLUSH the compressor starts from an empty window, so every block of
# zeros compresses to identical bytes: compress one block, repeat it (no 1 GiB deflate run, ~0.3 s for the CRC).
BOMB_HEAD = '<!DOCTYPE html><html lang="th"><head><title>ข้อมูลบีบอัด</title></head><body><pre>'.encode()
_BOMB_BLOCK_BYTES = 16 * 1024 * 1024
_bomb_lock = threading.Lock()


@cache
def _gzip_bomb_unlocked() -> bytes:
    raw = -zlib.MAX_WBITS  # raw deflate: the gzip header and trailer are written here

    def flushed(data: bytes) -> bytes:
        compressor = zlib.compressobj(9, zlib.DEFLATED, raw)
        return compressor.compress(data) + compressor.flush(zlib.Z_FULL_FLUSH)

    zeros = bytes(_BOMB_BLOCK_BYTES)
    blocks = BOMB_INFLATED_BYTES // _BOMB_BLOCK_BYTES
    crc = zlib.crc32(BOMB_HEAD)
    for _ in range(blocks):
        crc = zlib.crc32(zeros, crc)
    final_block = zlib.compressobj(9, zlib.DEFLATED, raw).flush()  # an empty final block ends the stream
    inflated = len(BOMB_HEAD) + BOMB_INFLATED_BYTES
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # magic, deflate, no flags, mtime 0, max compression
    trailer = crc.to_bytes(4, "little") + (inflated % 2**32).to_bytes(4, "little")
    return b"".join((header, flushed(BOMB_HEAD), flushed(zeros) * blocks, final_block, trailer))


def gzip_bomb_body() -> bytes:
    """The bomb's compressed bytes (~1 MB), computed once on first use; inflates to BOMB_HEAD + 1 GiB of zeros."""
    with _bomb_lock:  # requests that arrive during the first computation wait for it instead of repeating it
        return _gzip_bomb_unlocked()


async def gzip_bomb(request: web.Request) -> web.StreamResponse:
    """A ~1 MB body with Content-Encoding: gzip that inflates to over 1 GiB."""
    if request.path == "/robots.txt":
        return robots_response()
    body = await asyncio.to_thread(gzip_bomb_body)  # the first call computes for ~0.3 s: off the event loop
    headers = {"Content-Encoding": "gzip", "Content-Type": "text/html; charset=utf-8", "Vary": "Accept-Encoding"}
    return web.Response(body=body, headers=headers)


# --- Broken connections and error statuses -----------------------------------------------------------------


async def connection_reset(request: web.Request) -> web.StreamResponse:
    """Headers announcing 4 KiB, about 200 bytes of page, then a TCP reset (RST, not a clean close)."""
    if request.path == "/robots.txt":
        return robots_response()
    text = _page_of("connreset", "หน้าแรก", "<p>" + "ข้อมูลบริการประชาชน " * 60 + "</p>")
    response = web.StreamResponse(headers={"Content-Type": "text/html; charset=utf-8"})
    response.content_length = 4096
    await response.prepare(request)
    transport = request.transport
    if request.method == "HEAD" or transport is None:
        return response
    try:
        await response.write(text.encode()[:200])
    except ConnectionError:  # the client left first: nothing left to reset
        return response
    raw_socket = transport.get_extra_info("socket")
    if raw_socket is not None:
        # SO_LINGER on, timeout 0: close() sends RST instead of FIN (the classic way to reset; see socket(7)).
        raw_socket.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()
    return response


_SERVER_ERRORS = (
    (500, "ข้อผิดพลาดภายในเซิร์ฟเวอร์", "Internal Server Error"),
    (502, "เกตเวย์ไม่ถูกต้อง", "Bad Gateway"),
    (503, "ระบบปิดปรับปรุงชั่วคราว", "Service Unavailable"),
)


async def server_error_storm(request: web.Request) -> web.StreamResponse:
    """Every page is a 500, 502 or 503 (chosen by path, so a retry gets the same answer); no Retry-After."""
    if request.path == "/robots.txt":
        return robots_response()
    status, thai, english = _SERVER_ERRORS[zlib.crc32(request.path_qs.encode()) % len(_SERVER_ERRORS)]
    body = f"<h1>{status} {thai}</h1><p lang='en'>{english}</p><p>กรุณาลองใหม่ภายหลัง</p>"
    return html_response(_page_of("servererror", f"{status} {english}", body, [("/", "หน้าแรก")]), status=status)


async def rate_limited(request: web.Request) -> web.StreamResponse:
    """Every page is 429 Too Many Requests with Retry-After (RFC 6585 §4, RFC 9110 §10.2.3)."""
    if request.path == "/robots.txt":
        return robots_response()
    body = "<h1>429 คำขอมากเกินไป</h1><p>กรุณารอสักครู่แล้วลองใหม่</p>"
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return html_response(_page_of("ratelimited", "Too Many Requests", body), status=429, headers=headers)


# --- Pages that are hard to read ---------------------------------------------------------------------------

# Hand-broken markup, the way old CMS templates break it: unclosed <p>/<li>/<td>, <b><i> closed in the wrong
# order, a <div> closed twice, unquoted and duplicated attributes, a table inside a paragraph, text after
# </html>. A lenient parser (lxml/libxml2, or WHATWG tree construction) still recovers the title and every link;
# only the text after </html> differs (libxml2 drops it, browsers keep it), so no link is placed there.
_BROKEN_TEMPLATE = """<html><head>
<title>{title} - กรมระบบงานเดิม</title>
<meta http-equiv=Content-Type content="text/html; charset=utf-8">
<body bgcolor=#ffffff>
<div id=header><a href=/ class=logo class=home>กรมระบบงานเดิม<img src=/logo.gif></a>
<div id=menu><ul>
<li><a href=/about>เกี่ยวกับหน่วยงาน
<li><a href="/news">ข่าวประชาสัมพันธ์</a>
<li><a href='/contact'>ติดต่อเรา
</ul></div></div></div>
<p><b><i>{title}</b></i>
<p>ประกาศ <font color=red>ด่วน<table><tr><td>ลำดับ<td>เรื่อง<tr><td>1<td><a href=/news/1>ประกาศรับสมัครงาน</a>
</table>
<div class=footer><span>ไม่ได้ปิดแท็ก <a href=/privacy>นโยบายคุ้มครองข้อมูลส่วนบุคคล</a>
</html>
<p>ข้อความหลังแท็กปิด html (libxml2 ทิ้งส่วนนี้ เบราว์เซอร์เก็บไว้)
"""
BROKEN_PAGES = {
    "/": "หน้าแรก",
    "/about": "เกี่ยวกับหน่วยงาน",
    "/news": "ข่าวประชาสัมพันธ์",
    "/news/1": "ประกาศรับสมัครงาน",
    "/contact": "ติดต่อเรา",
    "/privacy": "นโยบายคุ้มครองข้อมูลส่วนบุคคล",
}


async def broken_html(request: web.Request) -> web.StreamResponse:
    """Malformed markup (unclosed tags, bad nesting, content after </html>) that still has a title and links."""
    if request.path == "/robots.txt":
        return robots_response()
    title = BROKEN_PAGES.get(request.path)
    status = 200 if title else 404
    text = _BROKEN_TEMPLATE.format(title=title or "ไม่พบหน้า")
    return web.Response(text=text, status=status, content_type="text/html", charset="utf-8")


TIS620_PAGES = {
    "/": ("หน้าแรก", "ยินดีต้อนรับสู่เว็บไซต์สำนักงานมาตรฐานรหัสอักขระไทย ข้อมูลข่าวสารสำหรับประชาชน"),
    "/about": ("เกี่ยวกับหน่วยงาน", "ประวัติความเป็นมา วิสัยทัศน์ พันธกิจ และโครงสร้างองค์กร"),
    "/news": ("ข่าวประชาสัมพันธ์", "ประกาศ ณ วันที่ ๑ มกราคม พ.ศ. ๒๕๖๘ เรื่องการให้บริการ"),
    "/contact": ("ติดต่อเรา", "โทรศัพท์ ๐ ๒๒๒๒ ๒๒๒๒ ในวันและเวลาราชการ"),
    "/privacy": ("นโยบายคุ้มครองข้อมูลส่วนบุคคล", "หน่วยงานเคารพสิทธิความเป็นส่วนตัวของผู้ใช้บริการ"),
}


async def tis620_no_charset(request: web.Request) -> web.StreamResponse:
    """Thai pages encoded in TIS-620 (cp874), Content-Type text/html without charset, and no <meta charset>."""
    if request.path == "/robots.txt":
        return robots_response()
    title, text = TIS620_PAGES.get(request.path, ("ไม่พบหน้า", "ไม่พบหน้าที่ท่านต้องการ"))
    name_th, name_en = _NAMES["tis620"]
    links = [("/about", "เกี่ยวกับหน่วยงาน"), ("/news", "ข่าวประชาสัมพันธ์")]
    markup = page(name_th, name_en, title, f"<h1>{title}</h1><p>{text}</p>", links, charset_meta=False)
    status = 200 if request.path in TIS620_PAGES else 404
    # Set the header by hand: aiohttp's content_type/charset arguments would add "; charset=…".
    return web.Response(body=markup.encode("cp874"), status=status, headers={"Content-Type": "text/html"})


# --- Sites that keep the collector out ---------------------------------------------------------------------

_NOROBOTS_PAGES = {
    "/": ("หน้าแรก", "<p>ยินดีต้อนรับ</p>"),
    "/about": ("เกี่ยวกับหน่วยงาน", "<p>ภารกิจของสำนักงาน</p>"),
    "/news": ("ข่าวประชาสัมพันธ์", "<p>ไม่มีข่าวใหม่</p>"),
    "/contact": ("ติดต่อเรา", "<p>โทรศัพท์ ๐ ๒๒๒๒ ๒๒๒๒</p>"),
    "/privacy": ("นโยบายคุ้มครองข้อมูลส่วนบุคคล", "<p>นโยบายความเป็นส่วนตัว</p>"),
}


async def robots_disallow_all(request: web.Request) -> web.StreamResponse:
    """robots.txt disallows everything; behind it, a small ordinary site a polite crawler never sees."""
    if request.path == "/robots.txt":
        return robots_response(ROBOTS_DISALLOW_ALL)
    title, body = _NOROBOTS_PAGES.get(request.path, ("ไม่พบหน้า", "<p>ไม่พบหน้า</p>"))
    links = [("/about", "เกี่ยวกับหน่วยงาน"), ("/news", "ข่าวประชาสัมพันธ์")]
    status = 200 if request.path in _NOROBOTS_PAGES else 404
    return html_response(_page_of("norobots", title, body, links), status=status)


_LOGIN_FORM = """<h1>เข้าสู่ระบบ</h1>{error}
<form method="post" action="/login">
<input type="hidden" name="next" value="{next}">
<label for="username">ชื่อผู้ใช้</label> <input id="username" name="username" autocomplete="username" required>
<label for="password">รหัสผ่าน</label> <input id="password" name="password" type="password" required>
<button type="submit">เข้าสู่ระบบ</button>
</form>"""


async def login_wall(request: web.Request) -> web.StreamResponse:
    """Every page redirects to /login (a password form); no credentials are ever accepted."""
    if request.path == "/robots.txt":
        return robots_response()
    if request.path != "/login":
        return _redirect("/login?" + urlencode({"next": request.path_qs}))
    target = request.query.get("next", "/")
    error = ""
    if request.method == "POST":  # a 200 with the form again, as most real sites answer a failed login
        form = await request.post()
        target = str(form.get("next", "/"))
        error = '<p role="alert">ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง</p>'
    body = _LOGIN_FORM.format(error=error, next=html.escape(target))
    return html_response(_page_of("loginwall", "เข้าสู่ระบบ", body))


# The whole page is written by the script; without JavaScript the body is an empty <div>. Thai text is in the
# script as \\u escapes (as bundlers emit it), so not even a grep of the raw HTML finds the content.
_JS_SHELL = """<!DOCTYPE html>
<html lang="th"><head><meta charset="utf-8"><title>{title}</title></head>
<body><div id="app"></div>
<script>
(function () {{
  var pages = {pages};
  var path = window.location.pathname;
  var here = pages[path] || ["{missing}", ""];
  var nav = Object.keys(pages).map(function (href) {{
    return '<li><a href="' + href + '">' + pages[href][0] + '</a></li>';
  }}).join("");
  document.title = here[0] + " - {name_th}";
  document.getElementById("app").innerHTML =
    '<header><a href="/">{name_th}</a></header><nav><ul>' + nav + '</ul></nav>' +
    '<main><h1>' + here[0] + '</h1><p>' + here[1] + '</p></main>';
}})();
</script>
</body></html>
"""
JS_ONLY_PAGES = {
    "/": ("หน้าแรก", "ยินดีต้อนรับสู่บริการอิเล็กทรอนิกส์"),
    "/services": ("บริการอิเล็กทรอนิกส์", "ยื่นคำร้องออนไลน์ได้ตลอด 24 ชั่วโมง"),
    "/news": ("ข่าวประชาสัมพันธ์", "ประกาศผลการคัดเลือก"),
    "/contact": ("ติดต่อเรา", "โทรศัพท์ ๐ ๒๒๒๒ ๒๒๒๒"),
}


def _js_string(text: str) -> str:
    """A JavaScript string literal with everything but plain ASCII as \\u escapes."""
    safe = (ch if (ch.isascii() and ch.isalnum()) or ch in " .-/" else f"\\u{ord(ch):04x}" for ch in text)
    return '"' + "".join(safe) + '"'


@cache
def _js_shell() -> str:
    pages = (
        "{"
        + ", ".join(
            f"{_js_string(href)}: [{_js_string(title)}, {_js_string(text)}]"
            for href, (title, text) in JS_ONLY_PAGES.items()
        )
        + "}"
    )
    name_th = _NAMES["jsonly"][0]
    name_js = _js_string(name_th)[1:-1]
    return _JS_SHELL.format(pages=pages, title=html.escape(name_th), name_th=name_js, missing="404")


async def js_only(request: web.Request) -> web.StreamResponse:
    """Every page is an empty shell whose content and links exist only after the script runs."""
    if request.path == "/robots.txt":
        return robots_response()
    return html_response(_js_shell())


# --- Endless URL spaces ------------------------------------------------------------------------------------

_SORTS = ("date", "title", "relevance")
_PAGE_NUMBER = re.compile(r"\d{1,9}")


def _query_token(query_string: str) -> str:
    """A "random" session-like token that differs for every query, yet is reproducible (no real randomness)."""
    return hashlib.sha256(query_string.encode()).hexdigest()[:10]


async def query_trap(request: web.Request) -> web.StreamResponse:
    """Search results whose links vary page, sort and a fresh token: every page links to URLs never seen before."""
    if request.path == "/robots.txt":
        return robots_response()
    raw_page = request.query.get("page", "1")
    number = int(raw_page) if _PAGE_NUMBER.fullmatch(raw_page) else 1
    sort = request.query.get("sort", "date")
    token = _query_token(request.query_string)
    links = [
        (f"/search?{urlencode({'page': number + 1, 'sort': sort, 's': token})}", "หน้าถัดไป"),
        *(
            (f"/search?{urlencode({'page': number, 'sort': other, 's': token})}", f"เรียงตาม {other}")
            for other in _SORTS
        ),
    ]
    if number > 1:
        links.append((f"/search?{urlencode({'page': number - 1, 'sort': sort, 's': token})}", "หน้าก่อนหน้า"))
    body = f"<h1>ผลการค้นหา หน้า {number}</h1><p>ผลการค้นหาเรียงตาม {html.escape(sort)}</p>"
    return html_response(_page_of("querytrap", f"ผลการค้นหา หน้า {number}", body, links))


DEEP_PATH_MAX_CHARS = 2000  # longer paths get 414 URI Too Long (RFC 9110 §15.5.15): the server stays bounded


async def deep_path(request: web.Request) -> web.StreamResponse:
    """Every page links relatively to ``more/`` and ``item/``: paths grow one segment deeper on every hop."""
    if request.path == "/robots.txt":
        return robots_response()
    if len(request.path) > DEEP_PATH_MAX_CHARS:
        return html_response(_page_of("deeppath", "414", "<p>URI Too Long</p>"), status=414)
    depth = request.path.count("/")
    links = [("more/", "เอกสารเพิ่มเติม"), ("item/", "รายการย่อย")]
    body = f"<h1>เอกสารชั้นที่ {depth}</h1><p>{html.escape(request.path)}</p>"
    return html_response(_page_of("deeppath", f"ชั้นที่ {depth}", body, links))


# --- The table ---------------------------------------------------------------------------------------------


def _site(slug: str, behaviour: str, expected_class: str, expected_handling: str, handler: Handler) -> HostileSite:
    name_th, name_en = _NAMES[slug]
    return HostileSite(
        slug, f"www.{slug}.test", name_th, name_en, behaviour, expected_class, expected_handling, handler
    )


HOSTILE_SITES: tuple[HostileSite, ...] = (
    _site(
        "slowdrip",
        f"Headers and the first byte at once, then 1 byte every {DRIP_INTERVAL_SECONDS} s (ends within "
        f"{DRIP_MAX_SECONDS:.0f} s).",
        "timeout",
        "Abort the download at the per-page time limit, record a timeout, and move on without retrying it forever.",
        slow_drip,
    ),
    _site(
        "slowstart",
        f"No response at all (not even headers) for {STALL_SECONDS:.0f} s, then a normal page.",
        "timeout",
        "Give up at the per-page time limit and record a timeout instead of holding a slot for the whole stall.",
        slow_start,
    ),
    _site(
        "calendar",
        "Event calendar whose month pages link to the previous and next month and year, without end.",
        "url_trap",
        "Stop at the per-site URL cap (or depth cap) and record the site as a URL trap; never crawl it exhaustively.",
        endless_calendar,
    ),
    _site(
        "redirectloop",
        "/ → /loop/a → /loop/b → /loop/a … (a two-URL redirect cycle, 301 then 302).",
        "redirect_loop",
        "Detect the repeated URL (or hit the redirect cap) and record a redirect loop after a few hops.",
        redirect_loop,
    ),
    _site(
        "redirectchain",
        f"/ → /hop/1 → /hop/2 → … never repeating a URL (a page only after {REDIRECT_CHAIN_MAX} hops).",
        "too_many_redirects",
        "Stop at the redirect cap (e.g. 10 hops) and record too many redirects; URL-repeat detection alone misses it.",
        redirect_chain,
    ),
    _site(
        "hugepage",
        f"Every page is {HUGE_PAGE_BYTES // 2**20} MiB of valid HTML, announced in Content-Length.",
        "too_large",
        "Refuse or cut the body at the response-size cap (from Content-Length, before downloading) and record it.",
        huge_page,
    ),
    _site(
        "gzipbomb",
        f"~1 MB body with Content-Encoding: gzip that inflates to {BOMB_INFLATED_BYTES // 2**30} GiB of zeros.",
        "decompression_bomb",
        "Inflate incrementally and stop at the decompressed-size cap, recording it without ever holding the 1 GiB.",
        gzip_bomb,
    ),
    _site(
        "brokenhtml",
        "Malformed HTML: unclosed tags, bad nesting, duplicate attributes, content after </html>.",
        "parse_recovered",
        "Parse leniently (HTML5 rules) and still extract the title and every link; no page is lost to a parse error.",
        broken_html,
    ),
    _site(
        "tis620",
        "Thai pages in TIS-620 (cp874), Content-Type text/html without charset and no <meta charset>.",
        "charset_detected",
        "Detect the Thai single-byte encoding (not UTF-8, not Latin-1) and store correctly decoded Thai text.",
        tis620_no_charset,
    ),
    _site(
        "connreset",
        "Headers announcing 4 KiB, ~200 bytes of page, then a TCP reset.",
        "connection_reset",
        "Record a connection reset (retry at most once or twice) and keep crawling the other sites.",
        connection_reset,
    ),
    _site(
        "servererror",
        "Every page answers 500, 502 or 503 (by path), no Retry-After; robots.txt is fine.",
        "server_error",
        "Retry a small number of times with back-off, then give up on the site after a few consecutive 5xx.",
        server_error_storm,
    ),
    _site(
        "ratelimited",
        f"Every page answers 429 Too Many Requests with Retry-After: {RETRY_AFTER_SECONDS}.",
        "rate_limited",
        "Honour Retry-After up to a cap (slow down for the host), then record the site as rate-limited.",
        rate_limited,
    ),
    _site(
        "norobots",
        "robots.txt says Disallow: / for every user agent; an ordinary small site is behind it.",
        "blocked_by_robots",
        "Fetch robots.txt only, fetch no other page, and record that robots.txt disallows the crawl.",
        robots_disallow_all,
    ),
    _site(
        "loginwall",
        "Every page redirects to /login, a username/password form that never accepts anything.",
        "login_wall",
        "Record the login wall (a password form after a redirect) and do not submit the form or guess credentials.",
        login_wall,
    ),
    _site(
        "jsonly",
        "Every page is an empty <div> plus a script that writes the content and links.",
        "js_only",
        "Notice the empty text without JavaScript and hand the site to the browser check instead of scoring it empty.",
        js_only,
    ),
    _site(
        "privateredirect",
        f"Every page redirects (302) to {PRIVATE_REDIRECT_TARGET}.",
        "blocked_address",
        "Refuse to follow the redirect to a link-local address (SSRF guard) and record the refusal as a fact.",
        private_redirect,
    ),
    _site(
        "querytrap",
        "Search results linking ?page=N&sort=…&s=<token>: a new token, so new URLs, on every page.",
        "url_trap",
        "Cap URLs per site (and query variants per path), record a URL trap, and keep the crawl bounded.",
        query_trap,
    ),
    _site(
        "deeppath",
        "Every page links relatively to more/ and item/, so paths grow one segment deeper on every hop.",
        "url_trap",
        "Stop at the depth cap (or per-site URL cap) and record a URL trap.",
        deep_path,
    ),
)


def hostile_by_host() -> dict[str, HostileSite]:
    """Host name (lower case, no port) → hostile site; a fresh dict on every call."""
    return {site.host: site for site in HOSTILE_SITES}
