"""Danish is the source language; every UI string is also available in English.

The catalogues are checked three ways: complete (nothing untranslated or fuzzy, every
placeholder kept), up to date (makemessages over a copy of the tree finds no string the
catalogue lacks, and the compiled .mo matches the .po), and in use (pages render in
English when the reader asks for it, and in Danish otherwise).
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import polib
import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from slagelse_ou.views import server_error

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%%|\{\{.*?\}\}|</?[a-z][^>]*>")


def _messages_script():
    spec = importlib.util.spec_from_file_location("messages_script", ROOT / "scripts" / "messages.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _catalogue(lang: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po"))


def _translations(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_catalogue_has_no_untranslated_or_fuzzy_entries(lang):
    po = _catalogue(lang)

    assert len(po) > 100
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert po.metadata["Language"] == lang


def test_every_english_translation_keeps_the_placeholders_and_markup_of_the_danish():
    broken = []
    for entry in _catalogue("en"):
        for i, translated in enumerate(_translations(entry)):
            source = entry.msgid_plural if (entry.msgid_plural and i > 0) else entry.msgid
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translated)):
                broken.append((entry.msgid, translated))

    assert broken == []


def test_the_danish_catalogue_repeats_the_source_text():
    assert [e.msgid for e in _catalogue("da") if e.msgstr and e.msgstr != e.msgid] == []


def test_the_catalogues_hold_every_translatable_string_in_the_code_and_templates():
    """makemessages runs over a temporary copy of the tree, so this test changes nothing."""
    drift = _messages_script().catalogue_drift()

    assert drift == {lang: {"missing": [], "stale": []} for lang in ("da", "en")}, "run `make messages`"


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_compiled_catalogue_matches_the_po_file(lang):
    po = _catalogue(lang)
    mo = polib.mofile(str(ROOT / "locale" / lang / "LC_MESSAGES" / "django.mo"))
    compiled = {e.msgid: _translations(e) for e in mo if e.msgid}

    assert {e.msgid: _translations(e) for e in po} == compiled, "run `make messages`"


def test_the_front_page_is_in_danish_by_default(client, db):
    response = client.get(reverse("home"))

    html = response.content.decode()
    assert '<html lang="da">' in html
    assert "Offentlige prøvehandlinger" in html
    assert "Public trial initiatives" not in html


def test_the_front_page_is_in_english_when_the_browser_asks_for_english(client, db):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")

    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Public trial initiatives" in html
    assert "Here we suggest, try out and evaluate new ways" in html
    assert "Offentlige prøvehandlinger" not in html
    # The quoted municipal text stays in Danish on purpose, marked as such.
    assert '<blockquote class="quote" lang="da">' in html


def test_the_login_page_is_in_english_when_the_browser_asks_for_english(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert "<h1>Log in</h1>" in html
    assert "Forgotten your password?" in html
    assert "Password" in html  # Django's own form labels follow the language too
    assert "Glemt din adgangskode?" not in html


def test_the_login_page_is_in_danish_for_a_browser_asking_for_an_unsupported_language(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="de")

    html = response.content.decode()
    assert "Glemt din adgangskode?" in html
    assert "Forgotten your password?" not in html


def test_choosing_english_in_the_language_switcher_keeps_the_portal_in_english(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    html = client.get(reverse("login")).content.decode()
    assert "Forgotten your password?" in html

    client.post(reverse("set_language"), {"language": "da", "next": reverse("home")})
    assert "Glemt din adgangskode?" in client.get(reverse("login")).content.decode()


def test_the_language_switcher_names_each_language_in_its_own_language(client, db):
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<option value="da" lang="da">Dansk</option>' in html
    assert '<option value="en" lang="en" selected>English</option>' in html


def test_the_server_error_page_follows_the_reader_language():
    with translation.override("en"):
        html = server_error(RequestFactory().get("/")).content.decode()

    assert '<html lang="en">' in html
    assert "Something went wrong" in html
