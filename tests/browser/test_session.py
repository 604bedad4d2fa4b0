"""Finding and launching Chromium: lookup order, clear errors, and a real headless browser on a loopback HTTPS
site mapped to a production-looking name (www.thai.test), with and without the local CA trusted."""

from __future__ import annotations

import asyncio
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import trustme
from playwright.async_api import Browser, Page
from playwright.async_api import Error as PlaywrightError

from egov_crawl.browser.session import (
    CA_NICKNAME,
    CHROMIUM_ENV,
    PRIVATE_LITERAL_RULES,
    BrowserNotFound,
    TrustStoreError,
    browser_session,
    find_chromium,
    launch_args,
    playwright_chromium_paths,
    prepare_trust_home,
)
from egov_crawl.hostmap import HostMap, Target
from tests.fixtures.requirements import require_chromium

# ----------------------------------------------------------------------------------------------------
# find_chromium


def _fake_executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def empty_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No $EGOV_CRAWL_CHROMIUM, an empty Playwright browsers dir and an empty PATH: nothing to find."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.delenv(CHROMIUM_ENV, raising=False)
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "ms-playwright"))
    monkeypatch.setenv("PATH", str(empty))
    return empty


def test_find_chromium_order(tmp_path: Path, empty_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    explicit = _fake_executable(tmp_path / "explicit" / "chrome")
    from_env = _fake_executable(tmp_path / "env" / "chrome")
    candidates = playwright_chromium_paths()
    assert candidates, "the installed Playwright should name the Chromium build it downloads"
    downloaded = _fake_executable(candidates[0])
    debian = _fake_executable(empty_env / "chromium")
    debian_alias = _fake_executable(empty_env / "chromium-browser")
    chrome = _fake_executable(empty_env / "google-chrome-stable")
    monkeypatch.setenv(CHROMIUM_ENV, str(from_env))

    found = find_chromium(explicit)
    assert (found.path, found.source) == (explicit, "config")

    found = find_chromium()
    assert (found.path, found.source) == (from_env, CHROMIUM_ENV)

    monkeypatch.delenv(CHROMIUM_ENV)
    found = find_chromium()
    assert (found.path, found.source) == (downloaded, "playwright")

    downloaded.unlink()
    found = find_chromium()
    assert (found.path, found.source) == (debian, "debian")

    debian.unlink()
    found = find_chromium()
    assert (found.path, found.source) == (debian_alias, "debian")

    debian_alias.unlink()
    found = find_chromium()
    assert (found.path, found.source) == (chrome, "chrome")


def test_a_given_path_that_does_not_exist_is_an_error_not_a_fallback(
    tmp_path: Path, empty_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_executable(empty_env / "chromium")  # a working fallback exists, and must not be used
    missing = tmp_path / "no-such-chrome"

    with pytest.raises(BrowserNotFound, match="no-such-chrome") as explicit_error:
        find_chromium(missing)
    assert "configuration" in str(explicit_error.value)

    monkeypatch.setenv(CHROMIUM_ENV, str(missing))
    with pytest.raises(BrowserNotFound, match="no-such-chrome") as env_error:
        find_chromium()
    assert f"${CHROMIUM_ENV}" in str(env_error.value)

    not_executable = tmp_path / "chrome.txt"
    not_executable.write_text("not a program")
    with pytest.raises(BrowserNotFound, match="not executable"):
        find_chromium(not_executable)


def test_nothing_found_says_where_it_looked_and_how_to_install(empty_env: Path) -> None:
    with pytest.raises(BrowserNotFound) as caught:
        find_chromium()
    message = str(caught.value)
    assert "\n" not in message
    assert str(empty_env) in message  # the PATH it searched
    assert "ms-playwright" in message  # Playwright's download directory
    assert CHROMIUM_ENV in message
    assert "apt-get install chromium" in message
    assert "playwright install chromium" in message


# ----------------------------------------------------------------------------------------------------
# launch_args, prepare_trust_home


def test_launch_args_map_hosts_and_keep_playwrights_feature_list() -> None:
    hostmap = HostMap({("www.thai.test", 443): Target("127.0.0.1", 8443)}, allow_private_networks=True)
    args = launch_args(hostmap)
    assert "--headless" not in " ".join(args)  # Playwright adds the headless mode itself
    # Our own --disable-features would replace Playwright's list and re-enable HTTPS-Upgrades.
    assert not any(a.startswith("--disable-features") for a in args)
    assert f"--host-resolver-rules={hostmap.chromium_resolver_rules()}" in args
    # Without a host map only the SSRF rules: non-public IPv4 literals never resolve (egov_crawl/netguard.py).
    assert [a for a in launch_args(None) if a.startswith("--host-resolver-rules")] == [
        f"--host-resolver-rules={PRIVATE_LITERAL_RULES}"
    ]
    # A map that does not allow private networks passes none of its loopback targets to Chromium.
    assert "8443" not in " ".join(launch_args(HostMap({("www.thai.test", 443): Target("127.0.0.1", 8443)})))
    # Behind the SSRF proxy (browse): Chromium resolves nothing but the proxy's address, whatever the map says,
    # and WebRTC may not send UDP around the proxy.
    proxied = launch_args(hostmap, proxied=True)
    assert [a for a in proxied if a.startswith("--host-resolver-rules")] == [
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
    ]
    assert "--force-webrtc-ip-handling-policy=disable_non_proxied_udp" in proxied


def test_prepare_trust_home_trusts_the_ca_for_servers(tmp_path: Path) -> None:
    ca = trustme.CA()
    ca_pem = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_pem))
    home = prepare_trust_home(ca_pem, tmp_path / "home")
    prepare_trust_home(ca_pem, home)  # again: harmless

    listing = subprocess.run(
        ["certutil", "-L", "-d", f"sql:{home / '.pki' / 'nssdb'}"], capture_output=True, text=True, check=True
    ).stdout
    rows = [line.split() for line in listing.splitlines() if line.startswith(CA_NICKNAME)]
    assert rows == [[CA_NICKNAME, "C,,"]]


