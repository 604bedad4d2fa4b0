"""Errors a user can fix. The CLI prints each as one line on stderr and exits non-zero, never a traceback."""

from __future__ import annotations

import difflib
import errno
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


class BadUsage(UserError):
    """Command-line options that cannot work (or cannot work together): exit 2, as for any other bad option."""

    exit_code = 2


class UnknownValue(BadUsage):
    """A command-line value that names nothing that exists (a cohort, pillar, agency, check, methodology)."""


KNOWN_SHOWN = 12  # past this many, the list of known values is cut and the command that lists them is named


def unknown_value(what: str, value: str, known: Iterable[str], *, listing: str | None = None) -> UnknownValue:
    """``unknown cohort 'ministy'; did you mean 'ministry'? Known: ministry, department, …`` — the close matches
    first (a typo costs one look), then what exists (or the command that lists it when there are many)."""
    names = list(dict.fromkeys(known))
    close = difflib.get_close_matches(value, names, n=3, cutoff=0.6)
    if not close:  # ids differ in case only ("opn-12"): compare case-insensitively too
        folded = {n.casefold(): n for n in names}
        close = [folded[c] for c in difflib.get_close_matches(value.casefold(), list(folded), n=3, cutoff=0.6)]
    # "…; did you mean 'ministry'? Known: …" or, with nothing close, "…; known: …"
    quoted = [repr(c) for c in close]
    either = " or ".join([", ".join(quoted[:-1]), quoted[-1]] if len(quoted) > 1 else quoted)
    head = f"; did you mean {either}? Known" if close else "; known"
    if not names:
        return UnknownValue(f"unknown {what} {value!r}; there are none")
    shown = ", ".join(names[:KNOWN_SHOWN])
    if len(names) > KNOWN_SHOWN:
        shown += f", … ({len(names)} in all" + (f"; `{listing}` lists them)" if listing else ")")
    return UnknownValue(f"unknown {what} {value!r}{head}: {shown}")


# errno → how to fix it, for file errors the boundary turns into one line.
_OS_HINTS = {
    errno.ENOENT: "check the path",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "it is a folder; give a file inside it",
    errno.EACCES: "check its permissions",
    errno.EPERM: "check its permissions",
    errno.EROFS: "the file system is read-only; choose another place",
    errno.ENOSPC: "the disk is full; free some space",
    errno.EDQUOT: "the disk quota is used up; free some space",
    errno.ENAMETOOLONG: "the name is too long; choose a shorter path",
}


def from_os_error(exc: OSError) -> UserError | None:
    """A file error about a named path the user gave (or can fix) as one line; None for other OS errors."""
    if exc.filename is None or exc.errno not in _OS_HINTS:
        return None
    reason = exc.strerror or type(exc).__name__
    return UserError(f"{exc.filename}: {reason.lower()}; {_OS_HINTS[exc.errno]}")
