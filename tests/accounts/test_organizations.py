"""Employer organisations: creation, invitations, join links, sponsorship codes, consent."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.utils import timezone

from lms.accounts.models import AuditEvent
from lms.organizations import services
from lms.organizations.models import Membership, SeatRedemption
from lms.services import sponsorship_code_redeem
from tests.accounts.factories import OrganizationFactory, UserFactory, totp_for
from tests.accounts.fakes import NETWORKS, PLC, PROGRAMME, SECURITY

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    """An employer admin who already has a second factor (MFA is required for the role)."""
    user = UserFactory(display_name="陈经理")
    totp_for(user)
    return user


@pytest.fixture
def org(admin):
    return OrganizationFactory(admin=admin, name="Dongguan Mould Works")


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


# Creation and roles -------------------------------------------------------------------------


def test_create_organization_through_the_view(client, admin, apps_fake):
    """The creator becomes employer admin (role group and audit) and lands on the manage page."""
    client.force_login(admin)
    response = client.post(
        "/en/organisations/new/",
        {"name": "Humen Garments", "industry": "textiles", "size": "50-249", "city": "Humen"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=admin)
    assert membership.role == "admin" and membership.organization.city == "Humen"
    assert response.url == f"/en/organisations/{membership.organization.slug}/manage/"
    assert admin.groups.filter(name="Employer admin").exists()
    assert AuditEvent.objects.filter(kind="role_changed", subject=admin).exists()


def test_create_organization_with_missing_fields_shows_errors(client, admin):
    """An empty form is refused with field errors, nothing created."""
    client.force_login(admin)
    response = client.post("/en/organisations/new/", {"name": "", "industry": "gold"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() >= {"name", "industry", "size", "city"}
    assert not Membership.objects.exists()


def test_reserved_names_do_not_shadow_pages(admin):
    """An organisation called "New" does not take the /organisations/new/ address."""
    organization = OrganizationFactory(admin=admin, name="New")
    assert organization.slug != "new"


# Invitations and join links -----------------------------------------------------------------


def test_invitation_by_email_accepted_by_that_address(client, admin, org, apps_fake):
    """The invited worker follows the link, joins as a member, sharing nothing yet."""
    client.force_login(admin)
    with_callbacks = client.post(
        f"/en/organisations/{org.slug}/manage/",
        {"action": "invite", "invite-email": "worker@example.com", "invite-role": "member"},
    )
    assert with_callbacks.status_code == 302
    worker = UserFactory(email="worker@example.com")
    invitation = org.invitations.get()
    link = f"/en/organisations/invitations/{services.invitation_token(invitation)}/"
    client.force_login(worker)
    assert org.name in client.get(link).content.decode()
    response = client.post(link)
    assert response.status_code == 302
    membership = Membership.objects.get(user=worker, organization=org)
    assert (membership.share_progress, membership.share_credentials) == (False, False)
    again = client.post(link)
    assert again.status_code == 400
    assert "already been used" in again.content.decode()


def test_invitation_email_is_sent_in_the_invitees_language(
    admin, org, django_capture_on_commit_callbacks
):
    """An existing user who prefers Chinese gets the invitation in Chinese."""
    UserFactory(email="li@example.com", preferred_language="zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(org, admin, email="li@example.com")
    assert len(mail.outbox) == 1
    assert "/organisations/invitations/" in mail.outbox[0].body
    assert re.search(r"[\u4e00-\u9fff]", mail.outbox[0].subject)


def test_invitation_for_someone_else_is_refused(client, admin, org):
    """Only the invited address can use an invitation."""
    invitation = services.invitation_create(org, admin, email="invited@example.com")
    intruder = UserFactory(email="intruder@example.com")
    client.force_login(intruder)
    response = client.post(
        f"/en/organisations/invitations/{services.invitation_token(invitation)}/"
    )
    assert response.status_code == 400
    assert "another e-mail address" in response.content.decode()
    assert not Membership.objects.filter(user=intruder).exists()


@pytest.mark.parametrize(
    "token",
    [
        "not-a-token",
        signing.dumps({"i": 1, "o": 1}, salt="some-other-salt"),
        signing.dumps({"i": "x"}, salt=services.INVITATION_SALT) + "tampered",
    ],
)
def test_forged_invitation_tokens_are_refused(client, token):
    """Forged or tampered tokens get a clear message, never a crash or a membership."""
    client.force_login(UserFactory())
    response = client.get(f"/en/organisations/invitations/{token}/")
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert not Membership.objects.exists()


def test_join_link_joins_once_and_can_be_replaced(client, admin, org):
    """A join link makes a member; joining twice is refused; a new link kills the old one."""
    token = services.join_link_token(org)
    worker = UserFactory()
    client.force_login(worker)
    assert client.post(f"/en/organisations/join/{token}/").status_code == 302
    twice = client.post(f"/en/organisations/join/{token}/")
    assert twice.status_code == 400 and "already a member" in twice.content.decode()
    services.join_link_reset(org, admin)
    client.force_login(UserFactory())
    stale = client.post(f"/en/organisations/join/{token}/")
    assert stale.status_code == 400 and "has been replaced" in stale.content.decode()
    assert org.memberships.count() == 2


def test_expired_join_link_is_refused(client, org):
    """A join link older than 30 days no longer works."""
    token = services.join_link_token(org)
    client.force_login(UserFactory())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "JOIN_LINK_MAX_AGE", timedelta(seconds=-1))
        response = client.post(f"/en/organisations/join/{token}/")
    assert response.status_code == 400 and "expired" in response.content.decode()


# Sponsorship codes -----------------------------------------------------------------------------


def test_code_created_in_the_manage_page_shows_seats_used(client, admin, org, apps_fake):
    """The admin creates a code for chosen courses; the page shows seats used of seats."""
    client.force_login(admin)
    response = client.post(
        f"/en/organisations/{org.slug}/manage/",
        {"action": "code", "code-seats": "2", "code-courses": [str(PLC), str(NETWORKS)]},
    )
    assert response.status_code == 302
    code = org.sponsorship_codes.get()
    assert (code.seats, code.course_page_ids) == (2, [PLC, NETWORKS])
    sponsorship_code_redeem(code.code, UserFactory().pk, PLC)
    html = client.get(f"/en/organisations/{org.slug}/manage/").content.decode()
    assert code.code in html and "1 / 2" in html


def test_code_form_refuses_bad_input(client, admin, org, apps_fake):
    """Zero seats, unknown courses and a past expiry date are refused with messages."""
    client.force_login(admin)
    response = client.post(
        f"/en/organisations/{org.slug}/manage/",
        {
            "action": "code",
            "code-seats": "0",
            "code-courses": ["999"],
            "code-expires_on": "2001-01-01",
        },
    )
    assert response.status_code == 200
    errors = response.context["code_form"].errors
    assert errors.keys() == {"seats", "courses", "expires_on"}
    assert not org.sponsorship_codes.exists()


def test_worker_redeems_a_code_and_becomes_a_member(client, admin, org, apps_fake):
    """Using a code enrols through courses, takes a seat and makes the worker a member."""
    code = services.sponsorship_code_create(org, admin, seats=3, course_page_ids=[PLC])
    worker = UserFactory()
    client.force_login(worker)
    page = client.get("/en/organisations/redeem/", {"code": code.code.lower().replace("-", " ")})
    assert "PLC programming with IEC 61131-3" in page.content.decode()
    response = client.post("/en/organisations/redeem/", {"code": code.code, "course": PLC})
    assert response.status_code == 302
    assert response.url == f"/en/organisations/{org.slug}/"
    assert (worker.pk, PLC) in apps_fake.enrolments
    assert SeatRedemption.objects.filter(code=code, user=worker).count() == 1
    assert Membership.objects.get(user=worker, organization=org).role == "member"


def test_seats_cannot_be_exceeded_but_a_holder_may_reuse_the_code(admin, org, apps_fake):
    """Seats count workers: the holder can add a course, a new worker is refused when full."""
    code = services.sponsorship_code_create(
        org, admin, seats=1, course_page_ids=[PLC], program_page_ids=[PROGRAMME]
    )
    holder, late = UserFactory(), UserFactory()
    first = sponsorship_code_redeem(code.code, holder.pk, PLC)
    assert sponsorship_code_redeem(code.code, holder.pk, PLC) == first
    sponsorship_code_redeem(code.code, holder.pk, NETWORKS)  # via the programme
    with pytest.raises(ValidationError, match="All seats"):
        sponsorship_code_redeem(code.code, late.pk, PLC)
    assert code.redemptions.values("user").distinct().count() == 1


@pytest.mark.parametrize(
    ("change", "course", "message"),
    [
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, PLC, "expired"),
        ({"revoked_at": timezone.now()}, PLC, "withdrawn"),
        ({}, SECURITY, "does not cover"),
    ],
)
def test_expired_revoked_or_wrong_course_codes_are_refused(admin, org, change, course, message):
    """Each refusal says why, and no seat is taken."""
    code = services.sponsorship_code_create(org, admin, seats=5, course_page_ids=[PLC])
    type(code).objects.filter(pk=code.pk).update(**change)
    with pytest.raises(ValidationError, match=message):
        sponsorship_code_redeem(code.code, UserFactory().pk, course)
    assert not SeatRedemption.objects.exists()


def test_unknown_code_is_refused_in_the_page_and_guessing_is_rate_limited(client, apps_fake):
    """A mistyped code gets a message; many guesses in a minute get a 429."""
    client.force_login(UserFactory())
    response = client.get("/en/organisations/redeem/", {"code": "AAAAA-BBBBB"})
    assert "does not exist" in response.content.decode()
    statuses = [
        client.get("/en/organisations/redeem/", {"code": f"AAAAA-BBBB{i}"}).status_code
        for i in range(12)
    ]
    assert 429 in statuses


# Consent and the team view ------------------------------------------------------------------------


@pytest.fixture
def team(admin, org, apps_fake):
    """Two sponsored workers: Wang shares everything, Zhao shares nothing."""
    code = services.sponsorship_code_create(org, admin, seats=5, course_page_ids=[PLC, NETWORKS])
    wang = UserFactory(display_name="王强")
    zhao = UserFactory(display_name="赵敏")
    for worker in (wang, zhao):
        apps_fake.enrol(worker.pk, PLC, code.code)
    apps_fake.enrolments[(wang.pk, PLC)] = 60
    apps_fake.enrolments[(zhao.pk, PLC)] = 90
    apps_fake.add_credential(wang.pk, ("OT-PLC-ST",))
    apps_fake.add_credential(zhao.pk, ("OT-NET-MB",))
    services.consent_update(
        Membership.objects.get(user=wang), share_progress=True, share_credentials=True
    )
    return wang, zhao


def test_team_view_shows_only_consented_data(client, admin, org, team):
    """The employer sees Wang's progress and verified credential, nothing of Zhao."""
    client.force_login(admin)
    response = client.get(f"/en/organisations/{org.slug}/team/")
    html = response.content.decode()
    assert "王强" in html and "60%" in html and "PLC Programmer (Level 2)" in html
    assert "verified" in html
    assert "赵敏" not in html and "90%" not in html
    assert "2 members have not chosen to share anything." in html  # Zhao and the admin
    plc = next(s for s in response.context["report"].skills if s.code == "OT-PLC-ST")
    modbus = next(s for s in response.context["report"].skills if s.code == "OT-NET-MB")
    assert (plc.holders, plc.percent, modbus.holders) == (1, 100, 0)
    assert '<svg class="skills-chart"' in html and 'width="100"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html) and " style=" not in html


