"""Errors a user can fix. The CLI prints each as one line on stderr and exits non-zero, never a traceback."""

from __future__ import annotations

from collections.abc import Iterable


class UserError(Exception):
    """Something the user can fix (bad input, missing program). ``lines`` are printed one per line."""

    exit_code = 1

    def __init__(self, *lines: str) -> None:
        super().__init__("\n".join(lines))
        self.lines: tuple[str, ...] = lines

    @classmethod
    def many(cls, lines: Iterable[str]) -> UserError:
        return cls(*lines)
