from django.urls import path

from dialogrum import views, views_meetings

app_name = "dialogrum"

urlpatterns = [
    path("", views.room_list, name="room_list"),
    path("kalender.ics", views_meetings.calendar_feed, name="calendar_feed"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/anmeldelse/<int:pk>/afvis/", views.report_dismiss, name="report_dismiss"),
    path("rum/ny/", views.room_create, name="room_create"),
    path("rum/<int:pk>/", views.room_detail, name="room_detail"),
    path("rum/<int:pk>/rediger/", views.room_edit, name="room_edit"),
    path("rum/<int:pk>/medlemmer/", views.room_members, name="room_members"),
    path("rum/<int:pk>/medlemmer/<int:user_id>/fjern/", views.room_member_remove, name="room_member_remove"),
    path("rum/<int:pk>/foelg/", views.room_follow, name="room_follow"),
    path("rum/<int:pk>/traad/ny/", views.thread_create, name="thread_create"),
    path("rum/<int:pk>/moeder/ny/", views_meetings.meeting_create, name="meeting_create"),
    path("proevehandling/<int:initiative_pk>/", views.initiative_room, name="initiative_room"),
    path("traad/<int:pk>/", views.thread_detail, name="thread_detail"),
    path("traad/<int:pk>/svar/", views.thread_reply, name="thread_reply"),
    path("traad/<int:pk>/foelg/", views.thread_follow, name="thread_follow"),
    path("indlaeg/<int:pk>/", views.post_permalink, name="post_permalink"),
    path("indlaeg/<int:pk>/rediger/", views.post_edit, name="post_edit"),
    path("indlaeg/<int:pk>/anmeld/", views.post_report, name="post_report"),
    path("indlaeg/<int:pk>/skjul/", views.post_hide, name="post_hide"),
    path("indlaeg/<int:pk>/gendan/", views.post_restore, name="post_restore"),
    path("moeder/<int:pk>/", views_meetings.meeting_detail, name="meeting_detail"),
    path("moeder/<int:pk>/rediger/", views_meetings.meeting_edit, name="meeting_edit"),
    path("moeder/<int:pk>/dagsorden/", views_meetings.agenda_add, name="agenda_add"),
    path("moeder/<int:pk>/dagsorden/<int:item_id>/fjern/", views_meetings.agenda_remove, name="agenda_remove"),
    path("moeder/<int:pk>/deltagere/", views_meetings.participation, name="participation"),
    path("moeder/<int:pk>/referat/", views_meetings.minutes_edit, name="minutes_edit"),
    path("moeder/<int:pk>/tilknyt/", views_meetings.minutes_attach, name="minutes_attach"),
    path("moeder/<int:pk>/dialogmoede.ics", views_meetings.meeting_ics, name="meeting_ics"),
]
