"""Indexes the checks derive from one agency's facts (lexicon matches, page texts, "can absence be shown?"),
computed once per ``SiteFacts`` and kept beside it, not in it: the facts stay a plain immutable value, and a
copy made with ``dataclasses.replace`` starts with no indexes instead of sharing stale ones.

Scoring judges a few hundred agencies per batch; an agency's table is dropped when its ``SiteFacts`` is.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TypeVar, cast

from egov_crawl.facts.model import SiteFacts

T = TypeVar("T")

_TABLES: dict[int, dict[str, object]] = {}


def derived(site: SiteFacts, key: str, compute: Callable[[], T]) -> T:
    """``compute()`` for ``site``, computed on the first call for (site, key) and reused after."""
    table = _TABLES.get(id(site))
    if table is None:
        table = _TABLES[id(site)] = {}
        weakref.finalize(site, _TABLES.pop, id(site), None)
    if key not in table:
        table[key] = compute()
    # The key's value was made by the same ``compute`` each caller of this key passes.
    return cast(T, table[key])
