"""Bulk verification: CSV in, Celery job with progress, CSV out."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from credentials import services
from credentials.models import BulkVerification

pytestmark = pytest.mark.django_db


def _csv(*rows: str) -> SimpleUploadedFile:
    text = "url\n" + "\n".join(rows) + "\n"
    return SimpleUploadedFile("list.csv", text.encode("utf-8"), "text/csv")


def test_bulk_job_runs_and_gives_a_result_csv(
    issue, staff, client, django_user_model, django_capture_on_commit_callbacks
):
    """Each row gets a verdict; the progress endpoint and the result CSV agree."""
    valid = issue()
    other = django_user_model.objects.create_user(email="o@example.com", password="x")
    revoked = issue(user=other)
    services.credential_status_change(revoked.pk, action="revoke", reason="x", actor=staff)
    rows = [services.absolute_url(valid.get_absolute_url()), str(revoked.public_id), "garbage"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/credentials/verify/bulk/", {"csv_file": _csv(*rows)})
    assert response.status_code == 302
    job = BulkVerification.objects.get()
    assert response["Location"] == f"/en/credentials/verify/bulk/{job.public_id}/"
    page = client.get(response["Location"])
    assert b"<progress" in page.content
    status = client.get(f"/en/credentials/verify/bulk/{job.public_id}/status").json()
    assert (status["state"], status["done"], status["total"], status["percent"]) == (
        "done",
        3,
        3,
        100,
    )
    result = client.get(status["result_url"])
    assert result["Content-Type"] == "text/csv"
    table = list(csv.reader(io.StringIO(result.content.decode("utf-8-sig"))))
    assert table[0][:2] == ["url", "verdict"]
    assert [row[1] for row in table[1:]] == ["valid", "invalid", "invalid"]
    assert "revoked" in table[2][6].lower()


def test_result_is_404_until_the_job_is_done(client):
    """No half-written results."""
    job = BulkVerification.objects.create(input_rows=["x"], total=1)
    assert client.get(f"/en/credentials/verify/bulk/{job.public_id}/result.csv").status_code == 404


@pytest.mark.parametrize(
    "content,message",
    [
        (b"\xff\xfe\x00garbage", "UTF-8"),
        (b"url\n\n", "no credential URLs"),
    ],
)
def test_bad_csv_files_get_a_clear_message(client, content, message):
    """Not UTF-8, or empty: a form error, no job."""
    upload = SimpleUploadedFile("x.csv", content, "text/csv")
    response = client.post("/en/credentials/verify/bulk/", {"csv_file": upload})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not BulkVerification.objects.exists()


def test_too_many_rows_are_refused(client, settings):
    """The row limit keeps one upload from occupying the workers for hours."""
    settings.CREDENTIALS_BULK_MAX_ROWS = 3
    response = client.post("/en/credentials/verify/bulk/", {"csv_file": _csv(*["a"] * 4)})
    assert response.status_code == 400
    assert "At most 3" in response.content.decode()


def test_huge_csv_is_cut_off_with_a_message(client):
    """A CSV far past the limit is not stored and the form says why."""
    upload = SimpleUploadedFile(
        "big.csv", b"url\n" + b"https://x.example/c\n" * 100_000, "text/csv"
    )
    response = client.post("/en/credentials/verify/bulk/", {"csv_file": upload})
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert not BulkVerification.objects.exists()


def test_a_job_that_crashes_is_marked_failed(client, monkeypatch):
    """The progress page stops waiting and says so when the job dies."""
    from credentials import tasks

    def crash(reference):
        raise RuntimeError("database went away")

    monkeypatch.setattr(tasks, "_row", crash)
    job = BulkVerification.objects.create(input_rows=["x"], total=1)
    with pytest.raises(RuntimeError):
        tasks.bulk_verify_task(job.pk)
    job.refresh_from_db()
    assert job.state == "failed"
    page = client.get(f"/en/credentials/verify/bulk/{job.public_id}/").content.decode()
    assert "stopped before the end" in page
    assert 'id="bulk-failed" class="message error" hidden' not in page
