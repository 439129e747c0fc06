"""The permission matrix, through the test client as a user meets the portal.

Rules (initiatives/permissions.py, PRODUCT.md, issue 2 item 10): everyone, anonymous included,
sees public states (godkendt, i gang, evaluering, afsluttet) and only public fields; owner
and team see and edit; managers see their unit subtree's non-drafts; coordinators see all;
committee members read all non-drafts. 404 for those who may not see, 403 for those who
may see but not act, a redirect to the login page for anonymous users on login-only pages.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from criteria import services as criteria_services
from initiatives import services
from initiatives.models import ExternalPartner, Initiative, RuleChallenge, Status
from slagelse_ou import roles
from tests.conftest import COORDINATOR_ACTIONS, OWNER_ACTIONS, PATHS, move
from tests.factories import UserFactory, make_initiative

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"

PERSONAS = [
    "anonymous",
    "citizen",
    "outsider",
    "initiator",
    "team_member",
    "manager",
    "reviewer",
    "coordinator",
    "committee_member",
]
STATES = ["kladde", "indsendt", "i_gang", "afsluttet"]
LOGIN = "login"  # 302 to the login page
OK = 200
DONE = 302  # the action succeeded and redirected back

# Expected status per persona for the four states, in the order of STATES:
#                    kladde  indsendt i_gang  afsluttet
DETAIL = {
    "anonymous": (404, 404, OK, OK),
    "citizen": (404, 404, OK, OK),
    "outsider": (404, 404, OK, OK),
    "initiator": (OK, OK, OK, OK),
    "team_member": (OK, OK, OK, OK),
    "manager": (404, OK, OK, OK),
    "reviewer": (404, 404, OK, OK),
    "coordinator": (OK, OK, OK, OK),
    "committee_member": (404, OK, OK, OK),
}
# Editors are sent back to the detail page (302) when the status no longer allows editing.
EDIT = {
    "anonymous": (LOGIN, LOGIN, LOGIN, LOGIN),
    "citizen": (404, 404, 403, 403),
    "outsider": (404, 404, 403, 403),
    "initiator": (OK, DONE, DONE, DONE),
    "team_member": (OK, DONE, DONE, DONE),
    "manager": (404, 403, 403, 403),
    "reviewer": (404, 404, 403, 403),
    "coordinator": (403, 403, 403, 403),
    "committee_member": (404, 403, 403, 403),
}
# The relevant action per state: submit, approve, begin_evaluation, and conclude (which for
# an already concluded trial is a harmless repeat for the coordinator and refused for others).
ACTION = {"kladde": "submit", "indsendt": "approve", "i_gang": "begin_evaluation", "afsluttet": "conclude"}
TRANSITION = {
    "anonymous": (LOGIN, LOGIN, LOGIN, LOGIN),
    "citizen": (404, 404, 403, 403),
    "outsider": (404, 404, 403, 403),
    "initiator": (DONE, 403, DONE, 403),
    "team_member": (DONE, 403, DONE, 403),
    "manager": (404, 403, 403, 403),
    "reviewer": (404, 404, 403, 403),
    "coordinator": (403, DONE, DONE, DONE),
    "committee_member": (404, 403, 403, 403),
}
# Adding team members and uploading attachments: owner and team only.
EDITOR_ACTION = {
    "anonymous": (LOGIN, LOGIN, LOGIN, LOGIN),
    "citizen": (404, 404, 403, 403),
    "outsider": (404, 404, 403, 403),
    "initiator": (DONE, DONE, DONE, DONE),
    "team_member": (DONE, DONE, DONE, DONE),
    "manager": (404, 403, 403, 403),
    "reviewer": (404, 404, 403, 403),
    "coordinator": (403, 403, 403, 403),
    "committee_member": (404, 403, 403, 403),
}
# Attachments are private: public visibility of the trial is not enough.
DOWNLOAD = {
    "anonymous": (LOGIN, LOGIN, LOGIN, LOGIN),
    "citizen": (404, 404, 404, 404),
    "outsider": (404, 404, 404, 404),
    "initiator": (OK, OK, OK, OK),
    "team_member": (OK, OK, OK, OK),
    "manager": (404, OK, OK, OK),
    "reviewer": (404, 404, 404, 404),
    "coordinator": (OK, OK, OK, OK),
    "committee_member": (404, OK, OK, OK),
}
OBJECT_VIEWS = {
    "detail": DETAIL,
    "edit": EDIT,
    "transition": TRANSITION,
    "team_add": EDITOR_ACTION,
    "attachment_upload": EDITOR_ACTION,
    "attachment_download": DOWNLOAD,
}
# Pages that do not depend on one object.
PAGE_VIEWS = {
    "staff_list": {"anonymous": LOGIN, "citizen": 403},
    "mine": {"anonymous": LOGIN},
    "create": {"anonymous": LOGIN, "citizen": 403},
}


@pytest.fixture
def private_storage(settings, tmp_path):
    """Uploaded files go to a temporary directory, not the development media folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


