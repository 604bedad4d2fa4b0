"""Parse YAML a user hands us without letting the document exhaust memory, the stack or the CPU.

Every loader (registry, methodology, country profile) goes through here. The event stream is scanned first —
it is iterative, so it never recurses — to refuse aliases (a few kilobytes of nested aliases expand to
gigabytes: "billion laughs"; no bundled file uses anchors) and nesting deeper than any real file. Only then is
the document composed and constructed. Every failure is one ``file:line: …`` UserError.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from egov_crawl.errors import UserError

MAX_YAML_BYTES = 20 * 1024 * 1024  # the real registry is well under 1 MiB
MAX_YAML_DEPTH = 64  # real files nest fewer than 10 levels; composing recurses once per level


class YamlProblem(UserError):
    """One located line; ``line`` and ``message`` kept apart for loaders that format their own prefix."""

    def __init__(self, file: str, line: int | None, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}" if line else f"{file}: {message}")
        self.line = line
        self.message = message


def _scan(text: str, file: str) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        mark = event.start_mark
        line = mark.line + 1 if mark is not None else None
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YamlProblem(
                file, line, "YAML anchors and aliases (&name, *name) are not accepted; write the value out"
            )
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise YamlProblem(file, line, f"nested more than {MAX_YAML_DEPTH} levels deep")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def parse_yaml(text: str, file: str) -> tuple[yaml.Node | None, Any]:
    """The composed node tree (for line numbers) and the constructed data of ``text``."""
    if len(text) > MAX_YAML_BYTES:
        raise YamlProblem(file, None, f"larger than {MAX_YAML_BYTES // (1024 * 1024)} MiB; not a file this tool reads")
    try:
        _scan(text, file)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        context = ""
        if exc.context and exc.context_mark and exc.context_mark is not mark:
            context = f" ({exc.context} that starts on line {exc.context_mark.line + 1})"
        message = f"YAML syntax error: {exc.problem or exc}{context}; fix the indentation, brackets or quoting"
        raise YamlProblem(file, mark.line + 1 if mark else None, message.splitlines()[0]) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(file, None, f"not valid YAML: {exc}".splitlines()[0]) from None
    except ValueError as exc:  # an integer of thousands of digits exceeds Python's int conversion limit
        raise YamlProblem(file, None, f"a value cannot be read: {exc}".splitlines()[0][:300]) from None
    except RecursionError:
        raise YamlProblem(file, None, "nested too deeply") from None
    return root, data


def read_yaml(path: Any, file: str | None = None) -> tuple[str, yaml.Node | None, Any]:
    """Read a UTF-8 YAML file (size-capped) → its text, node tree and data."""
    where = file or str(path)
    p = Path(path)
    try:
        if p.stat().st_size > MAX_YAML_BYTES:
            raise UserError(f"{where}: larger than {MAX_YAML_BYTES // (1024 * 1024)} MiB; not a file this tool reads")
        text = p.read_text(encoding="utf-8")
    except IsADirectoryError:
        raise UserError(f"{where}: is a folder; give the YAML file inside it") from None
    except FileNotFoundError:
        raise UserError(f"{where}: file not found") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"{where}: not UTF-8 ({exc.reason}); save it as UTF-8") from None
    except OSError as exc:
        raise UserError(f"{where}: cannot read it ({exc.strerror})") from None
    root, data = parse_yaml(text, where)
    return text, root, data


def line_of(root: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the deepest node of ``loc`` (a validation error's path) that exists in the composed
    document: a missing field is reported on its parent's line."""
    node, line = root, (root.start_mark.line + 1 if root is not None else None)
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if str(k.value) == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            node = None
        if node is None:
            break
        line = node.start_mark.line + 1
    return line