def test_withdrawn_consent_takes_effect_on_the_next_page_view(client, admin, org, team):
    """Once Wang withdraws consent in his page, the employer's next view no longer shows him."""
    wang, _zhao = team
    client.force_login(wang)
    response = client.post(
        f"/en/organisations/{org.slug}/", {"share_progress": "", "share_credentials": ""}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(kind="consent_changed", subject=wang).count() == 2
    client.force_login(admin)
    html = client.get(f"/en/organisations/{org.slug}/team/").content.decode()
    assert "王强" not in html and "60%" not in html
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/en/organisations/{org.slug}/team.csv").content.decode("utf-8-sig")
            )
        )
    )
    assert all("王强" not in row for row in rows)


def test_credentials_only_consent_hides_progress(client, admin, org, team, apps_fake):
    """Sharing credentials but not progress shows the credential and hides the percentage."""
    _wang, zhao = team
    services.consent_update(
        Membership.objects.get(user=zhao), share_progress=False, share_credentials=True
    )
    client.force_login(admin)
    html = client.get(f"/en/organisations/{org.slug}/team/").content.decode()
    assert "赵敏" in html and "90%" not in html


def test_team_csv_export(client, admin, org, team, apps_fake):
    """The CSV has the consenting member's course and credential, and the skills."""
    apps_fake.credentials[0]["achievement"]["en"] = '=HYPERLINK("http://evil")'
    client.force_login(admin)
    response = client.get(f"/en/organisations/{org.slug}/team.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Member", "Kind", "Title", "Progress %", "Status", "Verified"]
    assert ["王强", "course", "PLC programming with IEC 61131-3", "60", "in progress", ""] in rows
    credential = next(r for r in rows if r[1] == "credential")
    assert credential[2].startswith("'=") and credential[4:] == ["valid", "yes"]
    assert any(r[1] == "skill" and r[2].startswith("OT-PLC-ST") for r in rows)


