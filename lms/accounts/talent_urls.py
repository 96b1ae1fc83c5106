"""Public talent profiles and their search, under /<language>/talent/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.talent_search, name="talent_search"),
    path("<slug:slug>/", views.talent_public, name="talent_public"),
]