def login_as(client, request, persona: str):
    if persona == "anonymous":
        return None
    user = request.getfixturevalue(persona)
    client.force_login(user)
    return user


def status_problem(response, expected) -> str:
    """'' when the response is what the matrix expects, otherwise what went wrong."""
    got = response.status_code
    location = response.get("Location", "")
    if expected == LOGIN:
        ok = got == 302 and location.startswith(reverse("login") + "?next=")
        return "" if ok else f"expected a redirect to the login page, got {got} {location}"
    if got != expected:
        return f"expected {expected}, got {got} {location}"
    if expected == DONE and location.startswith(reverse("login")):
        return "redirected to the login page"
    # The refusal pages are the Danish ones (slagelse_ou.views handlers).
    if expected == 404 and "Siden findes ikke" not in response.content.decode():
        return "404 without the Danish page"
    if expected == 403 and "Du har ikke adgang" not in response.content.decode():
        return "403 without the Danish page"
    return ""


def request_view(client, view: str, *, initiative, state: str, attachment, colleague):
    pk = initiative.pk
    if view == "detail":
        return client.get(reverse("initiatives:detail", args=[pk]))
    if view == "edit":
        return client.get(reverse("initiatives:edit", args=[pk]))
    if view == "transition":
        data = {"note": "Begrundelse", "outcome": "stoppet"}
        return client.post(reverse("initiatives:transition", args=[pk, ACTION[state]]), data)
    if view == "team_add":
        return client.post(reverse("initiatives:team_add", args=[pk]), {"user": colleague.pk, "role": "deltager"})
    if view == "attachment_upload":
        upload = SimpleUploadedFile("foto.png", PNG, content_type="image/png")
        return client.post(reverse("initiatives:attachment_upload", args=[pk]), {"file": upload})
    return client.get(reverse("initiatives:attachment_download", args=[attachment.pk]))


def side_effect_matches(view: str, *, initiative, state: str, expected, colleague) -> bool:
    """Refusals change nothing; permitted actions do what they say."""
    initiative.refresh_from_db()
    if view == "transition":
        return (initiative.status != state) == (expected == DONE and state != "afsluttet")
    if view == "team_add":
        return initiative.team.filter(user=colleague).exists() == (expected == DONE)
    if view == "attachment_upload":
        return initiative.attachments.filter(original_name="foto.png").exists() == (expected == DONE)
    return True


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("view", OBJECT_VIEWS)
def test_every_persona_gets_the_expected_answer_from_each_object_view_in_each_state(
    client, request, initiative_in, initiator, private_storage, view, state
):
    initiative = initiative_in(state)
    upload = SimpleUploadedFile("plan.png", PNG, content_type="image/png")
    attachment = services.attachment_add(
        initiative_id=initiative.pk, actor=initiator, upload=upload, content_type="image/png"
    )
    colleague = UserFactory(unit=initiator.unit, roles=[roles.MEDARBEJDER])
    mismatches = []
    for persona in PERSONAS:
        expected = OBJECT_VIEWS[view][persona][STATES.index(state)]
        # Each persona acts on the same trial; a savepoint undoes what a permitted action did.
        savepoint = transaction.savepoint_create()
        try:
            login_as(client, request, persona)
            response = request_view(
                client, view, initiative=initiative, state=state, attachment=attachment, colleague=colleague
            )
            problem = status_problem(response, expected)
            if not problem and not side_effect_matches(
                view, initiative=initiative, state=state, expected=expected, colleague=colleague
            ):
                problem = "the database changed when it should not (or the reverse)"
            if problem:
                mismatches.append(f"{persona}: {problem}")
        finally:
            transaction.savepoint_rollback(savepoint)
            client.logout()
    assert mismatches == []