def test_leaving_removes_the_employer_view_and_the_role(client, admin, org, team):
    """A member who leaves disappears from the team view; the last admin cannot leave."""
    wang, _ = team
    client.force_login(wang)
    assert client.post(f"/en/organisations/{org.slug}/leave/").status_code == 302
    assert not Membership.objects.filter(user=wang).exists()
    assert not wang.groups.filter(name="Employer member").exists()
    client.force_login(admin)
    response = client.post(f"/en/organisations/{org.slug}/leave/", follow=True)
    assert "last admin" in response.content.decode()
    assert Membership.objects.filter(user=admin).exists()


def test_pages_are_translated(client, admin, org, team):
    """The team view speaks Chinese on the Chinese site."""
    client.force_login(admin)
    html = client.get(f"/zh-hans/organisations/{org.slug}/team/").content.decode()
    assert "团队技能" in html and "已验证" in html


def test_expired_invitation_is_refused(client, admin, org):
    """An invitation link older than 14 days gets a clear message and makes no member."""
    invitation = services.invitation_create(org, admin, email="late@example.com")
    token = services.invitation_token(invitation)
    client.force_login(UserFactory(email="late@example.com"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "INVITATION_MAX_AGE", timedelta(seconds=-1))
        response = client.post(f"/en/organisations/invitations/{token}/")
    assert response.status_code == 400 and "has expired" in response.content.decode()
    assert not org.memberships.filter(user__email="late@example.com").exists()


def test_outsiders_cannot_tell_organisations_exist(client, org):
    """A non-member gets the same 404 for a real organisation and for an invented one."""
    client.force_login(UserFactory())
    for slug in (org.slug, "no-such-org"):
        for page in ("", "manage/", "team/", "team.csv"):
            assert client.get(f"/en/organisations/{slug}/{page}").status_code == 404


def test_redeem_page_says_why_a_code_cannot_be_used(client, admin, org, apps_fake):
    """A full code is refused on the check page already, before any course is offered."""
    code = services.sponsorship_code_create(org, admin, seats=1, course_page_ids=[PLC])
    sponsorship_code_redeem(code.code, UserFactory().pk, PLC)
    client.force_login(UserFactory())
    response = client.get("/en/organisations/redeem/", {"code": code.code})
    html = response.content.decode()
    assert "All seats of this sponsorship code have been taken." in html
    assert "course-choice" not in html
