"""User pages of the credentials app (inside the language prefix): wallet and verification.

Included by lms/urls.py as `path("credentials/", include("credentials.urls"))` inside
i18n_patterns.
"""

from django.urls import path

from . import views

app_name = "credentials"

urlpatterns = [
    path("wallet/", views.wallet, name="wallet"),
    path("wallet/<uuid:public_id>/credential.json", views.wallet_json, name="wallet_json"),
    path("wallet/<uuid:public_id>/badge.png", views.wallet_png, name="wallet_png"),
    path("wallet/<uuid:public_id>/certificate.pdf", views.wallet_pdf, name="wallet_pdf"),
    path("wallet/<uuid:public_id>/share", views.wallet_share, name="wallet_share"),
    path("verify/", views.verify, name="verify"),
    path("verify/bulk/", views.bulk_start, name="bulk_start"),
    path("verify/bulk/<uuid:public_id>/", views.bulk_detail, name="bulk_detail"),
    path("verify/bulk/<uuid:public_id>/status", views.bulk_status, name="bulk_status"),
    path("verify/bulk/<uuid:public_id>/result.csv", views.bulk_result, name="bulk_result"),
]
