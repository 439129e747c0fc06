"""The iCalendar writer (RFC 5545) and the .ics responses: CRLF line endings, lines folded
at 75 octets without splitting a UTF-8 character, TEXT escaping, UTC times, a stable UID
and a SEQUENCE that follows changes."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from dialogrum import ical, services


def _unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_every_line_ends_with_crlf_and_none_is_longer_than_75_octets():
    event = ical.Event(
        uid="dialogmoede-1@example.dk",
        stamp=dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
        start=dt.datetime(2027, 3, 5, 15, tzinfo=dt.UTC),
        end=dt.datetime(2027, 3, 5, 17, tzinfo=dt.UTC),
        summary="Dialogmøde om ældrepleje, hjemmepleje; og sygepleje " * 4,
        description="Æbler, øl og ål: " * 20,
        location="Rådhuset",
        url="https://example.dk/moeder/1/",
    )
    text = ical.calendar([event], name="Dialogmøder")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")  # no bare LF or CR anywhere
    for line in text.split("\r\n")[:-1]:
        assert len(line.encode("utf-8")) <= 75, line
        line.encode("utf-8").decode("utf-8")  # no character was cut in half
    unfolded = _unfold(text)
    summary = next(line for line in unfolded if line.startswith("SUMMARY:"))
    assert summary == "SUMMARY:" + ("Dialogmøde om ældrepleje\\, hjemmepleje\\; og sygepleje " * 4)


def test_folding_never_splits_a_multibyte_character():
    line = "DESCRIPTION:" + "ø" * 100  # 2 octets each
    folded = ical.fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert parts[1].startswith(" ") and folded.replace("\r\n ", "") == line


def test_text_values_are_escaped_and_control_characters_dropped():
    assert ical.escape_text("a,b;c\\d\r\ne\nf\x07") == "a\\,b\\;c\\\\d\\ne\\nf"


def test_times_are_written_in_utc():
    copenhagen = dt.datetime(2027, 3, 5, 16, 0, tzinfo=timezone.get_fixed_timezone(60))
    assert ical.format_utc(copenhagen) == "20270305T150000Z"


def test_a_meeting_downloads_as_an_ics_file_that_follows_the_meeting(client, public_room, coordinator):
    start = dt.datetime(2027, 3, 5, 16, 0, tzinfo=dt.UTC)
    meeting = services.meeting_create(
        room_id=public_room.pk,
        actor=coordinator,
        data={
            "title": "Borgermøde; om ældre, og mere",
            "starts_at": start,
            "ends_at": start + dt.timedelta(hours=2),
            "location": "Rådhuset\nmødelokale 2",
            "online_url": "https://moede.example/x",
            "description": "Velkommen",
        },
    )
    response = client.get(reverse("dialogrum:meeting_ics", args=[meeting.pk]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="dialogmoede-{meeting.pk}.ics"'
    lines = _unfold(response.content.decode("utf-8"))
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"]
    assert f"UID:dialogmoede-{meeting.pk}@127.0.0.1" in lines
    assert "DTSTART:20270305T160000Z" in lines and "DTEND:20270305T180000Z" in lines
    assert "SUMMARY:Borgermøde\\; om ældre\\, og mere" in lines
    assert "LOCATION:Rådhuset\\nmødelokale 2" in lines
    assert "SEQUENCE:0" in lines
    assert any(line.startswith("URL:http") and line.endswith(meeting.get_absolute_url()) for line in lines)

    services.meeting_update(
        meeting_id=meeting.pk,
        actor=coordinator,
        data={
            "title": meeting.title,
            "starts_at": start + dt.timedelta(days=1),
            "ends_at": start + dt.timedelta(days=1, hours=2),
            "location": meeting.location,
            "online_url": meeting.online_url,
            "description": meeting.description,
        },
    )
    lines = _unfold(client.get(reverse("dialogrum:meeting_ics", args=[meeting.pk])).content.decode())
    assert "SEQUENCE:1" in lines and "DTSTART:20270306T160000Z" in lines


def test_the_feed_lists_every_visible_meeting_once_and_is_not_cached_publicly_when_personal(client, world, coordinator):
    anonymous = client.get(reverse("dialogrum:calendar_feed"))
    assert anonymous["Cache-Control"] == "public, max-age=300"
    text = anonymous.content.decode()
    assert text.count("BEGIN:VEVENT") == text.count("END:VEVENT") == 2  # the two public rooms
    client.force_login(coordinator)
    personal = client.get(reverse("dialogrum:calendar_feed"))
    assert personal["Cache-Control"] == "private, no-store"
    assert personal.content.decode().count("BEGIN:VEVENT") == 6
