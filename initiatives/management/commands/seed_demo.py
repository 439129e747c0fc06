"""Demo data: a plausible Slagelse Kommune with one user per role and 40+ prøvehandlinger.

Everything is created through the services, so the demo has real event history and
object permissions. Refuses to run when DEBUG is off unless --force is given.
"""

from __future__ import annotations

import datetime as dt
import random

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from initiatives import services
from initiatives.models import Initiative, Mantra, Outcome, Pejlemaerke, TargetGroup, TeamMember
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
    ("kladde", 5), ("indsendt", 6), ("under_bedoemmelse", 5), ("tilbage_til_ansoeger", 3),
    ("godkendt", 5), ("afvist", 3), ("i_gang", 8), ("evaluering", 4), ("afsluttet", 6), ("trukket_tilbage", 2),
]  # fmt: skip

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


class Command(BaseCommand):
    help = "Indlæs demodata: enheder, én bruger pr. rolle og 40+ prøvehandlinger."

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
            count = self._initiatives(users)
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
                username=username, password=DEMO_PASSWORD, first_name=first, last_name=last,
                email=f"{username}@demo.slagelse.dk", unit=units.get(unit_name) if unit_name else None,
                roles=role_names, job_title=job,
            )  # fmt: skip
        users["admin"].is_staff = users["admin"].is_superuser = True
        users["admin"].save(update_fields=["is_staff", "is_superuser"])
        units["Hjemmeplejen Vest"].managers.add(users["leder"])
        units["Center for Ældre"].managers.add(users["leder"])
        # More colleagues so teams span units ("opgaven sætter holdet").
        names = [("Ole", "Poulsen"), ("Fatima", "Yilmaz"), ("Camilla", "Thomsen"), ("Morten", "Rasmussen"),
                 ("Ida", "Christiansen"), ("Lars", "Pedersen"), ("Nanna", "Mortensen"), ("Ahmed", "Hussein")]  # fmt: skip
        team_units = [u for u in units.values() if u.kind == OrgUnit.Kind.ENHED]
        for index, (first, last) in enumerate(names):
            unit = team_units[index % len(team_units)]
            users[f"medarbejder{index + 1}"] = user_create(
                username=f"medarbejder{index + 1}", password=DEMO_PASSWORD, first_name=first, last_name=last,
                email=f"medarbejder{index + 1}@demo.slagelse.dk", unit=unit, roles=[roles.MEDARBEJDER],
            )  # fmt: skip
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
                title, problem, indicator, unit = IDEAS[number % len(IDEAS)]
                owner = owners[number % len(owners)] if number else users["medarbejder"]
                start = today + dt.timedelta(days=rng.randint(-300, 90))
                initiative = services.initiative_create(
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
                    ],  # fmt: skip
                    partners=[{"name": "Ældrerådet", "kind": "frivillig", "contribution": "Sparring"}]
                    if number % 3 == 0
                    else [],
                    rule_challenges=[
                        {
                            "rule": "Faste besøgstider i kvalitetsstandarden",
                            "kind": "standard",
                            "exemption_needed": "Fleksible tider i forsøgsperioden",
                        }
                    ]
                    if number % 4 == 0
                    else [],  # fmt: skip
                )
                for colleague in rng.sample([c for c in colleagues if c.unit and c != owner], k=2):
                    services.team_member_add(initiative_id=initiative.pk, actor=owner, user=colleague,
                                             role=rng.choice(TeamMember.Role.values))  # fmt: skip
                for action in PATHS[target]:
                    actor = owner if action in ("submit", "start", "begin_evaluation", "withdraw") else coordinator
                    kwargs = {"initiative_id": initiative.pk, "actor": actor}
                    if action in NOTES:
                        kwargs["note"] = NOTES[action]
                    if action == "conclude":
                        kwargs["outcome"] = rng.choice(Outcome.values)
                    services.ACTION_SERVICES[action](**kwargs)
                number += 1
        return Initiative.objects.count()
