"""Triage by coordinators: publish, convert into a draft prøvehandling, merge, decline.
Each step is audited, the submitter is e-mailed and the status link shows it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ideas import services
from ideas.models import Idea, IdeaMail, IdeaStatus
from initiatives.exceptions import ActionForbidden, NoteRequired
from initiatives.models import InitiativeEvent, Status
from tests.ideas.helpers import deliver_mails, mails_to, submit

pytestmark = pytest.mark.django_db
ADDRESS = "borger@example.dk"


def action_url(idea, action):
    return reverse("ideas:triage_action", args=[idea.pk, action])


def status_page(client, token) -> str:
    return client.get(reverse("ideas:status", args=[token])).content.decode()


@pytest.fixture
def received(db):
    """A confirmed idea in the queue, its confirmation mails already sent."""
    idea, token = submit(title="Fælles spisning", description="Spis sammen på plejecentret.", email=ADDRESS)
    deliver_mails()
    return idea, token


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 302),
        ("citizen", 403),
        ("initiator", 403),
        ("manager", 403),
        ("committee_member", 403),
        ("coordinator", 200),
    ],
)
def test_only_coordinators_open_the_triage_pages(client, request, received, persona, expected):
    idea, _ = received
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))

    for url in (
        reverse("ideas:triage_list"),
        reverse("ideas:triage_detail", args=[idea.pk]),
        reverse("ideas:personal_data"),
    ):
        response = client.get(url)
        assert response.status_code == expected
        if expected == 302:
            assert response["Location"].startswith(reverse("login"))
    if expected != 200:
        assert client.post(action_url(idea, "publish")).status_code == expected
        assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.RECEIVED


def test_a_non_coordinator_cannot_triage_through_the_services_either(received, initiator):
    idea, _ = received

    with pytest.raises(ActionForbidden):
        services.idea_publish(idea_id=idea.pk, actor=initiator)

    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.RECEIVED


def test_the_queue_lists_open_ideas_oldest_first_and_not_unconfirmed_ones(coordinator_client, received):
    submit(title="Ubekræftet idé", email="x@example.dk", confirm=False)
    submit(title="Nyere idé")

    html = coordinator_client.get(reverse("ideas:triage_list")).content.decode()

    assert html.index("Fælles spisning") < html.index("Nyere idé")
    assert "Ubekræftet idé" not in html


def test_publishing_shows_the_idea_publicly_and_tells_the_submitter(client, coordinator_client, received):
    idea, token = received

    response = coordinator_client.post(action_url(idea, "publish"))

    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.PUBLISHED and idea.published_at is not None
    assert idea.events.filter(action="publish", to_status=IdeaStatus.PUBLISHED).exists()
    deliver_mails()
    [message] = [m for m in mails_to(ADDRESS) if m.subject == "Idéen er offentliggjort"]
    assert idea.get_absolute_url() in message.body
    client.logout()
    assert client.get(idea.get_absolute_url()).status_code == 200
    assert "Fælles spisning" in client.get(reverse("ideas:public_list")).content.decode()
    assert "Idéen er offentliggjort" in status_page(client, token)


def test_an_unpublished_idea_has_no_public_page(client, received):
    idea, _ = received

    assert client.get(reverse("ideas:detail", args=[idea.pk])).status_code == 404
    assert "Fælles spisning" not in client.get(reverse("ideas:public_list")).content.decode()


def test_converting_creates_a_draft_with_an_owner_linked_both_ways(client, coordinator_client, received, initiator):
    idea, token = received

    response = coordinator_client.post(action_url(idea, "convert"), {"owner": initiator.pk})

    assert response.status_code == 302
    idea.refresh_from_db()
    initiative = idea.initiative
    assert initiative.status == Status.DRAFT and initiative.owner == initiator
    assert initiative.owning_unit == initiator.unit
    assert initiative.title == "Fælles spisning" and initiative.idea == "Spis sammen på plejecentret."
    assert initiative.source_idea == idea  # the other way
    assert InitiativeEvent.objects.filter(initiative=initiative, action="create").exists()
    assert InitiativeEvent.objects.get(initiative=initiative, action="convert").data == {"idea": idea.pk}
    assert idea.events.get(action="convert").data == {"initiative": initiative.pk}
    assert initiator.notifications.filter(url=initiative.get_absolute_url()).exists()
    deliver_mails()
    assert "Idéen er blevet til en prøvehandling" in [m.subject for m in mails_to(ADDRESS)]
    assert "Idéen er blevet til en prøvehandling" in status_page(client, token)
    assert initiative.get_absolute_url() not in status_page(client, token)  # a draft is not public


def test_converting_without_an_owner_asks_for_one_in_danish(coordinator_client, received):
    idea, _ = received

    response = coordinator_client.post(action_url(idea, "convert"), {"owner": ""})

    assert response.status_code == 200
    assert "Vælg den medarbejder, der skal eje prøvehandlingen." in response.content.decode()
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.RECEIVED


def test_merging_points_the_submitter_to_the_similar_idea(client, coordinator, coordinator_client, received):
    idea, token = received
    target, _ = submit(title="Spisevenner")
    services.idea_publish(idea_id=target.pk, actor=coordinator)

    coordinator_client.post(action_url(idea, "merge"), {"into": target.pk})

    idea.refresh_from_db()
    assert idea.status == IdeaStatus.MERGED and idea.merged_into == target and idea.closed_at is not None
    deliver_mails()
    [message] = [m for m in mails_to(ADDRESS) if m.subject == "Idéen er lagt sammen med en anden"]
    assert target.get_absolute_url() in message.body
    assert target.get_absolute_url() in status_page(client, token)


@pytest.mark.parametrize("target_state", ["declined", "self"])
def test_merging_into_a_closed_idea_or_itself_is_refused(coordinator, coordinator_client, received, target_state):
    idea, _ = received
    if target_state == "self":
        target = idea
    else:
        target, _ = submit(title="Lukket idé")
        services.idea_decline(idea_id=target.pk, actor=coordinator, reason="Nej")

    response = coordinator_client.post(action_url(idea, "merge"), {"into": target.pk})

    assert response.status_code == 200
    assert "Vælg en åben idé fra listen." in response.content.decode()
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.RECEIVED


def test_declining_needs_a_reason_which_the_submitter_is_told(client, coordinator, coordinator_client, received):
    idea, token = received

    refused = coordinator_client.post(action_url(idea, "decline"), {"reason": "  "})
    assert "Skriv en begrundelse" in refused.content.decode()
    with pytest.raises(NoteRequired):
        services.idea_decline(idea_id=idea.pk, actor=coordinator, reason="")
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.RECEIVED

    coordinator_client.post(action_url(idea, "decline"), {"reason": "Det gør vi allerede i Ældreplejen."})

    idea.refresh_from_db()
    assert idea.status == IdeaStatus.DECLINED and idea.decline_reason == "Det gør vi allerede i Ældreplejen."
    deliver_mails()
    [message] = [m for m in mails_to(ADDRESS) if m.subject == "Idéen er afvist"]
    assert "Det gør vi allerede i Ældreplejen." in message.body
    assert "Det gør vi allerede i Ældreplejen." in status_page(client, token)


def test_declining_a_published_idea_takes_it_down(client, coordinator, received):
    idea, _ = received
    services.idea_publish(idea_id=idea.pk, actor=coordinator)

    services.idea_decline(idea_id=idea.pk, actor=coordinator, reason="Dobbelt")

    assert client.get(idea.get_absolute_url()).status_code == 404


def test_a_closed_idea_cannot_be_triaged_again_and_the_coordinator_is_told_why(
    coordinator, coordinator_client, received
):
    idea, _ = received
    services.idea_decline(idea_id=idea.pk, actor=coordinator, reason="Nej")

    response = coordinator_client.post(action_url(idea, "publish"), follow=True)

    assert "kan ikke udføres, når idéen har status “Afvist”" in response.content.decode()
    assert Idea.objects.get(pk=idea.pk).status == IdeaStatus.DECLINED


def test_a_double_click_publishes_once(coordinator, received):
    idea, _ = received

    services.idea_publish(idea_id=idea.pk, actor=coordinator)
    services.idea_publish(idea_id=idea.pk, actor=coordinator)

    assert idea.events.filter(action="publish").count() == 1
    assert IdeaMail.objects.filter(idea=idea, kind=IdeaMail.Kind.PUBLISHED).count() == 1


def test_an_anonymous_idea_is_triaged_and_audited_without_any_e_mail(coordinator, coordinator_client):
    idea, _ = submit(title="Anonym idé")
    assert coordinator.notifications.filter(subject="Ny idé til behandling").exists()

    coordinator_client.post(action_url(idea, "publish"))

    assert deliver_mails() == 0
    assert Idea.objects.get(pk=idea.pk).events.filter(action="publish").exists()


def test_the_public_list_filters_by_area_and_status(client, coordinator):
    elderly, _ = submit(title="Ældreidé", area="aeldre_sundhed")
    nature, _ = submit(title="Naturidé", area="natur_klima")
    for idea in (elderly, nature):
        services.idea_publish(idea_id=idea.pk, actor=coordinator)

    html = client.get(reverse("ideas:public_list"), {"omraade": "natur_klima"}).content.decode()

    assert "Naturidé" in html and "Ældreidé" not in html
