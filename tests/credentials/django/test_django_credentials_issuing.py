"""Issuing: exactly one signed OpenBadgeCredential per learner and course, keys at rest,
did:web / did:key, key rotation."""

import json
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction

from credentials import receivers, selectors, services, tasks, vc
from credentials.checks import key_secret_set
from credentials.models import IssuedCredential, IssuerKey, StatusList
from credentials.verification import verify_data

pytestmark = pytest.mark.django_db
PUBLIC_SITE = "https://academy.example.org"


def test_issued_credential_is_an_open_badge_that_verifies(issue, learner):
    """The credential has the OB 3.0 shape the issue asks for and every check passes."""
    credential = issue()
    doc = json.loads(credential.document)
    assert doc["@context"][:2] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert doc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert doc["id"].endswith(f"/credentials/{credential.public_id}")
    assert doc["issuer"]["type"] == ["Profile"]
    assert doc["credentialSubject"]["type"] == ["AchievementSubject"]
    identifier = doc["credentialSubject"]["identifier"][0]
    assert identifier["hashed"] is True
    assert learner.email.lower() not in credential.document.lower()
    assert vc.matches_email(doc, "li.xiaoming@example.com")
    purposes = [entry["statusPurpose"] for entry in doc["credentialStatus"]]
    assert purposes == ["revocation", "suspension"]
    assert doc["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    achievement = doc["credentialSubject"]["achievement"]
    assert achievement["alignment"][0]["targetCode"] == "OT-PLC-01"
    assert achievement["creator"]["id"] == doc["issuer"]["id"]
    report = verify_data(credential.document)
    assert report.is_valid, [(c.name, c.outcome, c.message) for c in report.checks]


def test_issuing_twice_returns_the_same_credential(issue):
    """A second call (a re-run task) issues nothing new."""
    first = issue()
    second = issue()
    assert first.pk == second.pk
    assert IssuedCredential.objects.count() == 1


def test_database_refuses_a_second_credential_for_the_same_holder_and_template(issue):
    """The unique constraint is what makes concurrent runs safe."""
    credential = issue()
    duplicate = IssuedCredential(
        holder=credential.holder,
        template=credential.template,
        issuer_key=credential.issuer_key,
        document="{}",
        revocation_list=credential.revocation_list,
        revocation_index=credential.revocation_index + 1,
        suspension_list=credential.suspension_list,
        suspension_index=credential.suspension_index + 1,
        completed_at=credential.completed_at,
        issued_at=credential.issued_at,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_worker_dying_half_way_leaves_nothing_and_a_rerun_issues_once(learner, monkeypatch):
    """A crash before the commit rolls back the index allocation; the retry issues once."""
    calls = {"n": 0}
    real_sign = vc.sign_credential

    def dying_sign(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:  # two status lists are signed first, then the credential
            raise SystemExit("worker killed")
        return real_sign(*args, **kwargs)

    monkeypatch.setattr(vc, "sign_credential", dying_sign)
    with pytest.raises(SystemExit):
        tasks.credential_issue_task(learner.pk, "course", 101, "2026-11-01T09:30:00+00:00")
    assert IssuedCredential.objects.count() == 0
    monkeypatch.setattr(vc, "sign_credential", real_sign)
    tasks.credential_issue_task(learner.pk, "course", 101, "2026-11-01T09:30:00+00:00")
    tasks.credential_issue_task(learner.pk, "course", 101, "2026-11-01T09:30:00+00:00")
    assert IssuedCredential.objects.count() == 1
    assert StatusList.objects.get(purpose="revocation").allocated == 1


def test_course_completed_signal_issues_after_commit(learner, django_capture_on_commit_callbacks):
    """The receiver only enqueues; the credential exists once the transaction commits."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        receivers.on_course_completed(
            sender=None,
            user_id=learner.pk,
            course_page_id=101,
            completed_at=datetime(2026, 11, 1, tzinfo=UTC),
        )
        assert IssuedCredential.objects.count() == 0
    # one issuing task (issuing itself adds a cache clean-up for the new issuer key)
    assert len([c for c in callbacks if "credential_issue_task" in repr(c)]) == 1
    assert IssuedCredential.objects.filter(holder=learner).count() == 1


def test_program_completed_signal_issues_a_programme_credential(
    learner, django_capture_on_commit_callbacks
):
    """Programmes get their own template and credential."""
    with django_capture_on_commit_callbacks(execute=True):
        receivers.on_program_completed(
            sender=None,
            user_id=learner.pk,
            program_page_id=900,
            completed_at=datetime(2026, 11, 1, tzinfo=UTC),
        )
    credential = IssuedCredential.objects.get(holder=learner)
    assert credential.template.program_page_id == 900


def test_inactive_template_issues_nothing(learner):
    """Staff can switch a template off."""
    template = services.template_for("course", 101)
    template.is_active = False
    template.save()
    assert (
        services.credential_issue_for_completion(
            user_id=learner.pk, kind="course", page_id=101, completed_at=datetime.now(UTC)
        )
        is None
    )


def test_template_named_by_the_course_is_used(learner, fake_courses):
    """`credential_template_id` in the course summary picks the template."""
    chosen = services.template_for("course", 555)
    fake_courses.change(101, credential_template_id=chosen.pk)
    credential = services.credential_issue_for_completion(
        user_id=learner.pk, kind="course", page_id=101, completed_at=datetime.now(UTC)
    )
    assert credential.template_id == chosen.pk


def test_did_key_without_a_public_host(issue):
    """With SITE_URL on localhost the issuer is a did:key (the embedded default)."""
    credential = issue()
    assert credential.issuer_key.did.startswith("did:key:z6Mk")


def test_did_web_on_a_public_host_and_its_document(issue, settings, client):
    """With a public https SITE_URL the issuer is did:web, its DID document is served at the
    did:web path, and the credential verifies through it."""
    settings.SITE_URL = PUBLIC_SITE
    credential = issue()
    did = credential.issuer_key.did
    assert did == "did:web:academy.example.org:credentials:issuers:dgpoly"
    assert vc.did_web_path(did) == "/credentials/issuers/dgpoly/did.json"
    response = client.get("/credentials/issuers/dgpoly/did.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["id"] == did
    assert document["verificationMethod"][0]["type"] == "Multikey"
    assert "public, max-age=" in response["Cache-Control"]
    assert verify_data(credential.document).is_valid


def test_key_rotation_new_key_signs_and_old_credentials_still_verify(issue, settings, client):
    """After a rotation new credentials use the new key; old ones keep verifying because the
    DID document lists the retired key too."""
    settings.SITE_URL = PUBLIC_SITE
    old = issue(101)
    services.issuer_rotate_key(old.issuer_key.issuer_id)
    new = issue(102)
    assert new.issuer_key_id != old.issuer_key_id
    assert json.loads(new.document)["proof"]["verificationMethod"].endswith(
        new.issuer_key.public_multibase
    )
    document = json.loads(client.get("/credentials/issuers/dgpoly/did.json").content)
    listed = {m["publicKeyMultibase"] for m in document["verificationMethod"]}
    assert {old.issuer_key.public_multibase, new.issuer_key.public_multibase} <= listed
    assert verify_data(old.document).is_valid
    assert verify_data(new.document).is_valid


def test_rotation_is_seen_by_a_verifier_that_cached_the_did_document(issue, settings):
    """The did:web document is cached for the verifier; a new key clears it, so a credential
    signed with the new key verifies right after the rotation."""
    settings.SITE_URL = PUBLIC_SITE
    old = issue(101)
    for _ in range(2):
        assert verify_data(old.document).is_valid
    services.issuer_rotate_key(old.issuer_key.issuer_id)
    new = issue(102)
    report = verify_data(new.document)
    assert report.is_valid, [(c.name, c.code) for c in report.checks]
    assert verify_data(old.document).is_valid


def test_did_key_issuer_rotation_keeps_old_credentials_valid(issue):
    """A did:key issuer's old credentials (and their status lists) still verify."""
    old = issue(101)
    services.issuer_rotate_key(old.issuer_key.issuer_id)
    new = issue(102)
    assert new.issuer_key.did != old.issuer_key.did
    assert verify_data(old.document).is_valid
    assert verify_data(new.document).is_valid


def test_private_keys_are_encrypted_at_rest_and_never_published(issue, settings, client):
    """The stored token is not the key, needs the secret, and no page shows the key."""
    settings.SITE_URL = PUBLIC_SITE
    credential = issue()
    key = credential.issuer_key
    secret = vc.KeyPair.from_seed(services.issuer_keypair(key).seed())
    secret_multibase = vc.keys.private_key_to_multikey(secret.private_key)
    assert secret_multibase not in key.encrypted_private_key
    assert secret_multibase not in repr(key)
    settings.CREDENTIALS_KEY_SECRET = "another-secret-of-enough-length"
    with pytest.raises(vc.KeyDecryptionError):
        services.issuer_keypair(key)
    pages = [
        client.get(f"/credentials/{credential.public_id}.json").content,
        client.get("/credentials/issuers/dgpoly/did.json").content,
        client.get(credential.revocation_list.get_absolute_url()).content,
    ]
    for body in pages:
        assert secret_multibase.encode() not in body
        assert key.encrypted_private_key.encode() not in body


def test_issuing_refuses_to_run_without_a_key_secret(learner, settings):
    """No secret, no keys: a clear configuration error instead of unencrypted keys."""
    settings.CREDENTIALS_KEY_SECRET = ""
    with pytest.raises(ImproperlyConfigured):
        services.template_for("course", 101) and services.credential_issue(
            user_id=learner.pk,
            template_id=services.template_for("course", 101).pk,
            completed_at=datetime.now(UTC),
        )
    assert IssuerKey.objects.count() == 0


def test_deploy_check_requires_a_long_key_secret(settings):
    """`check --deploy` fails without a real CREDENTIALS_KEY_SECRET."""
    settings.CREDENTIALS_KEY_SECRET = "short"
    assert [e.id for e in key_secret_set(None)] == ["credentials.E001"]
    settings.CREDENTIALS_KEY_SECRET = "x" * 40
    assert key_secret_set(None) == []


def test_template_can_ask_for_an_extra_jcs_proof(issue):
    """`also_sign_jcs` adds an eddsa-jcs-2022 proof next to the eddsa-rdfc-2022 one."""
    credential = issue(also_sign_jcs=True)
    proofs = json.loads(credential.document)["proof"]
    assert [p["cryptosuite"] for p in proofs] == ["eddsa-rdfc-2022", "eddsa-jcs-2022"]
    assert verify_data(credential.document).is_valid


def test_validity_period_sets_valid_until(issue):
    """Skills that need recertification expire: validUntil = validFrom + the period."""
    credential = issue(valid_for_days=365)
    doc = json.loads(credential.document)
    assert doc["validUntil"] > doc["validFrom"]
    assert (credential.valid_until - credential.issued_at).days == 365


def test_status_indices_are_unique_and_not_sequential(issue, django_user_model):
    """Each credential gets its own index; the order does not reveal the issue order."""
    users = [
        django_user_model.objects.create_user(email=f"u{i}@example.com", password="x")
        for i in range(4)
    ]
    indices = [issue(101, user=user).revocation_index for user in users]
    assert len(set(indices)) == 4
    assert indices != sorted(indices) or indices[1] - indices[0] != 1


def test_wallet_selector_lists_only_the_holders_credentials(issue, learner, django_user_model):
    """Other people's credentials never appear in a wallet."""
    other = django_user_model.objects.create_user(email="other@example.com", password="x")
    mine = issue(101)
    issue(101, user=other)
    assert list(selectors.wallet_credentials(learner.pk)) == [mine]


def test_app_connects_to_the_courses_signal(
    learner, monkeypatch, django_capture_on_commit_callbacks
):
    """When courses provides `courses.signals`, sending `course_completed` (as courses does,
    once per user and course) issues the credential after the commit."""
    import sys
    import types

    from django.apps import apps
    from django.dispatch import Signal

    fake = types.ModuleType("courses.signals")
    fake.course_completed = Signal()
    fake.program_completed = Signal()
    if "courses.signals" not in sys.modules:
        monkeypatch.setitem(sys.modules, "courses.signals", fake)
        monkeypatch.setattr("importlib.util.find_spec", lambda name, *a: object())
        import courses

        monkeypatch.setattr(courses, "signals", fake, raising=False)
    signals = sys.modules["courses.signals"]
    apps.get_app_config("credentials").ready()
    with django_capture_on_commit_callbacks(execute=True):
        signals.course_completed.send(
            sender=None,
            user_id=learner.pk,
            course_page_id=101,
            completed_at=datetime(2026, 11, 1, tzinfo=UTC),
        )
    assert IssuedCredential.objects.filter(holder=learner).count() == 1


def test_staff_rotate_a_key_from_the_admin(issue, staff, client):
    """The issuers screen lists the keys and rotates on request."""
    old_key = issue().issuer_key
    client.force_login(staff)
    page = client.get("/admin/credentials/issued/issuers/")
    assert old_key.verification_method in page.content.decode()
    response = client.post("/admin/credentials/issued/issuers/", {"issuer": old_key.issuer_id})
    assert response.status_code == 302
    old_key.refresh_from_db()
    assert old_key.retired_at is not None
    assert old_key.issuer.current_key() != old_key


def test_did_web_keeps_a_site_url_path_prefix(issue, settings):
    """A site served under a path gets its did:web under that path too (did:web section 3.2)."""
    settings.SITE_URL = "https://edu.example.cn/academy/"
    credential = issue()
    assert credential.issuer_key.did == "did:web:edu.example.cn:academy:credentials:issuers:dgpoly"
    assert verify_data(credential.document).is_valid
