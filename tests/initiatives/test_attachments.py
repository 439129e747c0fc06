"""Attachments: the type is read from the content, the size is limited, files live outside
every public URL under a random name, and only people who may see private fields get them."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from initiatives import services
from initiatives.models import Attachment

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
LINUX_ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
REFUSED_TYPE = "Filtypen er ikke tilladt. Tilladte typer:"


@pytest.fixture
def storage_dir(settings, tmp_path):
    """The private storage, moved to a temporary directory for the test."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": None},
        },
    }
    return tmp_path


def upload(client, initiative, name: str, content: bytes, content_type: str = "application/pdf"):
    file = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(reverse("initiatives:attachment_upload", args=[initiative.pk]), {"file": file})


def stored_files(directory: Path) -> list[Path]:
    return [path for path in directory.rglob("*") if path.is_file()]


@pytest.fixture
def owner_client(client, initiator):
    client.force_login(initiator)
    return client


def test_a_real_pdf_is_accepted_and_stored_with_its_type_from_the_content(owner_client, draft, storage_dir):
    response = upload(owner_client, draft, "Projektplan for morgenmøder.pdf", PDF, content_type="text/plain")

    assert response.status_code == 302
    attachment = Attachment.objects.get(initiative=draft)
    assert (attachment.original_name, attachment.content_type, attachment.size) == (
        "Projektplan for morgenmøder.pdf",
        "application/pdf",
        len(PDF),
    )
    assert list(draft.events.filter(action="attachment_add").values_list("data", flat=True)) == [
        {"name": "Projektplan for morgenmøder.pdf"}
    ]


def test_a_png_named_pdf_is_accepted_as_what_it_really_is(owner_client, draft, storage_dir):
    response = upload(owner_client, draft, "billede.pdf", PNG)

    assert response.status_code == 302
    assert Attachment.objects.get(initiative=draft).content_type == "image/png"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param("x.pdf", b"Dette er bare tekst, ikke en PDF.\n", REFUSED_TYPE, id="text-named-pdf"),
        pytest.param("rapport.pdf", WINDOWS_EXE, REFUSED_TYPE, id="windows-executable-named-pdf"),
        pytest.param("rapport.pdf", LINUX_ELF, REFUSED_TYPE, id="linux-executable-named-pdf"),
        pytest.param(
            "side.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", REFUSED_TYPE, id="html-named-pdf"
        ),
        pytest.param("tom.pdf", b"", "Den indsendte fil er tom.", id="empty-file"),  # Django's Danish catalogue
    ],
)
def test_content_that_is_not_an_allowed_type_is_refused_in_danish_whatever_its_name(
    owner_client, draft, storage_dir, name, content, message
):
    response = upload(owner_client, draft, name, content)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_files(storage_dir) == []


def test_a_file_over_the_size_limit_is_refused_in_danish(owner_client, draft, storage_dir, settings):
    settings.ATTACHMENT_MAX_BYTES = 100

    response = upload(owner_client, draft, "stor.png", PNG + b"\x00" * 200)

    assert response.status_code == 200
    assert "Filen er for stor" in response.content.decode()
    assert "Den må højst fylde 100" in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_files(storage_dir) == []


def test_a_file_at_the_size_limit_is_accepted(owner_client, draft, storage_dir, settings):
    settings.ATTACHMENT_MAX_BYTES = len(PNG)

    assert upload(owner_client, draft, "lige-nok.png", PNG).status_code == 302
    assert Attachment.objects.count() == 1


def test_no_file_chosen_is_refused_in_danish(owner_client, draft, storage_dir):
    response = owner_client.post(reverse("initiatives:attachment_upload", args=[draft.pk]), {})

    assert response.status_code == 200
    assert "Vælg en fil." in response.content.decode()


def test_files_are_stored_outside_any_public_url_under_a_random_name(owner_client, draft, storage_dir):
    assert django_settings.MEDIA_URL is None
    upload(owner_client, draft, "Borgerliste Hjemmeplejen.pdf", PDF)
    attachment = Attachment.objects.get()

    assert "Borgerliste" not in attachment.file.name and ".pdf" not in attachment.file.name
    [path] = stored_files(storage_dir)
    assert "Borgerliste" not in str(path)
    assert path.read_bytes() == PDF
    with pytest.raises(ValueError):  # storage without base_url: no URL exists for the file
        _ = attachment.file.url


def test_the_configured_storage_has_no_public_url_and_lives_outside_the_static_files():
    options = django_settings.STORAGES["default"]["OPTIONS"]
    location = Path(options["location"]).resolve()

    assert options.get("base_url") is None
    for public in [django_settings.STATIC_ROOT, *django_settings.STATICFILES_DIRS]:
        assert not location.is_relative_to(Path(public).resolve())


@pytest.fixture
def attachment(draft, initiator, storage_dir):
    return services.attachment_add(
        initiative_id=draft.pk,
        actor=initiator,
        upload=SimpleUploadedFile("Referat æøå.pdf", PDF),
        content_type="application/pdf",
    )


def download(client, attachment):
    return client.get(reverse("initiatives:attachment_download", args=[attachment.pk]))


@pytest.mark.parametrize("persona", ["initiator", "team_member", "coordinator"])
def test_the_owner_team_and_coordinators_download_the_file_as_a_private_attachment(
    client, request, attachment, persona
):
    client.force_login(request.getfixturevalue(persona))

    response = download(client, attachment)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''Referat%20%C3%A6%C3%B8%C3%A5.pdf" in response["Content-Disposition"]
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("persona", ["outsider", "citizen", "reviewer", "manager", "committee_member"])
def test_others_get_404_for_an_attachment_on_a_draft(client, request, attachment, persona):
    client.force_login(request.getfixturevalue(persona))

    assert download(client, attachment).status_code == 404


def test_attachments_of_a_public_trial_stay_private(client, citizen, outsider, manager, initiative_in, attachment):
    initiative_in("i_gang")

    for person in (citizen, outsider):
        client.force_login(person)
        assert download(client, attachment).status_code == 404
    client.force_login(manager)  # the manager of the owning unit reads private fields
    assert download(client, attachment).status_code == 200


def test_anonymous_users_are_sent_to_log_in(client, attachment):
    response = download(client, attachment)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unknown_attachment_is_404(client, initiator, storage_dir):
    client.force_login(initiator)

    assert client.get(reverse("initiatives:attachment_download", args=[999999])).status_code == 404
