"""Hosts that are numbers: what a browser makes of ``http://2130706433/``, ``http://127.1/`` or ``http://0x7f.1/``.

The WHATWG URL standard (the "IPv4 parser") reads a host whose last dot-separated label is a number as an IPv4
address: one to four parts, each decimal, ``0x`` hexadecimal or ``0``-prefixed octal, the last part filling the
remaining bytes. Browsers follow it, so a redirect to ``http://2130706433/`` reaches 127.0.0.1. aiohttp (yarl)
refuses such hosts as invalid URLs instead, and ``ipaddress`` does not read them, so the probes' address guard
would not see the address: this module gives it the address to check.
"""

from __future__ import annotations

import ipaddress
import re

_HEX = re.compile(r"0[xX][0-9a-fA-F]*")
_OCTAL = re.compile(r"0[0-7]+")
_DECIMAL = re.compile(r"[0-9]+")


class NotAnAddress(ValueError):
    """The host ends in a number but is not a valid IPv4 address (a browser refuses such a URL)."""


def _number(part: str) -> int | None:
    if _HEX.fullmatch(part):
        return int(part[2:] or "0", 16)
    if part.startswith("0") and len(part) > 1:  # octal, and only octal ("08" is no number)
        return int(part[1:], 8) if _OCTAL.fullmatch(part) else None
    if _DECIMAL.fullmatch(part):
        return int(part)
    return None


def ends_in_a_number(host: str) -> bool:
    """The WHATWG "ends in a number" test: the last label (a trailing dot ignored) is digits or a 0x number."""
    labels = host.split(".")
    if labels[-1] == "" and len(labels) > 1:
        labels.pop()
    last = labels[-1]
    return bool(last) and (_DECIMAL.fullmatch(last) is not None or _HEX.fullmatch(last) is not None)


def numeric_ipv4(host: str) -> str | None:
    """The dotted IPv4 address a browser reads in ``host``, None for a name; ``NotAnAddress`` when the host ends in
    a number but is no address (a part that is not a number, too many parts, a value out of range)."""
    if not ends_in_a_number(host):
        return None
    parts = host.split(".")
    if parts[-1] == "":
        parts.pop()
    if len(parts) > 4:
        raise NotAnAddress(f"{host}: more than four parts")
    numbers = [_number(part) for part in parts]
    if any(n is None for n in numbers):
        raise NotAnAddress(f"{host}: a part is not a number")
    values = [n for n in numbers if n is not None]
    if any(n > 255 for n in values[:-1]) or values[-1] >= 256 ** (5 - len(values)):
        raise NotAnAddress(f"{host}: out of the IPv4 range")
    address = values[-1]
    for index, value in enumerate(values[:-1]):
        address += value << (8 * (3 - index))
    return str(ipaddress.IPv4Address(address))
