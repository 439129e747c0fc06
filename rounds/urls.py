from django.urls import path

from rounds.views import milestone_done, milestone_list, round_detail, round_edit, round_list

app_name = "rounds"
urlpatterns = [
    path("ansoegningsrunder/", round_list, name="list"),
    path("ansoegningsrunder/ny/", round_edit, name="create"),
    path("ansoegningsrunder/<int:pk>/", round_detail, name="detail"),
    path("ansoegningsrunder/<int:pk>/rediger/", round_edit, name="edit"),
    path("proevehandlinger/<int:pk>/milepaele/", milestone_list, name="milestones"),
    path("proevehandlinger/<int:pk>/milepaele/<int:milestone_id>/naaet/", milestone_done, name="milestone_done"),
]
