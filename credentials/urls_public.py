"""Machine endpoints and language-neutral URLs (outside the language prefix): credential
and achievement ids, status lists, DID documents and the QR-code target (the JSON API is credentials.api).

Included by lms/urls.py as `path("", include("credentials.urls_public"))` before
i18n_patterns.
"""

from django.urls import path

from . import views

app_name = "credentials_public"

urlpatterns = [
    path("credentials/<uuid:public_id>", views.credential_public, name="credential"),
    path(
        "credentials/<uuid:public_id>.json",
        views.credential_public,
        {"fmt": "json"},
        name="credential_json",
    ),
    path("credentials/achievements/<int:pk>", views.achievement_public, name="achievement"),
    path(
        "credentials/achievements/<int:pk>.json",
        views.achievement_public,
        {"fmt": "json"},
        name="achievement_json",
    ),
    path("credentials/status/<uuid:public_id>", views.status_list, name="status_list"),
    path(
        "credentials/issuers/<slug:slug>/did.json",
        views.issuer_did_document,
        name="issuer_did",
    ),
    path("verify/", views.verify_redirect, name="verify_redirect"),
]
