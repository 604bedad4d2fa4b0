"""The testbed's hostile sites misbehave exactly as their table says, seen through a real HTTP client.

A small aiohttp app on loopback dispatches on the Host header to ``hostile_by_host()``, as the testbed server
does; the client resolves every ``.test`` name to that loopback port (nothing else resolves).
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
import lxml.etree
import lxml.html
import pytest
import trustme
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from egov_crawl.testbed.hostile import (
    BOMB_HEAD,
    BOMB_INFLATED_BYTES,
    HOSTILE_SITES,
    HUGE_PAGE_BYTES,
    PRIVATE_REDIRECT_TARGET,
    hostile_by_host,
)

KNOWN_CLASSES = {
    "timeout", "redirect_loop", "too_many_redirects", "too_large", "decompression_bomb", "connection_reset",
    "server_error", "rate_limited", "blocked_by_robots", "login_wall", "js_only", "blocked_address", "url_trap",
    "parse_recovered", "charset_detected", "ok",
}  # fmt: skip


async def dispatch(request: web.Request) -> web.StreamResponse:
    site = hostile_by_host().get((request.url.host or "").lower())
    if site is None:
        return web.Response(status=421, text="misdirected")  # RFC 9110 §15.5.20
    return await site.handler(request)


class LoopbackResolver(AbstractResolver):
    """Every ``*.test`` name is 127.0.0.1 (port kept); anything else does not exist."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if not host.endswith(".test"):
            raise OSError(f"{host} is not a testbed name")
        return [{"hostname": host, "host": "127.0.0.1", "port": port, "family": socket.AF_INET, "proto": 0, "flags": 0}]

    async def close(self) -> None:
        return None


@dataclass
class HostileBed:
    client: aiohttp.ClientSession
    http_port: int
    https_port: int

    def url(self, host: str, path: str = "/", *, https: bool = False) -> str:
        return f"https://{host}:{self.https_port}{path}" if https else f"http://{host}:{self.http_port}{path}"


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@asynccontextmanager
async def serve_hostile(ca: trustme.CA) -> AsyncIterator[HostileBed]:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", dispatch)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
    await runner.setup()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*(site.host for site in HOSTILE_SITES)).configure_cert(server_context)
    sites = [web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context) for context in (None, server_context)]
    for site in sites:
        await site.start()
    ports = [site._server.sockets[0].getsockname()[1] for site in sites]  # type: ignore[union-attr]
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    connector = aiohttp.TCPConnector(resolver=LoopbackResolver(), ssl=client_context, force_close=True)
    try:
        async with aiohttp.ClientSession(connector=connector) as client:
            yield HostileBed(client, *ports)
    finally:
        await runner.cleanup()


