"""The signed-in user and their model permissions, cached per user (ADR 0036).

Every page a learner opens loads their user row and, for the MFA policy
(`middleware.mfa_required`), their user and group permissions: three queries. With a shared
cache (`ACCOUNTS_USER_CACHE`, on when the cache is Redis) the authentication backends below
keep the user, with Django's own permission caches filled, in the cache. Django's
`auth.get_user` still checks the session's auth hash against the cached user, and every change
that matters removes or outdates the entry before the next request:

- saving or deleting the user (password change, deactivation, staff flag, e-mail...) deletes
  it; so does logging out;
- adding or removing a user's groups or permissions, a group's permissions, or deleting a
  group or a permission replaces the permissions token every entry is checked against.

Entries also expire after `ENTRY_SECONDS`, a bound for writes that bypass signals
(`QuerySet.update`). With a per-process cache the backends read the database as Django does,
since another process's change could not reach this process's copy.

Other apps may have small keys of their own read in the same cache round trip as the user
(`read_with_user`): courses reads the content and learner versions its cached pages are checked
against this way, so a learner's cached page needs no round trip of its own.
"""

from __future__ import annotations

import uuid

from allauth.account.auth_backends import AuthenticationBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction

PERMISSIONS_KEY = "accounts:permissions-token"
ENTRY_SECONDS = 300


# Keys read together with the user: name -> (keys_for(user_id), receive(found)).
_companions: dict[str, tuple] = {}


def read_with_user(name: str, keys_for, receive) -> None:
    """Read `keys_for(user_id)` from the cache in the same round trip as the signed-in user and
    call `receive(found)` with what was found (a dict of the keys present, including the
    user's own entry, which receivers leave alone). `name` makes registering idempotent."""
    _companions[name] = (keys_for, receive)


def _user_key(user_id) -> str:
    return f"accounts:user:{user_id}"


def enabled() -> bool:
    """Whether users are cached (only with a cache shared by every process)."""
    return getattr(settings, "ACCOUNTS_USER_CACHE", False)


def _permissions_token(cached) -> str:
    token = cached
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(PERMISSIONS_KEY, token, None):
            token = cache.get(PERMISSIONS_KEY) or token
    return token


def cached_user(backend: ModelBackend, user_id):
    """The active user `user_id` with their permissions loaded, from the cache when the entry
    is current; None when there is no such (active) user."""
    key = _user_key(user_id)
    extra = [k for keys_for, _receive in _companions.values() for k in keys_for(user_id)]
    found = cache.get_many([key, PERMISSIONS_KEY, *extra])
    for _keys_for, receive in _companions.values():
        receive(found)
    token = _permissions_token(found.get(PERMISSIONS_KEY))
    entry = found.get(key)
    if entry is not None and entry[0] == token:
        return entry[1]
    try:
        user = get_user_model()._default_manager.get(pk=user_id)
    except get_user_model().DoesNotExist:
        return None
    if not backend.user_can_authenticate(user):
        return None
    # Fills `_user_perm_cache`, `_group_perm_cache` and `_perm_cache`, which are pickled with
    # the user: `has_perm` then asks no query.
    backend.get_all_permissions(user)
    cache.set(key, (token, user), ENTRY_SECONDS)
    return user


def forget_user(user_id) -> None:
    """Drop the user's entry now and once more after the transaction commits (a request
    running meanwhile could have stored the row as it was before the change)."""
    key = _user_key(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def forget_permissions() -> None:
    """Outdate every entry (a group's or a user's permissions changed)."""
    cache.delete(PERMISSIONS_KEY)
    transaction.on_commit(lambda: cache.delete(PERMISSIONS_KEY))


class _CachedUserMixin:
    def get_user(self, user_id):
        if not enabled():
            return super().get_user(user_id)
        return cached_user(self, user_id)


class CachedModelBackend(_CachedUserMixin, ModelBackend):
    """Django's ModelBackend with the user taken from the cache (see module docstring)."""


class CachedAuthenticationBackend(_CachedUserMixin, AuthenticationBackend):
    """allauth's backend with the user taken from the cache (see module docstring)."""


# ---------------------------------------------------------------- invalidation


def _user_changed(sender, instance, **kwargs):
    forget_user(instance.pk)


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        forget_user(user.pk)


def _permissions_changed(sender, action=None, **kwargs):
    if action is None or action.startswith("post_"):
        forget_permissions()


def connect() -> None:
    """Connect the receivers that keep cached users current."""
    from django.contrib.auth import signals as auth_signals
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save

    user_model = get_user_model()
    uid = "accounts-usercache-"
    post_save.connect(_user_changed, sender=user_model, dispatch_uid=uid + "user-saved")
    post_delete.connect(_user_changed, sender=user_model, dispatch_uid=uid + "user-deleted")
    auth_signals.user_logged_out.connect(_logged_out, dispatch_uid=uid + "logout")
    for through in (
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
    ):
        m2m_changed.connect(_permissions_changed, sender=through, dispatch_uid=uid + str(through))
    for model in (Group, Permission):
        post_delete.connect(_permissions_changed, sender=model, dispatch_uid=uid + str(model))