def test_prepare_trust_home_names_the_package_when_certutil_is_missing(tmp_path: Path, empty_env: Path) -> None:
    ca_pem = tmp_path / "ca.pem"
    trustme.CA().cert_pem.write_to_path(str(ca_pem))
    with pytest.raises(TrustStoreError, match="apt-get install libnss3-tools"):
        prepare_trust_home(ca_pem, tmp_path / "home")


# ----------------------------------------------------------------------------------------------------
# A real Chromium against loopback servers

THAI_TITLE = "กรมสรรพากร — หน้าแรก"
THAI_PAGE = f"""<!doctype html>
<html lang="th"><head><meta charset="utf-8"><title>{THAI_TITLE}</title></head>
<body>
  <p><span id="thai">ภาษาไทย</span></p>
  <p><span id="base">ก</span></p>
  <p><span id="marks">กี่</span></p>
</body></html>""".encode()
PLAIN_PAGE = b"<!doctype html><title>plain http</title><p>port 80"

# The families of fonts-thai-tlwg (fc-list :lang=th).
TLWG_FAMILIES = {
    "Garuda", "Kinnari", "Laksaman", "Loma", "Norasi", "Purisa", "Sawasdee",
    "Tlwg Mono", "Tlwg Typewriter", "Tlwg Typist", "Tlwg Typo", "Umpush", "Waree",
}  # fmt: skip


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = THAI_PAGE if isinstance(self.connection, ssl.SSLSocket) else PLAIN_PAGE
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@dataclass(frozen=True)
class Site:
    hostmap: HostMap
    ca_pem: Path
    http_port: int


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """www.thai.test: HTTPS (trustme certificate) and plain HTTP on two loopback ports; plain.thai.test: HTTP
    only, so its port 443 goes to the map's closed port, where a bound but non-listening socket refuses."""
    ca = trustme.CA()
    ca_pem = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_pem))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("www.thai.test", "plain.thai.test").configure_cert(context)

    https = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    https.socket = context.wrap_socket(https.socket, server_side=True)
    http = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    for server in (https, http):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    http_port = http.server_address[1]
    hostmap = HostMap(
        {
            ("www.thai.test", 443): Target("127.0.0.1", https.server_address[1]),
            ("www.thai.test", 80): Target("127.0.0.1", http_port),
            ("plain.thai.test", 80): Target("127.0.0.1", http_port),
        },
        closed_port=closed.getsockname()[1],
        allow_private_networks=True,  # loopback servers on purpose
    )
    try:
        yield Site(hostmap, ca_pem, http_port)
    finally:
        for server in (https, http):
            server.shutdown()
            server.server_close()
        closed.close()


