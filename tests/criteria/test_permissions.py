"""Every criteria view × every persona, through the test client (the ladder: anonymous →
login, may not see → 404, may see but not act → 403, permitted → 200/302), and a canary
proof that reviews never reach the applicant, the public or reviewers not assigned."""

from __future__ import annotations

import pytest
from django.urls import reverse

from criteria import services
from criteria.models import ManagerEndorsement, ReviewAssignment
from criteria.selectors import active_criteria
from initiatives.models import Status
from slagelse_ou import roles
from tests.criteria.helpers import assignment_of, complete_scores, due, reasons_for_all
from tests.factories import UserFactory

PERSONAS = [
    "anonymous",
    "citizen",
    "outsider",
    "initiator",
    "team_member",
    "manager",
    "reviewer",
    "other_reviewer",
    "coordinator",
    "committee_member",
]
LOGIN, OK, DONE = "login", 200, 302

# view: {persona: expected}; personas not named get `default`.
MATRIX = {
    "manager_queue": ({"anonymous": LOGIN, "manager": OK}, 403),
    "my_reviews": ({"anonymous": LOGIN, "citizen": 403}, OK),
    "endorse_get": (
        {
            "anonymous": LOGIN,
            "manager": OK,
            "initiator": 403,
            "team_member": 403,
            "coordinator": 403,
            "committee_member": 403,
        },
        404,
    ),
    "endorse_post": (
        {
            "anonymous": LOGIN,
            "manager": DONE,
            "initiator": 403,
            "team_member": 403,
            "coordinator": 403,
            "committee_member": 403,
        },
        404,
    ),
    "escalate": (
        {
            "anonymous": LOGIN,
            "initiator": DONE,
            "team_member": DONE,
            "manager": 403,
            "coordinator": 403,
            "committee_member": 403,
        },
        404,
    ),
    "overview": (
        {
            "anonymous": LOGIN,
            "coordinator": OK,
            "committee_member": OK,
            "initiator": 403,
            "team_member": 403,
            "manager": 403,
            "reviewer": 403,
        },
        404,
    ),
    "assign": (
        {
            "anonymous": LOGIN,
            "coordinator": DONE,
            "committee_member": 403,
            "initiator": 403,
            "team_member": 403,
            "manager": 403,
            "reviewer": 403,
        },
        404,
    ),
    "unassign": (
        {
            "anonymous": LOGIN,
            "coordinator": DONE,
            "committee_member": 403,
            "initiator": 403,
            "team_member": 403,
            "manager": 403,
            "reviewer": 403,
        },
        404,
    ),
    "decide": (
        {
            "anonymous": LOGIN,
            "coordinator": DONE,
            "committee_member": 403,
            "initiator": 403,
            "team_member": 403,
            "manager": 403,
            "reviewer": 403,
        },
        404,
    ),
    "review_get": ({"anonymous": LOGIN, "reviewer": OK}, 404),
    "review_post": ({"anonymous": LOGIN, "reviewer": DONE}, 404),
    "review_declare": ({"anonymous": LOGIN, "reviewer": DONE}, 404),
    "review_decline": ({"anonymous": LOGIN, "reviewer": DONE}, 404),
}


def cases():
    for view, (exceptions, default) in MATRIX.items():
        for persona in PERSONAS:
            yield pytest.param(view, persona, exceptions.get(persona, default), id=f"{view}-{persona}")


def login_as(client, request, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))


