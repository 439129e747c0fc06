from django.contrib import admin
from django.urls import include, path

from slagelse_ou import views

urlpatterns = [
    path("", views.home, name="home"),
    path("konto/", include("django.contrib.auth.urls")),
    path("notifikationer/", views.notification_list, name="notifications"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("dialogrum/", include("dialogrum.urls")),
    path("", include("initiatives.urls")),
    path("", include("criteria.urls")),
    path("", include("initiatives.views_rounds")),
    path("", include("slagelse_ou.views_deadlines")),
    path("", include("ideas.urls")),
    path("", include("initiatives.opendata")),
    path("", include("results.urls")),
]

handler403 = "slagelse_ou.views.permission_denied"
handler404 = "slagelse_ou.views.page_not_found"
handler500 = "slagelse_ou.views.server_error"
