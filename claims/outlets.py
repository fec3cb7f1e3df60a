"""Outlet resolution: explicit metadata, then the directory's metadata file, then the URL's
domain, then a credit line at the end of the text, else `unknown`."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

UNKNOWN = "unknown"

# Host prefixes that name a server or edition, not the outlet (www.nytimes.com -> nytimes.com).
_HOST_PREFIXES = ("www.", "www2.", "m.", "mobile.", "amp.")
# Credit lines sit at the end of a syndicated or aggregated article.
_CREDIT_TAIL_LINES = 5
_CREDIT_MAX_CHARS = 80
_NAME = r"(?P<outlet>[^()\n]{2,60}?)"
_CREDIT_PATTERNS = tuple(
    re.compile(p, re.I)
    for p in (
        rf"^\(\s*via\s+{_NAME}\s*\)\.?$",
        rf"^via\s*:?\s+{_NAME}\.?$",
        rf"^\(?\s*(?:source|sources|credit|courtesy(?: of)?)\s*[:\-–—]\s*{_NAME}\s*\)?\.?$",
        rf"^(?:this (?:article|story) )?(?:was )?(?:originally |first )(?:appeared|published|ran)"
        rf"(?: (?:in|on|by|at))\s+{_NAME}\.?$",
    )
)


def known(outlet: str | None) -> str | None:
    """Return the outlet name, or None when it is blank or says `unknown`."""
    if outlet is None:
        return None
    outlet = outlet.strip()
    return None if not outlet or outlet.lower() == UNKNOWN else outlet


def outlet_from_url(url: str | None) -> str | None:
    """Return the registrable-looking host of a URL without `www.`-style prefixes."""
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    for prefix in _HOST_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            return host[len(prefix) :]
    return host


def outlet_from_credit(text: str) -> str | None:
    """Return the outlet a credit line near the end names ("(via NY Times)", "Source: Reuters")."""
    lines = [line.strip() for line in text[-4000:].splitlines() if line.strip()]
    for line in reversed(lines[-_CREDIT_TAIL_LINES:]):
        if len(line) > _CREDIT_MAX_CHARS:
            continue
        for pattern in _CREDIT_PATTERNS:
            match = pattern.match(line)
            if match:
                return match.group("outlet").strip(" .,;:")
    return None


def resolve_outlet(
    explicit: str | None, from_metadata_file: str | None, url: str | None, text: str
) -> tuple[str, str]:
    """Return (outlet, rule) by the first rule that gives one; rule names match outlet_rule."""
    candidates = (
        ("metadata", lambda: known(explicit)),
        ("metadata_file", lambda: known(from_metadata_file)),
        ("url", lambda: outlet_from_url(url)),
        ("credit", lambda: outlet_from_credit(text)),
    )
    for rule, find in candidates:
        outlet = find()
        if outlet:
            return outlet, rule
    return UNKNOWN, UNKNOWN