def run(ca: trustme.CA, scenario: Callable[[HostileBed], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        async with serve_hostile(ca) as bed:
            return await scenario(bed)

    return asyncio.run(main())


def host(slug: str) -> str:
    return f"www.{slug}.test"


def links_of(body: bytes | str, base: str) -> set[str]:
    document = lxml.html.fromstring(body, base_url=base)
    document.make_links_absolute(base)
    return {str(URL(link).with_fragment(None)) for _, attribute, link, _ in document.iterlinks() if attribute == "href"}


# --- The table ---------------------------------------------------------------------------------------------


def test_the_table_has_at_least_fifteen_distinct_hostile_sites_on_test_hosts() -> None:
    assert len(HOSTILE_SITES) >= 15
    assert len({site.slug for site in HOSTILE_SITES}) == len(HOSTILE_SITES)
    assert hostile_by_host() == {site.host: site for site in HOSTILE_SITES}
    for site in HOSTILE_SITES:
        assert site.host.endswith(".test") and site.host == site.host.lower()
        assert site.expected_class in KNOWN_CLASSES, site
        assert any("\u0e00" <= ch <= "\u0e7f" for ch in site.name_th), site.name_th
        assert site.behaviour and site.expected_handling and site.name_en


def test_robots_txt_allows_everything_except_on_the_robots_site(ca: trustme.CA) -> None:
    async def scenario(bed: HostileBed) -> dict[str, tuple[int, str]]:
        answers = {}
        for site in HOSTILE_SITES:
            async with bed.client.get(bed.url(site.host, "/robots.txt")) as response:
                answers[site.slug] = (response.status, await response.text())
        async with bed.client.get(bed.url(host("norobots"))) as home:
            answers["norobots home"] = (home.status, await home.text())
        return answers

    answers = run(ca, scenario)
    assert answers.pop("norobots") == (200, "User-agent: *\nDisallow: /\n")
    status, home = answers.pop("norobots home")
    assert status == 200 and "สำนักงานเลขานุการส่วนตัว" in home  # a normal site is behind the robots.txt
    assert all(answer == (200, "User-agent: *\nAllow: /\n") for answer in answers.values()), answers


# --- Redirects ---------------------------------------------------------------------------------------------


async def redirect_hops(bed: HostileBed, start: str, hops: int) -> list[str]:
    """Follow Location by hand (never automatically) and return the URLs visited."""
    visited = [start]
    for _ in range(hops):
        async with bed.client.get(visited[-1], allow_redirects=False) as response:
            assert response.status in (301, 302), response.status
            visited.append(str(URL(visited[-1]).join(URL(response.headers["Location"]))))
    return visited


def test_redirect_loop_cycles_between_two_urls_and_trips_a_redirect_cap(ca: trustme.CA) -> None:
    async def scenario(bed: HostileBed) -> tuple[list[str], BaseException | None]:
        visited = await redirect_hops(bed, bed.url(host("redirectloop")), 6)
        try:
            await bed.client.get(bed.url(host("redirectloop")), max_redirects=10)
        except aiohttp.TooManyRedirects as error:
            return visited, error
        return visited, None

    visited, error = run(ca, scenario)
    assert len(set(visited[1:])) == 2 and visited[1] == visited[3] == visited[5]
    assert isinstance(error, aiohttp.TooManyRedirects)


def test_redirect_chain_never_repeats_a_url(ca: trustme.CA) -> None:
    visited = run(ca, lambda bed: redirect_hops(bed, bed.url(host("redirectchain")), 25))
    assert len(set(visited)) == len(visited) == 26


def test_private_redirect_points_at_the_metadata_address(ca: trustme.CA) -> None:
    async def scenario(bed: HostileBed) -> list[tuple[int, str]]:
        answers = []
        for path in ("/", "/about", "/e-service?id=1"):
            async with bed.client.get(bed.url(host("privateredirect"), path), allow_redirects=False) as response:
                answers.append((response.status, response.headers["Location"]))  # never followed
        return answers

    for status, location in run(ca, scenario):
        assert status == 302 and location == PRIVATE_REDIRECT_TARGET
        assert URL(location).host == "169.254.169.254"


# --- Broken connections and error statuses -----------------------------------------------------------------


@pytest.mark.parametrize("https", [False, True], ids=["http", "https"])
def test_connection_reset_is_a_client_error(ca: trustme.CA, https: bool) -> None:
    async def scenario(bed: HostileBed) -> BaseException | None:
        try:
            async with bed.client.get(bed.url(host("connreset"), https=https)) as response:
                await response.read()
        except aiohttp.ClientError as error:
            return error
        return None

    error = run(ca, scenario)
    assert isinstance(error, aiohttp.ClientError)
    assert "Connection reset" in str(error)  # an RST (ECONNRESET), not a clean close


def test_server_error_storm_answers_only_5xx(ca: trustme.CA) -> None:
    async def scenario(bed: HostileBed) -> list[int]:
        statuses = []
        for path in ("/", "/about", "/news", "/contact", "/privacy", "/news?page=2", "/e-service"):
            async with bed.client.get(bed.url(host("servererror"), path)) as response:
                statuses.append(response.status)
        return statuses

    statuses = run(ca, scenario)
    assert set(statuses) <= {500, 502, 503} and len(set(statuses)) >= 2, statuses


def test_rate_limited_site_answers_429_with_retry_after(ca: trustme.CA) -> None:
    async def scenario(bed: HostileBed) -> tuple[int, str | None]:
        async with bed.client.get(bed.url(host("ratelimited"), "/news")) as response:
            return response.status, response.headers.get("Retry-After")

    status, retry_after = run(ca, scenario)
    assert status == 429
    assert retry_after is not None and retry_after.isdigit() and int(retry_after) > 0  # RFC 9110 §10.2.3 delay


# --- Big bodies --------------------------------------------------------------------------------------------


def test_gzip_bomb_is_small_on_the_wire_and_inflates_far_beyond_it(ca: trustme.CA) -> None:
    async def scenario(bed: HostileBed) -> tuple[str | None, bytes]:
        connector = aiohttp.TCPConnector(resolver=LoopbackResolver())
        async with (
            aiohttp.ClientSession(connector=connector, auto_decompress=False) as raw,
            raw.get(bed.url(host("gzipbomb"))) as response,
        ):
            return response.headers.get("Content-Encoding"), await response.read()

    encoding, compressed = run(ca, scenario)
    assert encoding == "gzip"
    assert len(compressed) < 2 * 1024 * 1024
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    prefix = inflater.decompress(compressed, 4 * 1024 * 1024)  # a bounded prefix only: never the whole GiB
    assert len(prefix) == 4 * 1024 * 1024 and prefix.startswith(BOMB_HEAD)
    assert prefix[len(BOMB_HEAD) :].count(0) == len(prefix) - len(BOMB_HEAD)
    assert inflater.unconsumed_tail  # there is much more to come
    announced = int.from_bytes(compressed[-4:], "little")  # gzip ISIZE, RFC 1952 §2.3.1
    assert announced == len(BOMB_HEAD) + BOMB_INFLATED_BYTES >= 1024 * len(compressed)


def test_huge_page_serves_exactly_the_announced_size(ca: trustme.CA) -> None:
    async def scenario(bed: HostileBed) -> tuple[int | None, int, bytes, bytes]:
        async with bed.client.get(bed.url(host("hugepage"))) as response:
            received, first, last = 0, b"", b""
            async for chunk in response.content.iter_chunked(256 * 1024):
                first = first or chunk
                received, last = received + len(chunk), chunk
            return response.content_length, received, first, last

    announced, received, first, last = run(ca, scenario)
    assert announced == received == HUGE_PAGE_BYTES
    assert first.startswith(b"<!DOCTYPE html>") and last.endswith(b"</html>\n")


# --- Pages that are hard to read ---------------------------------------------------------------------------


def test_tis620_page_has_no_charset_and_decodes_only_as_thai_cp874(ca: trustme.CA) -> None:
    async def scenario(bed: HostileBed) -> tuple[str, bytes]:
        async with bed.client.get(bed.url(host("tis620"), "/about")) as response:
            return response.headers["Content-Type"], await response.read()

    content_type, body = run(ca, scenario)
    assert content_type == "text/html"
    assert b"charset" not in body.lower()
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = body.decode("cp874")
    assert "<title>เกี่ยวกับหน่วยงาน - สำนักงานมาตรฐานรหัสอักขระไทย</title>" in text
    assert body.decode("tis-620") == text


def test_broken_html_is_not_well_formed_yet_keeps_its_title_and_links(ca: trustme.CA) -> None:
    async def scenario(bed: HostileBed) -> tuple[str, bytes]:
        url = bed.url(host("brokenhtml"))
        async with bed.client.get(url) as response:
            return url, await response.read()

    url, body = run(ca, scenario)
    with pytest.raises(lxml.etree.XMLSyntaxError):
        lxml.etree.fromstring(body)
    document = lxml.html.fromstring(body)
    assert document.findtext(".//title") == "หน้าแรก - กรมระบบงานเดิม"
    paths = {URL(link).path for link in links_of(body, url)}
    assert {"/", "/about", "/news", "/contact", "/news/1", "/privacy"} <= paths


def test_js_only_page_has_no_text_or_links_without_javascript(ca: trustme.CA) -> None:
    async def scenario(bed: HostileBed) -> tuple[int, bytes]:
        async with bed.client.get(bed.url(host("jsonly"), "/services")) as response:
            return response.status, await response.read()

    status, body = run(ca, scenario)
    document = lxml.html.fromstring(body)
    scripts = document.findall(".//script")
    assert status == 200 and scripts and "innerHTML" in (scripts[0].text or "")
    for script in scripts:
        script.drop_tree()
    assert document.body.text_content().strip() == ""
    assert document.findall(".//a") == []
    assert "\\u0e1a\\u0e23\\u0e34\\u0e01\\u0e32\\u0e23" in body.decode()  # "บริการ", only inside the script


# --- Endless URL spaces ------------------------------------------------------------------------------------


async def walk_trap(bed: HostileBed, start: str, trap_prefix: str, pages: int) -> list[int]:
    """Breadth-first over ``pages`` pages of the trap (links whose path starts with ``trap_prefix``), from the
    home page; per page, how many of its trap links were never seen before."""
    seen, queue = {start}, [start]
    fresh_per_page: list[int] = []
    while queue and len(fresh_per_page) < pages:
        url = queue.pop(0)
        async with bed.client.get(url, allow_redirects=False) as response:
            assert response.status == 200, (url, response.status)
            links = links_of(await response.read(), url)
        fresh = {link for link in links if URL(link).path.startswith(trap_prefix)} - seen
        fresh_per_page.append(len(fresh))
        seen |= fresh
        queue.extend(sorted(fresh))
    return fresh_per_page


@pytest.mark.parametrize(
    ("slug", "trap_prefix"), [("calendar", "/calendar/"), ("querytrap", "/search"), ("deeppath", "/more/")]
)
def test_url_traps_yield_new_urls_on_every_page(ca: trustme.CA, slug: str, trap_prefix: str) -> None:
    fresh_per_page = run(ca, lambda bed: walk_trap(bed, bed.url(host(slug)), trap_prefix, 40))
    assert len(fresh_per_page) == 40
    assert all(fresh >= 1 for fresh in fresh_per_page), fresh_per_page


def test_calendar_pages_link_to_the_neighbouring_months(ca: trustme.CA) -> None:
    async def scenario(bed: HostileBed) -> tuple[str, set[str]]:
        url = bed.url(host("calendar"), "/calendar/2568/12")
        async with bed.client.get(url) as response:
            body = await response.text()
        return body, {URL(link).path for link in links_of(body, url)}

    body, paths = run(ca, scenario)
    assert "ธันวาคม พ.ศ. 2568" in body
    assert {"/calendar/2568/11", "/calendar/2569/01", "/calendar/2567/12", "/calendar/2569/12"} <= paths


# --- Slow responses ----------------------------------------------------------------------------------------


def test_slow_drip_sends_a_first_byte_then_stalls(ca: trustme.CA) -> None:
    async def scenario(bed: HostileBed) -> tuple[int, bytes]:
        async with bed.client.get(bed.url(host("slowdrip"))) as response:
            received = b""

            async def read_all() -> None:
                nonlocal received
                async for chunk in response.content.iter_any():
                    received += chunk

            with pytest.raises(TimeoutError):
                await asyncio.wait_for(read_all(), timeout=1.0)
            return response.status, received

    status, received = run(ca, scenario)
    assert status == 200
    # Dripping at one byte per half second, a second's read gets a handful of bytes, not the ~100-byte page.
    assert 1 <= len(received) < 10 and b"<!DOCTYPE html>".startswith(received)


def test_slow_start_sends_no_headers_within_a_second(ca: trustme.CA) -> None:
    async def scenario(bed: HostileBed) -> BaseException | None:
        try:
            async with bed.client.get(bed.url(host("slowstart")), timeout=aiohttp.ClientTimeout(total=1.0)):
                return None
        except TimeoutError as error:
            return error

    assert isinstance(run(ca, scenario), TimeoutError)


# --- Sites that keep the collector out ---------------------------------------------------------------------


def test_login_wall_redirects_every_page_to_a_password_form(ca: trustme.CA) -> None:
    async def scenario(bed: HostileBed) -> tuple[int, str, str, int, str]:
        async with bed.client.get(bed.url(host("loginwall"), "/news?id=7"), allow_redirects=False) as redirect:
            location = redirect.headers["Location"]
        async with bed.client.get(bed.url(host("loginwall"), location)) as form:
            form_body = await form.text()
        data = {"username": "guest", "password": "guess", "next": "/news?id=7"}
        async with bed.client.post(bed.url(host("loginwall"), "/login"), data=data) as refused:
            return redirect.status, location, form_body, refused.status, await refused.text()

    status, location, form_body, refused_status, refused_body = run(ca, scenario)
    assert status == 302 and URL(location).path == "/login" and URL(location).query["next"] == "/news?id=7"
    form = lxml.html.fromstring(form_body).forms[0]
    assert form.method == "POST" and form.inputs["password"].type == "password"
    assert refused_status == 200 and "ไม่ถูกต้อง" in refused_body and 'type="password"' in refused_body
