"""Every write in the dialogrum. Views, tasks and admin call these; nothing else saves a
room, thread, post, report, meeting or grant.

Each service checks its actor (read access is `dialogrum.permissions.can_view_room`, the
same rule the pages use), writes an append-only `DialogEvent` for anything a moderator or
an auditor may ask about (grants, visibility, edits, reports, moderation, meetings,
minutes), and writes notifications to the outbox in the same transaction, so a
notification exists exactly when its cause committed. Recipients are filtered by read
access at the time of writing: a follower who has lost access hears nothing.
"""

from dialogrum.services._common import MEETING_FIELDS, SCHEDULE_FIELDS, edit_window
from dialogrum.services.meetings import (
    agenda_item_add,
    agenda_item_remove,
    meeting_create,
    meeting_minutes_attach,
    meeting_minutes_save,
    meeting_participation_set,
    meeting_reminders_send,
    meeting_update,
)
from dialogrum.services.posts import (
    can_still_edit,
    post_edit,
    post_hide,
    post_reply,
    post_report,
    post_restore,
    report_dismiss,
    thread_create,
)
from dialogrum.services.rooms import (
    room_create,
    room_follow_set,
    room_for_initiative_ensure,
    room_member_invite,
    room_member_remove,
    room_update,
    thread_follow_set,
)

__all__ = [
    "MEETING_FIELDS",
    "SCHEDULE_FIELDS",
    "agenda_item_add",
    "agenda_item_remove",
    "can_still_edit",
    "edit_window",
    "meeting_create",
    "meeting_minutes_attach",
    "meeting_minutes_save",
    "meeting_participation_set",
    "meeting_reminders_send",
    "meeting_update",
    "post_edit",
    "post_hide",
    "post_reply",
    "post_report",
    "post_restore",
    "report_dismiss",
    "room_create",
    "room_follow_set",
    "room_for_initiative_ensure",
    "room_member_invite",
    "room_member_remove",
    "room_update",
    "thread_create",
    "thread_follow_set",
]