def assert_status(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith(reverse("login") + "?next=")
        return
    assert response.status_code == expected, response.content.decode()[:300]
    if expected == DONE:
        assert not response["Location"].startswith(reverse("login"))
    if expected == 404:
        assert "Siden findes ikke" in response.content.decode()
    if expected == 403:
        assert "Du har ikke adgang" in response.content.decode()


@pytest.fixture
def spare_reviewer(units):
    return UserFactory(unit=units["kommune"], roles=[roles.KRITERIEBEDOMMER])


@pytest.mark.parametrize(("view", "persona", "expected"), list(cases()))
def test_each_persona_gets_the_expected_answer_from_each_criteria_view(client, request, view, persona, expected):
    # Every persona fixture exists before the state is built (the manager is told on submit).
    for name in PERSONAS[1:]:
        request.getfixturevalue(name)
    if view in ("endorse_get", "endorse_post", "escalate"):
        initiative = request.getfixturevalue("submitted")
        if view == "escalate":
            services.endorsement_record(
                initiative_id=initiative.pk,
                actor=request.getfixturevalue("manager"),
                verdict=ManagerEndorsement.Verdict.DECLINED,
                reason="Nej.",
            )
    elif view not in ("manager_queue", "my_reviews"):
        initiative = request.getfixturevalue("in_review")
        assignment = assignment_of(initiative, request.getfixturevalue("reviewer"))
    login_as(client, request, persona)

    if view == "manager_queue":
        response = client.get(reverse("criteria:manager_queue"))
    elif view == "my_reviews":
        response = client.get(reverse("criteria:my_reviews"))
    elif view == "endorse_get":
        response = client.get(reverse("criteria:endorse", args=[initiative.pk]))
    elif view == "endorse_post":
        response = client.post(reverse("criteria:endorse", args=[initiative.pk]), {"verdict": "anbefalet"})
    elif view == "escalate":
        response = client.post(reverse("criteria:escalate", args=[initiative.pk]), {"note": "Gå videre, tak."})
    elif view == "overview":
        response = client.get(reverse("criteria:overview", args=[initiative.pk]))
    elif view == "assign":
        spare = request.getfixturevalue("spare_reviewer")
        response = client.post(
            reverse("criteria:assign", args=[initiative.pk]), {"reviewers": [spare.pk], "due_date": due().isoformat()}
        )
    elif view == "unassign":
        response = client.post(reverse("criteria:unassign", args=[assignment.pk]))
    elif view == "decide":
        data = {"outcome": "godkend", "summary": "Godkendt.", "override_reason": "Haster."}
        for pk, (verdict, reason) in reasons_for_all().items():
            data |= {f"c{pk}-verdict": verdict, f"c{pk}-reason": reason}
        response = client.post(reverse("criteria:decide", args=[initiative.pk]), data)
    elif view == "review_get":
        response = client.get(reverse("criteria:review", args=[assignment.pk]))
    elif view == "review_post":
        services.review_declare(assignment_id=assignment.pk, actor=request.getfixturevalue("reviewer"))
        first = active_criteria()[0]
        response = client.post(
            reverse("criteria:review", args=[assignment.pk]), {f"c{first.pk}-verdict": "opfyldt", "save": "1"}
        )
    elif view == "review_declare":
        response = client.post(reverse("criteria:review_declare", args=[assignment.pk]), {"confirm": "on"})
    else:
        response = client.post(reverse("criteria:review_decline", args=[assignment.pk]), {"reason": "Inhabil."})

    assert_status(response, expected)
    done = expected == DONE
    if view == "endorse_post":
        assert ManagerEndorsement.objects.filter(initiative=initiative).exists() == done
    if view == "escalate":
        assert (ManagerEndorsement.objects.get(initiative=initiative).escalated_at is not None) == done
    if view == "assign":
        assert ReviewAssignment.objects.filter(reviewer=request.getfixturevalue("spare_reviewer")).exists() == done
    if view == "unassign":
        assert ReviewAssignment.objects.filter(pk=assignment.pk).exists() != done
    if view == "decide":
        initiative.refresh_from_db()
        assert (initiative.status == Status.APPROVED) == done
    if view == "review_post":
        assert assignment.review.scores.exists() == done
    if view in ("review_declare", "review_decline"):
        assignment.refresh_from_db()
        assert (assignment.state != ReviewAssignment.State.ASSIGNED) == done


# --- Canaries: reviews never leak ---------------------------------------------------------------

CANARY_A = {"justification": "KANARIE-A-BEGRUNDELSE", "comment": "KANARIE-A-KOMMENTAR"}
CANARY_B = {"justification": "KANARIE-B-BEGRUNDELSE", "comment": "KANARIE-B-KOMMENTAR"}
CANARY_DECLINE = "KANARIE-AFSLAG"
PUBLIC_REASON = "Offentlig begrundelse for princippet"


def _review(initiative, user, canary):
    assignment = assignment_of(initiative, user)
    services.review_declare(assignment_id=assignment.pk, actor=user)
    services.review_save(
        assignment_id=assignment.pk,
        actor=user,
        scores=complete_scores(assignment, "delvist_opfyldt", canary["justification"]),
        recommendation="godkend",
        comment=canary["comment"],
        submit=True,
    )


@pytest.fixture
def canary_state(request, in_review, coordinator, reviewer, second_reviewer, spare_reviewer):
    """Two submitted reviews and one decline, each carrying canaries; decided(True) approves
    with public reasons of the coordinator's own."""
    for name in PERSONAS[1:]:
        request.getfixturevalue(name)
    services.reviewers_assign(initiative_id=in_review.pk, actor=coordinator, reviewers=[spare_reviewer], due_date=due())
    _review(in_review, reviewer, CANARY_A)
    _review(in_review, second_reviewer, CANARY_B)
    services.review_decline(
        assignment_id=assignment_of(in_review, spare_reviewer).pk, actor=spare_reviewer, reason=CANARY_DECLINE
    )

    def state(decided: bool):
        if decided:
            services.decision_record(
                initiative_id=in_review.pk,
                actor=coordinator,
                outcome="godkend",
                summary="Godkendt.",
                reasons=reasons_for_all(PUBLIC_REASON),
            )
        return in_review

    return state


def pages_for(client, initiative, reviewer_assignments):
    urls = [
        initiative.get_absolute_url(),
        reverse("initiatives:public_list"),
        reverse("initiatives:mine"),
        reverse("criteria:my_reviews") + "?vis=alle",
        reverse("criteria:manager_queue"),
        reverse("criteria:overview", args=[initiative.pk]),
        reverse("notifications"),
        *[reverse("criteria:review", args=[a.pk]) for a in reviewer_assignments],
    ]
    responses = [client.get(url) for url in urls]
    return "\n".join(r.content.decode() for r in responses if r.status_code == 200)


SEES = {
    "coordinator": {"A", "B", "decline"},
    "committee_member": {"A", "B", "decline"},
    "reviewer": {"A"},
    "second_reviewer": {"B"},
}


@pytest.mark.parametrize("decided", [False, True], ids=["in-review", "approved"])
@pytest.mark.parametrize("persona", [*PERSONAS, "second_reviewer"])
def test_reviews_reach_only_their_reviewer_the_coordinators_and_the_committee(
    client, request, canary_state, persona, decided
):
    initiative = canary_state(decided)
    login_as(client, request, persona)
    assignments = list(ReviewAssignment.objects.filter(initiative=initiative))
    text = pages_for(client, initiative, assignments)
    seen = set()
    if all(CANARY_A[k] in text for k in CANARY_A):
        seen.add("A")
    if all(CANARY_B[k] in text for k in CANARY_B):
        seen.add("B")
    if CANARY_DECLINE in text:
        seen.add("decline")
    for canaries, key in ((CANARY_A, "A"), (CANARY_B, "B")):
        if key not in SEES.get(persona, set()):
            assert not any(value in text for value in canaries.values()), f"{persona} ser bedømmelse {key}"
    assert seen == SEES.get(persona, set())


@pytest.mark.parametrize("persona", ["anonymous", "citizen", "outsider", "initiator", "team_member", "other_reviewer"])
def test_the_applicant_and_the_public_see_the_decision_with_its_reason_per_principle(
    client, request, canary_state, persona
):
    initiative = canary_state(True)
    login_as(client, request, persona)
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert "Afgørelse: Godkendt" in page
    for criterion in active_criteria():
        assert f"{PUBLIC_REASON} ({criterion.order})" in page
        assert criterion.text in page
