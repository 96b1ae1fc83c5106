"""Employer organisation pages, under /<language>/organisations/."""

from django.urls import path

from . import views

app_name = "organizations"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("redeem/", views.redeem, name="redeem"),
    path("join/<str:token>/", views.join, name="join"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("<slug:slug>/", views.membership, name="membership"),
    path("<slug:slug>/leave/", views.leave, name="leave"),
    path("<slug:slug>/manage/", views.manage, name="manage"),
    path("<slug:slug>/team/", views.team, name="team"),
    path("<slug:slug>/team.csv", views.team_csv, name="team_csv"),
]
