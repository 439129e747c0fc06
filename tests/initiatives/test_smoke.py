from initiatives.models import InitiativeEvent, Status


def test_an_initiative_can_be_driven_to_concluded_and_every_step_is_audited(initiative_in):
    initiative = initiative_in("afsluttet")
    assert initiative.status == Status.CONCLUDED
    actions = list(InitiativeEvent.objects.filter(initiative=initiative).values_list("action", flat=True))
    assert actions == ["create", "team_add", "submit", "approve", "start", "begin_evaluation", "conclude"]
