"""How to fix each check, as data: ``remediation.yaml`` holds, per check id, what the agency should publish or
configure (English and Thai) and the standard it comes from.

Loaded once and validated against the check registry: an id that is not a check, a check without an entry, an
empty text or an unknown field is an error naming the file and line, so the text can never silently fall
behind the checks. Read through ``registry.remediation_of`` / ``CheckSpec.remediation``.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from egov_crawl.errors import UserError
from egov_crawl.safe_yaml import line_of, read_yaml

REMEDIATION_FILE = Path(__file__).resolve().parent / "remediation.yaml"


class Remediation(BaseModel):
    """What to do about one failing check, and the rule that asks for it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    standard: str
    en: str
    th: str
    link: str | None = None

    @field_validator("standard", "en", "th")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("is empty; write the text out")
        return " ".join(value.split())

    @field_validator("link")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("https://"):
            raise ValueError("must be an https:// address")
        return value

    def text(self, lang: str) -> str:
        return self.th if lang == "th" else self.en


def parse_remediation(path: Path, check_ids: Iterable[str]) -> dict[str, Remediation]:
    """Read ``path``; every problem (bad entry, unknown id, missing check) becomes one ``file:line:`` line."""
    _, root, data = read_yaml(path)
    if not isinstance(data, dict):
        raise UserError(f"{path}:1: a mapping of check id → {{standard, en, th}} is expected")
    known = list(check_ids)
    key_lines = (
        {str(k.value): k.start_mark.line + 1 for k, _ in root.value} if isinstance(root, yaml.MappingNode) else {}
    )
    problems: list[str] = []
    entries: dict[str, Remediation] = {}
    for key, value in data.items():
        check_id = str(key)
        line = key_lines.get(check_id, 1)
        if check_id not in known:
            problems.append(f"{path}:{line}: {check_id} is not a check id; `egov-crawl checks list` lists them")
            continue
        try:
            entries[check_id] = Remediation.model_validate(value)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(part) for part in first.get("loc", ()))
            where = line_of(root, (check_id, *first.get("loc", ()))) or line
            message = str(first["msg"]).removeprefix("Value error, ")
            problems.append(f"{path}:{where}: {check_id}{'.' + field if field else ''}: {message}")
    missing = [check_id for check_id in known if check_id not in data]
    if missing:
        problems.append(f"{path}: no remediation for {', '.join(missing)}; add an entry for each check")
    if problems:
        raise UserError.many(problems)
    return entries


@cache
def remediations(check_ids: tuple[str, ...]) -> dict[str, Remediation]:
    """The bundled remediation text, checked against every registered check (once per process; the registry
    passes its ids, so this module needs nothing from it)."""
    return parse_remediation(REMEDIATION_FILE, check_ids)


def as_json(remediation: Remediation | None) -> dict[str, Any] | None:
    return None if remediation is None else remediation.model_dump(exclude_none=True)
