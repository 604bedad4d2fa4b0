"""Files shipped inside the package that the browser checks inject or match against: the JavaScript snippets
(``js/``), the pinned tracker list (``data/trackers.json``) and axe-core (inside ``axe-playwright-python``'s
wheel, so it works offline and its version is pinned by the installed package)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@cache
def script(name: str) -> str:
    """The text of ``js/<name>.js``."""
    return resources.files("egov_crawl.browser").joinpath("js", f"{name}.js").read_text(encoding="utf-8")


@cache
def axe_source() -> str:
    """axe-core's ``axe.min.js`` as shipped by axe-playwright-python (axe-core 4.12.1 with 0.1.8)."""
    return resources.files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Tracker:
    name: str
    category: str
    domains: tuple[str, ...]

    def matches(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(host == d or host.endswith("." + d) for d in self.domains)


@cache
def trackers() -> tuple[Tracker, ...]:
    data: dict[str, Any] = json.loads(
        resources.files("egov_crawl.browser").joinpath("data", "trackers.json").read_text(encoding="utf-8")
    )
    return tuple(Tracker(t["name"], t["category"], tuple(t["domains"])) for t in data["trackers"])


def trackers_of(hosts: list[str]) -> list[str]:
    """Names of the pinned trackers that any of ``hosts`` belongs to, sorted."""
    return sorted({t.name for t in trackers() for host in hosts if t.matches(host)})