@pytest.mark.parametrize("view", PAGE_VIEWS)
def test_every_persona_gets_the_expected_answer_from_the_list_and_create_pages(client, request, draft, view):
    mismatches = []
    for persona in PERSONAS:
        login_as(client, request, persona)
        problem = status_problem(client.get(reverse(f"initiatives:{view}")), PAGE_VIEWS[view].get(persona, OK))
        if problem:
            mismatches.append(f"{persona}: {problem}")
        client.logout()
    assert mismatches == []


# --- Public fields only -------------------------------------------------------------------

CANARIES = {
    "risks": "KANARIE-RISIKO",
    "resources": "KANARIE-RESSOURCE",
    "owner": "Kanarieejer",
    "team": "Kanarieteammedlem",
    "partner": "KANARIE-PARTNER",
    "partner_contribution": "KANARIE-BIDRAG",
    "rule": "KANARIE-REGEL",
    "exemption": "KANARIE-DISPENSATION",
    "event_note": "KANARIE-HÆNDELSESNOTE",
    "attachment": "kanarie-bilag.png",
}
PUBLIC_TEXT = {
    "title": "Offentlig titel om morgenmøder",
    "summary": "Offentligt resumé",
    "problem": "Offentligt borgerproblem",
    "idea": "Offentlig idé",
    "hypothesis": "Offentlig hypotese",
    "expected_effect": "Offentlig forventet effekt",
    "indicator": "Offentlig indikator",
    "decision": "Offentlig begrundelse for godkendelse",
}


@pytest.fixture
def canary_initiative(units, coordinator, private_storage):
    """A complete trial whose private fields carry canary strings; drive(status) moves it."""
    owner = UserFactory(
        first_name=CANARIES["owner"], last_name="Ejersen", unit=units["hjemmeplejen"], roles=[roles.MEDARBEJDER]
    )
    member = UserFactory(
        first_name=CANARIES["team"], last_name="Holm", unit=units["jobcenter"], roles=[roles.MEDARBEJDER]
    )
    initiative = make_initiative(
        owner=owner,
        title=PUBLIC_TEXT["title"],
        summary=PUBLIC_TEXT["summary"],
        problem=PUBLIC_TEXT["problem"],
        idea=PUBLIC_TEXT["idea"],
        hypothesis=PUBLIC_TEXT["hypothesis"],
        expected_effect=PUBLIC_TEXT["expected_effect"],
        risks=CANARIES["risks"],
        resources=CANARIES["resources"],
    )
    services.initiative_update(
        initiative_id=initiative.pk,
        actor=owner,
        data={},
        indicators=[{"name": PUBLIC_TEXT["indicator"], "unit": "antal", "baseline": 40, "target": 10, "order": 0}],
        partners=[
            {
                "name": CANARIES["partner"],
                "kind": ExternalPartner.Kind.BUSINESS,
                "contribution": CANARIES["partner_contribution"],
            }
        ],
        rule_challenges=[
            {"rule": CANARIES["rule"], "kind": RuleChallenge.Kind.LOCAL_RULE, "exemption_needed": CANARIES["exemption"]}
        ],
    )
    services.team_member_add(initiative_id=initiative.pk, actor=owner, user=member)
    services.attachment_add(
        initiative_id=initiative.pk,
        actor=owner,
        upload=SimpleUploadedFile(CANARIES["attachment"], PNG),
        content_type="image/png",
    )
    services.initiative_submit(initiative_id=initiative.pk, actor=owner)
    criteria_services.initiative_approve(initiative_id=initiative.pk, actor=coordinator, note=PUBLIC_TEXT["decision"])

    def drive(status: str) -> Initiative:
        note = CANARIES["event_note"]
        if status in ("i_gang", "evaluering", "afsluttet"):
            services.initiative_start(initiative_id=initiative.pk, actor=owner, note=note)
        if status in ("evaluering", "afsluttet"):
            services.initiative_begin_evaluation(initiative_id=initiative.pk, actor=owner, note=note)
        if status == "afsluttet":
            services.initiative_conclude(initiative_id=initiative.pk, actor=coordinator, outcome="stoppet", note=note)
        initiative.refresh_from_db()
        assert initiative.status == status
        return initiative

    return drive


