"""Opt-in public talent profiles: nothing public by default, live-verified credentials."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lms.accounts.models import TalentCredential, TalentProfile
from tests.accounts.factories import UserFactory, talent_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def workers(apps_fake):
    """Public Wang (PLC, Dongguan), public Li (revoked credential), private Zhao (PLC)."""
    wang, li, zhao = (UserFactory(display_name=n) for n in ("王强", "李娜", "赵敏"))
    wang_plc = apps_fake.add_credential(wang.pk, ("OT-PLC-ST",))
    li_revoked = apps_fake.add_credential(li.pk, ("OT-PLC-ST",), status="revoked", verified=True)
    zhao_plc = apps_fake.add_credential(zhao.pk, ("OT-PLC-ST",))
    talent_profile(wang, [wang_plc], headline="PLC 调试")
    talent_profile(li, [li_revoked])
    private = talent_profile(zhao, [zhao_plc], is_public=False)
    return wang, li, zhao, private


def test_worker_turns_the_profile_on_with_held_credentials_only(client, apps_fake):
    """The form lists only the worker's credentials; a foreign id is dropped on save."""
    worker = UserFactory()
    own = apps_fake.add_credential(worker.pk)
    foreign = apps_fake.add_credential(UserFactory().pk)
    client.force_login(worker)
    assert not TalentProfile.objects.filter(user=worker, is_public=True).exists()
    response = client.post(
        "/en/accounts/talent-profile/",
        {"is_public": "on", "city": "Dongguan", "credential_ids": [own, foreign]},
    )
    assert response.status_code == 200  # the foreign choice is not a valid option
    response = client.post(
        "/en/accounts/talent-profile/",
        {"is_public": "on", "city": "Dongguan", "credential_ids": [own]},
    )
    assert response.status_code == 302
    profile = TalentProfile.objects.get(user=worker)
    assert profile.is_public and profile.credential_ids == [own]


def test_public_profile_shows_live_status(client, workers):
    """Anyone can open a public profile; each credential carries its verified status."""
    wang, li, _zhao, _private = workers
    html = client.get(f"/en/talent/{wang.talent_profile.slug}/").content.decode()
    assert "王强" in html and "PLC Programmer (Level 2)" in html and "verified" in html
    html = client.get(f"/en/talent/{li.talent_profile.slug}/").content.decode()
    assert "revoked" in html and ">verified<" not in html


def test_private_and_unknown_profiles_are_indistinguishable(client, workers):
    """A private profile answers exactly like one that does not exist (no enumeration)."""
    *_, private = workers
    hidden = client.get(f"/en/talent/{private.slug}/")
    unknown = client.get("/en/talent/no-such-profile-xyz/")
    assert hidden.status_code == unknown.status_code == 404
    assert "赵敏" not in hidden.content.decode()


def test_search_by_skill_level_and_city_finds_only_public_verified(client, workers):
    """Searching PLC skills in Dongguan finds Wang, not revoked Li nor private Zhao."""
    client.force_login(UserFactory())
    html = client.get("/en/talent/", {"skill": "plc", "level": "2", "city": "东莞"}).content
    html = html.decode()
    assert "王强" in html and "李娜" not in html and "赵敏" not in html
    assert "1 profile" in html
    by_name = client.get("/zh-hans/talent/", {"skill": "结构化文本"}).content.decode()
    assert "王强" in by_name and "1 份档案" in by_name
    wrong_level = client.get("/en/talent/", {"skill": "plc", "level": "3"}).content.decode()
    assert "0 profiles" in wrong_level
    elsewhere = client.get("/en/talent/", {"city": "Shenzhen"}).content.decode()
    assert "0 profiles" in elsewhere


def test_search_needs_login_and_is_rate_limited(client, workers):
    """Anonymous visitors are sent to log in; scraping runs into a 429."""
    assert client.get("/en/talent/", {"skill": "plc"}).status_code == 302
    client.force_login(UserFactory())
    statuses = {client.get("/en/talent/", {"skill": f"plc{i}"}).status_code for i in range(35)}
    assert 429 in statuses


