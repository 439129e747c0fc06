"""Reporting and moderation: anyone logged in who can read a post may report it (once while
open); coordinators hide or restore with a reason; a hidden post stays in the thread as
hidden; every step is an append-only audit row, and the people concerned are told."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dialogrum import services
from dialogrum.exceptions import ActionForbidden, ReasonRequired
from dialogrum.models import DialogEvent, Post, PostReport
from slagelse_ou.models import Notification


@pytest.fixture
def reply(public_thread, citizen):
    return services.post_reply(thread_id=public_thread.pk, author=citizen, body="Det her er et personangreb.")


def test_a_logged_in_reader_reports_a_post_and_the_coordinators_are_told(client, reply, outsider, coordinator):
    client.force_login(outsider)
    response = client.post(reverse("dialogrum:post_report", args=[reply.pk]), {"reason": "Personangreb"})
    assert response.status_code == 302
    report = PostReport.objects.get(post=reply)
    assert (report.reporter, report.reason, report.resolved_at) == (outsider, "Personangreb", None)
    event = DialogEvent.objects.get(action="post_report")
    assert (event.actor, event.post, event.note) == (outsider, reply, "Personangreb")
    assert Notification.objects.filter(recipient=coordinator, subject__contains="anmeldt").exists()


def test_anonymous_visitors_are_offered_the_report_link_and_asked_to_log_in_first(client, reply, public_thread):
    assert (
        reverse("dialogrum:post_report", args=[reply.pk])
        in client.get(public_thread.get_absolute_url()).content.decode()
    )
    response = client.post(reverse("dialogrum:post_report", args=[reply.pk]), {"reason": "x"})
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert not PostReport.objects.exists()


def test_a_report_needs_a_reason_and_keeps_nothing_half_done(client, reply, outsider):
    client.force_login(outsider)
    response = client.post(reverse("dialogrum:post_report", args=[reply.pk]), {"reason": "  "})
    assert response.status_code == 200
    assert "Skriv en begrundelse." in response.content.decode()
    assert not PostReport.objects.exists()


def test_reporting_the_same_post_twice_is_refused_in_danish(reply, outsider):
    services.post_report(post_id=reply.pk, reporter=outsider, reason="Personangreb")
    with pytest.raises(ActionForbidden, match="allerede anmeldt"):
        services.post_report(post_id=reply.pk, reporter=outsider, reason="Igen")
    assert PostReport.objects.count() == 1


def test_a_post_in_a_room_the_reader_cannot_see_cannot_be_reported(world, citizen):
    hidden_from_citizen = world["tema_medlemmer"].reply
    with pytest.raises(ActionForbidden):
        services.post_report(post_id=hidden_from_citizen.pk, reporter=citizen, reason="x")


@pytest.mark.parametrize("name", ["citizen", "outsider", "manager", "committee_member"])
def test_only_coordinators_may_hide_posts(client, reply, persona, name):
    client.force_login(persona(name))
    response = client.post(reverse("dialogrum:post_hide", args=[reply.pk]), {"reason": "Nej"})
    assert response.status_code == 403
    with pytest.raises(ActionForbidden):
        services.post_hide(post_id=reply.pk, actor=persona(name), reason="Nej")
    reply.refresh_from_db()
    assert reply.hidden_at is None


def test_hiding_needs_a_reason(client, reply, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("dialogrum:post_hide", args=[reply.pk]), {"reason": ""})
    assert response.status_code == 200 and "Skriv en begrundelse." in response.content.decode()
    with pytest.raises(ReasonRequired):
        services.post_hide(post_id=reply.pk, actor=coordinator, reason=" ")
    reply.refresh_from_db()
    assert reply.hidden_at is None


def test_a_hidden_post_shows_as_hidden_with_its_reason_and_is_not_deleted(
    client, reply, public_thread, coordinator, outsider, citizen
):
    services.post_report(post_id=reply.pk, reporter=outsider, reason="Personangreb")
    client.force_login(coordinator)
    response = client.post(reverse("dialogrum:post_hide", args=[reply.pk]), {"reason": "Personangreb på en kollega"})
    assert response.status_code == 302

    reply.refresh_from_db()
    assert reply.hidden_by == coordinator and reply.hidden_reason == "Personangreb på en kollega"
    assert Post.objects.filter(pk=reply.pk, body="Det her er et personangreb.").exists()  # kept, not deleted
    assert PostReport.objects.get(post=reply).resolution == "skjult"
    event = DialogEvent.objects.get(action="post_hide")
    assert (event.actor, event.post, event.subject_user, event.note) == (
        coordinator,
        reply,
        citizen,
        "Personangreb på en kollega",
    )
    assert event.data == {"reports_resolved": 1}
    assert Notification.objects.filter(recipient=citizen, subject__contains="er skjult").exists()

    client.force_login(outsider)
    page = client.get(reverse("dialogrum:thread_detail", args=[public_thread.pk])).content.decode()
    assert "Indlægget er skjult af sekretariatet." in page
    assert "Personangreb på en kollega" in page
    assert "Det her er et personangreb." not in page
    client.force_login(coordinator)
    page = client.get(reverse("dialogrum:thread_detail", args=[public_thread.pk])).content.decode()
    assert "Vis det skjulte indhold" in page and "Det her er et personangreb." in page


def test_hiding_twice_is_a_no_op_and_writes_one_audit_row(reply, coordinator):
    services.post_hide(post_id=reply.pk, actor=coordinator, reason="Første")
    services.post_hide(post_id=reply.pk, actor=coordinator, reason="Anden")
    reply.refresh_from_db()
    assert reply.hidden_reason == "Første"
    assert DialogEvent.objects.filter(action="post_hide").count() == 1


def test_a_coordinator_restores_a_hidden_post_with_a_reason_and_both_steps_stay_in_the_log(
    client, reply, public_thread, coordinator
):
    services.post_hide(post_id=reply.pk, actor=coordinator, reason="Fejlagtigt skjult?")
    client.force_login(coordinator)
    response = client.post(reverse("dialogrum:post_restore", args=[reply.pk]), {"reason": "Det var en fejl"})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.hidden_at is None and reply.hidden_reason == ""
    actions = list(DialogEvent.objects.filter(post=reply).values_list("action", "note"))
    assert actions == [("post_hide", "Fejlagtigt skjult?"), ("post_restore", "Det var en fejl")]
    restore = DialogEvent.objects.get(action="post_restore")
    assert restore.data == {"hidden_reason": "Fejlagtigt skjult?", "hidden_by": coordinator.pk}
    assert "Det her er et personangreb." in client.get(public_thread.get_absolute_url()).content.decode()


def test_hiding_the_opening_post_hides_the_threads_title_in_lists(client, public_thread, public_room, coordinator):
    opening = public_thread.posts.get(is_opening=True)
    services.post_hide(post_id=opening.pk, actor=coordinator, reason="Reklame")
    page = client.get(reverse("dialogrum:room_detail", args=[public_room.pk])).content.decode()
    assert "Skjult tråd" in page and "Hvad virker?" not in page
    services.post_restore(post_id=opening.pk, actor=coordinator, reason="OK")
    assert "Hvad virker?" in client.get(reverse("dialogrum:room_detail", args=[public_room.pk])).content.decode()


def test_a_coordinator_dismisses_a_report_and_the_post_stays_visible(client, reply, outsider, coordinator):
    report = services.post_report(post_id=reply.pk, reporter=outsider, reason="Uenig")
    client.force_login(coordinator)
    queue = client.get(reverse("dialogrum:moderation")).content.decode()
    assert "Uenig" in queue
    client.post(reverse("dialogrum:report_dismiss", args=[report.pk]), {"note": "Uenighed er tilladt"})
    report.refresh_from_db()
    assert (report.resolution, report.resolved_by) == ("afvist", coordinator)
    reply.refresh_from_db()
    assert reply.hidden_at is None
    assert DialogEvent.objects.get(action="report_dismiss").note == "Uenighed er tilladt"
    assert "Uenig<" not in client.get(reverse("dialogrum:moderation")).content.decode().split("h-log")[0]


def test_the_moderation_queue_is_for_coordinators_only(client, outsider, committee_member, db):
    assert client.get(reverse("dialogrum:moderation")).status_code == 302
    for user in (outsider, committee_member):
        client.force_login(user)
        assert client.get(reverse("dialogrum:moderation")).status_code == 403


def test_the_audit_trail_is_append_only(reply, coordinator):
    services.post_hide(post_id=reply.pk, actor=coordinator, reason="Grund")
    event = DialogEvent.objects.get(action="post_hide")
    event.note = "Omskrevet"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()
