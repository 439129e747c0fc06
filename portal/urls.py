"""The root URLconf: every app's urls.py, mounted in one place (the top layer)."""

from django.contrib import admin
from django.urls import include, path

from portal import views

urlpatterns = [
    path("", views.home, name="home"),
    path("konto/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("slagelse_ou.urls")),
    path("dialogrum/", include("dialogrum.urls")),
    path("", include("initiatives.urls")),
    path("", include("criteria.urls")),
    path("", include("rounds.urls")),
    path("", include("ideas.urls")),
    path("", include("openness.urls")),
    path("", include("results.urls")),
]

handler403 = "slagelse_ou.views.permission_denied"
handler404 = "slagelse_ou.views.page_not_found"
handler500 = "slagelse_ou.views.server_error"
