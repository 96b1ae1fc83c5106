"""The learner's own account pages, beside allauth's under /<language>/accounts/."""

from django.urls import path

from . import views

urlpatterns = [
    path("profile/", views.profile, name="account_profile"),
    path("privacy/", views.privacy, name="account_privacy"),
    path("privacy/export/", views.export, name="account_export"),
    path("privacy/delete/", views.delete, name="account_delete"),
    path("talent-profile/", views.talent_edit, name="talent_edit"),
]
