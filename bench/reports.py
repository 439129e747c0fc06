"""Report benchmark rows (issue 6): the round report for N applications — seconds, pages,
peak memory — beside the time WeasyPrint alone needs for the same HTML, and the one-pager.

    python -m bench.reports [--applications 200] [--repeat 3]

Uses its own database (`bench_reports_<name>` on the DATABASE_URL server, or
$BENCH_REPORTS_DATABASE). The data is written through the services — submissions, two
reviews of all 9 principles each, decisions with a reason per principle, status reports,
evaluations, exemptions — so the report reads what the portal writes. Prints Markdown
table rows to stdout.

What is measured (each in a fresh forked process, so peak memory is the report's own)
- whole report: `results.report_data.report_pdf` — data gathering, templating, WeasyPrint;
- WeasyPrint alone: `results.pdf.html_to_pdf` on the HTML the whole report rendered;
- the difference is the portal's share (target: under 10 % of the whole);
- one-pager: `results.report_data.initiative_onepager_pdf` for a running trial.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import resource
import statistics
import sys
import time
from decimal import Decimal

from bench.database import database_name, ensure_database, server_url


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.reports", description=__doc__)
    parser.add_argument("--applications", type=int, default=200, help="applications in the round (default 200)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is shown (default 3)")
    return parser.parse_args(argv)


def fill(applications: int):
    """One round of `applications`: 40 % running (two status reports, an exemption), 20 %
    concluded (evaluation with learnings), 15 % rejected, the rest in review."""
    from bench import data
    from criteria import services as criteria
    from criteria.models import ReviewAssignment
    from criteria.selectors import active_criteria
    from initiatives import services as lifecycle
    from initiatives.models import Pejlemaerke
    from results import services
    from rounds import services as rounds
    from slagelse_ou import roles
    from slagelse_ou.services import user_create

    data.reset()
    people = data.create_organisation()
    from slagelse_ou.models import OrgUnit, User

    outside = OrgUnit.objects.get(name=data.AREAS[-1])
    reviewers = [
        user_create(
            username=f"bench_bedoemmer{i}",
            password=None,
            first_name="Bedømmer",
            last_name=str(i),
            unit=outside,
            roles=[roles.KRITERIEBEDOMMER],
        )
        for i in (1, 2)
    ]
    owners = list(User.objects.filter(unit__path__startswith="/1/2/").order_by("pk")[:50])  # the first område
    today = dt.date.today()
    round_ = rounds.round_create(
        actor=people.coordinator,
        data={
            "title": "Benchmarkrunden",
            "opens_on": today - dt.timedelta(days=60),
            "application_deadline": today + dt.timedelta(days=1),
            "review_deadline": today + dt.timedelta(days=2),
            "committee_meeting_on": today + dt.timedelta(days=3),
        },
    )
    criteria_ids = [c.pk for c in active_criteria()]
    pejlemaerker = list(Pejlemaerke.objects.all())
    text = "Borgerne oplever for mange skift mellem medarbejdere, og vi vil prøve noget nyt sammen med dem. " * 3
    for n in range(applications):
        if n and n % 25 == 0:
            log(f"  {n} ansøgninger")
        owner = owners[n % len(owners)]
        initiative = lifecycle.initiative_create(
            owner=owner,
            copied_from=None,
            pejlemaerker=pejlemaerker[: 1 + n % 3],
            data={
                "title": f"Prøvehandling {n + 1}: {data.TITLE_WORDS_1[n % 12]} {data.TITLE_WORDS_2[n % 15]}",
                "summary": text,
                "problem": text,
                "idea": text,
                "hypothesis": text,
                "expected_effect": text,
                "owning_unit": owner.unit,
                "round": round_,
                "start_date": today - dt.timedelta(days=40),
                "end_date": today + dt.timedelta(days=140),
                "evaluation_date": today + dt.timedelta(days=170),
            },
            indicators=[
                {"name": "Dobbeltbesøg", "unit": "antal", "baseline": 40, "target": 10, "order": 0},
                {"name": "Tilfredshed", "unit": "%", "baseline": 60, "target": 80, "order": 1},
            ],
            rule_challenges=[{"rule": f"Lokal retningslinje {n}", "kind": "lokal_regel", "granted_by": "Direktionen"}]
            if n % 5 == 0
            else None,
        )
        lifecycle.initiative_submit(initiative_id=initiative.pk, actor=owner)
        criteria.reviewers_assign(
            initiative_id=initiative.pk,
            actor=people.coordinator,
            reviewers=reviewers,
            due_date=today + dt.timedelta(days=2),
            note="Benchmark",
        )
        for i, reviewer in enumerate(reviewers):
            assignment = ReviewAssignment.objects.get(initiative=initiative, reviewer=reviewer, decision__isnull=True)
            criteria.review_declare(assignment_id=assignment.pk, actor=reviewer)
            verdict = ["opfyldt", "delvist_opfyldt", "ikke_opfyldt"][(n + i) % 3]
            criteria.review_save(
                assignment_id=assignment.pk,
                actor=reviewer,
                submit=True,
                recommendation="godkend",
                comment="Begrundet anbefaling.",
                scores={pk: (verdict, "En begrundelse for vurderingen.") for pk in criteria_ids},
            )
        share = n % 20
        if share >= 17:
            continue  # 15 %: in review, both reviews in
        outcome = "afvis" if share >= 14 else "godkend"
        criteria.decision_record(
            initiative_id=initiative.pk,
            actor=people.coordinator,
            outcome=outcome,
            summary="Samlet begrundelse.",
            reasons={pk: ("opfyldt", "Offentlig begrundelse.") for pk in criteria_ids},
        )
        if outcome == "afvis":
            continue
        lifecycle.initiative_start(initiative_id=initiative.pk, actor=owner)
        indicators = list(initiative.indicators.all())
        for days, values in ((20, (35, 65)), (5, (28, 70))):
            services.status_report_create(
                initiative_id=initiative.pk,
                actor=owner,
                narrative="Det går fremad.",
                reported_on=today - dt.timedelta(days=days),
                measurements={i.pk: Decimal(v) for i, v in zip(indicators, values, strict=True)},
            )
        if share >= 4:
            continue  # 50 %: running (of which 10 % rejected above)
        services.evaluation_save(
            initiative_id=initiative.pk,
            actor=owner,
            submit=True,
            data={
                "effect_summary": text,
                "what_worked": text,
                "what_did_not": text,
                "advice": text,
                "recommended_outcome": ["skaleret", "videreført_med_justering", "stoppet"][n % 3],
                "reason": text,
                "follow_up": text,
            },
            indicator_results={0: (Decimal(12), ""), 1: (Decimal(75), "")},
            exemption_answers={r.pk: {"answer": "permanent"} for r in initiative.rule_challenges.all()},
        )
        services.evaluation_conclude(
            initiative_id=initiative.pk,
            actor=people.coordinator,
            outcome=["skaleret", "videreført_med_justering", "stoppet"][n % 3],
            note="Afsluttet.",
        )
    return round_, people


def _in_child(function, *args):
    """Run `function(*args)` in a forked process; return its result and peak RSS (MiB)."""
    from django.db import connections

    connections.close_all()  # the child opens its own connection
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()

    def target():
        result = function(*args)
        child.send((result, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))

    process = context.Process(target=target)
    process.start()
    result = parent.recv()
    process.join()
    return result


def _whole_report(report_id: int):
    """The whole report, with the time of each phase (read from its progress callbacks):
    data gathering, templating, then WeasyPrint's layout and PDF writing."""
    from results import report_data
    from results.models import GeneratedReport

    report = GeneratedReport.objects.get(pk=report_id)
    marks = [time.perf_counter()]
    rendered = report_data.report_pdf(report=report, progress=lambda percent, label: marks.append(time.perf_counter()))
    marks.append(time.perf_counter())
    # marks: start, data gathered (30 %), HTML rendered (45 %), laid out (85 %), written.
    data_s, template_s = marks[1] - marks[0], marks[2] - marks[1]
    return marks[-1] - marks[0], rendered.pages, len(rendered.content), data_s, template_s


