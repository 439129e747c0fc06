"""The root URLconf: every app's urls.py, mounted in one place (the top layer)."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal import views
from slagelse_ou.forms import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("sekretariat/fejlede-mails/", views.failed_mails, name="failed_mails"),
    path("konto/login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
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

handler400 = "slagelse_ou.views.bad_request"
handler403 = "slagelse_ou.views.permission_denied"
handler404 = "slagelse_ou.views.page_not_found"
handler500 = "slagelse_ou.views.server_error"
