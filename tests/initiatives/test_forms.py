"""Create and edit through the browser's eyes: every bad input gets a Danish message and
loses nothing typed (PRODUCT.md "Qualities"; issue 2 item 11)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from initiatives import services
from initiatives.models import Initiative, Mantra, Pejlemaerke, Status


class _FormValues(HTMLParser):
    """What a browser would send back from the page: name → list of values."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values: dict[str, list[str]] = {}
        self._textarea: str | None = None
        self._select: str | None = None

    def _add(self, name, value):
        self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(name, a.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                self._add(name, a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self._add(self._select, a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][-1] += data


def form_values(response) -> dict[str, list[str]]:
    parser = _FormValues()
    parser.feed(response.content.decode())
    return parser.values


def value(response, name: str) -> str:
    values = form_values(response).get(name, [])
    assert len(values) <= 1, (name, values)
    return values[0].strip() if values else ""


def application(unit, **overrides) -> dict:
    """A complete application as the create form posts it, with one indicator row and one
    empty extra row in each of the other formsets (what the browser sends for them)."""
    data = {
        "title": "Fælles morgenmøde",
        "summary": "Et kort resumé af morgenmødet",
        "problem": "Borgerne fortæller det samme to gange",
        "idea": "Vi mødes hver morgen på tværs af faggrupper",
        "hypothesis": "Hvis vi mødes, falder antallet af dobbeltbesøg",
        "expected_effect": "Færre dobbeltbesøg hos borgerne",
        "pejlemaerker": [str(Pejlemaerke.objects.get(number=1).pk)],
        "mantras": [str(Mantra.objects.get(letter="b").pk)],
        "owning_unit": str(unit.pk),
        "resources": "To timer om ugen i eksisterende budget",
        "start_date": "2027-01-01",
        "end_date": "2027-06-30",
        "evaluation_date": "2027-08-01",
        "risks": "Vikardækning om morgenen",
        "indicators-TOTAL_FORMS": "1",
        "indicators-INITIAL_FORMS": "0",
        "indicators-0-name": "Dobbeltbesøg",
        "indicators-0-unit": "antal pr. uge",
        "indicators-0-baseline": "40",
        "indicators-0-target": "12,5",
        "partners-TOTAL_FORMS": "1",
        "partners-INITIAL_FORMS": "0",
        "partners-0-name": "",
        "partners-0-kind": "",
        "partners-0-contribution": "",
        "rule_challenges-TOTAL_FORMS": "1",
        "rule_challenges-INITIAL_FORMS": "0",
        "rule_challenges-0-rule": "",
        "rule_challenges-0-kind": "lokal_regel",
        "rule_challenges-0-exemption_needed": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def author(client, initiator):
    client.force_login(initiator)
    return initiator


CREATE = reverse("initiatives:create")
TYPED = {
    "summary": "Et kort resumé af morgenmødet",
    "problem": "Borgerne fortæller det samme to gange",
    "hypothesis": "Hvis vi mødes, falder antallet af dobbeltbesøg",
    "risks": "Vikardækning om morgenen",
    "start_date": "2027-01-01",
    "indicators-0-name": "Dobbeltbesøg",
    "indicators-0-unit": "antal pr. uge",
    "indicators-0-baseline": "40",
    "indicators-0-target": "12,5",
    "indicators-1-name": "Tilfredshed",
    "partners-0-name": "Slagelse Frivilligcenter",
}


def assert_kept(response, typed: dict) -> None:
    for name, typed_value in typed.items():
        assert value(response, name) == typed_value, name


def test_a_blank_title_gives_the_danish_error_and_keeps_everything_else_typed(client, author, units):
    data = application(
        author.unit,
        title="",
        **{
            "indicators-TOTAL_FORMS": "2",
            "indicators-1-name": "Tilfredshed",
            "indicators-1-unit": "%",
            "indicators-1-baseline": "60",
            "indicators-1-target": "80",
            "partners-0-name": "Slagelse Frivilligcenter",
            "partners-0-kind": "frivillig",
            "partners-0-contribution": "Kaffe",
        },
    )

    response = client.post(CREATE, data)

    assert response.status_code == 200
    assert "Skriv en titel – så kan du gemme kladden og skrive resten senere." in response.content.decode()
    assert not Initiative.objects.exists()
    assert_kept(response, TYPED)
    values = form_values(response)
    assert values["pejlemaerker"] == data["pejlemaerker"]
    assert values["mantras"] == data["mantras"]
    assert values["owning_unit"] == [str(author.unit.pk)]
    assert values["partners-0-kind"] == ["frivillig"]
    assert values["indicators-TOTAL_FORMS"] == ["2"]


def test_an_end_date_before_the_start_date_is_refused_in_danish_and_the_dates_are_kept(client, author, units):
    response = client.post(CREATE, application(author.unit, start_date="2027-06-01", end_date="2027-05-01"))

    assert response.status_code == 200
    assert "Slutdatoen skal ligge efter startdatoen." in response.content.decode()
    assert (value(response, "start_date"), value(response, "end_date")) == ("2027-06-01", "2027-05-01")
    assert not Initiative.objects.exists()


def test_an_evaluation_date_before_the_end_date_is_refused_in_danish(client, author, units):
    response = client.post(CREATE, application(author.unit, evaluation_date="2027-03-01"))

    assert response.status_code == 200
    assert "Evalueringsdatoen skal ligge efter slutdatoen." in response.content.decode()
    assert value(response, "evaluation_date") == "2027-03-01"
    assert not Initiative.objects.exists()


def test_an_unreadable_date_is_refused_in_danish_and_kept(client, author, units):
    response = client.post(CREATE, application(author.unit, start_date="første januar"))

    assert response.status_code == 200
    assert "Indtast en gyldig dato." in response.content.decode()  # Django's Danish catalogue
    assert value(response, "start_date") == "første januar"


def test_an_indicator_with_a_baseline_that_is_not_a_number_gets_a_danish_error_and_keeps_the_row(client, author, units):
    response = client.post(CREATE, application(author.unit, **{"indicators-0-baseline": "mange"}))

    assert response.status_code == 200
    assert "Skriv et tal." in response.content.decode()
    assert_kept(
        response,
        {
            "indicators-0-name": "Dobbeltbesøg",
            "indicators-0-baseline": "mange",
            "indicators-0-target": "12,5",
            "summary": TYPED["summary"],
        },
    )
    assert not Initiative.objects.exists()


def test_a_danish_decimal_comma_is_understood(client, author, units):
    response = client.post(CREATE, application(author.unit))

    assert response.status_code == 302
    indicator = Initiative.objects.get().indicators.get()
    assert (indicator.baseline, str(indicator.target)) == (40, "12.50")


def test_add_row_adds_an_empty_indicator_row_without_saving(client, author, units):
    response = client.post(CREATE, application(author.unit, add_row="indicators"))

    assert response.status_code == 200
    assert not Initiative.objects.exists()
    values = form_values(response)
    assert values["indicators-TOTAL_FORMS"] == ["2"]
    assert value(response, "indicators-0-name") == "Dobbeltbesøg"
    assert value(response, "indicators-1-name") == ""
    assert value(response, "summary") == TYPED["summary"]
    # Adding a row is not a save attempt: the still-empty new row is not an error.
    assert "Der er fejl i formularen" not in response.content.decode()


def test_add_row_with_htmx_returns_only_that_formset(client, author, units):
    response = client.post(
        CREATE,
        application(author.unit, add_row="partners", **{"partners-0-name": "Netto"}),
        headers={"HX-Request": "true", "HX-Target": "formset-partners"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<fieldset id="formset-partners"')
    assert "<html" not in html and "formset-indicators" not in html and 'name="title"' not in html
    values = form_values(response)
    assert values["partners-TOTAL_FORMS"] == ["2"]
    assert values["partners-0-name"] == ["Netto"]
    assert not Initiative.objects.exists()


def test_add_row_on_the_edit_page_does_not_save(client, author, draft):
    data = application(author.unit, title="Ny titel der ikke må gemmes", add_row="rule_challenges")

    response = client.post(reverse("initiatives:edit", args=[draft.pk]), data)

    assert response.status_code == 200
    assert value(response, "rule_challenges-TOTAL_FORMS") == "2"
    assert value(response, "title") == "Ny titel der ikke må gemmes"
    draft.refresh_from_db()
    assert draft.title != "Ny titel der ikke må gemmes"


def test_saving_a_draft_needs_only_a_title(client, author, units):
    blank = {
        key: ""
        for key in (
            "summary",
            "problem",
            "idea",
            "hypothesis",
            "expected_effect",
            "resources",
            "risks",
            "start_date",
            "end_date",
            "evaluation_date",
        )
    }
    indicator = {f"indicators-0-{name}": "" for name in ("name", "unit", "baseline", "target")}
    data = application(author.unit, title="Bare en idé", save="", **blank, **indicator)
    del data["pejlemaerker"], data["mantras"]  # unticked boxes are not sent
    response = client.post(CREATE, data)

    initiative = Initiative.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("initiatives:edit", args=[initiative.pk])
    assert (initiative.title, initiative.status, initiative.owner) == ("Bare en idé", Status.DRAFT, author)
    assert "Kladden er gemt." in client.get(response["Location"]).content.decode()


def test_save_and_submit_on_an_incomplete_application_saves_the_draft_and_says_what_is_missing(client, author, units):
    data = application(
        author.unit,
        summary="",
        hypothesis="",
        submit="1",
        **{"indicators-0-name": "", "indicators-0-unit": "", "indicators-0-baseline": "", "indicators-0-target": ""},
    )

    response = client.post(CREATE, data, follow=True)

    initiative = Initiative.objects.get()
    assert initiative.status == Status.DRAFT
    assert initiative.problem == data["problem"]
    assert response.redirect_chain[-1][0] == reverse("initiatives:edit", args=[initiative.pk])
    html = response.content.decode()
    assert "Kladden er gemt, men kunne ikke indsendes." in html
    assert "Ansøgningen mangler: resumé, hypotese, mindst én indikator." in html
    assert value(response, "problem") == data["problem"]


def test_save_and_submit_on_a_complete_application_submits_it(client, author, units):
    response = client.post(CREATE, application(author.unit, submit="1"), follow=True)

    initiative = Initiative.objects.get()
    assert initiative.status == Status.SUBMITTED
    assert response.redirect_chain[-1][0] == initiative.get_absolute_url()
    assert "Prøvehandlingen er indsendt." in response.content.decode()
    assert list(initiative.events.values_list("action", flat=True)) == ["create", "submit"]


def test_a_blank_title_on_the_edit_page_keeps_what_was_typed_and_saves_nothing(client, author, draft):
    data = application(author.unit, title="", summary="Et nyt resumé, der ikke må gå tabt")

    response = client.post(reverse("initiatives:edit", args=[draft.pk]), data)

    assert response.status_code == 200
    assert "Skriv en titel" in response.content.decode()
    assert value(response, "summary") == "Et nyt resumé, der ikke må gå tabt"
    assert value(response, "indicators-0-name") == "Dobbeltbesøg"
    draft.refresh_from_db()
    assert draft.title and draft.summary != "Et nyt resumé, der ikke må gå tabt"


def test_the_edit_page_shows_the_saved_rows(client, author, draft):
    response = client.get(reverse("initiatives:edit", args=[draft.pk]))

    assert value(response, "title") == draft.title
    assert value(response, "indicators-0-name") == "Dobbeltbesøg"
    assert value(response, "indicators-0-baseline") == "40,00"  # Danish decimal comma


# --- The transition form on the detail page -----------------------------------------------


def test_withdrawing_without_a_reason_re_renders_the_page_with_a_danish_error(client, author, initiative_in):
    initiative = initiative_in("indsendt")

    response = client.post(reverse("initiatives:transition", args=[initiative.pk, "withdraw"]), {"note": "  "})

    assert response.status_code == 200
    assert "Skriv en begrundelse." in response.content.decode()
    assert "<details open>" in response.content.decode()  # the failed action's form stays open
    initiative.refresh_from_db()
    assert initiative.status == Status.SUBMITTED


def test_concluding_without_a_reason_keeps_the_chosen_outcome(client, coordinator, initiative_in):
    initiative = initiative_in("evaluering")
    client.force_login(coordinator)

    response = client.post(
        reverse("initiatives:transition", args=[initiative.pk, "conclude"]), {"note": "", "outcome": "stoppet"}
    )

    assert response.status_code == 200
    assert "Skriv en begrundelse." in response.content.decode()
    assert value(response, "outcome") == "stoppet"
    initiative.refresh_from_db()
    assert initiative.status == Status.EVALUATION


def test_concluding_without_an_outcome_keeps_the_reason_typed(client, coordinator, initiative_in):
    initiative = initiative_in("evaluering")
    client.force_login(coordinator)

    response = client.post(
        reverse("initiatives:transition", args=[initiative.pk, "conclude"]),
        {"note": "Vi lærte, at morgenmødet var for langt.", "outcome": ""},
    )

    assert response.status_code == 200
    assert "Vælg et udfald" in response.content.decode()
    assert value(response, "note") == "Vi lærte, at morgenmødet var for langt."
    initiative.refresh_from_db()
    assert initiative.status == Status.EVALUATION


def test_a_refused_submission_from_the_detail_page_says_what_is_missing(client, author, initiator):
    initiative = services.initiative_create(owner=initiator, data={"title": "Kun en titel"})

    response = client.post(reverse("initiatives:transition", args=[initiative.pk, "submit"]))

    assert response.status_code == 200
    assert "Ansøgningen mangler: resumé" in response.content.decode()
    initiative.refresh_from_db()
    assert initiative.status == Status.DRAFT


def test_the_target_group_is_saved_from_the_application_form(client, initiator):
    from initiatives.models import Initiative

    client.force_login(initiator)
    data = {
        "title": "Målgruppe-test",
        "target_group": "aeldre",
        "owning_unit": initiator.unit_id,
        "indicators-TOTAL_FORMS": "0",
        "indicators-INITIAL_FORMS": "0",
        "partners-TOTAL_FORMS": "0",
        "partners-INITIAL_FORMS": "0",
        "rule_challenges-TOTAL_FORMS": "0",
        "rule_challenges-INITIAL_FORMS": "0",
    }
    response = client.post("/proevehandlinger/ny/", data)
    assert response.status_code == 302
    initiative = Initiative.objects.get(title="Målgruppe-test")
    assert initiative.target_group == "aeldre"
    assert "Ældre" in client.get(initiative.get_absolute_url()).content.decode()


def test_concluding_from_the_detail_page_needs_the_teams_evaluation(client, coordinator, initiative_in):
    initiative = initiative_in("evaluering")
    client.force_login(coordinator)

    response = client.post(
        reverse("initiatives:transition", args=[initiative.pk, "conclude"]),
        {"note": "Vi skalerer.", "outcome": "skaleret"},
    )

    assert response.status_code == 200
    assert "Teamet har ikke afleveret evalueringen endnu." in response.content.decode()
    assert value(response, "note") == "Vi skalerer."
    initiative.refresh_from_db()
    assert initiative.status == Status.EVALUATION
