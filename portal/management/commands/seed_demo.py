"""Demo data: a plausible Slagelse Kommune with one user per role and 40+ prøvehandlinger.

Everything is created through the services, so the demo has real event history and
object permissions. Refuses to run when DEBUG is off unless --force is given.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from criteria import services as criteria_services
from criteria.models import ManagerEndorsement, Recommendation, Verdict
from dialogrum import services as dialog_services
from dialogrum.models import Visibility
from ideas import services as idea_services
from ideas.models import Area as IdeaArea
from ideas.models import SubmitterKind
from initiatives import services
from initiatives.models import Initiative, Mantra, Outcome, Pejlemaerke, Status, TargetGroup, TeamMember
from initiatives.workflow import ACTION_SERVICES
from results import services as results_services
from rounds import services as rounds
from slagelse_ou import roles
from slagelse_ou.models import OrgUnit, User
from slagelse_ou.services import org_unit_create, user_create

DEMO_PASSWORD = "Prøv-Slagelse-2026"

UNITS = {
    "Velfærd og Omsorg": {
        "Center for Ældre": ["Hjemmeplejen Vest", "Plejecenter Skovvænget"],
        "Center for Handicap og Psykiatri": ["Bostøtte Korsør"],
    },
    "Børn og Unge": {
        "Center for Dagtilbud": ["Børnehuset Solsikken", "Dagplejen Slagelse"],
        "Center for Skole": ["Antvorskov Skole"],
    },
    "Miljø, Teknik og Erhverv": {
        "Center for Erhverv og Beskæftigelse": ["Jobcenter Slagelse"],
        "Center for Miljø, Plan og Teknik": ["Vej og Park"],
    },
}

PEOPLE = [
    # username, first, last, role(s), unit name, job
    (
        "medarbejder",
        "Mette",
        "Hansen",
        [roles.MEDARBEJDER],
        "Hjemmeplejen Vest",
        "Social- og sundhedsassistent",
    ),
    ("kollega", "Jonas", "Nielsen", [roles.MEDARBEJDER], "Jobcenter Slagelse", "Jobkonsulent"),
    (
        "leder",
        "Lise",
        "Madsen",
        [roles.LEDER, roles.MEDARBEJDER],
        "Hjemmeplejen Vest",
        "Leder af Hjemmeplejen Vest",
    ),
    (
        "bedoemmer",
        "Karim",
        "Ahmadi",
        [roles.KRITERIEBEDOMMER, roles.MEDARBEJDER],
        "Antvorskov Skole",
        "Udviklingskonsulent",
    ),
    (
        "bedoemmer2",
        "Sofie",
        "Berg",
        [roles.KRITERIEBEDOMMER, roles.MEDARBEJDER],
        "Vej og Park",
        "Projektleder",
    ),
    (
        "sekretariat",
        "Anne",
        "Kristensen",
        [roles.SEKRETARIAT],
        "Slagelse Kommune",
        "Udviklingskonsulent, Sekretariatet",
    ),
    ("politiker", "Henrik", "Sørensen", [roles.UDVALGSMEDLEM], None, "Medlem af Økonomiudvalget"),
    ("borger", "Birthe", "Larsen", [roles.BORGER], None, ""),
    ("admin", "Peter", "Jensen", [roles.ADMINISTRATOR], "Slagelse Kommune", "Systemadministrator"),
]

IDEAS = [
    (
        "Fælles morgenmøde for hjemmepleje og sygepleje",
        "Borgere oplever at fortælle det samme to gange.",
        "besøg med dobbeltarbejde",
        "antal",
    ),
    (
        "Borgeren planlægger selv sin rehabilitering",
        "Forløb føles styret af systemet, ikke af borgeren.",
        "borgere der når deres mål",
        "%",
    ),
    (
        "Jobkonsulent på ungdomsuddannelsen",
        "Unge falder fra uden at nogen opdager det i tide.",
        "frafald på første år",
        "%",
    ),
    (
        "Digital vagtplan på tværs af plejecentre",
        "Vikarudgifter og huller i vagtplanen.",
        "vikartimer pr. måned",
        "timer",
    ),
    (
        "Dagplejere mødes i legestuer med bibliotek",
        "Sprogudvikling hos 2-årige halter.",
        "børn med alderssvarende sprog",
        "%",
    ),
    (
        "Sagsbehandler med ud på hjemmebesøg",
        "Lange ventetider på afgørelser om hjælpemidler.",
        "dage fra ansøgning til afgørelse",
        "dage",
    ),
    (
        "Én indgang for nye virksomheder",
        "Virksomheder skal kontakte fem afdelinger.",
        "henvendelser pr. ny virksomhed",
        "antal",
    ),
    (
        "Frivillige spisevenner på plejecentret",
        "Ensomhed og underernæring ved måltiderne.",
        "beboere med vægttab",
        "antal",
    ),
    (
        "Vej og Park retter småskader samme dag",
        "Borgere melder fejl, der først rettes efter uger.",
        "dage fra melding til udbedring",
        "dage",
    ),
    (
        "Skolen åbner værksted om eftermiddagen",
        "Elever uden fritidstilbud keder sig og dropper ud.",
        "elever i fritidstilbud",
        "antal",
    ),
    (
        "Tværfagligt team om borgere med mange sager",
        "Borgere har op til syv sagsbehandlere.",
        "sagsbehandlere pr. borger",
        "antal",
    ),
    (
        "Medarbejderne sætter selv tidsplanen i bostøtten",
        "Faste besøgstider passer ikke borgernes hverdag.",
        "aflyste besøg",
        "antal",
    ),
]

# How many initiatives to leave in each state (at least 40 in all).
PLAN = [
    ("kladde", 5),
    ("indsendt", 6),
    ("under_bedoemmelse", 5),
    ("tilbage_til_ansoeger", 3),
    ("godkendt", 5),
    ("afvist", 3),
    ("i_gang", 8),
    ("evaluering", 4),
    ("afsluttet", 6),
    ("trukket_tilbage", 2),
]

PATHS = {
    "kladde": [],
    "indsendt": ["submit"],
    "under_bedoemmelse": ["submit", "start_review"],
    "tilbage_til_ansoeger": ["submit", "start_review", "request_changes"],
    "godkendt": ["submit", "start_review", "approve"],
    "afvist": ["submit", "start_review", "reject"],
    "i_gang": ["submit", "start_review", "approve", "start"],
    "evaluering": ["submit", "start_review", "approve", "start", "begin_evaluation"],
    "afsluttet": ["submit", "start_review", "approve", "start", "begin_evaluation", "conclude"],
    "trukket_tilbage": ["submit", "withdraw"],
}
NOTES = {
    "request_changes": "Beskriv venligst indikatorerne mere præcist, så effekten kan måles.",
    "approve": "Prøvehandlingen styrker det borgernære og kerneopgaven og holder sig inden for de eksisterende rammer.",
    "reject": "Idéen er allerede afprøvet i en anden enhed; se den afsluttede prøvehandling.",
    "conclude": "Effekten er målt og dokumenteret; læringen deles i vidensbanken.",
    "withdraw": "Teamet har valgt at trække ansøgningen tilbage og samarbejde med en lignende prøvehandling.",
}


def _trial_create(
    *, owner: User, number: int, rng: random.Random, pejlemaerker: list, mantras: list, today: dt.date
) -> Initiative:
    """One complete application (a draft) from `owner`, made with the service."""
    title, problem, indicator, unit = IDEAS[number % len(IDEAS)]
    start = today + dt.timedelta(days=rng.randint(-300, 90))
    return services.initiative_create(
        owner=owner,
        data={
            "title": title if number < len(IDEAS) else f"{title} ({number // len(IDEAS) + 1}. runde)",
            "summary": f"{title}. En prøvehandling fra {owner.unit}.",
            "problem": problem,
            "idea": f"Vi afprøver at {title[0].lower()}{title[1:]} i seks måneder.",
            "hypothesis": f"Hvis vi gør det, falder antallet af {indicator}, fordi borgeren mødes samlet.",
            "expected_effect": f"Færre {indicator} og en mere sammenhængende oplevelse for borgeren.",
            "resources": "Inden for enhedens eksisterende budget; 4 timer om ugen til koordinering.",
            "risks": "At kollegerne ikke får tid til at deltage; vi aftaler faste tidspunkter.",
            "start_date": start,
            "end_date": start + dt.timedelta(days=180),
            "evaluation_date": start + dt.timedelta(days=210),
            "owning_unit": owner.unit,
            "target_group": rng.choice(TargetGroup.values),
        },
        pejlemaerker=rng.sample(pejlemaerker, k=rng.randint(1, 2)),
        mantras=rng.sample(mantras, k=rng.randint(1, 2)),
        indicators=[
            {
                "name": indicator.capitalize(),
                "unit": unit,
                "baseline": rng.randint(20, 60),
                "target": rng.randint(5, 19),
                "order": 0,
            }
        ],
        partners=[{"name": "Ældrerådet", "kind": "frivillig", "contribution": "Sparring"}] if number % 3 == 0 else [],
        rule_challenges=[
            {
                "rule": "Faste besøgstider i kvalitetsstandarden",
                "kind": "standard",
                "exemption_needed": "Fleksible tider i forsøgsperioden",
            }
        ]
        if number % 4 == 0
        else [],
    )


class Command(BaseCommand):
    help = (
        "Indlæs demodata: enheder, én bruger pr. rolle, 40+ prøvehandlinger, runder, bedømmelser, idéer og dialogrum."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Kør også når DEBUG er slået fra.")
        parser.add_argument("--if-empty", action="store_true", help="Gør intet, hvis der allerede er brugere.")

    def handle(self, *args, force: bool = False, if_empty: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo kører kun med DEBUG slået til (eller med --force).")
        if if_empty and User.objects.exists():
            self.stdout.write("Demodata findes allerede – springer over.")
            return
        with transaction.atomic():
            users = self._people(self._units())
            self._initiatives(users)
            _rounds(users)
            _reviews(users)
            _results(users)
            _citizen_ideas(users)
            _dialogue(users)
            count = Initiative.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Demodata indlæst: {len(users)} brugere, {count} prøvehandlinger."))
        self.stdout.write(f"Adgangskode for alle demobrugere: {DEMO_PASSWORD}")
        for username, first, last, role_names, *_ in PEOPLE:
            self.stdout.write(f"  {username:<12} {first} {last} ({', '.join(role_names)})")

    def _units(self) -> dict[str, OrgUnit]:
        units = {}
        root = org_unit_create(name="Slagelse Kommune", kind=OrgUnit.Kind.KOMMUNE)
        units[root.name] = root
        for area, centers in UNITS.items():
            area_unit = org_unit_create(name=area, kind=OrgUnit.Kind.OMRAADE, parent=root)
            units[area] = area_unit
            for center, teams in centers.items():
                center_unit = org_unit_create(name=center, kind=OrgUnit.Kind.CENTER, parent=area_unit)
                units[center] = center_unit
                for team in teams:
                    units[team] = org_unit_create(name=team, kind=OrgUnit.Kind.ENHED, parent=center_unit)
        return units

    def _people(self, units: dict[str, OrgUnit]) -> dict[str, User]:
        users = {}
        for username, first, last, role_names, unit_name, job in PEOPLE:
            users[username] = user_create(
                username=username,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                email=f"{username}@demo.slagelse.dk",
                unit=units.get(unit_name) if unit_name else None,
                roles=role_names,
                job_title=job,
            )
        users["admin"].is_staff = users["admin"].is_superuser = True
        users["admin"].save(update_fields=["is_staff", "is_superuser"])
        units["Hjemmeplejen Vest"].managers.add(users["leder"])
        units["Center for Ældre"].managers.add(users["leder"])
        # More colleagues so teams span units ("opgaven sætter holdet").
        names = [
            ("Ole", "Poulsen"),
            ("Fatima", "Yilmaz"),
            ("Camilla", "Thomsen"),
            ("Morten", "Rasmussen"),
            ("Ida", "Christiansen"),
            ("Lars", "Pedersen"),
            ("Nanna", "Mortensen"),
            ("Ahmed", "Hussein"),
        ]
        team_units = [u for u in units.values() if u.kind == OrgUnit.Kind.ENHED]
        for index, (first, last) in enumerate(names):
            unit = team_units[index % len(team_units)]
            users[f"medarbejder{index + 1}"] = user_create(
                username=f"medarbejder{index + 1}",
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                email=f"medarbejder{index + 1}@demo.slagelse.dk",
                unit=unit,
                roles=[roles.MEDARBEJDER],
            )
        return users

    def _initiatives(self, users: dict[str, User]) -> int:
        rng = random.Random(2018)
        pejlemaerker = list(Pejlemaerke.objects.all())
        mantras = list(Mantra.objects.all())
        owners = [users["medarbejder"], users["kollega"], users["leder"]] + [
            users[f"medarbejder{i}"] for i in range(1, 9)
        ]
        colleagues = list(users.values())
        coordinator = users["sekretariat"]
        today = dt.date.today()
        number = 0
        for target, how_many in PLAN:
            for _ in range(how_many):
                owner = owners[number % len(owners)] if number else users["medarbejder"]
                initiative = _trial_create(
                    owner=owner, number=number, rng=rng, pejlemaerker=pejlemaerker, mantras=mantras, today=today
                )
                for colleague in rng.sample([c for c in colleagues if c.unit and c != owner], k=2):
                    services.team_member_add(
                        initiative_id=initiative.pk,
                        actor=owner,
                        user=colleague,
                        role=rng.choice(TeamMember.Role.values),
                    )
                for action in PATHS[target]:
                    actor = owner if action in ("submit", "start", "begin_evaluation", "withdraw") else coordinator
                    kwargs: dict[str, Any] = {"initiative_id": initiative.pk, "actor": actor}
                    if action in NOTES:
                        kwargs["note"] = NOTES[action]
                    if action == "conclude":
                        kwargs["outcome"] = rng.choice(Outcome.values)
                    # Demo trials skip the evaluation: the lifecycle's own conclude, not the page's.
                    service = services.initiative_conclude if action == "conclude" else ACTION_SERVICES[action]
                    service(**kwargs)
                number += 1
        return Initiative.objects.count()


# --- The rest of the portal: rounds, reviews, results, citizen ideas, dialogue -------------------


def _rounds(users: dict[str, User]) -> None:
    """One ansøgningsrunde open today and one already closed."""
    today = timezone.localdate()
    for opens, deadline in ((-200, -120), (-14, 30)):
        closes = today + dt.timedelta(days=deadline)
        rounds.round_create(
            actor=users["sekretariat"],
            data={
                "title": f"Ansøgningsrunde med frist {closes:%d.%m.%Y}",
                "description": "Søg om at afprøve en ny måde at løse kerneopgaven på.",
                "opens_on": today + dt.timedelta(days=opens),
                "application_deadline": closes,
                "review_deadline": today + dt.timedelta(days=deadline + 30),
                "committee_meeting_on": today + dt.timedelta(days=deadline + 45),
            },
        )


def _reviews(users: dict[str, User]) -> None:
    """Three fresh applications from Center for Ældre: endorsed by their manager, two criteria
    reviewers (from other areas, so no conflict of interest) assigned, and both reviews submitted."""
    rng = random.Random(2018)
    pejlemaerker, mantras = list(Pejlemaerke.objects.all()), list(Mantra.objects.all())
    coordinator, today = users["sekretariat"], timezone.localdate()
    verdicts = [Verdict.MET, Verdict.MET, Verdict.PARTLY]
    for owner_name in ("medarbejder", "medarbejder1", "medarbejder2"):
        owner = users[owner_name]
        initiative = _trial_create(
            owner=owner,
            number=Initiative.objects.count(),
            rng=rng,
            pejlemaerker=pejlemaerker,
            mantras=mantras,
            today=today,
        )
        services.team_member_add(
            initiative_id=initiative.pk, actor=owner, user=users["kollega"], role=TeamMember.Role.values[0]
        )
        ACTION_SERVICES["submit"](initiative_id=initiative.pk, actor=owner)
        note = ""
        if settings.MANAGER_ENDORSEMENT_ENABLED:
            criteria_services.endorsement_record(
                initiative_id=initiative.pk, actor=users["leder"], verdict=ManagerEndorsement.Verdict.ENDORSED
            )
        else:
            note = "Ledelsens vurdering er slået fra."
        assignments = criteria_services.reviewers_assign(
            initiative_id=initiative.pk,
            actor=coordinator,
            reviewers=[users["bedoemmer"], users["bedoemmer2"]],
            due_date=today + dt.timedelta(days=14),
            note=note,
        )
        for assignment in assignments:
            criteria_services.review_declare(assignment_id=assignment.pk, actor=assignment.reviewer)
            criteria = assignment.review.criteria_set.criteria.all()
            scores = {}
            for criterion in criteria:
                verdict = rng.choice(verdicts)
                reason = "" if verdict == Verdict.MET else "Beskrivelsen kunne være mere konkret."
                scores[criterion.pk] = (verdict, reason)
            criteria_services.review_save(
                assignment_id=assignment.pk,
                actor=assignment.reviewer,
                scores=scores,
                recommendation=Recommendation.APPROVE,
                submit=True,
                comment="En god og borgernær idé; indikatoren gør effekten målbar.",
            )


def _results(users: dict[str, User]) -> None:
    """Status reports on two running trials and a submitted evaluation on one in evaluation."""
    today = timezone.localdate()
    running = Initiative.objects.filter(status=Status.RUNNING).order_by("pk")[:2]
    for weeks, initiative in enumerate(running, start=1):
        indicator = initiative.indicators.order_by("order", "pk").first()
        results_services.status_report_create(
            initiative_id=initiative.pk,
            actor=initiative.owner,
            reported_on=today - dt.timedelta(weeks=weeks),
            narrative="Vi er godt i gang; kollegerne tager godt imod den nye arbejdsgang.",
            obstacles="Sygdom i teamet har forsinket opstarten en smule.",
            measurements={indicator.pk: Decimal(indicator.baseline) - 3} if indicator else None,
        )
    evaluating = (
        Initiative.objects.filter(status=Status.EVALUATION, rule_challenges__isnull=True).order_by("pk").first()
    )
    if evaluating is None:
        return
    indicator = evaluating.indicators.order_by("order", "pk").first()
    results_services.evaluation_save(
        initiative_id=evaluating.pk,
        actor=evaluating.owner,
        submit=True,
        data={
            "effect_summary": "Effekten er tydelig: færre gentagelser og mere tilfredse borgere.",
            "what_worked": "Det faste morgenmøde og en fælles tavle.",
            "what_did_not": "Mødet blev for langt de første uger.",
            "advice": "Hold mødet kort og stående.",
            "recommended_outcome": Outcome.ADJUSTED,
            "reason": "Arbejdsgangen virker, men mødeformen skal justeres før udbredelse.",
            "follow_up": "Vi udbreder til to enheder mere i næste kvartal.",
        },
        indicator_results={0: (Decimal(indicator.target), "Målet er nået.")} if indicator else None,
    )


def _citizen_ideas(users: dict[str, User]) -> None:
    """Two ideas from citizens with confirmed e-mail: one published, one waiting for triage."""
    ideas = [
        ("Bænke langs stien ved Slagelse Lystskov", IdeaArea.NATURE, True),
        ("Lektiecafé på biblioteket om lørdagen", IdeaArea.SCHOOL, False),
    ]
    for index, (title, area, publish) in enumerate(ideas, start=1):
        idea, _token = idea_services.idea_submit(
            data={
                "title": title,
                "description": f"{title}. Det vil gøre hverdagen lettere for mange i byen.",
                "area": area,
                "submitter_kind": SubmitterKind.CITIZEN,
                "submitter_name": f"Demoborger {index}",
                "email": f"idea{index}@demo.slagelse.dk",
            }
        )
        idea_services.idea_confirm_email(idea_id=idea.pk)
        if publish:
            idea_services.idea_publish(idea_id=idea.pk, actor=users["sekretariat"])


def _dialogue(users: dict[str, User]) -> None:
    """A public thematic room with a thread, two replies and an upcoming dialogue meeting."""
    room = dialog_services.room_create(
        actor=users["politiker"],
        title="Fremtidens ældrepleje",
        description="Hvordan skaber vi sammen en ældrepleje, hvor borgeren er i centrum?",
        visibility=Visibility.PUBLIC,
    )
    thread = dialog_services.thread_create(
        room_id=room.pk,
        author=users["sekretariat"],
        title="Hvad betyder mest for dig i hjemmeplejen?",
        body="Fortæl os, hvad der gør den største forskel i hverdagen – både som borger og medarbejder.",
    )
    dialog_services.post_reply(
        thread_id=thread.pk,
        author=users["borger"],
        body="At det er de samme, der kommer, så jeg ikke skal forklare alt forfra.",
    )
    dialog_services.post_reply(
        thread_id=thread.pk, author=users["medarbejder"], body="Tid til en snak – det prøver vi nu af med faste teams."
    )
    starts = timezone.localtime().replace(hour=17, minute=0, second=0, microsecond=0) + dt.timedelta(days=10)
    dialog_services.meeting_create(
        room_id=room.pk,
        actor=users["politiker"],
        data={
            "title": "Dialogmøde om fremtidens ældrepleje",
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=2),
            "location": "Slagelse Rådhus, mødesal 1",
            "description": "Politikere, borgere og medarbejdere mødes om idéerne fra dialogrummet.",
        },
    )
