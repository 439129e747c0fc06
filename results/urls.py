from django.urls import path

from results import views

app_name = "results"

urlpatterns = [
    path("proevehandlinger/<int:pk>/statusrapport/", views.status_report_create_view, name="status_report_create"),
    path("proevehandlinger/<int:pk>/evaluering/", views.evaluation_edit_view, name="evaluation_edit"),
    path("proevehandlinger/<int:pk>/afslut/", views.conclude_view, name="conclude"),
    path("dispensationer/<int:rule_id>/svar/", views.exemption_answer_view, name="exemption_answer"),
    path("proevehandlinger/<int:pk>/pdf/", views.initiative_pdf_view, name="initiative_pdf"),
    path("proevehandlinger/<int:pk>/kopier/", views.copy_view, name="copy"),
    path("vidensbank/", views.knowledge_view, name="knowledge"),
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("rapporter/", views.report_list_view, name="report_list"),
    path("rapporter/bestil/", views.report_create_view, name="report_create"),
    path("rapporter/<int:pk>/", views.report_detail_view, name="report_detail"),
    path("rapporter/<int:pk>/hent/", views.report_download_view, name="report_download"),
    path("rapporter/<int:pk>/igen/", views.report_regenerate_view, name="report_regenerate"),
]