@pytest.fixture
def chromium() -> None:
    require_chromium()


async def _navigation_error(browser: Browser, url: str) -> str:
    page = await browser.new_page()  # a fresh page per failed navigation
    try:
        with pytest.raises(PlaywrightError) as caught:
            await page.goto(url, timeout=10_000)
        return str(caught.value)
    finally:
        await page.close()


async def _platform_fonts(page: Page, selector: str) -> dict[str, int]:
    """Family → glyph count of the fonts Chromium really drew ``selector``'s text with (DevTools protocol)."""
    cdp = await page.context.new_cdp_session(page)
    await cdp.send("DOM.enable")
    await cdp.send("CSS.enable")
    root = await cdp.send("DOM.getDocument")
    node = await cdp.send("DOM.querySelector", {"nodeId": root["root"]["nodeId"], "selector": selector})
    fonts = await cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
    return {f["familyName"]: f["glyphCount"] for f in fonts["fonts"]}


@pytest.mark.browser
def test_thai_page_over_https_with_the_local_ca_trusted(site: Site, chromium: None) -> None:
    async def run() -> None:
        async with browser_session(hostmap=site.hostmap, ca_pem=site.ca_pem) as browser:
            page = await browser.new_page()
            response = await page.goto("https://www.thai.test/", timeout=10_000)
            assert response is not None and response.status == 200
            assert await page.title() == THAI_TITLE

            # Every Thai glyph was drawn by a TLWG font, not by a fallback's "tofu" boxes.
            fonts = await _platform_fonts(page, "#thai")
            assert set(fonts) <= TLWG_FAMILIES, fonts
            assert sum(fonts.values()) == len("ภาษาไทย")
            # Thai vowel and tone marks stack on the consonant (zero advance) instead of adding boxes.
            base = await page.eval_on_selector("#base", "e => e.getBoundingClientRect().width")
            marks = await page.eval_on_selector("#marks", "e => e.getBoundingClientRect().width")
            assert base > 0 and marks == pytest.approx(base, abs=0.5)
            # And ink reached the screenshot: hiding the text changes the pixels.
            inked = await page.locator("#thai").screenshot()
            await page.eval_on_selector("#thai", "e => { e.style.color = 'transparent'; }")
            assert await page.locator("#thai").screenshot() != inked
        assert not browser.is_connected()

    asyncio.run(run())


@pytest.mark.browser
def test_without_the_ca_the_certificate_error_is_reported(site: Site, chromium: None) -> None:
    async def run() -> str:
        async with browser_session(hostmap=site.hostmap) as browser:
            return await _navigation_error(browser, "https://www.thai.test/")

    assert "net::ERR_CERT_AUTHORITY_INVALID" in asyncio.run(run())


@pytest.mark.browser
def test_host_map_is_per_port_and_nothing_else_resolves(site: Site, chromium: None) -> None:
    async def run() -> None:
        async with browser_session(hostmap=site.hostmap, ca_pem=site.ca_pem) as browser:
            # Port 80 of the same name reaches the other server, and http:// is not upgraded to https://.
            page = await browser.new_page()
            await page.goto("http://www.thai.test/", timeout=10_000)
            assert (page.url, await page.title()) == ("http://www.thai.test/", "plain http")
            await page.close()
            # A mapped host without HTTPS: its port 443 is refused, as on a real server that does not listen.
            refused = await _navigation_error(browser, "https://plain.thai.test/")
            assert "net::ERR_CONNECTION_REFUSED" in refused
            # Unmapped names, and even a loopback address literal, never reach a resolver or a socket.
            for url in ("https://www.unmapped.test/", f"http://127.0.0.1:{site.http_port}/"):
                assert "net::ERR_NAME_NOT_RESOLVED" in await _navigation_error(browser, url)

    asyncio.run(run())
