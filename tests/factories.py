"""The one user factory of the test suite, with traits for the second factor and staff.

`UserFactory()` is a learner with a verified e-mail address and the password `PASSWORD`.
`UserFactory(totp=True)` also has an activated TOTP authenticator; staff users
(`UserFactory(is_staff=True)` or the trait `UserFactory(staff=True)`) get one too unless
`totp=False`, because staff must sign in with a second factor (ADR 0051) and tests that
reach the admin should test permissions, not the MFA redirect. `verified=False` leaves the
e-mail address unverified (or absent).
"""

import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.auth import get_user_model

PASSWORD = "correct-horse-battery-staple"

__all__ = ["PASSWORD", "UserFactory", "current_code", "totp_for"]


def totp_for(user) -> str:
    """Give `user` an activated TOTP authenticator (replacing one they had); returns its
    secret."""
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def current_code(secret: str) -> str:
    """The TOTP code valid right now for `secret`."""
    counter = int(time.time()) // 30
    return format_hotp_value(hotp_value(secret, counter))


class UserFactory(factory.django.DjangoModelFactory):
    """A user (see the module docstring for the traits)."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    class Params:
        staff = factory.Trait(is_staff=True, totp=True)

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    display_name = factory.Sequence(lambda n: f"User {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        if create:
            self.save()

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        """The TOTP secret is kept on the instance as `totp_secret` for tests that sign in."""
        if create and (extracted if extracted is not None else self.is_staff):
            self.totp_secret = totp_for(self)
