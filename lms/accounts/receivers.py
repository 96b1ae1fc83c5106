"""Signal receivers that write security-relevant events to the audit log."""

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import get_user_model
from django.contrib.auth import signals as auth_signals
from django.db.models.signals import m2m_changed

from .models import AuditEvent
from .services import audit_record


def _login(sender, request, user, **kwargs):
    audit_record(AuditEvent.Kind.LOGIN, actor=user, subject=user, request=request)


def _login_failed(sender, credentials, request=None, **kwargs):
    # Only the attempted address's domain is kept: enough to spot a campaign, no full address.
    attempted = str(credentials.get("email") or credentials.get("username") or "")
    audit_record(
        AuditEvent.Kind.LOGIN_FAILED,
        request=request,
        data={"domain": attempted.rpartition("@")[2][:100]},
    )


def _logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(AuditEvent.Kind.LOGOUT, actor=user, subject=user, request=request)


def _password_changed(sender, request, user, **kwargs):
    audit_record(AuditEvent.Kind.PASSWORD_CHANGED, actor=user, subject=user, request=request)


def _password_reset(sender, request, user, **kwargs):
    audit_record(AuditEvent.Kind.PASSWORD_RESET, actor=user, subject=user, request=request)


def _email_changed(sender, request, user, from_email_address=None, to_email_address=None, **kw):
    audit_record(
        AuditEvent.Kind.EMAIL_CHANGED,
        actor=user,
        subject=user,
        request=request,
        data={"to": getattr(to_email_address, "email", "")},
    )


def _mfa(kind):
    def receiver(sender, request, user, authenticator, **kwargs):
        audit_record(
            kind,
            actor=user,
            subject=user,
            request=request,
            data={"type": authenticator.type},
        )

    return receiver


_mfa_added = _mfa(AuditEvent.Kind.MFA_ADDED)
_mfa_removed = _mfa(AuditEvent.Kind.MFA_REMOVED)
_mfa_reset = _mfa(AuditEvent.Kind.MFA_RESET)
_mfa_failed = _mfa(AuditEvent.Kind.MFA_FAILED)


def _groups_changed(sender, instance, action, pk_set, reverse, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"} or reverse:
        return
    from django.contrib.auth.models import Group

    names = sorted(Group.objects.filter(pk__in=pk_set or []).values_list("name", flat=True))
    audit_record(
        AuditEvent.Kind.ROLE_CHANGED,
        subject=instance,
        data={"action": action.removeprefix("post_"), "groups": names},
    )


def connect() -> None:
    """Connect every receiver (called once from AppConfig.ready)."""
    uid = "lms.accounts.audit"
    auth_signals.user_logged_in.connect(_login, dispatch_uid=f"{uid}.login")
    auth_signals.user_login_failed.connect(_login_failed, dispatch_uid=f"{uid}.login_failed")
    auth_signals.user_logged_out.connect(_logout, dispatch_uid=f"{uid}.logout")
    account_signals.password_changed.connect(_password_changed, dispatch_uid=f"{uid}.pw")
    account_signals.password_reset.connect(_password_reset, dispatch_uid=f"{uid}.pwreset")
    account_signals.email_changed.connect(_email_changed, dispatch_uid=f"{uid}.email")
    mfa_signals.authenticator_added.connect(_mfa_added, dispatch_uid=f"{uid}.mfa_add")
    mfa_signals.authenticator_removed.connect(_mfa_removed, dispatch_uid=f"{uid}.mfa_rm")
    mfa_signals.authenticator_reset.connect(_mfa_reset, dispatch_uid=f"{uid}.mfa_reset")
    mfa_signals.authentication_failed.connect(_mfa_failed, dispatch_uid=f"{uid}.mfa_fail")
    m2m_changed.connect(
        _groups_changed, sender=get_user_model().groups.through, dispatch_uid=f"{uid}.groups"
    )
