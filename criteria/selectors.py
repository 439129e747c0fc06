from criteria.models import CriteriaSet, Criterion


def active_criteria() -> list[Criterion]:
    criteria_set = CriteriaSet.objects.active().first()
    return list(criteria_set.criteria.all()) if criteria_set else []
