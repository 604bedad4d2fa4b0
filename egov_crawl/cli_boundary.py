"""The one place where an exception leaves the command line: what a user can fix is one line on stderr and a
non-zero exit; a bug is one line too, naming the file that holds its traceback, or the traceback itself with
``--debug`` or ``EGOV_CRAWL_DEBUG=1``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Callable

from egov_crawl.errors import UserError, from_os_error

DEBUG_ENV = "EGOV_CRAWL_DEBUG"
INTERNAL_ERROR_EXIT = 70  # EX_SOFTWARE (sysexits.h): a bug, not the input


def debug_enabled() -> bool:
    return os.environ.get(DEBUG_ENV, "").strip().lower() not in ("", "0", "false", "no")


def _say(line: str) -> None:
    print(f"error: {line}", file=sys.stderr)


def _write_traceback(exc: BaseException) -> str | None:
    """The traceback in a private file (mode 0600: it may quote a database URL); None when it cannot be written."""
    try:
        handle, path = tempfile.mkstemp(prefix="egov-crawl-traceback-", suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(f"egov-crawl {' '.join(sys.argv[1:])}\n\n")
            out.write("".join(traceback.format_exception(exc)))
    except OSError:
        return None
    return path


def _internal(exc: BaseException) -> None:
    if debug_enabled():
        traceback.print_exception(exc, file=sys.stderr)
        raise SystemExit(INTERNAL_ERROR_EXIT) from None
    first = (str(exc).strip().splitlines() or [""])[0][:200]
    what = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    path = _write_traceback(exc)
    where = f"the traceback is in {path}" if path else "the traceback could not be saved"
    _say(f"internal error (a bug in egov-crawl, not your input): {what}; {where}; rerun with --debug to print it")
    raise SystemExit(INTERNAL_ERROR_EXIT) from None


def run(app: Callable[[], object]) -> None:
    """Call the Typer app; turn whatever escapes it into one line and an exit status."""
    try:
        app()
    except UserError as exc:
        for line in exc.lines:
            _say(line)
        raise SystemExit(exc.exit_code) from None
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        raise SystemExit(130) from None
    except OSError as exc:
        user = from_os_error(exc)  # a path the user named: missing, a folder, not writable, disk full
        if user is None:
            _internal(exc)
        else:
            _say(user.lines[0])
            raise SystemExit(user.exit_code) from None
    except Exception as exc:
        _internal(exc)
