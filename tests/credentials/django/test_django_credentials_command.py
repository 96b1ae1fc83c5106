"""`manage.py credentials list --json` and `credentials verify FILE_OR_URL`, and the demo."""

import io
import json
import sys
import types

import pytest
from django.core.management import call_command

from credentials import demo, services
from credentials.documents import baked_badge
from credentials.models import IssuedCredential

pytestmark = pytest.mark.django_db


def test_list_json(issue):
    """Every credential with id, public URL, holder, achievement and status."""
    credential = issue()
    out = io.StringIO()
    call_command("credentials", "list", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert rows == [
        {
            "id": str(credential.public_id),
            "url": services.absolute_url(credential.get_absolute_url()),
            "holder": credential.holder.email,
            "achievement": {"en": "PLC Programming 101", "zh-hans": "PLC 编程 101"},
            "issuer": credential.issuer_key.did,
            "issued_at": credential.issued_at.isoformat(),
            "valid_until": None,
            "status": "active",
            "shared": True,
        }
    ]


def test_verify_file_url_and_png(issue, tmp_path):
    """A JSON file, a baked PNG and the credential URL all print VALID."""
    credential = issue()
    json_file = tmp_path / "c.json"
    json_file.write_text(credential.document)
    png_file = tmp_path / "c.png"
    png_file.write_bytes(baked_badge(credential))
    for target in (
        str(json_file),
        str(png_file),
        services.absolute_url(credential.get_absolute_url()),
    ):
        out = io.StringIO()
        call_command("credentials", "verify", target, stdout=out)
        assert out.getvalue().startswith("VALID"), out.getvalue()


def test_verify_revoked_exits_non_zero(issue, staff):
    """A revoked credential prints INVALID with the revocation check and exits 1."""
    credential = issue()
    services.credential_status_change(credential.pk, action="revoke", reason="x", actor=staff)
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("credentials", "verify", str(credential.public_id), stdout=out)
    assert exit_info.value.code == 1
    assert "INVALID" in out.getvalue()
    assert "revocation" in out.getvalue()


def test_verify_garbage_file_prints_the_reason(tmp_path):
    """A broken file: a message, exit 1, no traceback."""
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("credentials", "verify", str(bad), stdout=out)
    assert out.getvalue().startswith("INVALID")


def test_rotate_key_command(issue):
    """`credentials rotate-key SLUG` gives the issuer a new current key."""
    old_key = issue().issuer_key
    out = io.StringIO()
    call_command("credentials", "rotate-key", "dgpoly", stdout=out)
    old_key.refresh_from_db()
    assert old_key.retired_at is not None
    assert "New key for dgpoly" in out.getvalue()


def test_demo_issues_a_valid_and_a_revoked_credential(django_user_model, monkeypatch):
    """The demo learner holds one valid and one revoked credential; running it again changes
    nothing."""
    django_user_model.objects.create_user(email=demo.DEMO_LEARNER_EMAIL, password="x")
    fake = types.ModuleType("courses.selectors")
    fake.completed_courses = lambda user_id: [101, 102]
    fake.lesson_records = lambda course_ids: []  # the fake courses have no lessons
    monkeypatch.setitem(sys.modules, "courses.selectors", fake)
    monkeypatch.setattr("courses.selectors", fake, raising=False)
    out = io.StringIO()
    demo.load(out)
    demo.load(out)
    statuses = sorted(IssuedCredential.objects.values_list("status", flat=True))
    assert statuses == ["active", "revoked"]
