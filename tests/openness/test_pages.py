"""The privacy page and the accessibility statement, linked from the footer of every page;
"Foreslå en idé" in the main menu."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "home",
        "initiatives:public_list",
        "ideas:create",
        "ideas:public_list",
        "openness:privacy",
        "openness:accessibility",
    ],
)
def test_every_page_links_to_the_privacy_page_and_the_accessibility_statement_in_its_footer(client, url):
    html = client.get(reverse(url)).content.decode()

    footer = html[html.index("<footer") :]
    assert f'<a href="{reverse("openness:privacy")}">Privatlivspolitik</a>' in footer
    assert f'<a href="{reverse("openness:accessibility")}">Tilgængelighedserklæring</a>' in footer


def test_the_main_menu_invites_everyone_to_suggest_an_idea(client):
    html = client.get(reverse("home")).content.decode()

    assert f'<a href="{reverse("ideas:create")}" class="nav-link"><span>Foreslå en idé</span></a>' in html


def test_the_privacy_page_states_the_retention_period_from_the_settings(client, settings):
    settings.IDEA_RETENTION_DAYS = 180
    settings.IDEA_CONFIRM_DAYS = 5

    html = client.get(reverse("openness:privacy")).content.decode()

    assert "<h1>Privatlivspolitik</h1>" in html
    assert "efter 180 dage" in html and "inden for 5 dage" in html
    assert "Datatilsynet" in html


def test_the_accessibility_statement_names_the_standard_the_status_and_how_to_complain(client):
    html = client.get(reverse("openness:accessibility")).content.decode()

    assert "<h1>Tilgængelighedserklæring</h1>" in html
    assert "WCAG 2.1 niveau AA" in html
    assert "Digitaliseringsstyrelsen" in html


def test_the_idea_form_explains_in_plain_danish_what_happens_to_the_data(client):
    html = client.get(reverse("ideas:create")).content.decode()

    assert "Dit navn og din e-mail vises aldrig offentligt." in html
    assert f'href="{reverse("openness:privacy")}"' in html
