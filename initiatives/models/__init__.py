"""The prøvehandling (trial initiative), its parts, its audit trail, its object permissions, and
the application rounds and milestones. One module per subject; everything is importable from
`initiatives.models` as before."""

from initiatives.models.history import (
    EVENT_LABELS,
    InitiativeEvent,
    InitiativeGroupObjectPermission,
    InitiativeUserObjectPermission,
)
from initiatives.models.parts import Attachment, ExternalPartner, Indicator, RuleChallenge, TeamMember, attachment_path
from initiatives.models.rounds import Milestone, Round, RoundQuerySet
from initiatives.models.trial import (
    EDITABLE_STATUSES,
    LIST_FIELDS,
    PUBLIC_STATUSES,
    TEAM_PERMISSION,
    Initiative,
    InitiativeQuerySet,
    Mantra,
    Outcome,
    Pejlemaerke,
    Status,
    TargetGroup,
    pejlemaerke_deleted,
    pejlemaerker_changed,
)

__all__ = [
    "TEAM_PERMISSION",
    "EDITABLE_STATUSES",
    "EVENT_LABELS",
    "LIST_FIELDS",
    "PUBLIC_STATUSES",
    "Attachment",
    "ExternalPartner",
    "Indicator",
    "Initiative",
    "InitiativeEvent",
    "InitiativeGroupObjectPermission",
    "InitiativeQuerySet",
    "InitiativeUserObjectPermission",
    "Mantra",
    "Milestone",
    "Outcome",
    "Pejlemaerke",
    "Round",
    "RoundQuerySet",
    "RuleChallenge",
    "Status",
    "TargetGroup",
    "TeamMember",
    "attachment_path",
    "pejlemaerke_deleted",
    "pejlemaerker_changed",
]
