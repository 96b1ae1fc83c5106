"""Factories and helpers for accounts, MFA and organisations."""

import time

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)

from lms.organizations import services as org_services
from lms.organizations.models import Organization
from tests.lms.factories import PASSWORD, UserFactory

__all__ = [
    "PASSWORD",
    "OrganizationFactory",
    "UserFactory",
    "current_code",
    "talent_profile",
    "totp_for",
]


def totp_for(user) -> str:
    """Give `user` an activated TOTP authenticator; returns its secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def current_code(secret: str) -> str:
    """The TOTP code valid right now for `secret`."""
    counter = int(time.time()) // 30
    return format_hotp_value(hotp_value(secret, counter))


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
