"""System checks: refuse to run without the key-encryption secret outside DEBUG."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def key_secret_set(app_configs, **kwargs):
    """credentials.E001: CREDENTIALS_KEY_SECRET must be a long random value in production."""
    secret = getattr(settings, "CREDENTIALS_KEY_SECRET", "")
    if len(secret) >= 32:
        return []
    return [
        checks.Error(
            "CREDENTIALS_KEY_SECRET is missing or shorter than 32 characters.",
            hint="Set it in the environment to a long random value (for example "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`) and keep it: "
            "the issuers' private keys cannot be decrypted without it.",
            id="credentials.E001",
        )
    ]