@pytest.mark.parametrize("status", ["godkendt", "i_gang", "evaluering", "afsluttet"])
def test_the_public_page_shows_public_fields_and_no_private_ones(client, request, canary_initiative, status):
    initiative = canary_initiative(status)
    for persona in ("anonymous", "citizen", "outsider", "reviewer"):
        login_as(client, request, persona)
        page = client.get(initiative.get_absolute_url()).content.decode()
        for text in PUBLIC_TEXT.values():
            assert text in page, f"{persona}: the public text {text!r} is missing"
        for field, canary in CANARIES.items():
            assert canary not in page, f"{persona}: the private field {field!r} is visible"
        client.logout()


def test_owner_team_manager_coordinator_and_committee_see_every_private_field(client, request, canary_initiative):
    initiative = canary_initiative("i_gang")
    for persona in ("owner", "manager", "coordinator", "committee_member"):
        if persona == "owner":
            client.force_login(initiative.owner)
        else:
            login_as(client, request, persona)
        page = client.get(initiative.get_absolute_url()).content.decode()
        for field, canary in CANARIES.items():
            assert canary in page, f"{persona}: the private field {field!r} is missing"
        client.logout()


# --- List scoping -------------------------------------------------------------------------

ALL_STATES = [s.value for s in Status]
PUBLIC = {"godkendt", "i_gang", "evaluering", "afsluttet"}


@pytest.fixture
def canary_titles(units, initiator, team_member, coordinator):
    """One trial per status in Hjemmeplejen (initiator's, team member on it), and one per
    status in Jobcenter (outside the manager's Center for Ældre) owned by someone else.
    Returns {title: (unit key, status)}."""
    other_owner = UserFactory(unit=units["jobcenter"], roles=[roles.MEDARBEJDER])
    # Withdrawn after submission (a manager sees that one; a never-submitted one is private).
    paths = {**PATHS, "trukket_tilbage": ["submit", "withdraw"]}
    titles = {}
    for unit_key, owner in (("hjemmeplejen", initiator), ("jobcenter", other_owner)):
        for status in ALL_STATES:
            title = f"Kanarie {unit_key} {status}"
            initiative = make_initiative(owner=owner, title=title)
            if owner == initiator:
                services.team_member_add(initiative_id=initiative.pk, actor=owner, user=team_member)
            actors = {a: coordinator for a in COORDINATOR_ACTIONS} | {a: owner for a in OWNER_ACTIONS}
            move(initiative, *paths[status], actor_by_action=actors)
            titles[title] = (unit_key, status)
    return titles


def may_see(persona: str, unit_key: str, status: str) -> bool:
    """The rules, written out plainly (not by calling the code under test)."""
    if status in PUBLIC:
        return True
    if persona in ("anonymous", "citizen", "outsider", "reviewer"):
        return False
    if persona in ("initiator", "team_member"):
        return unit_key == "hjemmeplejen"  # their own trials
    if persona == "coordinator":
        return True
    if persona == "committee_member":
        return status != "kladde"
    if persona == "manager":
        return unit_key == "hjemmeplejen" and status != "kladde"
    raise AssertionError(persona)


