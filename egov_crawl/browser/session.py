"""Find a Chromium and launch it under Playwright, mapped to the testbed and trusting its CA when asked.

The browser checks (render facts, axe, vitals, forms) all start here, so the launch is the same everywhere:
headless, no background traffic, host names resolved only through the ``HostMap`` (``--host-resolver-rules``),
and a private HOME so that a local CA is trusted through its own NSS database and nothing is written to the
user's real profile. Each flag below says why it is there; they were measured with Debian's Chromium.

Chromium names a failed navigation with a ``net::ERR_*`` code in Playwright's error message
(``ERR_CERT_AUTHORITY_INVALID``, ``ERR_NAME_NOT_RESOLVED``, ``ERR_CONNECTION_REFUSED``): callers record that
code as the observed fact. After a failed navigation, open a fresh page: reusing it can raise "interrupted by
another navigation".
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import playwright
from playwright.async_api import Browser, Playwright, async_playwright

from egov_crawl.browser.scratch import environ, scratch_folder
from egov_crawl.errors import UserError
from egov_crawl.hostmap import HostMap
from egov_crawl.netguard import mapped_target_allowed

CHROMIUM_ENV = "EGOV_CRAWL_CHROMIUM"
INSTALL_HINT = "install it with 'apt-get install chromium' (Debian) or 'playwright install chromium'"

# Program names looked up on PATH, in order, with the source they are reported as.
PATH_CANDIDATES: tuple[tuple[str, str], ...] = (
    ("chromium", "debian"),
    ("chromium-browser", "debian"),
    ("google-chrome", "chrome"),
    ("google-chrome-stable", "chrome"),
)

# Headless flags measured with Debian Chromium 156. Deliberately no ``--disable-features=``:
# it would replace Playwright's own list and re-enable HTTPS-Upgrades (http:// URLs then tried as https://).
HEADLESS_FLAGS: tuple[str, ...] = (
    "--no-sandbox",  # the sandbox needs user namespaces, often unavailable in containers and CI
    "--disable-gpu",
    "--disable-background-networking",  # no Google update/safe-browsing/variations traffic
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",  # HTTP/3 would bypass the TCP port mapping the testbed relies on
    "--disable-dev-shm-usage",  # /dev/shm is tiny in containers; Chromium crashes on large pages otherwise
)

CA_NICKNAME = "egov-crawl-ca"


class BrowserNotFound(UserError):
    """No usable Chromium: the message says where we looked and how to install one."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


class TrustStoreError(UserError):
    """The NSS database that makes Chromium trust a local CA could not be prepared."""

    def __init__(self, message: str) -> None:
        super().__init__(message)


@dataclass(frozen=True)
class BrowserExecutable:
    path: Path
    source: str  # "EGOV_CRAWL_CHROMIUM" | "config" | "playwright" | "debian" | "chrome"


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _given(value: str | Path, source: str, origin: str) -> BrowserExecutable:
    """A path the user named: it must work; silently using another browser would hide a typo."""
    path = Path(value).expanduser()
    if not _is_executable(path):
        raise BrowserNotFound(
            f"Chromium not found at {path} (from {origin}): the file does not exist or is not executable; "
            f"fix the path, or {INSTALL_HINT}"
        )
    return BrowserExecutable(path.absolute(), source)


def playwright_browsers_dir() -> Path:
    """Where ``playwright install`` puts browsers, with the same rules as Playwright's registry (Linux)."""
    env = os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
    if env == "0":  # Playwright's "hermetic install": inside the driver package
        return _playwright_package_dir() / ".local-browsers"
    if env:
        return Path(env).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "ms-playwright"


def _playwright_package_dir() -> Path:
    return Path(playwright.__file__).parent / "driver" / "package"


