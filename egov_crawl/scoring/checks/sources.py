"""Which collector decides a check that more than one collector can inform.

Such a check declares, in one tuple beside it, one reader per collector in order of preference. The first reader
that returns a finding decides; a reader returns None when its collector has nothing to say (it did not run, or
ran without seeing this), which hands over to the next. Each fact has exactly one collector, so two readers of one
check read different observations (the probe's home-page request and the crawled pages, the rendered DOM and the
static HTML), never the same one twice.

An observed finding (PASS, PARTIAL, FAIL) names the collector that decided: its first evidence item starts with
``[probe]``, ``[crawl]`` or ``[browser]`` and carries ``"collector"`` in its data, so ``egov-crawl explain`` shows
it. (Not ``"source"``: INF-30's evidence already uses that key for where its date came from.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TypeVar

from egov_crawl.facts.model import SiteFacts, Source
from egov_crawl.scoring.model import Evidence, Finding

Seen = TypeVar("Seen")
Reader = Callable[[SiteFacts], Finding | None]
Preference = tuple[tuple[Source, Reader], ...]


def sourced(evidence: Evidence, *sources: Source) -> Evidence:
    """The evidence, marked with the collector it came from (``[probe]``), or the collectors that gave it together
    (``[browser+crawl]``). A prefix, because summaries are cut at 300 characters."""
    names = "+".join(source.value for source in sources)
    return Evidence(f"[{names}] {evidence.summary}", evidence.url, {**evidence.data, "collector": names})


def attributed(finding: Finding, source: Source) -> Finding:
    """An observed finding with its first evidence item marked; NOT_OBSERVED and the rest are left as they are
    (no collector decided them)."""
    if not finding.outcome.observed or not finding.evidence:
        return finding
    first, *rest = finding.evidence
    return replace(finding, evidence=(sourced(first, source), *rest))


def first_seen(
    site: SiteFacts, preference: Sequence[tuple[Source, Callable[[SiteFacts], Seen | None]]]
) -> tuple[Source, Seen] | None:
    """What the first reader in ``preference`` saw, with its source; None when no reader saw anything."""
    for source, read in preference:
        seen = read(site)
        if seen is not None:
            return source, seen
    return None


def decide(site: SiteFacts, preference: Preference, otherwise: Finding) -> Finding:
    """The finding of the first reader in ``preference`` that has one, marked with its source; else ``otherwise``."""
    seen = first_seen(site, preference)
    return attributed(seen[1], seen[0]) if seen is not None else otherwise
