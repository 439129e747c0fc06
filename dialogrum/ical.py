"""A small iCalendar (RFC 5545) writer for dialogue meetings.

Written by hand because the portal needs a handful of properties of one component; the
rules that matter are kept here and tested in tests/dialogrum/test_ical.py:
* every line ends with CRLF (§3.1);
* lines longer than 75 octets are folded: CRLF followed by one space, counted in octets of
  UTF-8 and never splitting a multi-byte character (§3.1);
* TEXT values escape backslash, semicolon, comma and newlines (§3.3.11); other control
  characters are not allowed in TEXT and are dropped;
* times are written in UTC ("Z"), so no VTIMEZONE is needed (§3.3.5, form #2).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

CRLF = "\r\n"
MAX_OCTETS = 75
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Event:
    uid: str
    stamp: dt.datetime
    start: dt.datetime
    end: dt.datetime
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""
    sequence: int = 0


def escape_text(value: str) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold one content line into chunks of at most 75 octets (continuations start with a space)."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > MAX_OCTETS:
            chunks.append("".join(current))
            current, size = [" "], 1  # the leading space counts towards the next line's 75
        current.append(char)
        size += width
    chunks.append("".join(current))
    return CRLF.join(chunks)


def format_utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _uri(value: str) -> str:
    # URI values are not TEXT (no escaping), but must not break the line structure.
    return _CONTROL.sub("", value).replace("\r", "").replace("\n", "")


def _event_lines(event: Event) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{_uri(event.uid)}",
        f"DTSTAMP:{format_utc(event.stamp)}",
        f"LAST-MODIFIED:{format_utc(event.stamp)}",
        f"DTSTART:{format_utc(event.start)}",
        f"DTEND:{format_utc(event.end)}",
        f"SEQUENCE:{event.sequence}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.url:
        lines.append(f"URL:{_uri(event.url)}")
    lines.append("END:VEVENT")
    return lines


def calendar(events: Iterable[Event], *, name: str) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Slagelse Kommune//Prøvehandlingsportalen//DA",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines.extend(_event_lines(event))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
