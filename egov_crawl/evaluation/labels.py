"""Labels of an evaluation corpus: per site and item, present or absent, as a person read it off the page.

One YAML file per site (or a folder of them)::

    site: www.soc.go.th
    source: th-home
    page_lang: th
    kind: content
    items:
      SRV-01:
        present: true
        anchors: [{text: ติดต่อเรา, href: /contact, how: link}]
      SRV-02:
        present: false
        traps: [{text: แผนการจัดการเรื่องร้องเรียน, why: a plan, not a channel}]

``traps`` are texts that contain an item's word without being the item: a detection citing one is a false match.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from egov_crawl.errors import UserError

MAX_LABEL_FILE_BYTES = 2_000_000


@dataclass(frozen=True)
class Anchor:
    text: str
    href: str | None
    how: str | None


@dataclass(frozen=True)
class ItemLabel:
    present: bool
    anchors: tuple[Anchor, ...] = ()
    traps: tuple[str, ...] = ()
    unsure: bool = False
    note: str | None = None


@dataclass(frozen=True)
class SiteLabels:
    site: str
    source: str
    page_lang: str | None
    kind: str
    items: dict[str, ItemLabel]
    file: Path


def _anchor(raw: Any, where: str) -> Anchor:
    if isinstance(raw, str):
        return Anchor(raw, None, None)
    if not isinstance(raw, dict):
        raise UserError(f"{where}: an anchor is a mapping with text, href and how")
    href = raw.get("href")
    return Anchor(str(raw.get("text") or ""), str(href) if href is not None else None, raw.get("how"))


def _item(raw: Any, where: str) -> ItemLabel:
    if not isinstance(raw, dict) or not isinstance(raw.get("present"), bool):
        raise UserError(f"{where}: needs 'present: true' or 'present: false'")
    anchors = tuple(_anchor(a, where) for a in raw.get("anchors") or ())
    traps = tuple(str(t.get("text") if isinstance(t, dict) else t) for t in raw.get("traps") or ())
    return ItemLabel(raw["present"], anchors, traps, bool(raw.get("unsure")), raw.get("note"))


def load_site_labels(path: Path) -> SiteLabels:
    try:
        if path.stat().st_size > MAX_LABEL_FILE_BYTES:
            raise UserError(f"{path}: larger than {MAX_LABEL_FILE_BYTES} bytes; is this a labels file?")
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise UserError(f"{path}: cannot read labels: {str(error).splitlines()[0]}") from None
    if not isinstance(data, dict) or not isinstance(data.get("site"), str) or not isinstance(data.get("items"), dict):
        raise UserError(f"{path}: a labels file needs 'site: <host>' and 'items:' (see egov-crawl eval --help)")
    items = {str(key): _item(raw, f"{path}: item {key}") for key, raw in data["items"].items()}
    return SiteLabels(
        site=data["site"].lower(),
        source=str(data.get("source") or ""),
        page_lang=data.get("page_lang"),
        kind=str(data.get("kind") or "content"),
        items=items,
        file=path,
    )


def load_labels(path: Path) -> list[SiteLabels]:
    """A labels file, or every ``*.yaml`` file of a folder (sorted by name)."""
    if path.is_dir():
        files = sorted(p for p in path.glob("*.yaml") if p.is_file())
        if not files:
            raise UserError(f"{path}: no *.yaml labels files in this folder")
    elif path.is_file():
        files = [path]
    else:
        raise UserError(f"{path}: no such labels file or folder")
    labels = [load_site_labels(p) for p in files]
    seen: dict[str, Path] = {}
    for site in labels:
        if site.site in seen:
            raise UserError(f"{site.file}: site {site.site} is labelled twice (also in {seen[site.site]})")
        seen[site.site] = site.file
    return labels
