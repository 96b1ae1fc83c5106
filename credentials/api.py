"""The JSON API: `POST /api/v1/verify`, documented by OpenAPI at /api/v1/docs.

Included by lms/urls.py as `path("api/v1/", api.urls)` (outside the language prefix).
"""

from typing import Any, Literal

from django.utils import translation
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from pydantic import Field, model_validator

from . import vc
from .ratelimit import client_limited
from .verification import Report, verify_data, verify_reference

api = NinjaAPI(
    title="OT/IT Academy credentials API",
    version="1",
    description=(
        "Verify Open Badges 3.0 credentials (W3C VC 2.0, Data Integrity eddsa-rdfc-2022 and "
        "eddsa-jcs-2022, Bitstring Status List). No login; rate limited per client."
    ),
    urls_namespace="credentials_api",
)


class VerifyIn(Schema):
    """Exactly one of `credential` (the JSON object) or `url` (a credential URL or this
    site's credential ID). Baked PNGs are verified on the web page."""

    credential: dict[str, Any] | None = Field(None, description="The credential JSON object.")
    url: str | None = Field(None, max_length=2000, description="A credential URL or ID.")
    email: str | None = Field(
        None, max_length=320, description="Optional: check the hashed e-mail identifier."
    )
    language: Literal["en", "zh-hans"] = Field("en", description="Language of `headline`.")

    @model_validator(mode="after")
    def _exactly_one(self):
        if (self.credential is None) == (self.url is None):
            raise ValueError("give exactly one of 'credential' or 'url'")
        return self


class CheckOut(Schema):
    """One check: name, outcome (passed, failed, unknown, not_applicable), messages."""

    name: str
    outcome: str
    code: str
    message: dict[str, str]
    detail: str = ""


class VerifyOut(Schema):
    """The verdict (valid, invalid, unverified) with every check and what the credential
    says. `unverified` means something could not be checked (never reported as valid)."""

    verdict: str
    headline: str
    message: dict[str, str] | None = None
    checks: list[CheckOut]
    summary: dict[str, Any] | None = None
    problem: str | None = None
    issuer_institution: str | None = None
    email_matches: bool | None = None
    credential_url: str | None = None


class ErrorOut(Schema):
    """An error message."""

    detail: str


@api.post(
    "/verify",
    response={200: VerifyOut, 429: ErrorOut},
    summary="Verify a credential",
    tags=["verification"],
)
def verify(request, payload: VerifyIn):
    """Verify an Open Badges 3.0 credential given as JSON or by URL/ID."""
    if client_limited(request, "credentials.api"):
        raise HttpError(429, "Too many requests; wait a minute.")
    with translation.override(payload.language):
        if payload.url is not None:
            report = verify_reference(payload.url, email=payload.email or "")
        else:
            report = verify_data(payload.credential, email=payload.email or "")
        return _out(report)


def _out(report: Report) -> dict[str, Any]:
    data = report.to_json()
    data["headline"] = report.headline
    data.setdefault("verdict", vc.Verdict.INVALID.value)
    data.setdefault("checks", [])
    return data
