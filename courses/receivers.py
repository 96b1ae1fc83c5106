"""Signal receivers of the courses app."""

from .models import Institution


def catalogue_page_saved(sender, instance, created=False, **kwargs):
    """A new translation of an institution's catalogue page gets the institution's permissions."""
    from .services import institution_setup

    if not created:
        return
    for institution in Institution.objects.filter(
        root_page__translation_key=instance.translation_key
    ):
        institution_setup(institution)


def institutions_set_up(sender, using="default", **kwargs):
    """post_migrate: institutions created before a role existed get it (e.g. the credential
    officers group), so roles are never added by hand. Every permission is created first,
    because apps later in INSTALLED_APPS have not had their own post_migrate yet."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from .services import institution_setup

    pending = list(
        Institution.objects.using(using).filter(
            credential_officers_group=None, root_page__isnull=False
        )
    )
    if not pending:
        return
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    for institution in pending:
        institution_setup(institution)
