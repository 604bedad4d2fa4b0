"""axe-core on the rendered page: violations by rule with impact, node count and target selectors.

axe-core is the engine behind Lighthouse's and most national accessibility monitors' automated WCAG checks; it
comes from the installed ``axe-playwright-python`` wheel (offline, version pinned by the package) and is
injected into the page by ``evaluate`` (no network).
"""

from __future__ import annotations

from typing import Any

from playwright.async_api import Page

from egov_crawl.browser import assets
from egov_crawl.facts.browser import AxeFact, AxeViolation

MAX_TARGETS = 10
# Only violations carry nodes; passes and incomplete are counted by rule.
RUN_JS = """async () => {
  const r = await axe.run(document, { resultTypes: ['violations'] });
  return { version: axe.version, violations: r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, tags: v.tags,
      count: v.nodes.length, targets: v.nodes.slice(0, MAX_TARGETS).map((n) => n.target.join(' ')) })),
    passes: r.passes.length, incomplete: r.incomplete.length };
}""".replace("MAX_TARGETS", str(MAX_TARGETS))


async def run_axe(page: Page) -> AxeFact:
    await page.evaluate(assets.axe_source())
    raw: dict[str, Any] = await page.evaluate(RUN_JS)
    violations: list[AxeViolation] = sorted(
        (
            {
                "id": v["id"],
                "impact": v["impact"],
                "count": int(v["count"]),
                "targets": [str(t) for t in v["targets"]],
                "tags": list(v["tags"]),
                "help": v["help"],
            }
            for v in raw["violations"]
        ),
        key=lambda v: v["id"],
    )
    return {
        "axe_version": str(raw["version"]),
        "violations": violations,
        "violation_ids": [v["id"] for v in violations],
        "passes": int(raw["passes"]),
        "incomplete": int(raw["incomplete"]),
    }
