"""The core's own pages: notifications and deadlines. Included by the root URLconf (portal.urls)."""

from django.urls import include, path

from slagelse_ou import views, views_deadlines

deadline_patterns = [
    path("frister/", views_deadlines.my_deadlines, name="mine"),
    path("sekretariat/overskredne-frister/", views_deadlines.overdue, name="overdue"),
    path("notifikationer/antal/", views_deadlines.notification_badge, name="notification_badge"),
    path("notifikationer/indstillinger/", views_deadlines.preferences, name="preferences"),
]

urlpatterns = [
    path("notifikationer/", views.notification_list, name="notifications"),
    path("", include((deadline_patterns, "deadlines"))),
]
