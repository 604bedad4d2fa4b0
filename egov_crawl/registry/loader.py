"""Load a registry file and report every problem as ``file:line: agency 'id', field 'f': what — how to fix``.

pydantic reports *paths* (``agencies.3.cohort``); analysts edit *lines*. We compose the YAML once to learn the line
of every node, then translate each validation error's path into a line and an agency id. Checks that span the
whole registry (duplicate ids, unknown parents, parent cycles) run after the per-agency schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from egov_crawl.errors import UserError
from egov_crawl.registry.models import Cohort, Registry
from egov_crawl.safe_yaml import YamlProblem, parse_yaml

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    agency: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        subject = [f"agency '{self.agency}'"] if self.agency else []
        subject += [f"field '{self.field}'"] if self.field else []
        return f"{where}: {' '.join(subject)}: {self.message}" if subject else f"{where}: {self.message}"


class RegistryError(UserError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(*(str(p) for p in problems))
        self.problems = problems


class _Positions:
    """Line numbers (1-based) of every node of a composed YAML document, keyed by path; duplicate keys found."""

    def __init__(self, root: yaml.Node | None) -> None:
        self.lines: dict[Path_, int] = {}
        self.duplicates: list[tuple[Path_, int]] = []
        if root is not None:
            self._walk(root, ())

    def _walk(self, node: yaml.Node, path: Path_) -> None:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = str(key_node.value)
                if key in seen:
                    self.duplicates.append(((*path, key), key_node.start_mark.line + 1))
                seen.add(key)
                self.lines[(*path, key)] = key_node.start_mark.line + 1
                self._walk(value_node, (*path, key))
                self.lines[(*path, key)] = key_node.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self._walk(item, (*path, index))

    def line_of(self, path: Path_) -> int | None:
        # The deepest known ancestor: a missing field is reported on its agency's first line.
        for cut in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:cut]))
            if line is not None:
                return line
        return None


def _agency_id(data: Any, index: int) -> str | None:
    try:
        value = data["agencies"][index]["id"]
    except (KeyError, IndexError, TypeError):
        return None
    return str(value) if value is not None else None


def _field_name(loc: Path_) -> str | None:
    """``('agencies', 3, 'eservices', 0, 'url')`` → ``eservices[0].url``; top-level fields by name."""
    rest = loc[2:] if len(loc) >= 2 and loc[0] == "agencies" and isinstance(loc[1], int) else loc
    out = ""
    for part in rest:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.startswith(("function-", "value_error")):
            continue
        else:
            out += ("." if out else "") + part
    return out or None


_HINTS = {
    "missing": "is required",
    "extra_forbidden": "is not a known field (check the spelling; see agencies.yaml for the schema)",
    "enum": "must be one of: " + ", ".join(c.value for c in Cohort),
}


def _message(error: Any) -> str:
    kind = error["type"]
    if kind == "enum":
        return f"{error['input']!r} is not allowed; {_HINTS[kind]}"
    if kind in _HINTS:
        return _HINTS[kind]
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def _schema_problems(file: str, data: Any, positions: _Positions, exc: ValidationError) -> Iterator[Problem]:
    for error in exc.errors():
        loc: Path_ = tuple(error["loc"])
        agency = _agency_id(data, loc[1]) if len(loc) >= 2 and isinstance(loc[1], int) else None
        yield Problem(file, positions.line_of(loc), agency, _field_name(loc), _message(error))


def _cross_problems(file: str, data: dict[str, Any], positions: _Positions) -> Iterator[Problem]:
    """Whole-registry rules, on the raw data so they are reported even when some agency fails its schema."""
    agencies = data.get("agencies")
    if not isinstance(agencies, list):
        return
    raw = [(i, a) for i, a in enumerate(agencies) if isinstance(a, dict) and isinstance(a.get("id"), str)]
    first_seen: dict[str, int] = {}
    for index, agency in raw:
        agency_id = agency["id"]
        if agency_id in first_seen:
            earlier = positions.line_of(("agencies", first_seen[agency_id], "id"))
            line = positions.line_of(("agencies", index, "id"))
            yield Problem(
                file,
                line,
                agency_id,
                "id",
                f"duplicate id (first used on line {earlier}); ids must be unique",
            )
        else:
            first_seen[agency_id] = index
    parents = {a["id"]: a.get("parent") for _, a in raw}
    for index, agency in raw:
        parent = agency.get("parent")
        if parent is None:
            continue
        line = positions.line_of(("agencies", index, "parent"))
        if parent not in first_seen:
            yield Problem(file, line, agency["id"], "parent", f"unknown parent '{parent}': no agency has that id")
            continue
        # Walk up the chain: a cycle would make ministry roll-ups loop forever.
        seen = {agency["id"]}
        current = parent
        while current is not None:
            if current in seen:
                yield Problem(file, line, agency["id"], "parent", f"parent chain loops back to '{current}'")
                break
            seen.add(current)
            current = parents.get(current)


def parse_registry(text: str, file: str = "<registry>") -> Registry:
    """Parse and validate registry text; raise RegistryError with every problem found."""
    try:
        root, data = parse_yaml(text, file)
    except YamlProblem as exc:
        raise RegistryError([Problem(file, exc.line, None, None, exc.message)]) from None

    positions = _Positions(root)
    problems = [
        Problem(
            file,
            line,
            _agency_id(data, path[1]) if len(path) > 2 and isinstance(path[1], int) else None,
            str(path[-1]),
            "is given twice in the same mapping; keep one",
        )
        for path, line in positions.duplicates
    ]
    if not isinstance(data, dict):
        raise RegistryError([Problem(file, 1, None, None, "expected a mapping with 'version' and 'agencies'")])
    registry: Registry | None = None
    try:
        registry = Registry.model_validate(data)
    except ValidationError as exc:
        problems.extend(_schema_problems(file, data, positions, exc))
    problems.extend(_cross_problems(file, data, positions))
    if problems or registry is None:
        raise RegistryError(sorted(problems, key=lambda p: p.line or 0))
    return registry


def load_registry(path: Path | str) -> Registry:
    path = Path(path)
    try:
        if path.is_dir():
            raise RegistryError([Problem(str(path), None, None, None, "is a folder; give the YAML file inside it")])
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RegistryError([Problem(str(path), None, None, None, "file not found; pass --registry FILE")]) from None
    except UnicodeDecodeError as exc:
        raise RegistryError(
            [Problem(str(path), None, None, None, f"not UTF-8 ({exc.reason}); save it as UTF-8")]
        ) from None
    return parse_registry(text, str(path))