def titles_on(response) -> set[str]:
    html = response.content.decode()
    return {title for title in _ALL_TITLES if f">{title}</a>" in html}


_ALL_TITLES = [f"Kanarie {unit} {status}" for unit in ("hjemmeplejen", "jobcenter") for status in ALL_STATES]


def test_the_staff_list_shows_each_persona_exactly_the_trials_they_may_see(client, request, canary_titles):
    for persona in PERSONAS:
        if persona in ("anonymous", "citizen"):
            continue  # refused, see the page matrix above
        login_as(client, request, persona)
        response = client.get(reverse("initiatives:staff_list"), {"sorter": "titel"})
        assert response.status_code == 200
        expected = {title for title, (unit, status) in canary_titles.items() if may_see(persona, unit, status)}
        assert titles_on(response) == expected, persona
        client.logout()


def test_the_public_list_shows_only_public_trials_whoever_asks(client, request, canary_titles):
    expected = {title for title, (unit, status) in canary_titles.items() if status in PUBLIC}
    for persona in PERSONAS:
        login_as(client, request, persona)
        response = client.get(reverse("initiatives:public_list"), {"sorter": "titel"})
        assert response.status_code == 200
        assert titles_on(response) == expected, persona
        client.logout()


def test_non_public_detail_pages_open_exactly_for_the_trials_each_persona_may_see(client, request, canary_titles):
    # Public states are covered by the matrix above; here every non-public state, in the
    # manager's subtree and outside it.
    pks = dict(Initiative.objects.filter(title__in=canary_titles).values_list("title", "pk"))
    for persona in PERSONAS:
        login_as(client, request, persona)
        for title, (unit, status) in canary_titles.items():
            if status in PUBLIC:
                continue
            response = client.get(reverse("initiatives:detail", args=[pks[title]]))
            assert response.status_code == (200 if may_see(persona, unit, status) else 404), (persona, title)
        client.logout()


def test_mine_lists_only_the_trials_the_user_owns_or_is_on_the_team_of(client, request, canary_titles):
    own = {title for title, (unit, _) in canary_titles.items() if unit == "hjemmeplejen"}
    for persona in ("initiator", "team_member", "manager", "coordinator", "committee_member"):
        login_as(client, request, persona)
        response = client.get(reverse("initiatives:mine"))
        assert response.status_code == 200
        assert titles_on(response) == (own if persona in ("initiator", "team_member") else set()), persona
        client.logout()


def test_the_staff_list_filtered_on_a_status_shows_each_persona_exactly_the_trials_they_may_see(
    client, request, units, initiator, team_member, coordinator, canary_titles
):
    """Filtered on a status, the list applies the visibility rule as it reads for that status
    (permissions.visible_initiatives `status`): the same trials as the rule in full."""
    never_submitted = {}  # withdrawn before submission: private, even to managers and committee
    for unit_key, owner in (("hjemmeplejen", initiator), ("jobcenter", UserFactory(unit=units["jobcenter"]))):
        title = f"Kanarie {unit_key} aldrig indsendt"
        initiative = make_initiative(owner=owner, title=title)
        if owner == initiator:
            services.team_member_add(initiative_id=initiative.pk, actor=owner, user=team_member)
        move(initiative, "withdraw", actor_by_action={"withdraw": owner})
        never_submitted[title] = unit_key
    for persona in PERSONAS:
        if persona in ("anonymous", "citizen"):
            continue
        login_as(client, request, persona)
        for status in ALL_STATES:
            response = client.get(reverse("initiatives:staff_list"), {"sorter": "titel", "status": status})
            html = response.content.decode()
            shown = {title for title in [*_ALL_TITLES, *never_submitted] if f">{title}</a>" in html}
            expected = {t for t, (unit, s) in canary_titles.items() if s == status and may_see(persona, unit, s)}
            if status == "trukket_tilbage":
                expected |= {
                    t
                    for t, unit in never_submitted.items()
                    if persona == "coordinator" or persona in ("initiator", "team_member") and unit == "hjemmeplejen"
                }
            assert shown == expected, (persona, status)
        client.logout()
