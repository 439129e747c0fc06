from django.urls import path

from criteria import views

app_name = "criteria"

urlpatterns = [
    path("ledelse/", views.manager_queue, name="manager_queue"),
    path("proevehandlinger/<int:pk>/ledelsens-vurdering/", views.endorse, name="endorse"),
    path("proevehandlinger/<int:pk>/ledelsens-vurdering/gaa-videre/", views.escalate, name="escalate"),
    path("proevehandlinger/<int:pk>/bedoemmelse/", views.overview, name="overview"),
    path("proevehandlinger/<int:pk>/bedoemmere/", views.assign, name="assign"),
    path("proevehandlinger/<int:pk>/afgoerelse/", views.decide, name="decide"),
    path("bedoemmelser/", views.my_reviews, name="my_reviews"),
    path("bedoemmelser/<int:assignment_id>/", views.review, name="review"),
    path("bedoemmelser/<int:assignment_id>/erklaering/", views.review_declare, name="review_declare"),
    path("bedoemmelser/<int:assignment_id>/afslaa/", views.review_decline, name="review_decline"),
    path("bedoemmelser/<int:assignment_id>/fjern/", views.unassign, name="unassign"),
]