def _weasyprint_alone(html: str):
    from results.pdf import html_to_pdf

    started = time.perf_counter()
    rendered = html_to_pdf(html)
    return time.perf_counter() - started, rendered.pages, len(rendered.content)


def _baseline():
    return None  # the forked process's own peak RSS is the figure


def measure(round_, people, repeat: int) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from initiatives.models import Initiative, Status
    from results import report_data
    from results.models import GeneratedReport

    report = GeneratedReport.objects.create(
        kind=GeneratedReport.Kind.ROUND,
        params={"round_id": round_.pk},
        title="Benchmark",
        generated_by=people.coordinator,
    )
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        html = report_data.report_html(report_data.report_data_for(report))
        gather_and_template = time.perf_counter() - started
    # Load WeasyPrint, fontconfig and the report fonts once before forking (with a small
    # document, so the parent stays small), so that neither measurement pays a cold start
    # the other does not; then alternate the two.
    trial = Initiative.objects.filter(status=Status.RUNNING).order_by("pk").first()
    report_data.initiative_onepager_pdf(initiative_id=trial.pk, private=True)
    _none, baseline_rss = _in_child(_baseline)
    whole, alone = [], []
    for _ in range(repeat):
        whole.append(_in_child(_whole_report, report.pk))
        alone.append(_in_child(_weasyprint_alone, html))
    whole_s = statistics.median(r[0][0] for r in whole)
    alone_s = statistics.median(r[0][0] for r in alone)
    portal_s = statistics.median(r[0][3] + r[0][4] for r in whole)
    pages, size = whole[0][0][1], whole[0][0][2]
    share = portal_s / whole_s * 100
    applications = Initiative.objects.filter(round=round_).count()
    onepager = []
    for _ in range(max(repeat, 5)):
        started = time.perf_counter()
        rendered = report_data.initiative_onepager_pdf(initiative_id=trial.pk, private=True)
        onepager.append(time.perf_counter() - started)
    return [
        "| Rapporter | sekunder | sider | største hukommelse | SQL |",
        "|---|---:|---:|---:|---:|",
        f"| Rundrapport, {applications} ansøgninger: hele rapporten (data, skabelon, WeasyPrint) | {whole_s:.2f} | "
        f"{pages} | {max(r[1] for r in whole):.0f} MiB (proces før: {baseline_rss:.0f} MiB) | {len(queries)} |",
        f"| Samme HTML i WeasyPrint alene | {alone_s:.2f} | {alone[0][0][1]} | {max(r[1] for r in alone):.0f} MiB | – |",
        f"| Heraf portalens andel: data og skabelon (i samme proces) | {portal_s:.2f} ({share:.1f} %) | – | – | – |",
        f"| Data og skabelon første gang i en ny proces (kold) | {gather_and_template:.2f} | – | – | {len(queries)} |",
        f"| Én side om én prøvehandling (median af {len(onepager)}) | {statistics.median(onepager):.2f} | "
        f"{rendered.pages} | – | – |",
        f"| PDF-størrelse, rundrapport | {size / 1024 / 1024:.1f} MiB | – | – | – |",
    ]


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    url = server_url()
    name = os.environ.get("BENCH_REPORTS_DATABASE") or f"bench_reports_{database_name(url)}"
    os.environ["DATABASE_URL"] = ensure_database(url, name)
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "slagelse_ou.settings")
    import django

    django.setup()
    import logging

    logging.getLogger("axes").setLevel(logging.WARNING)
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:  # the fill truncates: never anything but our own database
        cursor.execute("SELECT current_database()")
        if cursor.fetchone()[0] != name:
            raise SystemExit(f"Refusing to fill a database other than {name!r}.")
    call_command("migrate", verbosity=0, interactive=False)
    log(f"Benchmark-database: {name}; {args.applications} ansøgninger i én runde")
    started = time.perf_counter()
    # The set-up's notifications are not what is measured: keep them out of the broker.
    from slagelse_ou import services as portal_services

    portal_services.notifications_hand_off = lambda *, notification_ids: None
    round_, people = fill(args.applications)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"  data: {time.perf_counter() - started:.1f} s")
    for line in measure(round_, people, args.repeat):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