def _playwright_chromium_revision() -> str | None:
    """The Chromium build this Playwright downloads (``browsers.json`` of its driver)."""
    try:
        data = json.loads((_playwright_package_dir() / "browsers.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    for browser in data.get("browsers", []):
        if browser.get("name") == "chromium":
            return str(browser["revision"])
    return None


def playwright_chromium_paths() -> list[Path]:
    """Where ``playwright install chromium`` of the installed Playwright puts its executables: the full
    browser first, then the headless shell (directory names as in Playwright's registry: ``chromium-<rev>/
    chrome-linux64/chrome``; ``chrome-linux`` in older releases). Empty when the revision is unknown."""
    revision = _playwright_chromium_revision()
    if revision is None:
        return []
    arm = platform.machine() in ("aarch64", "arm64")
    chrome_dirs = ["chrome-linux-arm64"] if arm else ["chrome-linux64", "chrome-linux"]
    shell_dir = "chrome-headless-shell-linux-arm64" if arm else "chrome-headless-shell-linux64"
    root = playwright_browsers_dir()
    candidates = [root / f"chromium-{revision}" / d / "chrome" for d in chrome_dirs]
    candidates.append(root / f"chromium_headless_shell-{revision}" / shell_dir / "chrome-headless-shell")
    return candidates


def find_chromium(explicit: str | Path | None = None) -> BrowserExecutable:
    """The Chromium to drive: ``explicit`` (from flags/config), then ``$EGOV_CRAWL_CHROMIUM``, then the build
    ``playwright install chromium`` downloaded, then Debian's ``chromium`` / ``chromium-browser``, then Google
    Chrome, both looked up on PATH. A path that was given but does not work is an error, not a fallback."""
    if explicit is not None and str(explicit):
        return _given(explicit, "config", "configuration")
    env = os.environ.get(CHROMIUM_ENV)
    if env:
        return _given(env, CHROMIUM_ENV, f"${CHROMIUM_ENV}")

    playwright_paths = playwright_chromium_paths()
    for candidate in playwright_paths:
        if _is_executable(candidate):
            return BrowserExecutable(candidate, "playwright")

    for name, source in PATH_CANDIDATES:
        found = shutil.which(name)
        if found:
            return BrowserExecutable(Path(found), source)

    names = ", ".join(name for name, _ in PATH_CANDIDATES)
    raise BrowserNotFound(
        f"Chromium not found: looked at ${CHROMIUM_ENV} (unset), {playwright_browsers_dir()} "
        f"(Playwright's downloads) and {names} on PATH ({os.environ.get('PATH', '')}); {INSTALL_HINT}"
    )


_PRIVATE_IPV4_PATTERNS = (
    ["0.*", "10.*", "127.*", "169.254.*", "192.168.*", "192.0.0.*", "198.18.*", "198.19.*"]
    + [f"172.{n}.*" for n in range(16, 32)]
    + [f"100.{n}.*" for n in range(64, 128)]
    + [f"{n}.*" for n in range(224, 256)]
)
PRIVATE_LITERAL_RULES = ", ".join(f"MAP {pattern} ~NOTFOUND" for pattern in _PRIVATE_IPV4_PATTERNS)


# With the SSRF proxy (``proxy.py``) Chromium resolves no name itself: every connection goes through the proxy,
# which is addressed by this IP literal. A connection that bypassed the proxy would fail to resolve.
PROXIED_RESOLVER_RULES = "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
# WebRTC would otherwise send UDP around the proxy (STUN to any address a page names).
PROXIED_FLAGS: tuple[str, ...] = ("--force-webrtc-ip-handling-policy=disable_non_proxied_udp",)


def launch_args(hostmap: HostMap | None, *, proxied: bool = False) -> list[str]:
    """Chromium command-line flags: the headless set, plus the host map when there is one.

    ``proxied``: every context will be given the SSRF proxy (``browser/proxy.py``), which applies the host map
    and the address rule itself, so Chromium resolves nothing. Otherwise (a session opened outside ``browse``),
    without a host map Chromium uses the system resolver; with one, every connection goes where the map says
    and, through its final ``MAP * ~NOTFOUND``, nowhere else.
    """
    args = list(HEADLESS_FLAGS)
    if proxied:
        return [*args, *PROXIED_FLAGS, f"--host-resolver-rules={PROXIED_RESOLVER_RULES}"]
    if hostmap is None:
        # Chromium never resolves a non-public IPv4 literal (RFC 6890 ranges). Names and IPv6 literals are not
        # covered here: ``browse`` runs its contexts through the SSRF proxy, which covers them.
        args.append(f"--host-resolver-rules={PRIVATE_LITERAL_RULES}")
    if hostmap is not None:
        allowed = {key: t for key, t in hostmap.entries.items() if mapped_target_allowed(hostmap, t)}
        closed = hostmap.closed_port if hostmap.allow_private_networks else None
        # SSRF guard (egov_crawl/netguard.py): non-public targets reach Chromium only when the map allows them.
        safe = HostMap(allowed, hostmap.strict, closed, hostmap.allow_private_networks)
        args.append(f"--host-resolver-rules={safe.chromium_resolver_rules()}")
    return args


def _certutil(*args: str) -> None:
    certutil = shutil.which("certutil")
    if certutil is None:
        raise TrustStoreError(
            "certutil not found on PATH (needed to make Chromium trust the local CA); "
            "install it with 'apt-get install libnss3-tools'"
        )
    result = subprocess.run([certutil, *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().replace("\n", " ")
        raise TrustStoreError(f"certutil {' '.join(args)} failed (exit {result.returncode}): {detail}")


def prepare_trust_home(ca_pem: Path, home: Path) -> Path:
    """Make ``home`` a HOME whose NSS database trusts ``ca_pem`` to issue server certificates; return it.

    Chromium on Linux reads locally trusted roots from ``$HOME/.pki/nssdb``; trust flags ``C,,`` mean
    "trusted CA for TLS servers" (NSS certutil documentation). Running again with the same CA is harmless.
    """
    if not ca_pem.is_file():
        raise TrustStoreError(f"CA certificate {ca_pem} does not exist")
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True, exist_ok=True)
    db = f"sql:{nssdb}"
    if not (nssdb / "cert9.db").exists():
        _certutil("-N", "-d", db, "--empty-password")
    _certutil("-A", "-d", db, "-t", "C,,", "-n", CA_NICKNAME, "-i", str(ca_pem))
    return home


class Chromium:
    """One Chromium at a time under one Playwright driver: ``launch`` starts it, again after a crash.

    Every launch uses the same executable, flags and environment (the session's HOME and scratch folders).
    """

    def __init__(
        self, pw: Playwright, executable: Path, args: list[str], env: dict[str, str | float | bool], scratch: Path
    ):
        self._pw = pw
        self._executable = executable
        self._args = args
        self._env = env
        self._downloads = scratch / "downloads"

    async def launch(self) -> Browser:
        return await self._pw.chromium.launch(
            executable_path=self._executable,
            headless=True,
            args=self._args,
            env=self._env,
            downloads_path=self._downloads,
        )


@asynccontextmanager
async def chromium_session(
    *,
    hostmap: HostMap | None = None,
    ca_pem: Path | None = None,
    executable: str | Path | None = None,
    workdir: Path | None = None,
    proxied: bool = False,
) -> AsyncIterator[Chromium]:
    """A Playwright driver ready to launch headless Chromium (``Chromium.launch``); on exit the driver stops,
    which ends every browser it launched, and the session's scratch folder is removed.

    HOME points at the scratch folder (``scratch.py``; inside ``workdir`` when given), so Chromium writes nothing
    in the user's profile and trusts exactly the system roots plus ``ca_pem``; Playwright's profile and artifact
    folders are kept there too. Chromium's own TMPDIR stays the system one: it puts its singleton socket there,
    and a Unix socket path longer than 107 bytes aborts Chromium (a pytest temporary folder is that deep).
    ``proxied``: the caller gives every context the SSRF proxy (``launch_args``).
    """
    chromium = find_chromium(executable)
    with scratch_folder(workdir) as scratch:
        home, tmp = scratch / "home", scratch / "tmp"
        home.mkdir()
        tmp.mkdir()
        if ca_pem is not None:
            prepare_trust_home(ca_pem, home)
        env: dict[str, str | float | bool] = {
            **os.environ,
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_CACHE_HOME": str(home / ".cache"),
        }
        with environ("TMPDIR", str(tmp)):  # the driver's own temporary folders (profiles, artifacts)
            pw = await async_playwright().start()
        try:
            yield Chromium(pw, chromium.path, launch_args(hostmap, proxied=proxied), env, scratch)
        finally:
            await pw.stop()


@asynccontextmanager
async def browser_session(
    *,
    hostmap: HostMap | None = None,
    ca_pem: Path | None = None,
    executable: str | Path | None = None,
    workdir: Path | None = None,
    proxied: bool = False,
) -> AsyncIterator[Browser]:
    """A headless Chromium under Playwright (async API), closed on exit even if the body raises
    (``chromium_session`` says where its files go)."""
    async with chromium_session(
        hostmap=hostmap, ca_pem=ca_pem, executable=executable, workdir=workdir, proxied=proxied
    ) as chromium:
        browser = await chromium.launch()
        try:
            yield browser
        finally:
            await browser.close()
