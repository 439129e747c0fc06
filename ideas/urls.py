from django.urls import path

from ideas import views

app_name = "ideas"

urlpatterns = [
    path("ideer/", views.idea_public_list_view, name="public_list"),
    path("ideer/ny/", views.idea_create_view, name="create"),
    path("ideer/kvittering/", views.idea_receipt_view, name="receipt"),
    path("ideer/status/<str:token>/", views.idea_status_view, name="status"),
    path("ideer/bekraeft/<str:code>/", views.idea_confirm_view, name="confirm"),
    path("ideer/<int:pk>/", views.idea_public_detail_view, name="detail"),
    path("sekretariat/ideer/", views.triage_list_view, name="triage_list"),
    path("sekretariat/ideer/<int:pk>/", views.triage_detail_view, name="triage_detail"),
    path("sekretariat/ideer/<int:pk>/<slug:action>/", views.triage_action_view, name="triage_action"),
    path("sekretariat/persondata/", views.personal_data_view, name="personal_data"),
    path("proevehandlinger/lignende/", views.similar_view, name="similar"),
]
