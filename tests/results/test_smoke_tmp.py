from results import report_data
from results.models import GeneratedReport
from tests.results.conftest import pdf_pages


def test_smoke(build, initiator, round_, coordinator, team_member):
    a = build.running(owner=initiator, title="Morgenmøde", round_=round_)
    build.report(a, value="30")
    b = build.concluded(owner=initiator, title="Ældre på tværs", outcome="stoppet", round_=round_)
    c = build.submitted(owner=initiator, title="Ny idé", round_=round_)
    report = GeneratedReport.objects.create(kind="rundrapport", params={"round_id": round_.pk}, title="x", generated_by=coordinator)
    html = report_data.report_html(report_data.report_data_for(report))
    open("/tmp/report.html", "w").write(html)
    rendered = report_data.report_pdf(report=report)
    open("/tmp/report.pdf", "wb").write(rendered.content)
    for i, p in enumerate(pdf_pages(rendered.content)):
        print(i + 1, p[:400])
