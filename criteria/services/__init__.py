"""Every write for criteria sets, the manager's endorsement, reviews and decisions.

Views, admin actions and commands call these; `initiatives` never does (it sends its hook
signals, which `CriteriaConfig.ready` connects to `endorsement_request_notify`, and reads
the approve/reject/request_changes services from its action table). Each function that touches an
application locks its Initiative row first (`_lock`), so writes about one application
queue behind each other in one order and cannot deadlock or both pass a guard. Status
changes go through the lifecycle services in `initiatives.services`; everything else is
audited here in `CriteriaEvent`. Notifications are outbox rows written in the same
transaction (`notifications_create`) and handed to the worker on commit.
"""

from criteria.services._common import REVIEWER_PERM
from criteria.services.assignments import reviewer_unassign, reviewers_assign
from criteria.services.criteria_sets import (
    criteria_set_copy,
    criteria_set_create,
    criteria_set_publish,
    criterion_update,
)
from criteria.services.decisions import (
    decision_record,
    initiative_approve,
    initiative_reject,
    initiative_request_changes,
)
from criteria.services.endorsements import (
    endorsement_escalate,
    endorsement_record,
    endorsement_request_notify,
    endorsing_managers,
)
from criteria.services.reviews import review_declare, review_decline, review_problems, review_save

__all__ = [
    "REVIEWER_PERM",
    "criteria_set_copy",
    "criteria_set_create",
    "criteria_set_publish",
    "criterion_update",
    "decision_record",
    "endorsement_escalate",
    "endorsement_record",
    "endorsement_request_notify",
    "endorsing_managers",
    "initiative_approve",
    "initiative_reject",
    "initiative_request_changes",
    "review_declare",
    "review_decline",
    "review_problems",
    "review_save",
    "reviewer_unassign",
    "reviewers_assign",
]
