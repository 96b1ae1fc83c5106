"""Accounts glue around django-allauth: roles, MFA policy, audit log, privacy, talent profiles."""
