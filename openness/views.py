"""Openness: open-data exports (CSV and JSON) of public prøvehandlinger and published ideas,
the Atom feeds, an iCalendar feed of the ansøgningsrunder's deadlines and committee
meetings, and the privacy and accessibility pages. Routes are mounted at the site root
(app namespace "openness").

Exports contain public fields only — the same as the public pages show — and their schema
is the FIELDS tables below, rendered on /aabne-data/ and documented in docs/opendata.md
(a test keeps the two in step). CSV cells that a spreadsheet would run as a formula are
defused (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from dialogrum.ical import escape_text, fold  # the portal's RFC 5545 rules, in one place
from ideas.models import Idea
from initiatives.models import Indicator, Initiative, Round

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SCHEMA_VERSION = "1.0"
CHUNK = 1000


@dataclass(frozen=True)
class Field:
    name: str
    type: StrOrPromise  # marked for translation: shown on /aabne-data/ in the reader's language
    description: StrOrPromise


INITIATIVE_FIELDS = (
    Field("id", _("heltal"), _("Prøvehandlingens nummer i portalen.")),
    Field("url", _("tekst (URL)"), _("Prøvehandlingens offentlige side.")),
    Field("titel", _("tekst"), _("Titel.")),
    Field("resume", _("tekst"), _("Kort resumé.")),
    Field("borgerens_problem", _("tekst"), _("Det problem hos borgerne, prøvehandlingen skal løse.")),
    Field("ide", _("tekst"), _("Idéen.")),
    Field("hypotese", _("tekst"), _("Hypotesen: hvis vi gør …, så forventer vi …, fordi …")),
    Field("forventet_effekt", _("tekst"), _("Forventet effekt for borgerne.")),
    Field("status", _("kode"), _("godkendt, i_gang, evaluering eller afsluttet.")),
    Field("status_tekst", _("tekst"), _("Status på dansk.")),
    Field(
        "udfald", _("kode"), _("skaleret, videreført_med_justering, stoppet – tom indtil prøvehandlingen er afsluttet.")
    ),
    Field("udfald_tekst", _("tekst"), _("Udfald på dansk.")),
    Field("enhed", _("tekst"), _("Ansvarlig organisatorisk enhed.")),
    Field("enhed_id", _("heltal"), _("Enhedens nummer (samme som i Atom-feedet pr. enhed).")),
    Field(
        "pejlemaerker", _("liste af tekst"), _("De pejlemærker, prøvehandlingen understøtter (CSV: adskilt af “ | ”).")
    ),
    Field("mantraer", _("liste af tekst"), _("De mantraer, prøvehandlingen understøtter (CSV: adskilt af “ | ”).")),
    Field(
        "indikatorer",
        _("liste af objekter"),
        _(
            "Indikatorer med navn, maaleenhed, udgangspunkt og maal "
            "(CSV: “navn [enhed]: udgangspunkt → mål”, adskilt af “ | ”)."
        ),
    ),
    Field("startdato", _("dato (ÅÅÅÅ-MM-DD)"), _("Planlagt start.")),
    Field("slutdato", _("dato (ÅÅÅÅ-MM-DD)"), _("Planlagt slut.")),
    Field("evalueringsdato", _("dato (ÅÅÅÅ-MM-DD)"), _("Planlagt evaluering.")),
    Field("afgjort", _("tidspunkt (ISO 8601)"), _("Hvornår ansøgningen blev godkendt.")),
    Field("opdateret", _("tidspunkt (ISO 8601)"), _("Seneste ændring.")),
)

IDEA_FIELDS = (
    Field("id", _("heltal"), _("Idéens nummer i portalen.")),
    Field("url", _("tekst (URL)"), _("Idéens offentlige side.")),
    Field("titel", _("tekst"), _("Titel.")),
    Field("beskrivelse", _("tekst"), _("Beskrivelse.")),
    Field("omraade", _("kode"), _("Område (fx aeldre_sundhed).")),
    Field("omraade_tekst", _("tekst"), _("Område på dansk.")),
    Field("indsendt_af", _("kode"), _("borger, virksomhed, forening eller andet – aldrig hvem.")),
    Field("status", _("kode"), _("offentliggjort, omdannet (blevet til en prøvehandling) eller sammenlagt.")),
    Field("status_tekst", _("tekst"), _("Status på dansk.")),
    Field("proevehandling_url", _("tekst (URL)"), _("Prøvehandlingen, idéen er blevet til, når den er offentlig.")),
    Field("offentliggjort", _("tidspunkt (ISO 8601)"), _("Hvornår idéen blev offentliggjort.")),
)

# A cell beginning with one of these is run as a formula by Excel, LibreOffice and Google
# Sheets (tab and carriage return too: some strip them first and then see the formula).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """Prefix a text cell that a spreadsheet would run as a formula with a single quote.
    Numbers and dates are left alone (a negative number is data, not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _absolute(url: str) -> str:
    return settings.SITE_URL + url


def public_initiatives() -> Iterator[Initiative]:
    qs = (
        Initiative.objects.public()
        .select_related("owning_unit")
        .prefetch_related(
            "pejlemaerker", "mantras", Prefetch("indicators", queryset=Indicator.objects.order_by("order", "pk"))
        )
        .order_by("pk")
    )
    return qs.iterator(chunk_size=CHUNK)


def initiative_record(initiative: Initiative) -> dict[str, Any]:
    """The public fields of one prøvehandling (INITIATIVE_FIELDS, in that order)."""
    return {
        "id": initiative.pk,
        "url": _absolute(initiative.get_absolute_url()),
        "titel": initiative.title,
        "resume": initiative.summary,
        "borgerens_problem": initiative.problem,
        "ide": initiative.idea,
        "hypotese": initiative.hypothesis,
        "forventet_effekt": initiative.expected_effect,
        "status": initiative.status,
        "status_tekst": str(initiative.get_status_display()),
        "udfald": initiative.outcome,
        "udfald_tekst": str(initiative.get_outcome_display()) if initiative.outcome else "",
        "enhed": initiative.owning_unit.name,
        "enhed_id": initiative.owning_unit_id,
        "pejlemaerker": [p.text for p in initiative.pejlemaerker.all()],
        "mantraer": [m.text for m in initiative.mantras.all()],
        "indikatorer": [
            {"navn": i.name, "maaleenhed": i.unit, "udgangspunkt": _number(i.baseline), "maal": _number(i.target)}
            for i in initiative.indicators.all()
        ],
        "startdato": _iso(initiative.start_date),
        "slutdato": _iso(initiative.end_date),
        "evalueringsdato": _iso(initiative.evaluation_date),
        "afgjort": _iso(initiative.decided_at),
        "opdateret": _iso(initiative.updated_at),
    }


def public_ideas() -> Iterator[Idea]:
    return Idea.objects.public().select_related("initiative").order_by("pk").iterator(chunk_size=CHUNK)


def idea_record(idea: Idea) -> dict[str, Any]:
    """The public fields of one published idea (IDEA_FIELDS) — never the submitter."""
    initiative = idea.initiative
    return {
        "id": idea.pk,
        "url": _absolute(idea.get_absolute_url()),
        "titel": idea.title,
        "beskrivelse": idea.description,
        "omraade": idea.area,
        "omraade_tekst": str(idea.get_area_display()),
        "indsendt_af": idea.submitter_kind,
        "status": idea.status,
        "status_tekst": str(idea.get_status_display()),
        "proevehandling_url": _absolute(initiative.get_absolute_url()) if initiative and initiative.is_public else "",
        "offentliggjort": _iso(idea.published_at),
    }


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list):
        parts = []
        for item in value:
            if isinstance(item, dict):  # an indicator
                parts.append(f"{item['navn']} [{item['maaleenhed']}]: {item['udgangspunkt']} → {item['maal']}")
            else:
                parts.append(str(item))
        value = " | ".join(parts)
    return csv_safe("" if value is None else value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(fields: Iterable[Field], records: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The CSV file line by line: a byte-order mark (so Excel reads UTF-8), a header, rows."""
    names = [f.name for f in fields]
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(names)
    for record in records:
        yield writer.writerow([_csv_cell(record[name]) for name in names])


def json_chunks(kind: str, fields: Iterable[Field], records: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A JSON document written piece by piece, so 100,000 rows never sit in memory at once."""
    head = {
        "skema": {
            "version": SCHEMA_VERSION,
            "dokumentation": _absolute(reverse("openness:index")) + "#skema",
            "felter": [f.name for f in fields],
        },
        "type": kind,
        "udgiver": "Slagelse Kommune",
        "dannet": timezone.localtime().isoformat(),
    }
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "poster": ['
    for index, record in enumerate(records):
        yield ("," if index else "") + json.dumps(record, ensure_ascii=False)
    yield "]}"


def _download(chunks: Iterator[str], *, content_type: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse((chunk.encode("utf-8") for chunk in chunks), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site may read it
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_http_methods(["GET"])
def initiatives_csv(request):
    records = (initiative_record(i) for i in public_initiatives())
    return _download(
        csv_lines(INITIATIVE_FIELDS, records), content_type="text/csv; charset=utf-8", filename="proevehandlinger.csv"
    )


@require_http_methods(["GET"])
def initiatives_json(request):
    records = (initiative_record(i) for i in public_initiatives())
    return _download(
        json_chunks("prøvehandlinger", INITIATIVE_FIELDS, records),
        content_type="application/json",
        filename="proevehandlinger.json",
    )


@require_http_methods(["GET"])
def ideas_csv(request):
    records = (idea_record(i) for i in public_ideas())
    return _download(csv_lines(IDEA_FIELDS, records), content_type="text/csv; charset=utf-8", filename="ideer.csv")


@require_http_methods(["GET"])
def ideas_json(request):
    records = (idea_record(i) for i in public_ideas())
    return _download(json_chunks("idéer", IDEA_FIELDS, records), content_type="application/json", filename="ideer.json")


# --- iCalendar ------------------------------------------------------------------------

ROUND_DATES = (
    ("opens_on", "aabner", "Ansøgningsrunden åbner"),
    ("application_deadline", "ansoegningsfrist", "Ansøgningsfrist"),
    ("review_deadline", "bedoemmelsesfrist", "Frist for bedømmelse"),
    ("committee_meeting_on", "udvalgsmoede", "Økonomiudvalgets møde"),
)
CALENDAR_HISTORY_DAYS = 365


def _date(value: dt.date) -> str:
    return value.strftime("%Y%m%d")


def round_calendar(rounds: Iterable[Round], *, stamp: dt.datetime, domain: str) -> str:
    """All-day events (RFC 5545 §3.6.1: DTSTART;VALUE=DATE, DTEND the day after) for each
    round's opening, deadlines and committee meeting. UIDs are stable per round and date
    kind, so a moved deadline updates the calendar entry instead of adding one."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Slagelse Kommune//Prøvehandlingsportalen//DA",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text('Prøvehandlinger – ansøgningsrunder og udvalgsmøder')}",
    ]
    for round_ in rounds:
        url = _absolute(round_.get_absolute_url())
        for attr, key, label in ROUND_DATES:
            day = getattr(round_, attr)
            lines += [
                "BEGIN:VEVENT",
                f"UID:runde-{round_.pk}-{key}@{domain}",
                f"DTSTAMP:{stamp.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}",
                f"DTSTART;VALUE=DATE:{_date(day)}",
                f"DTEND;VALUE=DATE:{_date(day + dt.timedelta(days=1))}",
                f"SUMMARY:{escape_text(f'{label}: {round_.title}')}",
                f"DESCRIPTION:{escape_text(round_.description)}" if round_.description else "",
                f"URL:{url}",
                "TRANSP:TRANSPARENT",
                "END:VEVENT",
            ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines if line)


@require_http_methods(["GET"])
def rounds_ical(request):
    since = timezone.localdate() - dt.timedelta(days=CALENDAR_HISTORY_DAYS)
    rounds = Round.objects.filter(committee_meeting_on__gte=since).order_by("opens_on", "pk")
    from urllib.parse import urlsplit

    body = round_calendar(rounds, stamp=timezone.now(), domain=urlsplit(settings.SITE_URL).hostname or "localhost")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="ansoegningsrunder.ics"'
    return response


# --- pages ----------------------------------------------------------------------------


@require_http_methods(["GET"])
def opendata_page(request):
    return render(
        request,
        "public/opendata.html",
        {"initiative_fields": INITIATIVE_FIELDS, "idea_fields": IDEA_FIELDS, "schema_version": SCHEMA_VERSION},
    )


@require_http_methods(["GET"])
def privacy_page(request):
    context = {"retention_days": settings.IDEA_RETENTION_DAYS, "confirm_days": settings.IDEA_CONFIRM_DAYS}
    return render(request, "public/privacy.html", context)


@require_http_methods(["GET"])
def accessibility_page(request):
    return render(request, "public/accessibility.html")
