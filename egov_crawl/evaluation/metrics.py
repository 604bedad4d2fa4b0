"""Precision and recall of the detections against labels read off real pages.

Per site and item: the detection (``scoring.detections``) either found the item or not, and the label says
whether it is there. A detection on a labelled item that cites one of the item's *traps* (a headline, a longer
word) and none of its anchors found the wrong thing: a false match and a miss at once. Items labelled
``unsure`` are left out and counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from egov_crawl.evaluation.labels import ItemLabel, SiteLabels
from egov_crawl.facts.model import SiteFacts
from egov_crawl.scoring.detections import DETECTIONS
from egov_crawl.scoring.lexicon import Match, fold


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def labelled(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    @property
    def precision(self) -> float | None:
        found = self.tp + self.fp
        return self.tp / found if found else None

    @property
    def recall(self) -> float | None:
        present = self.tp + self.fn
        return self.tp / present if present else None

    def add(self, other: Tally) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.tn += other.tn


@dataclass(frozen=True)
class Outcome:
    site: str
    item: str
    verdict: str  # tp | fp | fn | tn
    evidence: str | None
    expected: str | None


@dataclass
class Evaluation:
    sites: int
    items: dict[str, Tally] = field(default_factory=dict)
    outcomes: list[Outcome] = field(default_factory=list)
    unsure: int = 0
    missing_sites: list[str] = field(default_factory=list)
    not_evaluated: set[str] = field(default_factory=set)

    @property
    def overall(self) -> Tally:
        total = Tally()
        for tally in self.items.values():
            total.add(tally)
        return total

    @property
    def errors(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.verdict in ("fp", "fn")]


def _cites_trap(match: Match, label: ItemLabel) -> bool:
    """The detection's evidence is one of the label's traps, and none of its anchors."""
    cited = fold(match.snippet)
    if any(fold(a.text) and (fold(a.text) in cited or cited in fold(a.text)) for a in label.anchors):
        return False
    return any(fold(trap) and (cited in fold(trap) or fold(trap) in cited) for trap in label.traps)


def _describe(match: Match) -> str:
    return f"{match.summary()} <{match.url}>"


def evaluate(labels: Iterable[SiteLabels], sites: dict[str, SiteFacts]) -> Evaluation:
    """Compare every labelled item of every labelled site with what the detections find in ``sites`` (by host)."""
    labels = list(labels)
    result = Evaluation(sites=0)
    for site_labels in labels:
        site = sites.get(site_labels.site)
        if site is None:
            result.missing_sites.append(site_labels.site)
            continue
        result.sites += 1
        for item, label in site_labels.items.items():
            detect = DETECTIONS.get(item)
            if detect is None:
                result.not_evaluated.add(item)
                continue
            if label.unsure:
                result.unsure += 1
                continue
            match = detect(site)
            tally = result.items.setdefault(item, Tally())
            expected = label.anchors[0].text if label.anchors else None
            evidence = _describe(match) if match else None
            if match is not None and label.present and _cites_trap(match, label):
                tally.fp += 1
                tally.fn += 1
                result.outcomes.append(Outcome(site_labels.site, item, "fp", evidence, expected))
                result.outcomes.append(Outcome(site_labels.site, item, "fn", evidence, expected))
                continue
            verdict = ("tp" if label.present else "fp") if match else ("fn" if label.present else "tn")
            setattr(tally, verdict, getattr(tally, verdict) + 1)
            result.outcomes.append(Outcome(site_labels.site, item, verdict, evidence, expected))
    result.items = dict(sorted(result.items.items()))
    return result


@dataclass(frozen=True)
class Thresholds:
    precision: float = 0.95
    recall: float = 0.90
    item_precision: float = 0.85


def shortfalls(evaluation: Evaluation, thresholds: Thresholds) -> list[str]:
    """One line per threshold the evaluation misses (empty when it meets them all)."""
    lines: list[str] = []
    overall = evaluation.overall
    if overall.precision is not None and overall.precision < thresholds.precision:
        lines.append(f"overall precision {overall.precision:.3f} is below {thresholds.precision}")
    if overall.recall is not None and overall.recall < thresholds.recall:
        lines.append(f"overall recall {overall.recall:.3f} is below {thresholds.recall}")
    for item, tally in evaluation.items.items():
        if tally.precision is not None and tally.precision < thresholds.item_precision:
            lines.append(f"{item}: precision {tally.precision:.3f} is below {thresholds.item_precision}")
    if evaluation.missing_sites:
        lines.append(f"labelled sites not in the store: {', '.join(evaluation.missing_sites)}")
    return lines


def to_json(evaluation: Evaluation) -> dict[str, object]:
    """Counts per item and overall, for docs/evaluation.json (precision and recall follow from them)."""

    def counts(tally: Tally) -> dict[str, int]:
        return {"tp": tally.tp, "fp": tally.fp, "fn": tally.fn, "tn": tally.tn}

    return {
        "sites": evaluation.sites,
        "labelled": evaluation.overall.labelled,
        "unsure_left_out": evaluation.unsure,
        "items": {item: counts(tally) for item, tally in evaluation.items.items()},
        "overall": counts(evaluation.overall),
    }
