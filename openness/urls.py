from django.urls import path

from openness.feeds import PublicInitiativesFeed
from openness.views import (
    accessibility_page,
    ideas_csv,
    ideas_json,
    initiatives_csv,
    initiatives_json,
    opendata_page,
    privacy_page,
    rounds_ical,
)

app_name = "openness"

urlpatterns = [
    path("aabne-data/", opendata_page, name="index"),
    path("aabne-data/proevehandlinger.csv", initiatives_csv, name="initiatives_csv"),
    path("aabne-data/proevehandlinger.json", initiatives_json, name="initiatives_json"),
    path("aabne-data/ideer.csv", ideas_csv, name="ideas_csv"),
    path("aabne-data/ideer.json", ideas_json, name="ideas_json"),
    path("feeds/proevehandlinger.atom", PublicInitiativesFeed(), name="feed"),
    path("feeds/enheder/<int:unit_id>/proevehandlinger.atom", PublicInitiativesFeed(), name="unit_feed"),
    path("kalender/ansoegningsrunder.ics", rounds_ical, name="rounds_ical"),
    path("privatlivspolitik/", privacy_page, name="privacy"),
    path("tilgaengelighedserklaering/", accessibility_page, name="accessibility"),
]
