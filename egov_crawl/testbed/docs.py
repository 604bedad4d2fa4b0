"""The generated parts of docs/testbed.md: the tables of normal and hostile sites.

A test checks that the document contains exactly these tables, so the documentation cannot drift from the
roster and the hostile-site table. Regenerate with
``python -m egov_crawl.testbed.docs`` and paste between the markers.
"""

from __future__ import annotations

from egov_crawl.testbed.generator import generate
from egov_crawl.testbed.hostile import HOSTILE_SITES
from egov_crawl.testbed.indicators import expected_indicators
from egov_crawl.testbed.model import Testbed


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def sites_table(testbed: Testbed | None = None) -> str:
    testbed = testbed or generate()
    rows = [
        "| Site | Agency | Tier / fault | Designed to show | Expected FAIL |",
        "|---|---|---|---|---|",
    ]
    for site in testbed.sites:
        fails = ", ".join(k for k, v in expected_indicators(site).items() if v == "FAIL")
        what = site.quality.fault or site.quality.tier
        rows.append(
            f"| `{site.homepage}` | {site.name_th} ({site.name_en}) | {what} | {_cell(site.description)} | {fails} |"
        )
    return "\n".join(rows)


def hostile_table() -> str:
    rows = ["| Host | Behaviour | Expected class | A correct crawler… |", "|---|---|---|---|"]
    for h in HOSTILE_SITES:
        scheme = "https" if h.https else "http"
        rows.append(
            f"| `{scheme}://{h.host}/` | {_cell(h.behaviour)} | `{h.expected_class}` | {_cell(h.expected_handling)} |"
        )
    return "\n".join(rows)


if __name__ == "__main__":
    print("<!-- sites:begin -->")
    print(sites_table())
    print("<!-- sites:end -->\n")
    print("<!-- hostile:begin -->")
    print(hostile_table())
    print("<!-- hostile:end -->")
