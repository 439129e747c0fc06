from django.urls import path

from initiatives import views

app_name = "initiatives"

urlpatterns = [
    path("proevehandlinger/", views.public_list, name="public_list"),
    path("proevehandlinger/ny/", views.initiative_create_view, name="create"),
    path("proevehandlinger/valider/", views.validate_field_view, name="validate"),
    path("proevehandlinger/<int:pk>/", views.detail, name="detail"),
    path("proevehandlinger/<int:pk>/rediger/", views.initiative_edit_view, name="edit"),
    path(
        "proevehandlinger/<int:pk>/handling/<slug:action>/",
        views.transition_view,
        name="transition",
    ),
    path("proevehandlinger/<int:pk>/team/", views.team_add_view, name="team_add"),
    path("proevehandlinger/<int:pk>/team/forslag/", views.team_matches_view, name="team_matches"),
    path(
        "proevehandlinger/<int:pk>/team/<int:member_id>/fjern/",
        views.team_remove_view,
        name="team_remove",
    ),
    path("proevehandlinger/<int:pk>/bilag/", views.attachment_upload_view, name="attachment_upload"),
    path("bilag/<int:attachment_id>/", views.attachment_download_view, name="attachment_download"),
    path("mine/", views.mine, name="mine"),
    path("sagsbehandling/", views.staff_list, name="staff_list"),
]