def _bulk_profiles(apps_fake, count, *, skill, public=True, city="东莞", prefix="w"):
    """`count` workers with a profile showing one credential with `skill`, made in bulk."""
    User = get_user_model()
    users = User.objects.bulk_create(
        User(email=f"{prefix}{n}@bulk.example.cn", display_name=f"{prefix}-{n:04d}")
        for n in range(count)
    )
    profiles = TalentProfile.objects.bulk_create(
        TalentProfile(user=user, is_public=public, city=city) for user in users
    )
    TalentCredential.objects.bulk_create(
        TalentCredential(
            profile=profile, credential_id=apps_fake.add_credential(profile.user_id, (skill,))
        )
        for profile in profiles
    )
    return profiles


def _names(response) -> set[str]:
    return set(re.findall(r">((?:match|other|hidden)-\d{4})<", response.content.decode()))


def test_search_finds_every_match_among_many_profiles_page_by_page(client, apps_fake):
    """With 560 profiles, the 45 oldest ones holding Modbus are all found (in 3 pages); the
    500 newer profiles without it and the private ones never appear."""
    matching = _bulk_profiles(apps_fake, 45, skill="OT-NET-MB", prefix="match")
    _bulk_profiles(apps_fake, 5, skill="OT-NET-MB", public=False, prefix="hidden")
    others = _bulk_profiles(apps_fake, 510, skill="OT-PLC-ST", prefix="other")
    TalentProfile.objects.filter(pk__in=[p.pk for p in matching]).update(
        updated_at=timezone.now() - timedelta(days=30)
    )
    assert TalentProfile.objects.count() == 560 and len(others) == 510
    client.force_login(UserFactory())

    found = set()
    for page in (1, 2, 3):
        response = client.get("/en/talent/", {"skill": "modbus", "level": "2", "page": page})
        assert "45 profiles" in response.content.decode()
        found |= _names(response)
    assert found == {f"match-{n:04d}" for n in range(45)}
    everyone = client.get("/en/talent/", {"city": "东莞"}).content.decode()
    assert "555 profiles" in everyone and "hidden-" not in everyone


def test_search_query_count_does_not_grow_with_the_results(client, apps_fake):
    """A search matching 600 profiles costs the same queries as one matching 3 (no query per
    profile shown, none per profile matched)."""
    _bulk_profiles(apps_fake, 3, skill="OT-SEC-62443", prefix="match")
    _bulk_profiles(apps_fake, 600, skill="OT-PLC-ST", prefix="other")
    client.force_login(UserFactory())
    client.get("/en/talent/")  # the signed-in user is cached from the first request on
    with CaptureQueriesContext(connection) as few:
        response = client.get("/en/talent/", {"skill": "62443"})
    assert "3 profiles" in response.content.decode()
    with CaptureQueriesContext(connection) as many:
        response = client.get("/en/talent/", {"skill": "OT-PLC"})
    assert "600 profiles" in response.content.decode()
    assert len(many) == len(few)


def test_search_with_the_real_credentials_app_follows_revocation(client):
    """With credentials really issued (no fake), the search finds the holder by skill, shows
    the credential verified, and stops finding them once the credential is revoked."""
    from credentials import services as credential_services
    from tests.courses.factories import SkillFactory, make_course, make_institution

    modbus = SkillFactory(code="OT-NET-MB", name_en="Modbus networks", name_zh="Modbus 网络")
    course = make_course(make_institution("dgpoly", "Dongguan Polytechnic"), "Modbus TCP")
    course.skills.add(modbus)
    course.save_revision().publish()
    worker = UserFactory(display_name="陈静")
    template = credential_services.template_for("course", course.pk)
    credential = credential_services.credential_issue(
        user_id=worker.pk, template_id=template.pk, completed_at=timezone.now()
    )
    talent_profile(worker, [str(credential.public_id)])
    assert worker.talent_profile.credential_ids == [str(credential.public_id)]

    client.force_login(UserFactory())
    html = client.get("/en/talent/", {"skill": "modbus", "city": "东莞"}).content.decode()
    assert "1 profile" in html and "陈静" in html and ">verified<" in html
    credential_services.credential_status_change(
        credential.pk, action="revoke", reason="Issued by mistake."
    )
    html = client.get("/en/talent/", {"skill": "modbus"}).content.decode()
    assert "0 profiles" in html and "陈静" not in html
