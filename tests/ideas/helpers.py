"""Shared helpers for the ideas and openness tests."""

from __future__ import annotations

import time

from django.core import mail
from django.db import connection
from django.urls import reverse

from ideas import services, spam
from ideas.models import IdeaMail

CREATE = reverse("ideas:create")
# A value that must never leak. Letters and digits only, so it survives stemming unchanged
# (a tsvector holds it lower-cased; the search below is case-insensitive).
CANARY = "Kanarie7q9zX"
CANARY_EMAIL = "kanarie7q9zx@example.dk"

TEXT_TYPES = ("text", "character varying", "character", "json", "jsonb", "tsvector", "ARRAY")


def valid_post(**overrides) -> dict:
    """Form data as a person would send it, the form shown a minute ago."""
    data = {
        "title": "Fælles spisning for ensomme ældre",
        "description": "Ældre borgere spiser alene. Lad os invitere dem til fællesspisning på plejecentret.",
        "area": "aeldre_sundhed",
        "submitter_kind": "borger",
        "submitter_name": "",
        "email": "",
        "consent": "on",
        spam.HONEYPOT_FIELD: "",
        spam.STARTED_FIELD: spam.form_started_token(now=time.time() - 60),
    }
    data.update(overrides)
    return data


def submit(
    *,
    title: str = "Fælles spisning",
    description: str = "Spis sammen.",
    email: str = "",
    name: str = "",
    area: str = "aeldre_sundhed",
    kind: str = "borger",
    confirm: bool = True,
):
    """An idea through the service (and confirmed, when it has an address); returns (idea, token)."""
    idea, token = services.idea_submit(
        data={
            "title": title,
            "description": description,
            "area": area,
            "submitter_kind": kind,
            "submitter_name": name,
            "email": email,
        }
    )
    if email and confirm:
        idea = services.idea_confirm_email(idea_id=idea.pk)
    return idea, token


def deliver_mails() -> int:
    """Run the outbox as the worker would (the Celery path itself is tested with a real
    worker in tests/ideas/test_double_opt_in.py)."""
    sent = 0
    for pk in IdeaMail.objects.filter(sent_at__isnull=True).order_by("pk").values_list("pk", flat=True):
        sent += services.idea_mail_deliver(mail_id=pk)
    return sent


def mails_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def columns_containing(needle: str) -> list[str]:
    """Every `table.column` in the database whose text holds `needle` (case-insensitive):
    all tables, all text-like columns (text, varchar, JSON, tsvector, arrays)."""
    qn = connection.ops.quote_name
    hits = []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type = ANY(%s) ORDER BY table_name, column_name",
            [list(TEXT_TYPES)],
        )
        columns = cursor.fetchall()
        for table, column in columns:
            cursor.execute(f"SELECT 1 FROM {qn(table)} WHERE {qn(column)}::text ILIKE %s LIMIT 1", [f"%{needle}%"])
            if cursor.fetchone():
                hits.append(f"{table}.{column}")
    return hits
