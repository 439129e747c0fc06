"""One read-only admin (slagelse_ou/admin_base.py) for every app's audited rows."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.contrib import admin

from criteria.models import ManagerEndorsement
from dialogrum.models import DialogEvent, Meeting, Post, PostReport, Room, Thread
from ideas.models import Idea, PersonalDataRequest
from initiatives.models import Initiative, Mantra, Pejlemaerke
from results.models import Evaluation, GeneratedReport, StatusReport
from slagelse_ou.admin_base import ReadOnlyAdmin
from slagelse_ou.models import OrgUnitEvent
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_APPS = ("initiatives", "criteria", "dialogrum", "ideas", "results")


@pytest.fixture
def superuser_request(rf, db):
    request = rf.get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    return request


@pytest.mark.parametrize(
    "model",
    [Initiative, Pejlemaerke, Mantra, ManagerEndorsement, Idea, PersonalDataRequest, OrgUnitEvent],
)
def test_audited_rows_cannot_be_added_changed_or_deleted_in_the_admin(superuser_request, model):
    model_admin = admin.site._registry[model]
    assert isinstance(model_admin, ReadOnlyAdmin)
    assert not model_admin.has_add_permission(superuser_request)
    assert not model_admin.has_change_permission(superuser_request)
    assert not model_admin.has_delete_permission(superuser_request)


@pytest.mark.parametrize(
    "model", [StatusReport, GeneratedReport, Evaluation, Post, Thread, Room, Meeting, PostReport, DialogEvent]
)
def test_rows_the_services_own_cannot_be_edited_or_deleted_in_the_admin(superuser_request, model):
    """Issue 13.8 (written first, seen failing): the admin could delete posts, threads, rooms,
    meetings, evaluations, status reports and reports, and edit thread titles."""
    model_admin = admin.site._registry[model]
    assert isinstance(model_admin, ReadOnlyAdmin)
    assert not model_admin.has_add_permission(superuser_request)
    assert not model_admin.has_change_permission(superuser_request)
    assert not model_admin.has_delete_permission(superuser_request)


def test_read_only_admin_is_written_once_in_the_core_which_imports_no_domain_app():
    definitions = []
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "node_modules" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        definitions += [
            str(path.relative_to(ROOT))
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef) and node.name == "ReadOnlyAdmin"
        ]
    assert definitions == ["slagelse_ou/admin_base.py"]
    core = ast.parse((ROOT / "slagelse_ou" / "admin_base.py").read_text())
    imported = [
        name
        for node in ast.walk(core)
        for name in (
            [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in getattr(node, "names", [])]
        )
        if isinstance(node, ast.Import | ast.ImportFrom)
    ]
    assert not [name for name in imported if name.split(".")[0] in DOMAIN_APPS]
