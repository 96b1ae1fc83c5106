"""Opt-in public talent profiles: nothing public by default, live-verified credentials."""

import pytest

from lms.accounts.models import TalentProfile
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def workers(apps_fake):
    """Public Wang (PLC, Dongguan), public Li (revoked credential), private Zhao (PLC)."""
    wang, li, zhao = (UserFactory(display_name=n) for n in ("王强", "李娜", "赵敏"))
    wang_plc = apps_fake.add_credential(wang.pk, ("OT-PLC-ST",))
    li_revoked = apps_fake.add_credential(li.pk, ("OT-PLC-ST",), status="revoked", verified=True)
    zhao_plc = apps_fake.add_credential(zhao.pk, ("OT-PLC-ST",))
    TalentProfile.objects.create(
        user=wang, is_public=True, city="东莞", credential_ids=[wang_plc], headline="PLC 调试"
    )
    TalentProfile.objects.create(user=li, is_public=True, city="东莞", credential_ids=[li_revoked])
    private = TalentProfile.objects.create(user=zhao, city="东莞", credential_ids=[zhao_plc])
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
