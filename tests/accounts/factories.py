"""Factories and helpers for accounts, MFA and organisations."""

import factory
from allauth.mfa.models import Authenticator

from lms.organizations import services as org_services
from lms.organizations.models import Organization
from tests.factories import PASSWORD, UserFactory, current_code, totp_for

__all__ = [
    "PASSWORD",
    "OrganizationFactory",
    "UserFactory",
    "current_code",
    "talent_profile",
    "totp_for",
]


class OrganizationFactory(factory.django.DjangoModelFactory):
    """An organisation created through the service, with `admin` as its employer admin."""

    class Meta:
        model = Organization

    @classmethod
    def _create(cls, model_class, admin=None, **kwargs):
        admin = admin or UserFactory()
        return org_services.organization_create(
            admin,
            name=kwargs.get("name", "东莞精密模具厂"),
            industry=kwargs.get("industry", "machinery"),
            size=kwargs.get("size", "10-49"),
            city=kwargs.get("city", "东莞"),
        )


def talent_profile(user, credential_ids=(), *, is_public=True, city="东莞", headline=""):
    """The worker's talent profile saved through the service (held credentials only)."""
    from lms.accounts.services import talent_profile_update

    return talent_profile_update(
        user, is_public=is_public, headline=headline, city=city, credential_ids=credential_ids
    )


def has_authenticator(user) -> bool:
    return Authenticator.objects.filter(user=user).exists()
